/**
 * IPv4 headers (RFC 791 §3.1). Options are validated for shape and skipped;
 * the fragmentation fields (identification, DF, MF, fragment offset) are
 * exposed for reassembly. The header checksum is verified on parse and
 * computed on emit.
 */
import { internetChecksum, updateChecksum } from './checksum.js';
import { WireError } from './errors.js';

export const IPV4_HEADER_LEN = 20;
export const IPV4_MAX_LEN = 65535;

export const IP_PROTO_ICMP = 1;
export const IP_PROTO_IGMP = 2;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;
export const IP_PROTO_ICMPV6 = 58;

/** A parsed IPv4 header; `src`, `dst`, `options` and `payload` are views into the input. */
export interface Ipv4Packet {
  /** Header length in bytes (IHL × 4). */
  headerLength: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  identification: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Fragment offset in bytes (the field × 8). */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: Uint8Array;
  dst: Uint8Array;
  options: Uint8Array;
  /** The data after the header, up to `totalLength` (link padding removed). */
  payload: Uint8Array;
}

/**
 * Parses an IPv4 header. Bytes beyond `totalLength` (Ethernet padding) are
 * ignored. `verifyChecksum: false` skips the header checksum (e.g. for the
 * quoted header inside an ICMP error, which may be truncated).
 */
export function parseIpv4(
  bytes: Uint8Array,
  options: { verifyChecksum?: boolean; allowTruncated?: boolean } = {},
): Ipv4Packet | WireError {
  if (bytes.length < IPV4_HEADER_LEN) {
    return new WireError('ipv4', 'truncated', `${bytes.length} bytes`);
  }
  const version = bytes[0]! >>> 4;
  if (version !== 4) return new WireError('ipv4', 'malformed', `version ${version}`);
  const headerLength = (bytes[0]! & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LEN) {
    return new WireError('ipv4', 'malformed', `header length ${headerLength}`);
  }
  if (bytes.length < headerLength) {
    return new WireError('ipv4', 'truncated', `header of ${headerLength} bytes in ${bytes.length}`);
  }
  const totalLength = (bytes[2]! << 8) | bytes[3]!;
  if (totalLength < headerLength) {
    return new WireError(
      'ipv4',
      'malformed',
      `total length ${totalLength} < header ${headerLength}`,
    );
  }
  let end = totalLength;
  if (bytes.length < totalLength) {
    if (!options.allowTruncated) {
      return new WireError('ipv4', 'truncated', `total length ${totalLength} in ${bytes.length}`);
    }
    end = bytes.length;
  }
  if (options.verifyChecksum !== false && internetChecksum(bytes, 0, headerLength) !== 0) {
    return new WireError('ipv4', 'checksum', 'header checksum does not verify');
  }
  const optionBytes =
    headerLength === IPV4_HEADER_LEN ? NO_OPTIONS : bytes.subarray(IPV4_HEADER_LEN, headerLength);
  const bad = checkOptions(optionBytes);
  if (bad !== null) return bad;
  const flagsFrag = (bytes[6]! << 8) | bytes[7]!;
  if (flagsFrag & 0x8000) return new WireError('ipv4', 'malformed', 'reserved flag set');
  return {
    headerLength,
    dscp: bytes[1]! >>> 2,
    ecn: bytes[1]! & 3,
    totalLength,
    identification: (bytes[4]! << 8) | bytes[5]!,
    dontFragment: (flagsFrag & 0x4000) !== 0,
    moreFragments: (flagsFrag & 0x2000) !== 0,
    fragmentOffset: (flagsFrag & 0x1fff) * 8,
    ttl: bytes[8]!,
    protocol: bytes[9]!,
    checksum: (bytes[10]! << 8) | bytes[11]!,
    src: bytes.subarray(12, 16),
    dst: bytes.subarray(16, 20),
    options: optionBytes,
    payload: bytes.subarray(headerLength, end),
  };
}

/** The options of a header without any (shared: an empty array cannot be written). */
const NO_OPTIONS = new Uint8Array(0);

