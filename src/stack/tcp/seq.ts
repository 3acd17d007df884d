/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): comparisons hold
 * while the two numbers are less than 2^31 apart.
 */

/** a < b in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a <= b in sequence space. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a > b in sequence space. */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** a >= b in sequence space. */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** a + n, wrapped to 32 bits (unsigned). */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** The distance from `b` forward to `a` (a - b as a signed 32-bit number). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** The larger of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return seqGt(a, b) ? a : b;
}

/** The smaller of two sequence numbers. */
export function seqMin(a: number, b: number): number {
  return seqLt(a, b) ? a : b;
}
