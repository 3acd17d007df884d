/**
 * Memory for outgoing frames: carved one after another from slabs instead of
 * allocated one by one. A typed array with a buffer of its own costs a
 * backing-store allocation and the collector's bookkeeping for it; a view
 * into a slab costs one small object. Slabs are never reused — one becomes
 * garbage once every frame carved from it is — so each frame starts as zeros
 * and belongs to whoever it is handed to, exactly as a fresh `Uint8Array`
 * would.
 *
 * Frames up to 16 KiB come from 64 KiB slabs; larger ones (a loopback or
 * jumbo MTU) from 1 MiB slabs, sixteen 64 KiB frames each. A frame that
 * outlives its neighbours (a received chunk an application keeps) keeps its
 * slab alive.
 *
 * Slabs also tell frames this process's stacks wrote from any others (see
 * `checksummedHere`), and frames whose TCP checksum was left for later
 * from complete ones (`checksumLeft`): those come from slabs of their own,
 * which are not zeroed first — the TCP writer writes every byte of such a
 * segment — since a bulk transfer would otherwise clear every byte only to
 * overwrite it. As with `Buffer.allocUnsafe`'s pool, the slab behind a
 * received chunk (`chunk.buffer`, beyond the chunk) may then hold other
 * bytes of this process.
 */

/** Every slab carved so far (weakly: a slab goes when its last frame does). */
const slabs = new WeakSet<ArrayBufferLike>();
/** The slabs of frames whose TCP checksum is left zero (./checksum-offload.ts). */
const checksumLeftSlabs = new WeakSet<ArrayBufferLike>();

/** Node's `Buffer`, where the runtime has it (the stack needs none of Node's built-ins). */
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } })
  .Buffer;

/** `bytes` of memory not cleared first where the runtime can give that (Node), else zeroed. */
function uninitialized(bytes: number): ArrayBuffer {
  if (NodeBuffer === undefined) return new ArrayBuffer(bytes);
  // Never pooled: a buffer of its own, exactly `bytes` long, at offset 0.
  return NodeBuffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

class SlabCarver {
  private slab: ArrayBuffer;
  private used = 0;

  /** @param kind The set its slabs join besides `slabs`; null for zeroed, complete frames. */
  constructor(
    private readonly slabBytes: number,
    private readonly kind: WeakSet<ArrayBufferLike> | null,
  ) {
    this.slab = this.newSlab();
  }

  private newSlab(): ArrayBuffer {
    const slab =
      this.kind === null ? new ArrayBuffer(this.slabBytes) : uninitialized(this.slabBytes);
    slabs.add(slab);
    this.kind?.add(slab);
    return slab;
  }

  carve(length: number): Uint8Array {
    if (this.used + length > this.slabBytes) {
      this.slab = this.newSlab();
      this.used = 0;
    }
    const frame = new Uint8Array(this.slab, this.used, length);
    // 8-byte steps keep each frame's start aligned for the checksum's 32-bit reads.
    this.used += (length + 7) & ~7;
    return frame;
  }
}

const SMALL_FRAME_MAX = 16 * 1024;
/** The largest frame a slab takes: a 64 KiB IP packet and its link header. */
const LARGE_FRAME_MAX = 64 * 1024 + 64;
const SMALL_SLAB = 64 * 1024;
const LARGE_SLAB = 1024 * 1024;
const small = new SlabCarver(SMALL_SLAB, null);
const large = new SlabCarver(LARGE_SLAB, null);
const smallChecksumLeft = new SlabCarver(SMALL_SLAB, checksumLeftSlabs);
const largeChecksumLeft = new SlabCarver(LARGE_SLAB, checksumLeftSlabs);

/**
 * A zeroed `length`-byte array for a frame the caller will fill and hand
 * over; with `checksumLeft`, one for a TCP segment whose checksum the writer
 * leaves zero, not zeroed (the writer writes every byte; only up to
 * `LARGE_FRAME_MAX`, which every IP packet fits).
 */
export function allocFrame(length: number, checksumLeft = false): Uint8Array {
  if (length <= SMALL_FRAME_MAX) return (checksumLeft ? smallChecksumLeft : small).carve(length);
  if (length <= LARGE_FRAME_MAX) return (checksumLeft ? largeChecksumLeft : large).carve(length);
  if (checksumLeft) throw new RangeError(`a ${length}-byte frame cannot leave its checksum`);
  return new Uint8Array(length);
}

/**
 * True when `bytes` (a frame, or a view into one) lies in a slab of this
 * module: a stack in this process wrote it (its checksums complete, or left
 * for offload) and nothing on the way changed it (a simulated link corrupts
 * and duplicates copies, never the frame it was given). A receiving stack
 * may then skip verifying its checksums, as one behind a NIC with receive
 * checksum offload does. Frames from anywhere else — a real link, a test's
 * crafted bytes, a corrupted copy — are verified.
 */
export function checksummedHere(bytes: Uint8Array): boolean {
  return slabs.has(bytes.buffer);
}

/** True when `bytes` lies in a frame whose TCP checksum was left zero. */
export function checksumLeft(bytes: Uint8Array): boolean {
  return checksumLeftSlabs.has(bytes.buffer);
}
