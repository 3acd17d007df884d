/**
 * RACK loss detection (RFC 8985 §6): a segment is deemed lost when a
 * segment sent after it has been delivered (ACKed or SACKed) and more than
 * RACK.rtt + the reordering window has passed since it was sent — time, not
 * a count of duplicate ACKs, so a lost retransmission is found like any other
 * loss, and reordering shorter than the window costs nothing.
 *
 * The reordering window (§6.2 step 4) is min_RTT / 4 times a multiplier that
 * grows by one for each round trip that brings a D-SACK and falls back to one
 * after 16 recoveries without, never more than SRTT; it is 0 — RFC 6675's
 * DupThresh rule — while no reordering has been seen and the connection is
 * recovering or three segments are SACKed. Reordering is seen when an
 * original (never retransmitted) segment is delivered below the highest one
 * delivered (§6.2 step 3), and, as Linux does, when a D-SACK reports that a
 * retransmission was needless (the original arrived late, not lost).
 *
 * Sans-IO: the connection reports transmissions, ACKs and time; the queue of
 * segments in flight (./rack-sent.ts) carries the verdicts; `timerAt` is the
 * reordering timer's deadline (ms, Infinity when off).
 */
import type { SentQueue, SentSegment } from './rack-sent.js';
import type { SackScoreboard } from './sack-scoreboard.js';
import { seqGe, seqGt, seqLt } from './seq.js';

/** RFC 8985 §6.2: segments SACKed before the reordering window drops to 0 (no reordering seen). */
const DUP_THRESH = 3;
/** §6.2 step 4: recoveries without a D-SACK before the window's multiplier resets. */
const REO_WND_PERSIST = 16;

export class Rack {
  /** RACK.xmit_ts, RACK.end_seq and the sending order of the most recently sent segment delivered; order -1 before any. */
  private order = -1;
  xmitTs = 0;
  endSeq = 0;
  /** RACK.rtt: the RTT of that segment (ms). */
  rtt = 0;
  /** RACK.min_RTT over the connection (ms; Infinity before a sample). */
  minRtt = Number.POSITIVE_INFINITY;
  /** RACK.fack: the highest sequence number delivered; valid once `fackSet`. */
  private fack = 0;
  private fackSet = false;
  reorderingSeen = false;
  private reoWndMult = 1;
  private reoWndPersist = REO_WND_PERSIST;
  /** RACK.dsack_round: SND.NXT when the last D-SACK-driven increase happened; -1 when none is open. */
  private dsackRound = -1;
  /** The reordering timer (ms; Infinity when off). */
  timerAt = Number.POSITIVE_INFINITY;

  /** The ACK being processed: its time and its timestamp echo (see onAck). */
  private ackTime = 0;
  private ackEchoMs = -1;
  /** Made once: called per delivered segment, on every ACK. */
  private readonly acknowledged = (e: SentSegment): void => {
    const echo = this.ackEchoMs;
    if (e.retransmitted && echo !== -1 && seqLt(echo, Math.floor(e.xmitTs) >>> 0)) return;
    this.delivered(e, this.ackTime);
  };
  private readonly sacked = (e: SentSegment): void => this.delivered(e, this.ackTime);

  constructor(readonly queue: SentQueue) {}

  /**
   * An ACK arrived (§6.2 steps 1 - 3): segments up to `ack` and those the
   * scoreboard now covers are delivered. `echoMs`: the time (our clock, ms,
   * modulo 2³²) the ACK's timestamp echo stands for, -1 without one — a
   * retransmission cumulatively acknowledged by an ACK echoing a time before
   * it was sent was the original's delivery (step 2). Only for the
   * cumulative ACK: for SACKed data the peer echoes an older segment's
   * (RFC 7323 §4.3).
   */
  onAck(ack: number, board: SackScoreboard, now: number, echoMs = -1): void {
    this.ackTime = now;
    this.ackEchoMs = echoMs;
    this.queue.acknowledge(ack, this.acknowledged);
    this.queue.markSacked(board, this.sacked);
  }

