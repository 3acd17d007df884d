// Imported rather than global: Node's global Buffer is an accessor (slow in hot paths).
import { Buffer } from 'node:buffer';

/** `Buffer.prototype.latin1Slice`'s shape. */
export type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/** `latin1(buf, start, end)` built on `slice` where given, on `Buffer#toString` otherwise. */
export function latin1With(
  slice: Latin1Slice | undefined,
): (buf: Uint8Array, start: number, end: number) => string {
  return typeof slice === 'function'
    ? (buf, start, end) => slice.call(buf, start, end)
    : (buf, start, end) =>
        Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1', start, end);
}

/**
 * The bytes `start` to `end` (exclusive) of `buf` as a latin1 string: one
 * char per byte, lossless; `start` and `end` must lie within `buf`. Uses
 * Node's own `Buffer.prototype.latin1Slice` where the runtime has it (Node,
 * and the common Buffer polyfills): `toString('latin1', start, end)` without
 * its argument checks and encoding lookup, which cost as much as the
 * decoding for a short header section or body.
 */
export const latin1 = latin1With(
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice,
);
