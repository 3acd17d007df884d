/**
 * Puts a `PacketLink` under a stack that runs on a real-time clock: an
 * interface of the link's medium and MTU whose frames go to the link, and
 * whose arriving frames enter the stack at the clock's time, after which the
 * stack is polled by its next deadline (as ./sim/host.ts does for a
 * simulated link).
 */
import { parseCidr } from '../stack/address.js';
import type { NetInterface } from '../stack/interface.js';
import type { PacketLink } from './packet-link.js';
import type { SimHost } from './sim/host.js';

export interface AttachOptions {
  /** The interface's name. Default `eth0`, `eth1`, ... by position. */
  name?: string;
  /** Its MAC on an Ethernet link. Default a locally administered one made from the addresses. */
  mac?: Uint8Array;
  /** `10.78.0.2/24`, `fd78::2/64`, ... */
  addresses?: readonly string[];
  /** Default routes: a gateway per family (`10.78.0.1`, `fd78::1`), reached on this link. */
  gateways?: readonly string[];
}

/**
 * A locally administered unicast MAC (02:...) that depends only on `seed`
 * text, so the same configuration gets the same MAC on every run.
 */
export function macFromText(seed: string): Uint8Array {
  // FNV-1a, 32 bits, twice with different offsets: enough spread for a handful of hosts.
  const hash = (basis: number): number => {
    let h = basis >>> 0;
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  };
  const a = hash(0x811c9dc5);
  const b = hash(0x050c5d1f);
  return Uint8Array.of(0x02, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, b & 0xff);
}

export function attachLink(
  host: SimHost,
  link: PacketLink,
  options: AttachOptions = {},
): NetInterface {
  const stack = host.stack;
  const addresses = options.addresses ?? [];
  for (const address of addresses) {
    if (parseCidr(address) === null) throw new TypeError(`not an address/prefix: '${address}'`);
  }
  const iface = stack.addInterface({
    name: options.name ?? `eth${stack.interfaces.length - 1}`,
    medium: link.medium,
    mac: link.medium === 'ethernet' ? (options.mac ?? macFromText(addresses.join(','))) : undefined,
    mtu: link.mtu,
    transmit: (frame) => link.send(frame),
  });
  link.onframe = (frame) => {
    stack.input(iface, frame, host.clock.now());
    host.reschedule();
  };
  for (const address of addresses) stack.addAddress(iface, address);
  for (const gateway of options.gateways ?? []) {
    stack.addRoute(gateway.includes(':') ? '::/0' : '0.0.0.0/0', gateway, iface);
  }
  return iface;
}
