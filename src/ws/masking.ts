/**
 * Payload masking (RFC 6455 §5.3): octet i of the payload is XORed with octet
 * (i mod 4) of the 4-byte masking key. Masking and unmasking are the same
 * operation.
 *
 * Hot path: the middle of a payload is XORed a 32-bit word at a time through
 * a Uint32Array view over the buffer's own memory (in place, no copy); only
 * the few bytes before the first 4-byte boundary and after the last one are
 * done byte by byte. The key is rotated to the payload position where the
 * word loop starts and read back in the machine's byte order, so the result
 * is the same on little- and big-endian hosts.
 */

/** Below this many bytes the byte loop is faster than setting up a word view. */
const WORD_THRESHOLD = 32;

// One scratch word for the rotated key (reused: no allocation per call).
const keyWord = new Uint32Array(1);
const keyBytes = new Uint8Array(keyWord.buffer);

/**
 * XORs `buf` in place with `key` (4 bytes), as if `buf` started at byte
 * `phase` of the payload (so a payload delivered in pieces can be unmasked
 * piece by piece: pass the count of payload bytes before this piece).
 */
export function applyMask(buf: Uint8Array, key: Uint8Array, phase: number): void {
  const n = buf.length;
  let i = 0;
  if (n >= WORD_THRESHOLD) {
    // Bytes up to the first 4-byte aligned address.
    const lead = (4 - (buf.byteOffset & 3)) & 3;
    for (; i < lead; i++) buf[i] ^= key[(phase + i) & 3];
    const words = (n - i) >>> 2;
    const at = phase + i;
    keyBytes[0] = key[at & 3];
    keyBytes[1] = key[(at + 1) & 3];
    keyBytes[2] = key[(at + 2) & 3];
    keyBytes[3] = key[(at + 3) & 3];
    const k = keyWord[0]!;
    const view = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] ^= k;
    i += words << 2;
  }
  for (; i < n; i++) buf[i] ^= key[(phase + i) & 3];
}

/**
 * Writes `src` masked with `key` into `dst` at `offset` (the source is left
 * untouched): a copy, then the in-place XOR above.
 */
export function maskInto(src: Uint8Array, key: Uint8Array, dst: Buffer, offset: number): void {
  dst.set(src, offset);
  if (src.length > 0) applyMask(dst.subarray(offset, offset + src.length), key, 0);
}
