/**
 * ICMP for IPv4 (RFC 792): the 8-byte header (type, code, checksum, and a
 * 32-bit "rest of header" whose meaning depends on the type) and its body.
 */
import type { WireError } from './errors.js';
import { emitIcmp, ICMP_HEADER_LEN, type IcmpMessage, parseIcmp } from './icmp-header.js';

export const ICMPV4_HEADER_LEN = ICMP_HEADER_LEN;
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
export type Icmpv4Message = IcmpMessage;

export function parseIcmpv4(bytes: Uint8Array): Icmpv4Message | WireError {
  return parseIcmp('icmpv4', bytes, 0);
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
  return emitIcmp(buf, offset, type, code, rest, bodyLength, 0);
}

/** The rest-of-header word of an echo message. */
export function echoRest(identifier: number, sequence: number): number {
  return (((identifier & 0xffff) << 16) | (sequence & 0xffff)) >>> 0;
}
