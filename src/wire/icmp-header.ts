/**
 * The 8-byte header ICMPv4 (RFC 792) and ICMPv6 (RFC 4443 §2.1) share:
 * type, code, checksum, and a 32-bit "rest of header" whose meaning depends
 * on the type. The versions differ only in what the checksum covers besides
 * the message: nothing (ICMPv4) or the IPv6 pseudo-header (RFC 4443 §2.3),
 * given here as the running sum `initialSum`.
 */
import { finishChecksum, sumBytes } from './checksum.js';
import { WireError } from './errors.js';

export const ICMP_HEADER_LEN = 8;

/** A parsed ICMP message (either version); `body` is a view into the input. */
export interface IcmpMessage {
  type: number;
  code: number;
  checksum: number;
  /**
   * Bytes 4..8 as a 32-bit number: identifier/sequence (echo), next-hop MTU
   * (ICMPv4 fragmentation needed, ICMPv6 packet too big), pointer (parameter
   * problem), flags (NA).
   */
  rest: number;
  /** Echo data, the quoted original datagram of an error, or the NDP / MLD body. */
  body: Uint8Array;
}

/** Parses and verifies a message; `layer` ('icmpv4' / 'icmpv6') names it in errors. */
export function parseIcmp(
  layer: string,
  bytes: Uint8Array,
  initialSum: number,
): IcmpMessage | WireError {
  if (bytes.length < ICMP_HEADER_LEN) {
    return new WireError(layer, 'truncated', `${bytes.length} bytes`);
  }
  if (finishChecksum(sumBytes(bytes, 0, bytes.length, initialSum)) !== 0) {
    return new WireError(layer, 'checksum', 'checksum does not verify');
  }
  return {
    type: bytes[0]!,
    code: bytes[1]!,
    checksum: (bytes[2]! << 8) | bytes[3]!,
    rest: ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0,
    body: bytes.subarray(ICMP_HEADER_LEN),
  };
}

/**
 * Writes the header at `offset` and the checksum over it and the
 * `bodyLength` bytes the caller already placed after it; returns the
 * message length.
 */
export function emitIcmp(
  buf: Uint8Array,
  offset: number,
  type: number,
  code: number,
  rest: number,
  bodyLength: number,
  initialSum: number,
): number {
  const length = ICMP_HEADER_LEN + bodyLength;
  buf[offset] = type;
  buf[offset + 1] = code;
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  buf[offset + 4] = (rest >>> 24) & 0xff;
  buf[offset + 5] = (rest >>> 16) & 0xff;
  buf[offset + 6] = (rest >>> 8) & 0xff;
  buf[offset + 7] = rest & 0xff;
  const checksum = finishChecksum(sumBytes(buf, offset, offset + length, initialSum));
  buf[offset + 2] = checksum >>> 8;
  buf[offset + 3] = checksum & 0xff;
  return length;
}
