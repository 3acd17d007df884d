/**
 * The congestion controller's interface: the sender reports ACKs, losses
 * and timeouts; the controller keeps `cwnd` and `ssthresh` (bytes). Loss
 * recovery itself (what to retransmit, when recovery ends) is the sender's
 * (RFC 6582, RFC 6675); the controller only sizes the window.
 */
import type { CongestionControlName } from './config.js';

export interface CongestionControl {
  readonly name: CongestionControlName;
  /** Congestion window (bytes). */
  cwnd: number;
  /** Slow-start threshold (bytes). */
  ssthresh: number;
  /** The sender's maximum segment size changed (bytes). */
  setMss(smss: number): void;
  /** `acked` bytes of new data were acknowledged outside loss recovery; `srtt` in ms (0: none yet). */
  onAck(acked: number, now: number, srtt: number): void;
  /** Loss found by duplicate ACKs or SACK, with `flight` bytes outstanding: set ssthresh and cwnd for recovery. */
  onLoss(flight: number, now: number): void;
  /** The retransmission timer fired with `flight` bytes outstanding (RFC 5681 §3.1 eq. 4, loss window 1 SMSS). */
  onTimeout(flight: number, now: number): void;
  /**
   * The last reduction was needless (./undo.ts): the window and threshold go
   * back to at least `priorCwnd` and `priorSsthresh` (bytes, as before it;
   * RFC 4015 §2), and the controller's own state with them.
   */
  undo(priorCwnd: number, priorSsthresh: number): void;
}

/**
 * RFC 5681 §3.1 slow start, counting bytes (RFC 3465): the window grows by
 * all that an ACK newly acknowledges (bytes), each byte counted once. RFC
 * 3465's limit of 2 SMSS per ACK is left out, as Linux leaves it out: a
 * receiver that answers a burst with one ACK (GRO on Linux, a burst taken
 * whole here) would otherwise hold slow start to a crawl. The last increase
 * may pass ssthresh (RFC 5681 §3.1 allows it; Linux stops at ssthresh —
 * tried: at 10 % loss, where a window is a few segments, stopping there
 * doubled the time and the timeouts).
 */
export function slowStartIncrease(cwnd: number, acked: number): number {
  return cwnd + acked;
}
