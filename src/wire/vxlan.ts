/**
 * VXLAN (RFC 7348 §5): an Ethernet frame carried in a UDP datagram (IANA port
 * 4789) after an 8-byte header — flags (the I flag, 0x08, says the VNI is
 * valid), 24 reserved bits, the 24-bit VXLAN Network Identifier, 8 reserved
 * bits. Reserved fields are sent as zero and ignored on receipt.
 */
import { WireError } from './errors.js';

export const VXLAN_HEADER_LEN = 8;
/** The IANA-assigned UDP destination port (RFC 7348 §5). */
export const VXLAN_PORT = 4789;
/** The I flag: the VNI field is valid. */
export const VXLAN_FLAG_I = 0x08;
export const VXLAN_MAX_VNI = 0xffffff;

export interface VxlanPacket {
  vni: number;
  /** The inner Ethernet frame: a view into the input, not a copy. */
  frame: Uint8Array;
}

/** Parses a VXLAN datagram's payload; a missing I flag is `malformed` (§5: must be 1). */
export function parseVxlan(datagram: Uint8Array): VxlanPacket | WireError {
  if (datagram.length < VXLAN_HEADER_LEN) {
    return new WireError('vxlan', 'truncated', `datagram of ${datagram.length} bytes`);
  }
  if ((datagram[0]! & VXLAN_FLAG_I) === 0) {
    return new WireError('vxlan', 'malformed', 'the I flag is not set');
  }
  const vni = (datagram[4]! << 16) | (datagram[5]! << 8) | datagram[6]!;
  return { vni, frame: datagram.subarray(VXLAN_HEADER_LEN) };
}

/** The 8-byte header for `vni` (0..2²⁴−1). */
export function emitVxlanHeader(vni: number): Uint8Array {
  if (!Number.isInteger(vni) || vni < 0 || vni > VXLAN_MAX_VNI) {
    throw new RangeError(`VNI must be an integer from 0 to ${VXLAN_MAX_VNI}, not ${vni}`);
  }
  return Uint8Array.of(
    VXLAN_FLAG_I,
    0,
    0,
    0,
    (vni >>> 16) & 0xff,
    (vni >>> 8) & 0xff,
    vni & 0xff,
    0,
  );
}
