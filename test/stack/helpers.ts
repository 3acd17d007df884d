/** Two simulated hosts on one link (or more on a switch), for stack tests under virtual time. */

import type { Capture } from '../../src/link/capture.js';
import type { SimHost } from '../../src/link/sim/host.js';
import type { LinkConditions, SimLink } from '../../src/link/sim/link.js';
import { SimNetwork } from '../../src/link/sim/network.js';
import { type IpAddr, parseIp } from '../../src/stack/address.js';
import type { NetInterface } from '../../src/stack/interface.js';
import type { UdpSocket } from '../../src/stack/udp.js';

export interface Pair {
  net: SimNetwork;
  link: SimLink;
  a: SimHost;
  b: SimHost;
  ethA: NetInterface;
  ethB: NetInterface;
  capture: Capture;
}

export function twoHosts(
  options: { seed?: number; conditions?: Partial<LinkConditions> } = {},
): Pair {
  const net = new SimNetwork({ seed: options.seed ?? 1 });
  const link = net.link(options.conditions ?? {});
  const a = net.host('a');
  const b = net.host('b');
  const ethA = a.attach(link.a, net.nextMac(), ['10.0.0.1/24', 'fd00::1/64']);
  const ethB = b.attach(link.b, net.nextMac(), ['10.0.0.2/24', 'fd00::2/64']);
  const capture = net.capture();
  return { net, link, a, b, ethA, ethB, capture };
}

export function ip(text: string): IpAddr {
  const out = parseIp(text);
  if (out === null) throw new Error(`bad address ${text}`);
  return out;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

export interface Received {
  data: string;
  from: string;
  port: number;
}

/** Records what a socket receives, as text. */
export function collect(sock: UdpSocket): Received[] {
  const out: Received[] = [];
  sock.ondatagram = (data, src, port) => {
    out.push({ data: str(data), from: formatAddr(src), port });
  };
  return out;
}

export function formatAddr(a: IpAddr): string {
  if (a.length === 4) return a.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
