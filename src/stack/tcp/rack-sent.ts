/**
 * The sender's record of what is in flight, one entry per transmission
 * (RFC 8985 §5.2's per-segment state): the sequence range, when it was last
 * sent, its place in the sending order, and whether it was retransmitted,
 * SACKed or deemed lost. Entries are in sequence order and cover SND.UNA to
 * SND.MAX without gaps; a retransmission that covers a different range than
 * the original replaces the entries it overlaps (split at its edges).
 *
 * Sequence numbers modulo 2³² (./seq.ts); times in ms.
 */
import type { SackScoreboard } from './sack-scoreboard.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';

export interface SentSegment {
  start: number;
  /** One past the last sequence number (a FIN counts one). */
  end: number;
  /** It carries the FIN, which SACK blocks never cover (RFC 2018 reports data). */
  fin: boolean;
  /** When it was last sent (ms). */
  xmitTs: number;
  /** Its last transmission's place in the connection's sending order: exact where times tie. */
  order: number;
  retransmitted: boolean;
  sacked: boolean;
  lost: boolean;
}

export class SentQueue {
  /** Live entries are `entries[head..]`. */
  private entries: SentSegment[] = [];
  private head = 0;
  private nextOrder = 0;
  /** Sequence space of entries deemed lost and not sent again (RFC 6675's pipe leaves it out). */
  lostBytes = 0;
  /** Entries SACKed and not yet cumulatively acknowledged (RFC 8985's RACK.segs_sacked). */
  sackedSegments = 0;
  /** SACKed entries that carry the FIN: delivered, though no SACK block counts the FIN's number. */
  sackedFins = 0;
  /** The end of the highest retransmission; none is outstanding once SND.UNA reaches it. */
  retransmittedEnd = 0;
  private anyRetransmitted = false;

  get size(): number {
    return this.entries.length - this.head;
  }

  /** The entry at position `i` from the oldest (0: the one at SND.UNA). */
  at(i: number): SentSegment {
    return this.entries[this.head + i]!;
  }

  /** The highest entry, or null. */
  last(): SentSegment | null {
    return this.size === 0 ? null : this.entries[this.entries.length - 1]!;
  }

  /** Whether a retransmission may still be in flight (above `sndUna`). */
  retransmissionOutstanding(sndUna: number): boolean {
    return this.anyRetransmitted && seqGt(this.retransmittedEnd, sndUna);
  }

  /** [start, end) (`fin`: its last number is the FIN's) went on the wire at `now`: a new entry, or the overlapped ones replaced. */
  sent(start: number, end: number, fin: boolean, retransmission: boolean, now: number): void {
    const order = this.nextOrder++;
    const entry: SentSegment = {
      start,
      end,
      fin,
      xmitTs: now,
      order,
      retransmitted: retransmission,
      sacked: false,
      lost: false,
    };
    if (retransmission) {
      if (!this.anyRetransmitted || seqGt(end, this.retransmittedEnd)) this.retransmittedEnd = end;
      this.anyRetransmitted = true;
    }
    const last = this.last();
    if (last === null || seqGe(start, last.end)) {
      this.entries.push(entry);
      return;
    }
    // A retransmission (or a resend after the path MTU fell): split at its edges, replace.
    const entries = this.entries;
    let i = this.head;
    while (i < entries.length && seqLe(entries[i]!.end, start)) i++;
    if (i < entries.length && seqLt(entries[i]!.start, start)) {
      const e = entries[i]!;
      entries.splice(i, 0, { ...e, end: start, fin: false });
      if (e.sacked) this.sackedSegments++;
      e.start = start;
      i++;
    }
    let j = i;
    while (j < entries.length && seqLe(entries[j]!.end, end)) {
      this.forget(entries[j]!);
      j++;
    }
    if (j < entries.length && seqLt(entries[j]!.start, end)) {
      const e = entries[j]!;
      if (e.lost) this.lostBytes -= seqDiff(end, e.start);
      e.start = end;
    }
    entries.splice(i, j - i, entry);
  }

  /** Drops the entries below `ack` (a partly acknowledged one is trimmed); calls `delivered` for each newly delivered whole one, in order. */
  acknowledge(ack: number, delivered: (e: SentSegment) => void): void {
    const entries = this.entries;
    while (this.head < entries.length) {
      const e = entries[this.head]!;
      if (seqLe(e.end, ack)) {
        this.head++;
        this.forget(e);
        if (!e.sacked) delivered(e);
        continue;
      }
      if (seqLt(e.start, ack)) {
        if (e.lost) this.lostBytes -= seqDiff(ack, e.start);
        e.start = ack;
      }
      break;
    }
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Marks the entries the scoreboard now covers whole; calls `delivered` for each, in sequence order. */
  markSacked(board: SackScoreboard, delivered: (e: SentSegment) => void): void {
    if (board.empty) return;
    const top = board.highest(0);
    const entries = this.entries;
    for (let i = this.head; i < entries.length; i++) {
      const e = entries[i]!;
      if (seqGe(e.start, top)) break;
      if (e.sacked) continue;
      const sackedEnd = board.sackedEnd(e.start);
      if (sackedEnd === -1 || seqLt(sackedEnd, e.fin ? seqAdd(e.end, -1) : e.end)) continue;
      e.sacked = true;
      this.sackedSegments++;
      if (e.fin) this.sackedFins++;
      if (e.lost) {
        e.lost = false;
        this.lostBytes -= seqDiff(e.end, e.start);
      }
      delivered(e);
    }
  }

  /** Deems `e` lost (it leaves the pipe until it is sent again). */
  markLost(e: SentSegment): void {
    if (e.lost || e.sacked) return;
    e.lost = true;
    this.lostBytes += seqDiff(e.end, e.start);
  }

  /** No entry is deemed lost any more (a reduction was undone: RACK decides again). */
  unmarkLost(): void {
    if (this.lostBytes <= 0) return;
    const entries = this.entries;
    for (let i = this.head; i < entries.length; i++) entries[i]!.lost = false;
    this.lostBytes = 0;
  }

  /** The lowest entry deemed lost and not yet sent again, or null. */
  firstLost(): SentSegment | null {
    if (this.lostBytes <= 0) return null;
    const entries = this.entries;
    for (let i = this.head; i < entries.length; i++) if (entries[i]!.lost) return entries[i]!;
    return null;
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.lostBytes = 0;
    this.sackedSegments = 0;
    this.sackedFins = 0;
    this.anyRetransmitted = false;
  }

  /** Takes a removed (or replaced) entry out of the counters. */
  private forget(e: SentSegment): void {
    if (e.lost) this.lostBytes -= seqDiff(e.end, e.start);
    if (e.sacked) {
      this.sackedSegments--;
      if (e.fin) this.sackedFins--;
    }
  }
}
