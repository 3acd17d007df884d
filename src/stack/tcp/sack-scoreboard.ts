/**
 * The sender's SACK scoreboard (RFC 6675 §3): which ranges above SND.UNA the
 * receiver holds (RFC 2018 blocks), kept sorted and merged. It answers the
 * questions loss recovery asks: how many bytes are SACKed, whether a byte is
 * deemed lost (IsLost: DupThresh × SMSS SACKed bytes above it, §4), and
 * where the next unSACKed byte after a point is.
 */
import { seqDiff, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq.js';

export class SackScoreboard {
  /** [left, right) pairs, sorted, disjoint, non-adjacent. */
  private ranges: number[] = [];
  /** Bytes covered by the ranges. */
  sacked = 0;

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** The right edge of the highest SACKed range, or `fallback` when none. */
  highest(fallback: number): number {
    const n = this.ranges.length;
    return n === 0 ? fallback : this.ranges[n - 1]!;
  }

  /** Records blocks from an ACK, ignoring any outside (sndUna, sndMax] (RFC 2883 D-SACKs included). */
  update(blocks: ReadonlyArray<readonly [number, number]>, sndUna: number, sndMax: number): void {
    for (const [l, r] of blocks) {
      if (!seqLt(l, r) || seqLe(r, sndUna) || seqGt(r, sndMax)) continue;
      this.add(seqMax(l, sndUna), r);
    }
  }

  private add(left: number, right: number): void {
    const out: number[] = [];
    let l = left;
    let r = right;
    let placed = false;
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i += 2) {
      const a = ranges[i]!;
      const b = ranges[i + 1]!;
      if (seqLt(b, l)) out.push(a, b);
      else if (seqLt(r, a)) {
        if (!placed) {
          out.push(l, r);
          placed = true;
        }
        out.push(a, b);
      } else {
        l = seqMin(l, a);
        r = seqMax(r, b);
      }
    }
    if (!placed) out.push(l, r);
    this.ranges = out;
    this.recount();
  }

  /** Forgets everything below `sndUna` (it is cumulatively acknowledged). */
  prune(sndUna: number): void {
    const ranges = this.ranges;
    let i = 0;
    while (i < ranges.length && seqLe(ranges[i + 1]!, sndUna)) i += 2;
    if (i > 0) ranges.splice(0, i);
    if (ranges.length > 0 && seqLt(ranges[0]!, sndUna)) ranges[0] = sndUna;
    this.recount();
  }

  clear(): void {
    this.ranges = [];
    this.sacked = 0;
  }

  /** If `seq` is SACKed, the end of its range; else -1. */
  sackedEnd(seq: number): number {
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i += 2) {
      if (seqLt(seq, ranges[i]!)) return -1;
      if (seqLt(seq, ranges[i + 1]!)) return ranges[i + 1]!;
    }
    return -1;
  }

  /** The start of the first SACKed range above `seq`, or -1. */
  nextSackedAfter(seq: number): number {
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i += 2) if (seqGt(ranges[i]!, seq)) return ranges[i]!;
    return -1;
  }

  /**
   * The point below which every unSACKed byte is deemed lost: the left edge
   * of the range at which the SACKed bytes counted from the top reach
   * `threshold` bytes (RFC 6675 IsLost). `sndUna` when they never do.
   */
  lostBoundary(threshold: number, sndUna: number): number {
    const ranges = this.ranges;
    let above = 0;
    for (let i = ranges.length - 2; i >= 0; i -= 2) {
      above += seqDiff(ranges[i + 1]!, ranges[i]!);
      if (above >= threshold) return ranges[i]!;
    }
    return sndUna;
  }

  /** Bytes SACKed within [from, to). */
  sackedBetween(from: number, to: number): number {
    let n = 0;
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i += 2) {
      const l = seqMax(ranges[i]!, from);
      const r = seqMin(ranges[i + 1]!, to);
      if (seqLt(l, r)) n += seqDiff(r, l);
    }
    return n;
  }

  private recount(): void {
    let n = 0;
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i += 2) n += seqDiff(ranges[i + 1]!, ranges[i]!);
    this.sacked = n;
  }
}
