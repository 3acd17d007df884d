/**
 * IPv6 (RFC 8200): the fixed 40-byte header (§3) and the extension-header
 * chain (§4): Hop-by-Hop Options, Routing, Fragment, Destination Options,
 * No Next Header. `parseIpv6` checks the fixed header; `walkIpv6Chain` walks
 * the extension headers to the upper-layer protocol.
 */
import { WireError } from './errors.js';

export const IPV6_HEADER_LEN = 40;
export const IPV6_MIN_MTU = 1280;

export const IPV6_HOP_BY_HOP = 0;
export const IPV6_ROUTING = 43;
export const IPV6_FRAGMENT = 44;
export const IPV6_NO_NEXT_HEADER = 59;
export const IPV6_DEST_OPTIONS = 60;
export const IPV6_FRAGMENT_HEADER_LEN = 8;

/** A parsed fixed header; views into the input. */
export interface Ipv6Packet {
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: Uint8Array;
  dst: Uint8Array;
  /** The bytes after the fixed header, up to `payloadLength` (link padding removed). */
  payload: Uint8Array;
}

export function parseIpv6(
  bytes: Uint8Array,
  options: { allowTruncated?: boolean } = {},
): Ipv6Packet | WireError {
  if (bytes.length < IPV6_HEADER_LEN) {
    return new WireError('ipv6', 'truncated', `${bytes.length} bytes`);
  }
  const version = bytes[0]! >>> 4;
  if (version !== 6) return new WireError('ipv6', 'malformed', `version ${version}`);
  const payloadLength = (bytes[4]! << 8) | bytes[5]!;
  const nextHeader = bytes[6]!;
  if (payloadLength === 0 && nextHeader === IPV6_HOP_BY_HOP) {
    return new WireError('ipv6', 'unsupported', 'jumbogram (RFC 2675)');
  }
  let end = IPV6_HEADER_LEN + payloadLength;
  if (bytes.length < end) {
    if (!options.allowTruncated) {
      return new WireError(
        'ipv6',
        'truncated',
        `payload length ${payloadLength} in ${bytes.length}`,
      );
    }
    end = bytes.length;
  }
  return {
    trafficClass: ((bytes[0]! & 0x0f) << 4) | (bytes[1]! >>> 4),
    flowLabel: ((bytes[1]! & 0x0f) << 16) | (bytes[2]! << 8) | bytes[3]!,
    payloadLength,
    nextHeader,
    hopLimit: bytes[7]!,
    src: bytes.subarray(8, 24),
    dst: bytes.subarray(24, 40),
    payload: bytes.subarray(IPV6_HEADER_LEN, end),
  };
}

/** A Fragment header (RFC 8200 §4.5). */
export interface Ipv6Fragment {
  /** Where the Fragment header starts in the walked payload. */
  headerOffset: number;
  /** The Next Header of the fragmentable part. */
  nextHeader: number;
  /** In bytes (the field × 8). */
  offset: number;
  more: boolean;
  identification: number;
}

/** Where the extension headers end. */
export interface Ipv6Chain {
  /** The upper-layer protocol (or 59, No Next Header; or 44 when `fragment` is set). */
  protocol: number;
  /** Where the upper-layer data (or the fragment data) starts in the walked payload. */
  offset: number;
  /** Set when a Fragment header was met; the walk stops there. */
  fragment: Ipv6Fragment | null;
  /** An option with an unrecognised type whose top bits say to answer with ICMP (RFC 8200 §4.2). */
  unknownOption: { pointer: number; action: number } | null;
}

/**
 * Walks the extension headers of `payload`, starting with `nextHeader` (the
 * fixed header's). Stops at the first upper-layer protocol or at a Fragment
 * header (reassembly comes first; walk again over the reassembled data).
 * Hop-by-Hop is accepted only first (RFC 8200 §4.3). Options are checked for
 * shape; the first unknown option whose action is not "skip" is reported.
 */
export function walkIpv6Chain(nextHeader: number, payload: Uint8Array): Ipv6Chain | WireError {
  let next = nextHeader;
  let offset = 0;
  let unknownOption: Ipv6Chain['unknownOption'] = null;
  for (let count = 0; ; count++) {
    if (count > 0 && next === IPV6_HOP_BY_HOP) {
      return new WireError('ipv6', 'malformed', 'hop-by-hop header not first');
    }
    switch (next) {
      case IPV6_HOP_BY_HOP:
      case IPV6_DEST_OPTIONS:
      case IPV6_ROUTING: {
        if (payload.length < offset + 2) {
          return new WireError('ipv6', 'truncated', `extension header ${next}`);
        }
        const len = (payload[offset + 1]! + 1) * 8;
        if (payload.length < offset + len) {
          return new WireError('ipv6', 'truncated', `extension header ${next} of ${len} bytes`);
        }
        if (next !== IPV6_ROUTING) {
          const found = checkTlvOptions(payload, offset + 2, offset + len);
          if (found instanceof WireError) return found;
          if (found !== null && unknownOption === null) unknownOption = found;
        }
        next = payload[offset]!;
        offset += len;
        break;
      }
      case IPV6_FRAGMENT: {
        if (payload.length < offset + IPV6_FRAGMENT_HEADER_LEN) {
          return new WireError('ipv6', 'truncated', 'fragment header');
        }
        const word = (payload[offset + 2]! << 8) | payload[offset + 3]!;
        const fragment: Ipv6Fragment = {
          headerOffset: offset,
          nextHeader: payload[offset]!,
          offset: word & 0xfff8,
          more: (word & 1) === 1,
          identification:
            ((payload[offset + 4]! << 24) |
              (payload[offset + 5]! << 16) |
              (payload[offset + 6]! << 8) |
              payload[offset + 7]!) >>>
            0,
        };
        return {
          protocol: IPV6_FRAGMENT,
          offset: offset + IPV6_FRAGMENT_HEADER_LEN,
          fragment,
          unknownOption,
        };
      }
      default:
        return { protocol: next, offset, fragment: null, unknownOption };
    }
  }
}

