/**
 * ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861 §4) and MLDv1
 * (RFC 2710 §3). The checksum covers the IPv6 pseudo-header (RFC 4443 §2.3),
 * so parse and emit take the packet's source and destination.
 */
import { pseudoHeaderSumV6 } from './checksum.js';
import { WireError } from './errors.js';
import { emitIcmp, ICMP_HEADER_LEN, type IcmpMessage, parseIcmp } from './icmp-header.js';
import { IP_PROTO_ICMPV6 } from './ipv4.js';

export const ICMPV6_HEADER_LEN = ICMP_HEADER_LEN;
export const ICMPV6_DEST_UNREACHABLE = 1;
export const ICMPV6_PACKET_TOO_BIG = 2;
export const ICMPV6_TIME_EXCEEDED = 3;
export const ICMPV6_PARAMETER_PROBLEM = 4;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
export const MLD_QUERY = 130;
export const MLD_REPORT = 131;
export const MLD_DONE = 132;
export const NDP_ROUTER_SOLICIT = 133;
export const NDP_ROUTER_ADVERT = 134;
export const NDP_NEIGHBOR_SOLICIT = 135;
export const NDP_NEIGHBOR_ADVERT = 136;
export const NDP_REDIRECT = 137;
export const MLDV2_REPORT = 143;

/** Destination Unreachable codes (RFC 4443 §3.1). */
export const ICMPV6_NO_ROUTE = 0;
export const ICMPV6_ADDR_UNREACHABLE = 3;
export const ICMPV6_PORT_UNREACHABLE = 4;
/** Time Exceeded code 1: fragment reassembly time exceeded. */
export const ICMPV6_REASSEMBLY_TIME_EXCEEDED = 1;

/** NDP option types (RFC 4861 §4.6). */
export const NDP_OPT_SOURCE_LL = 1;
export const NDP_OPT_TARGET_LL = 2;
export const NDP_OPT_PREFIX_INFO = 3;
export const NDP_OPT_REDIRECTED = 4;
export const NDP_OPT_MTU = 5;

/** NA flags (RFC 4861 §4.4). */
export const NA_ROUTER = 0x80000000;
export const NA_SOLICITED = 0x40000000;
export const NA_OVERRIDE = 0x20000000;

/** A parsed ICMPv6 message; `body` (everything after the header) is a view into the input. */
export type Icmpv6Message = IcmpMessage;

/**
 * Parses and verifies an ICMPv6 message carried from `src` to `dst`.
 * `bytes` is exactly the ICMPv6 message (the IPv6 payload after extension headers).
 */
export function parseIcmpv6(
  bytes: Uint8Array,
  src: Uint8Array,
  dst: Uint8Array,
): Icmpv6Message | WireError {
  return parseIcmp('icmpv6', bytes, pseudoHeaderSumV6(src, dst, IP_PROTO_ICMPV6, bytes.length));
}

/**
 * Writes the 8-byte header at `offset` and the checksum over the pseudo-header,
 * the header and the `bodyLength` bytes already placed after it; returns the
 * message length.
 */
export function emitIcmpv6(
  buf: Uint8Array,
  offset: number,
  src: Uint8Array,
  dst: Uint8Array,
  type: number,
  code: number,
  rest: number,
  bodyLength: number,
): number {
  const initial = pseudoHeaderSumV6(src, dst, IP_PROTO_ICMPV6, ICMP_HEADER_LEN + bodyLength);
  return emitIcmp(buf, offset, type, code, rest, bodyLength, initial);
}

/** The NDP options of a message that carries them. */
export interface NdpOptions {
  sourceLinkAddress: Uint8Array | null;
  targetLinkAddress: Uint8Array | null;
  mtu: number | null;
  prefixes: { prefix: Uint8Array; length: number; onLink: boolean; autonomous: boolean }[];
}

/** A parsed NS / NA / RS / RA (RFC 4861 §4.1–4.4). */
export interface NdpMessage {
  type: number;
  /** NS / NA: the target address; null for RS / RA. */
  target: Uint8Array | null;
  /** NA flags (R, S, O) as in `rest`; RA: hop limit, flags, router lifetime. */
  rest: number;
  options: NdpOptions;
}

/**
 * Parses the NDP message in an ICMPv6 message (already checksum-verified).
 * Validity checks of RFC 4861 §7.1.1 / §7.1.2 that need the IPv6 header
 * (hop limit 255, source rules) belong to the caller.
 */
