/**
 * The out-of-order queue (RFC 9293 §3.10.7.4, "seventh, process the segment
 * text"): data that arrived beyond RCV.NXT, held until the gap before it is
 * filled. Ranges never overlap: bytes already held win over a later copy
 * with different contents, so each byte is delivered once, as first
 * received. The queue is bounded by the receive window (the caller trims
 * segments to it). Also the source of the SACK blocks (RFC 2018 §4).
 */
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';

interface Range {
  seq: number;
  data: Uint8Array;
}

export class Reassembly {
  /** Bytes held. */
  bytes = 0;
  /** Sorted by `seq`, disjoint. */
  private ranges: Range[] = [];
  /** The sequence number of the most recently queued segment (its SACK block goes first). */
  private lastSeq = -1;

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** Queues `data` (copied) starting at `seq`, minus bytes already held; returns the bytes it added. */
  insert(seq: number, data: Uint8Array): number {
    if (data.length === 0) return 0;
    const before = this.bytes;
    this.lastSeq = seq;
    const end = seqAdd(seq, data.length);
    let i = 0;
    const ranges = this.ranges;
    while (i < ranges.length && seqLe(seqAdd(ranges[i]!.seq, ranges[i]!.data.length), seq)) i++;
    // Fill the gaps between held ranges from `seq` to `end`.
    let at = seq;
    while (seqLt(at, end)) {
      const next = ranges[i];
      const gapEnd = next === undefined || seqGe(next.seq, end) ? end : next.seq;
      if (seqLt(at, gapEnd)) {
        const piece = data.slice(seqDiff(at, seq), seqDiff(gapEnd, seq));
        ranges.splice(i, 0, { seq: at, data: piece });
        this.bytes += piece.length;
        i++;
      }
      if (next === undefined || seqGe(next.seq, end)) break;
      at = seqAdd(next.seq, next.data.length);
      i++;
    }
    return this.bytes - before;
  }

  /** Takes the data that now starts at or before `rcvNxt`, in order (trimmed to start at `rcvNxt`). */
  takeFrom(rcvNxt: number, out: Uint8Array[]): number {
    let next = rcvNxt;
    let taken = 0;
    const ranges = this.ranges;
    while (ranges.length > 0 && seqLe(ranges[0]!.seq, next)) {
      const r = ranges.shift()!;
      this.bytes -= r.data.length;
      const end = seqAdd(r.seq, r.data.length);
      if (seqGt(end, next)) {
        const piece = r.data.subarray(seqDiff(next, r.seq));
        out.push(piece);
        taken += piece.length;
        next = end;
      }
    }
    return taken;
  }

  /** How many SACK blocks the held data makes (adjacent ranges are one), without building them. */
  blockCount(): number {
    const ranges = this.ranges;
    let count = 0;
    for (let i = 0; i < ranges.length; i++) {
      const prev = ranges[i - 1];
      if (prev === undefined || seqAdd(prev.seq, prev.data.length) !== ranges[i]!.seq) count++;
    }
    return count;
  }

  /**
   * Up to `max` SACK blocks [left, right): the one holding the latest
   * segment first (RFC 2018 §4), then the others from the highest down.
   */
  sackBlocks(max: number): Array<[number, number]> {
    const blocks: Array<[number, number]> = [];
    const ranges = this.ranges;
    // Adjacent ranges form one block.
    for (let i = 0; i < ranges.length; ) {
      const left = ranges[i]!.seq;
      let right = seqAdd(left, ranges[i]!.data.length);
      i++;
      while (i < ranges.length && ranges[i]!.seq === right) {
        right = seqAdd(right, ranges[i]!.data.length);
        i++;
      }
      blocks.push([left, right]);
    }
    blocks.reverse();
    const latest = blocks.findIndex(([l, r]) => seqLe(l, this.lastSeq) && seqLt(this.lastSeq, r));
    if (latest > 0) blocks.unshift(blocks.splice(latest, 1)[0]!);
    return blocks.slice(0, max);
  }

  clear(): void {
    this.ranges = [];
    this.bytes = 0;
  }
}