/** Checks Hop-by-Hop / Destination option TLVs (RFC 8200 §4.2) in `[start, end)`. */
function checkTlvOptions(
  bytes: Uint8Array,
  start: number,
  end: number,
): Ipv6Chain['unknownOption'] | WireError {
  let i = start;
  let unknown: Ipv6Chain['unknownOption'] = null;
  while (i < end) {
    const type = bytes[i]!;
    if (type === 0) {
      i++; // Pad1
      continue;
    }
    if (i + 1 >= end) return new WireError('ipv6', 'malformed', 'option without length');
    const len = bytes[i + 1]!;
    if (i + 2 + len > end) return new WireError('ipv6', 'malformed', `option ${type} overruns`);
    // PadN (1), Router Alert (5), Jumbo Payload (0xc2) are known; other types
    // act by their top two bits: 00 skip, 01 discard, 10/11 discard + ICMP.
    if (type !== 1 && type !== 5 && type !== 0xc2 && unknown === null && type >>> 6 !== 0) {
      unknown = { pointer: i, action: type >>> 6 };
    }
    i += 2 + len;
  }
  return unknown;
}

/** Fields of a fixed IPv6 header to emit. */
export interface Ipv6Fields {
  trafficClass?: number;
  flowLabel?: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: Uint8Array;
  dst: Uint8Array;
}

/** Writes the fixed header at `offset`; returns 40. */
export function emitIpv6(buf: Uint8Array, offset: number, fields: Ipv6Fields): number {
  const tc = fields.trafficClass ?? 0;
  const flow = fields.flowLabel ?? 0;
  buf[offset] = 0x60 | (tc >>> 4);
  buf[offset + 1] = ((tc & 0x0f) << 4) | ((flow >>> 16) & 0x0f);
  buf[offset + 2] = (flow >>> 8) & 0xff;
  buf[offset + 3] = flow & 0xff;
  buf[offset + 4] = fields.payloadLength >>> 8;
  buf[offset + 5] = fields.payloadLength & 0xff;
  buf[offset + 6] = fields.nextHeader;
  buf[offset + 7] = fields.hopLimit;
  // Byte by byte: cheaper than a view of each address and a set.
  const src = fields.src;
  const dst = fields.dst;
  for (let i = 0; i < 16; i++) {
    buf[offset + 8 + i] = src[i]!;
    buf[offset + 24 + i] = dst[i]!;
  }
  return IPV6_HEADER_LEN;
}

/** Writes an 8-byte Fragment header at `offset`; returns 8. */
export function emitIpv6Fragment(
  buf: Uint8Array,
  offset: number,
  fields: { nextHeader: number; offset: number; more: boolean; identification: number },
): number {
  buf[offset] = fields.nextHeader;
  buf[offset + 1] = 0;
  const word = (fields.offset & 0xfff8) | (fields.more ? 1 : 0);
  buf[offset + 2] = word >>> 8;
  buf[offset + 3] = word & 0xff;
  buf[offset + 4] = (fields.identification >>> 24) & 0xff;
  buf[offset + 5] = (fields.identification >>> 16) & 0xff;
  buf[offset + 6] = (fields.identification >>> 8) & 0xff;
  buf[offset + 7] = fields.identification & 0xff;
  return IPV6_FRAGMENT_HEADER_LEN;
}

/**
 * Writes an 8-byte Hop-by-Hop header holding a Router Alert option (RFC 2711,
 * value 0: MLD) and a PadN, as MLD messages carry it (RFC 2710 §3).
 */
export function emitIpv6RouterAlert(buf: Uint8Array, offset: number, nextHeader: number): number {
  buf[offset] = nextHeader;
  buf[offset + 1] = 0;
  buf[offset + 2] = 5;
  buf[offset + 3] = 2;
  buf[offset + 4] = 0;
  buf[offset + 5] = 0;
  buf[offset + 6] = 1; // PadN of 0 data bytes
  buf[offset + 7] = 0;
  return 8;
}
