/**
 * The test driver of the differential tests: a fake peer at 10.78.0.2 on a
 * bare-IP link to the device under test (10.78.0.1), in the manner of
 * gVisor's packetimpact. It writes crafted IPv4 TCP segments and reads what
 * comes back; everything else on the link (IPv6 router solicitations, ...)
 * is ignored.
 */
import { pseudoHeaderSum } from '../../../src/wire/checksum.js';
import { WireError } from '../../../src/wire/errors.js';
import { emitIpv4, IP_PROTO_TCP, parseIpv4 } from '../../../src/wire/ipv4.js';
import {
  emitTcp,
  parseTcp,
  type TcpOptions,
  type TcpSegment,
  tcpHeaderLength,
} from '../../../src/wire/tcp.js';

export const DUT_ADDRESS = Uint8Array.of(10, 78, 0, 1);
export const DRIVER_ADDRESS = Uint8Array.of(10, 78, 0, 2);

export interface Outgoing {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  options?: TcpOptions;
  payload?: Uint8Array;
}

export class Driver {
  /** Segments received and not yet taken by an `expect`, oldest first. */
  private inbox: TcpSegment[] = [];
  private waiters: Array<() => void> = [];
  private readonly write: (packet: Uint8Array) => void;

  constructor(write: (packet: Uint8Array) => void) {
    this.write = write;
  }

  /** A packet from the device under test. */
  receive(packet: Uint8Array): void {
    if (packet.length === 0 || packet[0]! >>> 4 !== 4) return;
    const ip = parseIpv4(packet, { verifyChecksum: true });
    if (ip instanceof WireError || ip.protocol !== IP_PROTO_TCP) return;
    const seg = parseTcp(
      ip.payload,
      pseudoHeaderSum(ip.src, ip.dst, IP_PROTO_TCP, ip.payload.length),
    );
    if (seg instanceof WireError) return;
    this.inbox.push({ ...seg, payload: seg.payload.slice() });
    for (const wake of this.waiters.splice(0)) wake();
  }

  send(o: Outgoing): void {
    const payload = o.payload ?? new Uint8Array(0);
    const tcpLength = tcpHeaderLength(o.options) + payload.length;
    const packet = new Uint8Array(20 + tcpLength);
    emitIpv4(packet, 0, {
      identification: 0,
      ttl: 64,
      protocol: IP_PROTO_TCP,
      src: DRIVER_ADDRESS,
      dst: DUT_ADDRESS,
      payloadLength: tcpLength,
      dontFragment: true,
    });
    packet.set(payload, 20 + tcpHeaderLength(o.options));
    emitTcp(
      packet,
      20,
      {
        srcPort: o.srcPort,
        dstPort: o.dstPort,
        seq: o.seq >>> 0,
        ack: (o.ack ?? 0) >>> 0,
        flags: o.flags,
        window: o.window ?? 65535,
        options: o.options,
      },
      payload.length,
      pseudoHeaderSum(DRIVER_ADDRESS, DUT_ADDRESS, IP_PROTO_TCP, tcpLength),
    );
    this.write(packet);
  }

  /** The first segment (received or arriving within `timeoutMs`) that `match` accepts, or null. */
  async expect(match: (s: TcpSegment) => boolean, timeoutMs: number): Promise<TcpSegment | null> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = end - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every segment `match` accepts within `ms` (waits the whole time). */
  async collect(match: (s: TcpSegment) => boolean, ms: number): Promise<TcpSegment[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const out = this.inbox.filter(match);
    this.inbox = this.inbox.filter((s) => !match(s));
    return out;
  }

  /** Forgets what arrived so far. */
  clear(): void {
    this.inbox = [];
  }
}
