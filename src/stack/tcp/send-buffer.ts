/**
 * The send buffer: bytes the application wrote that are not yet
 * acknowledged, as a queue of blocks. Offset 0 is SND.UNA's byte (RFC 9293
 * §3.3.1); the sender copies a segment's payload straight from here into the
 * outgoing frame and drops bytes as they are acknowledged. Blocks are 4 KiB
 * for small writes and 64 KiB otherwise, and an empty buffer holds no memory.
 */
const MIN_BLOCK = 4 * 1024;
const MAX_BLOCK = 64 * 1024;

/**
 * Blocks given back by `consume`, for the next `append` on any connection:
 * a bulk sender then copies into memory it already has instead of a fresh
 * zeroed allocation per 64 KiB written, and request / response traffic (a
 * small write, its ACK, the next write) instead of one per write — while an
 * idle connection still holds none. Bounded (4 MiB of full-size blocks,
 * 1 MiB of small ones); blocks are private to the buffer, so one can be
 * reused as soon as its bytes are acknowledged.
 */
const spareBlocks: Uint8Array[] = [];
const MAX_SPARE_BLOCKS = 64;
const spareSmallBlocks: Uint8Array[] = [];
const MAX_SPARE_SMALL_BLOCKS = 256;

function newBlock(size: number): Uint8Array {
  const spares = size === MAX_BLOCK ? spareBlocks : spareSmallBlocks;
  return spares.pop() ?? new Uint8Array(size);
}

function recycle(block: Uint8Array): void {
  if (block.length === MAX_BLOCK) {
    if (spareBlocks.length < MAX_SPARE_BLOCKS) spareBlocks.push(block);
  } else if (spareSmallBlocks.length < MAX_SPARE_SMALL_BLOCKS) spareSmallBlocks.push(block);
}

export class SendBuffer {
  /** Bytes held (unacknowledged + unsent). */
  length = 0;
  private blocks: Uint8Array[] = [];
  /** Where the first block's live bytes start. */
  private head = 0;
  /** Bytes used in the last block. */
  private tailUsed = 0;

  /** Copies all of `data` in (the caller checks the space first). */
  append(data: Uint8Array): void {
    let from = 0;
    while (from < data.length) {
      let tail = this.blocks[this.blocks.length - 1];
      if (tail === undefined || this.tailUsed === tail.length) {
        const want = data.length - from;
        // Small writes get a small block; anything more a full (reusable) one.
        tail = newBlock(want <= MIN_BLOCK ? MIN_BLOCK : MAX_BLOCK);
        this.blocks.push(tail);
        this.tailUsed = 0;
      }
      const n = Math.min(data.length - from, tail.length - this.tailUsed);
      tail.set(
        from === 0 && n === data.length ? data : data.subarray(from, from + n),
        this.tailUsed,
      );
      this.tailUsed += n;
      from += n;
    }
    this.length += data.length;
  }

  /** Copies `length` bytes starting `offset` bytes after SND.UNA into `out` at `at`. */
  copyOut(offset: number, length: number, out: Uint8Array, at: number): void {
    let skip = offset + this.head;
    let i = 0;
    while (skip >= this.blocks[i]!.length) skip -= this.blocks[i++]!.length;
    while (length > 0) {
      const block = this.blocks[i++]!;
      const n = Math.min(length, block.length - skip);
      out.set(block.subarray(skip, skip + n), at);
      at += n;
      length -= n;
      skip = 0;
    }
  }

  /** Drops the first `n` bytes (acknowledged). */
  consume(n: number): void {
    if (n <= 0) return;
    this.length -= n;
    if (this.length === 0) {
      for (const block of this.blocks) recycle(block);
      this.blocks = [];
      this.head = 0;
      this.tailUsed = 0;
      return;
    }
    this.head += n;
    let drop = 0;
    while (this.head >= this.blocks[drop]!.length) {
      this.head -= this.blocks[drop]!.length;
      recycle(this.blocks[drop++]!);
    }
    if (drop > 0) this.blocks.splice(0, drop);
  }
}
