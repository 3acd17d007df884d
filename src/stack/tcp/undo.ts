/**
 * Telling a needless congestion response from a needed one, and undoing it
 * (spurious retransmission detection). A window reduction — fast recovery
 * or a retransmission timeout — opens an episode that remembers the window
 * before it; the episode's retransmissions are counted and their ranges
 * kept. The reduction was needless, and is undone, when either:
 *
 * - every retransmission of the episode is reported duplicate by a D-SACK
 *   (RFC 3708 §3: the originals all arrived, nothing was lost); or
 * - the ACK that first covers the episode's first retransmission echoes a
 *   timestamp older than that retransmission's TSval (Eifel detection,
 *   RFC 3522 §3.2): the original reached the peer, the retransmission did
 *   not make the ACK.
 *
 * The response (RFC 4015 §2, as Linux does it): the window and the
 * slow-start threshold go back to at least what they were before the
 * episode, and segments deemed lost by it are no longer (the caller's, as it
 * owns the record of what is in flight). One decision per episode; a new
 * reduction takes the place of one still open, which then stands.
 *
 * Sans-IO, no clock: sequence numbers and TSvals modulo 2³² (./seq.ts),
 * windows in bytes.
 */
import { seqGe, seqGt, seqLe, seqLt } from './seq.js';

/** Ranges kept for matching D-SACK blocks; an episode that resends more is never undone by D-SACK. */
const MAX_RANGES = 64;

export class CongestionUndo {
  /** The window and threshold before the episode's reduction (bytes). */
  priorCwnd = 0;
  priorSsthresh = 0;
  /** A reduction may still be undone. */
  private open = false;
  /** RFC 3708 `undo_retrans`: the episode's retransmissions not yet reported duplicate. */
  private pending = 0;
  /** The ranges the episode resent, [start, end), oldest first; null once more than MAX_RANGES. */
  private ranges: Array<[number, number]> | null = [];
  /** RFC 3522 `RetransmitTS`: the TSval of the episode's first retransmission; -1 before it. */
  private firstTsVal = -1;
  private firstEnd = 0;
  /** Eifel has looked at the ACK covering the first retransmission. */
  private eifelDone = false;

  /** Whether an episode is open and may still be undone. */
  get undoable(): boolean {
    return this.open;
  }

  /**
   * A reduction is about to happen with the window `cwnd` and threshold
   * `ssthresh` (bytes). `continuing`: a retransmission timeout inside an
   * episode still open — the window before that episode is the one to
   * restore, and its retransmissions still count.
   */
  begin(cwnd: number, ssthresh: number, continuing: boolean): void {
    if (continuing && this.open) return;
    this.open = true;
    this.priorCwnd = cwnd;
    this.priorSsthresh = ssthresh;
    this.pending = 0;
    this.ranges = [];
    this.firstTsVal = -1;
    this.eifelDone = false;
  }

  /** [start, end) was sent again with timestamp value `tsVal` (-1 without timestamps). */
  retransmitted(start: number, end: number, tsVal: number): void {
    if (!this.open) return;
    this.pending++;
    if (this.firstTsVal === -1 && tsVal !== -1) {
      this.firstTsVal = tsVal;
      this.firstEnd = end;
    }
    if (this.ranges === null) return;
    if (this.ranges.length >= MAX_RANGES) this.ranges = null;
    else this.ranges.push([start, end]);
  }

  /**
   * A D-SACK block [left, right) arrived. Returns true when it was the last
   * of the episode's retransmissions still unreported: the reduction was
   * needless. A duplicate of data the episode did not resend (the network
   * duplicated it) counts for nothing.
   */
  dsack(left: number, right: number): boolean {
    if (!this.open || this.ranges === null || this.pending === 0) return false;
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i++) {
      const [start, end] = ranges[i]!;
      if (seqGe(left, start) && seqLe(right, end)) {
        // One report per retransmission: the range leaves the list.
        ranges.splice(i, 1);
        return --this.pending === 0;
      }
    }
    return false;
  }

  /**
   * An ACK moved SND.UNA to `ack`, echoing the timestamp `echo` (-1: none).
   * Returns true when it is the first to cover the episode's first
   * retransmission and echoes an older TSval (RFC 3522 §3.2).
   */
  acknowledged(ack: number, echo: number): boolean {
    if (!this.open || this.eifelDone || this.firstTsVal === -1 || seqLt(ack, this.firstEnd))
      return false;
    this.eifelDone = true;
    return echo !== -1 && seqGt(this.firstTsVal, echo);
  }

  /** The episode is decided (undone, or overtaken): nothing more is undone for it. */
  close(): void {
    this.open = false;
    this.ranges = [];
    this.pending = 0;
  }
}
