/**
 * TCP on the simulated wire, for tests: decoding captured frames
 * (Ethernet → IPv4 / IPv6 → TCP, checksum checked) with wirestack's own
 * parsers, building raw frames to inject (a blind attacker on the link),
 * dropping or rewriting chosen segments through a link filter, running the
 * clock until a condition holds (bounded), and running tshark on a capture.
 */
import { execFileSync } from 'node:child_process';
import type { SimLink } from '../../src/link/sim/link.js';
import type { SimNetwork } from '../../src/link/sim/network.js';
import type { IpAddr } from '../../src/stack/address.js';
import { finishChecksum, pseudoHeaderSum, sumBytes } from '../../src/wire/checksum.js';
import { WireError } from '../../src/wire/errors.js';
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  emitEthernet,
  parseEthernet,
} from '../../src/wire/ethernet.js';
import { emitIpv4, IP_PROTO_TCP, parseIpv4 } from '../../src/wire/ipv4.js';
import { emitIpv6, parseIpv6 } from '../../src/wire/ipv6.js';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW, parsePcap } from '../../src/wire/pcap.js';
import {
  emitTcp,
  parseTcp,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type TcpFields,
  type TcpSegment,
  tcpHeaderLength,
} from '../../src/wire/tcp.js';

/** One TCP segment seen on the wire. */
export interface TcpFrame {
  /** Position in the capture (0-based, every frame counted). */
  index: number;
  timeMs: number;
  family: 4 | 6;
  src: IpAddr;
  dst: IpAddr;
  seg: TcpSegment;
  /** Whether the TCP checksum verifies. */
  checksumOk: boolean;
}

/** The TCP segment in an Ethernet frame, or null when the frame carries none. */
export function decodeFrame(frame: Uint8Array, timeMs = 0, index = 0): TcpFrame | null {
  const eth = parseEthernet(frame);
  if (eth instanceof WireError) return null;
  if (eth.etherType !== ETHERTYPE_IPV4 && eth.etherType !== ETHERTYPE_IPV6) return null;
  return decodePacket(eth.payload, timeMs, index);
}

/** The TCP segment in an IPv4 or IPv6 packet, or null when the packet carries none. */
export function decodePacket(packet: Uint8Array, timeMs = 0, index = 0): TcpFrame | null {
  let family: 4 | 6;
  let src: IpAddr;
  let dst: IpAddr;
  let payload: Uint8Array;
  const version = packet.length > 0 ? packet[0]! >>> 4 : 0;
  if (version === 4) {
    const ip = parseIpv4(packet, { verifyChecksum: false });
    if (ip instanceof WireError || ip.protocol !== IP_PROTO_TCP || ip.fragmentOffset !== 0)
      return null;
    family = 4;
    src = ip.src;
    dst = ip.dst;
    payload = ip.payload;
  } else if (version === 6) {
    const ip = parseIpv6(packet);
    if (ip instanceof WireError || ip.nextHeader !== IP_PROTO_TCP) return null;
    family = 6;
    src = ip.src;
    dst = ip.dst;
    payload = ip.payload;
  } else return null;
  const seg = parseTcp(payload, null);
  if (seg instanceof WireError) return null;
  const sum = pseudoHeaderSum(src, dst, IP_PROTO_TCP, payload.length);
  const checksumOk = finishChecksum(sumBytes(payload, 0, payload.length, sum)) === 0;
  return { index, timeMs, family, src, dst, seg, checksumOk };
}

/** Every TCP segment of a pcap file (Ethernet or raw IP), in capture order. */
export function readCapture(pcap: Uint8Array): TcpFrame[] {
  const file = parsePcap(pcap);
  if (file instanceof WireError) throw new Error(`bad capture: ${file.message}`);
  if (file.linkType !== LINKTYPE_ETHERNET && file.linkType !== LINKTYPE_RAW)
    throw new Error(`link type ${file.linkType}`);
  const decode = file.linkType === LINKTYPE_ETHERNET ? decodeFrame : decodePacket;
  const out: TcpFrame[] = [];
  file.packets.forEach((p, i) => {
    const f = decode(p.data, p.timeMs, i);
    if (f !== null) out.push(f);
  });
  return out;
}