/** RFC 791 §3.1 option shapes: EOL (0), NOP (1), or type-length-value with length ≥ 2. */
function checkOptions(options: Uint8Array): WireError | null {
  let i = 0;
  while (i < options.length) {
    const type = options[i]!;
    if (type === 0) return null; // end of option list; the rest is padding
    if (type === 1) {
      i++;
      continue;
    }
    if (i + 1 >= options.length) return new WireError('ipv4', 'malformed', 'option without length');
    const len = options[i + 1]!;
    if (len < 2 || i + len > options.length) {
      return new WireError('ipv4', 'malformed', `option ${type} of length ${len}`);
    }
    i += len;
  }
  return null;
}

/** The fields of an IPv4 header to emit. */
export interface Ipv4Fields {
  dscp?: number;
  ecn?: number;
  identification: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** In bytes; a multiple of 8. */
  fragmentOffset?: number;
  ttl: number;
  protocol: number;
  src: Uint8Array;
  dst: Uint8Array;
  /** Raw option bytes, padded here to a multiple of 4 with EOL. */
  options?: Uint8Array;
  /** Bytes after the header. */
  payloadLength: number;
}

/** The header length `emitIpv4` will write for these options. */
export function ipv4HeaderLength(options?: Uint8Array): number {
  return IPV4_HEADER_LEN + (options ? (options.length + 3) & ~3 : 0);
}

/** Writes the header (with its checksum) at `offset`; returns the header length. */
export function emitIpv4(buf: Uint8Array, offset: number, fields: Ipv4Fields): number {
  const headerLength = ipv4HeaderLength(fields.options);
  const total = headerLength + fields.payloadLength;
  buf[offset] = 0x40 | (headerLength >>> 2);
  buf[offset + 1] = ((fields.dscp ?? 0) << 2) | ((fields.ecn ?? 0) & 3);
  buf[offset + 2] = total >>> 8;
  buf[offset + 3] = total & 0xff;
  buf[offset + 4] = (fields.identification >>> 8) & 0xff;
  buf[offset + 5] = fields.identification & 0xff;
  const frag =
    (fields.dontFragment ? 0x4000 : 0) |
    (fields.moreFragments ? 0x2000 : 0) |
    (((fields.fragmentOffset ?? 0) >>> 3) & 0x1fff);
  buf[offset + 6] = frag >>> 8;
  buf[offset + 7] = frag & 0xff;
  buf[offset + 8] = fields.ttl;
  buf[offset + 9] = fields.protocol;
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  // Byte by byte: four bytes are cheaper copied than viewed and set.
  const src = fields.src;
  const dst = fields.dst;
  buf[offset + 12] = src[0]!;
  buf[offset + 13] = src[1]!;
  buf[offset + 14] = src[2]!;
  buf[offset + 15] = src[3]!;
  buf[offset + 16] = dst[0]!;
  buf[offset + 17] = dst[1]!;
  buf[offset + 18] = dst[2]!;
  buf[offset + 19] = dst[3]!;
  if (fields.options) {
    buf.set(fields.options, offset + 20);
    buf.fill(0, offset + 20 + fields.options.length, offset + headerLength);
  }
  const checksum = internetChecksum(buf, offset, offset + headerLength);
  buf[offset + 10] = checksum >>> 8;
  buf[offset + 11] = checksum & 0xff;
  return headerLength;
}

/** The Router Alert option (RFC 2113), as IGMP reports carry it (RFC 2236 §2). */
export const IPV4_ROUTER_ALERT: Uint8Array = Uint8Array.of(0x94, 0x04, 0x00, 0x00);

/** Rewrites the TTL in place and patches the checksum incrementally (RFC 1624). */
export function setIpv4Ttl(header: Uint8Array, ttl: number): void {
  const oldWord = (header[8]! << 8) | header[9]!;
  header[8] = ttl;
  const newWord = (ttl << 8) | header[9]!;
  const checksum = updateChecksum((header[10]! << 8) | header[11]!, oldWord, newWord);
  header[10] = checksum >>> 8;
  header[11] = checksum & 0xff;
}
