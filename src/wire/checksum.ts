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

/** Below this many bytes the word-at-a-time loop wins over making a 32-bit view. */
const WIDE_MIN = 64;
/** Whether this machine stores a Uint32 little-endian (every common one does). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Adds bytes `[start, end)` of `bytes` to a running sum as big-endian 16-bit
 * words; an odd final byte is padded with zero (RFC 1071 §4.1). Chain calls
 * only at even offsets within the summed message.
 *
 * Long runs are read four bytes at a time through a 32-bit view of the
 * aligned middle. The one's complement sum does not depend on byte order
 * (RFC 1071 §2 (B)): on a little-endian machine the middle is summed as
 * byte-swapped words, folded, and swapped back.
 */
export function sumBytes(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  if (end - start < WIDE_MIN) return sumWords(bytes, start, end, initial);
  const at = bytes.byteOffset + start;
  if ((at & 1) !== 0) return sumWords(bytes, start, end, initial);
  // A leading word to reach 4-byte alignment, then whole 32-bit words, then the tail.
  const lead = at & 2;
  let sum = lead === 0 ? initial : sumWords(bytes, start, start + 2, initial);
  const from = start + lead;
  const count = (end - from) >>> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + from, count);
  // Whole 32-bit words summed as they are: 2^16 ≡ 1 (mod 2^16 - 1), so the
  // fold below gives the same one's complement sum as adding 16-bit halves.
  // Two sums, for the CPU's two adders; each stays exact (below 2^53) for
  // any packet (up to 2^21 words each).
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i + 1 < count; i += 2) {
    even += words[i]!;
    odd += words[i + 1]!;
  }
  if (i < count) even += words[i]!;
  let wide = even + odd;
  if (LITTLE_ENDIAN) {
    while (wide > 0xffff) wide = (wide & 0xffff) + Math.floor(wide / 0x10000);
    wide = ((wide & 0xff) << 8) | (wide >>> 8);
  }
  sum += wide;
  return sumWords(bytes, from + count * 4, end, sum);
}

/** `sumBytes` two bytes per step: short runs and odd addresses. */
function sumWords(bytes: Uint8Array, start: number, end: number, initial: number): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
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
