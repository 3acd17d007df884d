/**
 * ICMP for IPv4 (RFC 792): the 8-byte header (type, code, checksum, and a
 * 32-bit "rest of header" whose meaning depends on the type) and its body.
 */
import { finishChecksum, internetChecksum, sumBytes } from './checksum.js';
import { WireError } from './errors.js';

export const ICMPV4_HEADER_LEN = 8;
export const ICMPV4_ECHO_REPLY = 0;
export const ICMPV4_DEST_UNREACHABLE = 3;
export const ICMPV4_ECHO_REQUEST = 8;
export const ICMPV4_TIME_EXCEEDED = 11;
export const ICMPV4_PARAMETER_PROBLEM = 12;

/** Destination Unreachable codes (RFC 792; RFC 1122 §3.2.2.1). */
export const ICMPV4_NET_UNREACHABLE = 0;
export const ICMPV4_HOST_UNREACHABLE = 1;
export const ICMPV4_PROTOCOL_UNREACHABLE = 2;
export const ICMPV4_PORT_UNREACHABLE = 3;
export const ICMPV4_FRAG_NEEDED = 4;
/** Time Exceeded codes. */
export const ICMPV4_TTL_EXCEEDED = 0;
export const ICMPV4_REASSEMBLY_TIME_EXCEEDED = 1;

/** A parsed ICMPv4 message; `body` is a view into the input. */
export interface Icmpv4Message {
  type: number;
  code: number;
  checksum: number;
  /** Bytes 4..8 as a 32-bit number: identifier/sequence for echo, next-hop MTU for code 4. */
  rest: number;
  /** Echo data, or the quoted original datagram for errors. */
  body: Uint8Array;
}

export function parseIcmpv4(bytes: Uint8Array): Icmpv4Message | WireError {
  if (bytes.length < ICMPV4_HEADER_LEN) {
    return new WireError('icmpv4', 'truncated', `${bytes.length} bytes`);
  }
  if (internetChecksum(bytes) !== 0) {
    return new WireError('icmpv4', 'checksum', 'checksum does not verify');
  }
  return {
    type: bytes[0]!,
    code: bytes[1]!,
    checksum: (bytes[2]! << 8) | bytes[3]!,
    rest: ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0,
    body: bytes.subarray(ICMPV4_HEADER_LEN),
  };
}

/**
 * Writes the 8-byte header at `offset` and the checksum over it and the
 * `bodyLength` bytes the caller already placed after it; returns the
 * message length.
 */
export function emitIcmpv4(
  buf: Uint8Array,
  offset: number,
  type: number,
  code: number,
  rest: number,
  bodyLength: number,
): number {
  const end = offset + ICMPV4_HEADER_LEN + bodyLength;
  buf[offset] = type;
  buf[offset + 1] = code;
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  buf[offset + 4] = (rest >>> 24) & 0xff;
  buf[offset + 5] = (rest >>> 16) & 0xff;
  buf[offset + 6] = (rest >>> 8) & 0xff;
  buf[offset + 7] = rest & 0xff;
  const checksum = finishChecksum(sumBytes(buf, offset, end));
  buf[offset + 2] = checksum >>> 8;
  buf[offset + 3] = checksum & 0xff;
  return end - offset;
}

/** The rest-of-header word of an echo message. */
export function echoRest(identifier: number, sequence: number): number {
  return (((identifier & 0xffff) << 16) | (sequence & 0xffff)) >>> 0;
}
