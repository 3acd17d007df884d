/**
 * UDP (RFC 768). The checksum covers a pseudo-header (`pseudoHeaderSum` in
 * ./checksum.ts): optional over IPv4 (zero means none), mandatory over IPv6
 * (RFC 8200 §8.1).
 */
import { finishChecksum, sumBytes } from './checksum.js';
import { WireError } from './errors.js';

export const UDP_HEADER_LEN = 8;

/** A parsed datagram; `payload` is a view into the input. */
export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  payload: Uint8Array;
}

/**
 * Parses a UDP datagram (`bytes` is the IP payload). `pseudoSum` is the
 * pseudo-header sum for verification, or null to skip it; `ipv6` makes a
 * zero checksum an error.
 */
export function parseUdp(
  bytes: Uint8Array,
  pseudoSum: number | null,
  ipv6 = false,
): UdpDatagram | WireError {
  if (bytes.length < UDP_HEADER_LEN)
    return new WireError('udp', 'truncated', `${bytes.length} bytes`);
  const length = (bytes[4]! << 8) | bytes[5]!;
  if (length < UDP_HEADER_LEN) return new WireError('udp', 'malformed', `length ${length}`);
  if (length > bytes.length) {
    return new WireError('udp', 'truncated', `length ${length} in ${bytes.length} bytes`);
  }
  const checksum = (bytes[6]! << 8) | bytes[7]!;
  if (checksum === 0) {
    if (ipv6) return new WireError('udp', 'checksum', 'zero checksum over IPv6');
  } else if (pseudoSum !== null) {
    if (finishChecksum(sumBytes(bytes, 0, length, pseudoSum)) !== 0) {
      return new WireError('udp', 'checksum', 'checksum does not verify');
    }
  }
  return {
    srcPort: (bytes[0]! << 8) | bytes[1]!,
    dstPort: (bytes[2]! << 8) | bytes[3]!,
    length,
    checksum,
    payload: bytes.subarray(UDP_HEADER_LEN, length),
  };
}

/**
 * Writes the 8-byte header at `offset` for the `payloadLength` bytes already
 * placed after it, with the checksum over them and `pseudoSum` (computed
 * with length `8 + payloadLength`). A computed zero is sent as 0xffff
 * (RFC 768). Returns the datagram length.
 */
export function emitUdp(
  buf: Uint8Array,
  offset: number,
  srcPort: number,
  dstPort: number,
  payloadLength: number,
  pseudoSum: number,
): number {
  const length = UDP_HEADER_LEN + payloadLength;
  buf[offset] = srcPort >>> 8;
  buf[offset + 1] = srcPort & 0xff;
  buf[offset + 2] = dstPort >>> 8;
  buf[offset + 3] = dstPort & 0xff;
  buf[offset + 4] = length >>> 8;
  buf[offset + 5] = length & 0xff;
  buf[offset + 6] = 0;
  buf[offset + 7] = 0;
  let checksum = finishChecksum(sumBytes(buf, offset, offset + length, pseudoSum));
  if (checksum === 0) checksum = 0xffff;
  buf[offset + 6] = checksum >>> 8;
  buf[offset + 7] = checksum & 0xff;
  return length;
}