export function parseNdp(msg: Icmpv6Message): NdpMessage | WireError {
  let fixed: number;
  switch (msg.type) {
    case NDP_ROUTER_SOLICIT:
      fixed = 0;
      break;
    case NDP_ROUTER_ADVERT:
      fixed = 8;
      break;
    case NDP_NEIGHBOR_SOLICIT:
    case NDP_NEIGHBOR_ADVERT:
      fixed = 16;
      break;
    case NDP_REDIRECT:
      fixed = 32;
      break;
    default:
      return new WireError('ndp', 'unsupported', `ICMPv6 type ${msg.type}`);
  }
  if (msg.code !== 0) return new WireError('ndp', 'malformed', `code ${msg.code}`);
  if (msg.body.length < fixed) return new WireError('ndp', 'truncated', `${msg.body.length} bytes`);
  const target =
    msg.type === NDP_NEIGHBOR_SOLICIT ||
    msg.type === NDP_NEIGHBOR_ADVERT ||
    msg.type === NDP_REDIRECT
      ? msg.body.subarray(0, 16)
      : null;
  if (target !== null && target[0] === 0xff) {
    return new WireError('ndp', 'malformed', 'multicast target');
  }
  const options = parseNdpOptions(msg.body.subarray(fixed));
  if (options instanceof WireError) return options;
  return { type: msg.type, target, rest: msg.rest, options };
}

function parseNdpOptions(bytes: Uint8Array): NdpOptions | WireError {
  const out: NdpOptions = {
    sourceLinkAddress: null,
    targetLinkAddress: null,
    mtu: null,
    prefixes: [],
  };
  let i = 0;
  while (i < bytes.length) {
    if (i + 2 > bytes.length) return new WireError('ndp', 'truncated', 'option header');
    const type = bytes[i]!;
    const len = bytes[i + 1]! * 8;
    if (len === 0) return new WireError('ndp', 'malformed', `option ${type} of length 0`);
    if (i + len > bytes.length) return new WireError('ndp', 'truncated', `option ${type}`);
    const value = bytes.subarray(i, i + len);
    switch (type) {
      case NDP_OPT_SOURCE_LL:
      case NDP_OPT_TARGET_LL:
        // Ethernet link-layer address: 6 bytes after type and length (RFC 2464 §6).
        if (len !== 8) return new WireError('ndp', 'malformed', `link-layer option of ${len}`);
        if (type === NDP_OPT_SOURCE_LL) out.sourceLinkAddress = value.subarray(2, 8);
        else out.targetLinkAddress = value.subarray(2, 8);
        break;
      case NDP_OPT_MTU:
        if (len !== 8) return new WireError('ndp', 'malformed', `MTU option of ${len}`);
        out.mtu = ((value[4]! << 24) | (value[5]! << 16) | (value[6]! << 8) | value[7]!) >>> 0;
        break;
      case NDP_OPT_PREFIX_INFO:
        if (len !== 32) return new WireError('ndp', 'malformed', `prefix option of ${len}`);
        out.prefixes.push({
          length: value[2]!,
          onLink: (value[3]! & 0x80) !== 0,
          autonomous: (value[3]! & 0x40) !== 0,
          prefix: value.subarray(16, 32),
        });
        break;
      default:
        break; // unknown options are ignored (RFC 4861 §4.6)
    }
    i += len;
  }
  return out;
}

/** Writes an 8-byte link-layer address option at `offset`; returns 8. */
export function emitNdpLinkOption(
  buf: Uint8Array,
  offset: number,
  type: typeof NDP_OPT_SOURCE_LL | typeof NDP_OPT_TARGET_LL,
  mac: Uint8Array,
): number {
  buf[offset] = type;
  buf[offset + 1] = 1;
  buf.set(mac.subarray(0, 6), offset + 2);
  return 8;
}

/** The solicited-node multicast address of `address` (RFC 4291 §2.7.1): ff02::1:ffXX:XXXX. */
export function solicitedNodeAddress(address: Uint8Array, out = new Uint8Array(16)): Uint8Array {
  out.fill(0);
  out[0] = 0xff;
  out[1] = 0x02;
  out[11] = 0x01;
  out[12] = 0xff;
  out[13] = address[13]!;
  out[14] = address[14]!;
  out[15] = address[15]!;
  return out;
}

/** MLDv1 message body (RFC 2710 §3): max response delay in `rest`, then the multicast address. */
export function parseMld(msg: Icmpv6Message): { maxDelay: number; group: Uint8Array } | WireError {
  if (msg.body.length < 16) return new WireError('mld', 'truncated', `${msg.body.length} bytes`);
  return { maxDelay: msg.rest >>> 16, group: msg.body.subarray(0, 16) };
}
