/**
 * Memory for outgoing frames: carved one after another from 64 KiB slabs
 * instead of allocated one by one. A typed array with a buffer of its own
 * costs a backing-store allocation and the collector's bookkeeping for it;
 * a view into a slab costs one small object. Slabs are never reused — one
 * becomes garbage once every frame carved from it is — so each frame starts
 * as zeros and belongs to whoever it is handed to, exactly as a fresh
 * `Uint8Array` would. Frames larger than a quarter slab get their own buffer.
 *
 * A frame that outlives its neighbours (a received chunk an application
 * keeps) keeps its slab alive: at most 64 KiB, the size of Node's own socket
 * read buffers.
 */
const SLAB_BYTES = 64 * 1024;
const OWN_BUFFER_ABOVE = SLAB_BYTES / 4;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed `length`-byte array for a frame the caller will fill and hand over. */
export function allocFrame(length: number): Uint8Array {
  if (length > OWN_BUFFER_ABOVE) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const frame = new Uint8Array(slab, used, length);
  // 8-byte steps keep each frame's start aligned for the checksum's 32-bit reads.
  used += (length + 7) & ~7;
  return frame;
}