/** `SYN`, `SYN|ACK`, `ACK|PSH`, ... */
export function flagNames(flags: number): string {
  const names: string[] = [];
  if (flags & TCP_SYN) names.push('SYN');
  if (flags & TCP_FIN) names.push('FIN');
  if (flags & TCP_RST) names.push('RST');
  if (flags & TCP_ACK) names.push('ACK');
  if (flags & TCP_PSH) names.push('PSH');
  return names.join('|');
}

/** The sequence space a segment takes (payload, plus one each for SYN and FIN). */
export function segLength(seg: TcpSegment): number {
  return seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
}

/** A one-line description of a segment, for assertion messages. */
export function describe(f: TcpFrame): string {
  const s = f.seg;
  return `#${f.index} t=${f.timeMs.toFixed(1)} ${s.srcPort}>${s.dstPort} [${flagNames(s.flags)}] seq=${s.seq} ack=${s.ack} win=${s.window} len=${s.payload.length}`;
}

export interface RawSegment {
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  src: IpAddr;
  dst: IpAddr;
  fields: TcpFields;
  payload?: Uint8Array;
}

/** An Ethernet frame carrying one TCP segment (IPv4 or IPv6 by the addresses), checksums right. */
export function buildFrame(r: RawSegment): Uint8Array {
  const payload = r.payload ?? new Uint8Array(0);
  const tcpLength = tcpHeaderLength(r.fields.options) + payload.length;
  const v4 = r.src.length === 4;
  const ipLength = v4 ? 20 : 40;
  const frame = new Uint8Array(14 + ipLength + tcpLength);
  emitEthernet(frame, 0, r.dstMac, r.srcMac, v4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
  if (v4) {
    emitIpv4(frame, 14, {
      identification: 0,
      ttl: 64,
      protocol: IP_PROTO_TCP,
      src: r.src,
      dst: r.dst,
      payloadLength: tcpLength,
    });
  } else {
    emitIpv6(frame, 14, {
      payloadLength: tcpLength,
      nextHeader: IP_PROTO_TCP,
      hopLimit: 64,
      src: r.src,
      dst: r.dst,
    });
  }
  const at = 14 + ipLength;
  frame.set(payload, at + tcpHeaderLength(r.fields.options));
  emitTcp(
    frame,
    at,
    r.fields,
    payload.length,
    pseudoHeaderSum(r.src, r.dst, IP_PROTO_TCP, tcpLength),
  );
  return frame;
}

/**
 * Drops (or replaces with `rewrite`'s result) the first `count` TCP
 * segments on `link` for which `match` holds; returns what it took.
 */
export function interceptSegments(
  link: SimLink,
  match: (f: TcpFrame) => boolean,
  options: {
    count?: number;
    rewrite?: (frame: Uint8Array, f: TcpFrame) => Uint8Array | 'drop';
  } = {},
): TcpFrame[] {
  const taken: TcpFrame[] = [];
  const count = options.count ?? 1;
  const remove = link.filter((timeMs, frame) => {
    const f = decodeFrame(frame, timeMs);
    if (f === null || !match(f)) return 'pass';
    taken.push(f);
    if (taken.length >= count) remove();
    return options.rewrite ? options.rewrite(frame, f) : 'drop';
  });
  return taken;
}

/** A copy of `frame` with one bit of its last byte flipped (a TCP payload byte when it has one). */
export function flipLastBit(frame: Uint8Array): Uint8Array {
  const copy = frame.slice();
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

/** Steps the clock until `done()` or `maxMs` of virtual time pass (bounded); returns `done()`. */
export function runUntil(net: SimNetwork, done: () => boolean, maxMs: number): boolean {
  const clock = net.clock;
  const end = clock.now() + maxMs;
  let events = 0;
  while (!done()) {
    if (clock.nextTime() > end) break;
    if (++events > 5_000_000) throw new Error('runaway simulation');
    clock.step();
  }
  return done();
}

/** Runs tshark on `file` (reading checksums) and returns its output lines. */
export function tshark(path: string, file: string, args: readonly string[] = []): string[] {
  const out = execFileSync(
    path,
    [
      '-r',
      file,
      '-o',
      'ip.check_checksum:TRUE',
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'tcp.relative_sequence_numbers:FALSE',
      ...args,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000, maxBuffer: 1 << 28 },
  );
  return out.split('\n').filter((line) => line.trim() !== '');
}