  private delivered(e: SentSegment, now: number): void {
    // Step 3: an original delivered below the highest delivered was reordered.
    if (!this.fackSet || seqGt(e.end, this.fack)) {
      this.fack = e.end;
      this.fackSet = true;
    } else if (seqLt(e.end, this.fack) && !e.retransmitted) this.reorderingSeen = true;
    // Step 2: the most recently sent delivered segment. A retransmission delivered sooner
    // than any round trip was the original's delivery (§6.2: the timestamp echo is no help
    // for SACKed data, as the receiver echoes the last in-order segment's, RFC 7323 §4.3).
    const rtt = now - e.xmitTs;
    if (e.retransmitted) {
      if (rtt < this.minRtt) return;
    } else if (rtt < this.minRtt) this.minRtt = rtt;
    if (e.order > this.order) {
      this.order = e.order;
      this.xmitTs = e.xmitTs;
      this.endSeq = e.end;
      this.rtt = rtt;
    }
  }

  /**
   * §6.2 step 4's D-SACK part, once per ACK: `dsack` when the ACK carried a
   * D-SACK block, `spurious` when it reported a retransmission needless.
   */
  onDsack(dsack: boolean, spurious: boolean, sndUna: number, sndNxt: number): void {
    if (this.dsackRound !== -1 && seqGe(sndUna, this.dsackRound)) this.dsackRound = -1;
    if (!dsack) return;
    if (spurious) this.reorderingSeen = true;
    if (this.dsackRound === -1) {
      this.dsackRound = sndNxt;
      this.reoWndMult++;
      this.reoWndPersist = REO_WND_PERSIST;
    }
  }

  /** A recovery (fast or after a timeout) ended: the multiplier decays back to one after 16 without a D-SACK. */
  recoveryEnded(): void {
    if (--this.reoWndPersist <= 0) {
      this.reoWndMult = 1;
      this.reoWndPersist = REO_WND_PERSIST;
    }
  }

  /** RACK.reo_wnd (ms): `recovering` in fast or RTO recovery; `srtt` in ms. */
  reoWnd(recovering: boolean, srtt: number): number {
    if (!this.reorderingSeen && (recovering || this.queue.sackedSegments >= DUP_THRESH)) return 0;
    const minRtt = Number.isFinite(this.minRtt) ? this.minRtt : srtt;
    return Math.min((this.reoWndMult * minRtt) / 4, srtt);
  }

  /**
   * Step 5: deems lost every segment sent before the RACK segment whose time
   * (RACK.rtt + `reoWnd` after it was sent) has passed, and arms the timer
   * for the earliest of the rest. Returns whether any segment became lost.
   */
  detectLoss(reoWnd: number, now: number): boolean {
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.order === -1) return false;
    const queue = this.queue;
    let found = false;
    let wait = 0;
    for (let i = 0, n = queue.size; i < n; i++) {
      const e = queue.at(i);
      if (e.sacked || e.lost || e.order >= this.order) continue;
      const remaining = e.xmitTs + this.rtt + reoWnd - now;
      if (remaining <= 0) {
        queue.markLost(e);
        found = true;
      } else if (remaining > wait) wait = remaining;
    }
    if (wait > 0) this.timerAt = now + wait;
    return found;
  }

  /** Whether a scan can find anything: only segments sent before a delivered one can be lost. */
  worthScanning(board: SackScoreboard, sndUna: number): boolean {
    return !board.empty || this.queue.retransmissionOutstanding(sndUna);
  }

  /** The retransmission timer fired (§6.3): every segment not SACKed is deemed lost. */
  onTimeout(): void {
    const queue = this.queue;
    for (let i = 0, n = queue.size; i < n; i++) queue.markLost(queue.at(i));
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
