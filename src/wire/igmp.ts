/**
 * IGMP (RFC 2236, version 2) for the minimal multicast membership wirestack
 * needs: queries (v1/v2/v3 read as "report your groups"), v2 reports and
 * leaves. All IGMP messages are at least 8 bytes with an Internet checksum.
 */
import { internetChecksum } from './checksum.js';
import { WireError } from './errors.js';

export const IGMP_LEN = 8;
export const IGMP_QUERY = 0x11;
export const IGMP_V1_REPORT = 0x12;
export const IGMP_V2_REPORT = 0x16;
export const IGMP_LEAVE = 0x17;
export const IGMP_V3_REPORT = 0x22;

export interface IgmpMessage {
  type: number;
  /** Max response time in tenths of a second (queries). */
  maxResponse: number;
  group: Uint8Array;
}

export function parseIgmp(bytes: Uint8Array): IgmpMessage | WireError {
  if (bytes.length < IGMP_LEN) return new WireError('igmp', 'truncated', `${bytes.length} bytes`);
  if (internetChecksum(bytes) !== 0)
    return new WireError('igmp', 'checksum', 'checksum does not verify');
  return { type: bytes[0]!, maxResponse: bytes[1]!, group: bytes.subarray(4, 8) };
}

/** Writes an 8-byte IGMPv2 message at `offset`; returns 8. */
export function emitIgmp(
  buf: Uint8Array,
  offset: number,
  type: number,
  maxResponse: number,
  group: Uint8Array,
): number {
  buf[offset] = type;
  buf[offset + 1] = maxResponse;
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  buf.set(group.subarray(0, 4), offset + 4);
  const checksum = internetChecksum(buf, offset, offset + IGMP_LEN);
  buf[offset + 2] = checksum >>> 8;
  buf[offset + 3] = checksum & 0xff;
  return IGMP_LEN;
}
