/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
 * complement sum of 16-bit big-endian words, with the pseudo-headers of
 * RFC 768 / RFC 9293 §3.1 (IPv4) and RFC 8200 §8.1 (IPv6), and the
 * incremental update of RFC 1624.
 *
 * Sums are kept unfolded in a plain number between calls (JS numbers hold
 * exact integers to 2^53, far above any 64 KiB packet's sum) and folded once
 * by `finishChecksum`.
 */

/**
 * Adds bytes `[start, end)` of `bytes` to a running sum as big-endian 16-bit
 * words; an odd final byte is padded with zero (RFC 1071 §4.1). Chain calls
 * only at even offsets within the summed message.
 */
export function sumBytes(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
  // Hot path: two bytes per step, no DataView.
  for (; i < last; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i === last) sum += bytes[i]! << 8;
  return sum;
}

/** Folds a running sum to 16 bits and complements it: the checksum field value. */
export function finishChecksum(sum: number): number {
  // Fold the carries (RFC 1071 §4.1): at most a few rounds for sums below 2^53.
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The checksum of `bytes[start, end)` (e.g. an IPv4 header with its checksum field zeroed). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sumBytes(bytes, start, end));
}

/**
 * True when `bytes[start, end)`, checksum field included, sums to all ones —
 * i.e. the checksum verifies (RFC 1071 §2 (4)).
 */
export function verifyChecksum(
  bytes: Uint8Array,
  start: number,
  end: number,
  initial = 0,
): boolean {
  return finishChecksum(sumBytes(bytes, start, end, initial)) === 0;
}

/**
 * The running sum of the IPv4 pseudo-header (RFC 768; RFC 9293 §3.1):
 * source, destination, zero, protocol, upper-layer length.
 */
export function pseudoHeaderSumV4(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  length: number,
): number {
  return (
    ((src[0]! << 8) | src[1]!) +
    ((src[2]! << 8) | src[3]!) +
    ((dst[0]! << 8) | dst[1]!) +
    ((dst[2]! << 8) | dst[3]!) +
    protocol +
    length
  );
}

/**
 * The running sum of the IPv6 pseudo-header (RFC 8200 §8.1): source,
 * destination, 32-bit upper-layer length, three zero bytes, next header.
 */
export function pseudoHeaderSumV6(
  src: Uint8Array,
  dst: Uint8Array,
  nextHeader: number,
  length: number,
): number {
  let sum = sumBytes(src, 0, 16);
  sum = sumBytes(dst, 0, 16, sum);
  return sum + Math.floor(length / 0x10000) + (length & 0xffff) + nextHeader;
}

/** The pseudo-header sum for either family, by the address length (4 or 16 bytes). */
export function pseudoHeaderSum(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  length: number,
): number {
  return src.length === 4
    ? pseudoHeaderSumV4(src, dst, protocol, length)
    : pseudoHeaderSumV6(src, dst, protocol, length);
}

/**
 * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data
 * changes from `oldWord` to `newWord`: HC' = ~(~HC + ~m + m').
 */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  let sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
