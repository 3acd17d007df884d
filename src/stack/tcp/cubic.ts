/**
 * CUBIC (RFC 9438), Linux's default: after a loss the window grows along
 * W_cubic(t) = C (t − K)³ + W_max (§4.2; C = 0.4, t in seconds, windows in
 * segments), concave up to the last maximum and convex beyond it, never
 * slower than Reno would (the Reno-friendly region, §4.3). Multiplicative
 * decrease β = 0.7 (§4.6) with fast convergence (§4.7). Slow start as Reno.
 */
import { type CongestionControl, slowStartIncrease } from './congestion.js';
import { initialWindow } from './new-reno.js';

const C = 0.4;
const BETA = 0.7;
/** §4.3: Reno-friendly additive increase per RTT, in segments. */
const ALPHA = (3 * (1 - BETA)) / (1 + BETA);

export class Cubic implements CongestionControl {
  readonly name = 'cubic' as const;
  cwnd: number;
  ssthresh = Number.MAX_SAFE_INTEGER;
  private smss: number;
  /** W_max and the previous W_max (segments). */
  private wMax = 0;
  private wLastMax = 0;
  /** When the current congestion-avoidance epoch began (ms), or -1. */
  private epochStart = -1;
  /** K (seconds). */
  private k = 0;
  /** The Reno-friendly estimate W_est (segments). */
  private wEst = 0;
  /** W_max and the previous W_max before the last reduction, for an undo. */
  private priorWMax = 0;
  private priorWLastMax = 0;

  constructor(smss: number, initialWindowSegments: number) {
    this.smss = smss;
    this.cwnd = initialWindow(smss, initialWindowSegments);
  }

  setMss(smss: number): void {
    this.smss = smss;
  }

  onAck(acked: number, now: number, srtt: number): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd = slowStartIncrease(this.cwnd, acked);
      return;
    }
    const segments = this.cwnd / this.smss;
    if (this.epochStart < 0) {
      this.epochStart = now;
      if (segments < this.wMax) {
        this.k = Math.cbrt((this.wMax * (1 - BETA)) / C);
      } else {
        this.k = 0;
        this.wMax = segments;
      }
      this.wEst = segments;
    }
    // §4.2: the target one RTT ahead, kept within [cwnd, 1.5 cwnd].
    const t = (now - this.epochStart + srtt) / 1000;
    const cubic = C * (t - this.k) ** 3 + this.wMax;
    const target = Math.min(Math.max(cubic, segments), 1.5 * segments);
    const ackedSegments = acked / this.smss;
    this.wEst += (ALPHA * ackedSegments) / segments;
    let grow = ((target - segments) / segments) * ackedSegments;
    if (this.wEst > target)
      grow = Math.max(grow, ((this.wEst - segments) / segments) * ackedSegments);
    this.cwnd += Math.max(0, grow) * this.smss;
  }

  onLoss(flight: number): void {
    void flight;
    this.reduce();
    this.cwnd = this.ssthresh;
  }

  onTimeout(flight: number): void {
    void flight;
    this.reduce();
    this.cwnd = this.smss;
  }

  undo(priorCwnd: number, priorSsthresh: number): void {
    this.cwnd = Math.max(this.cwnd, priorCwnd);
    this.ssthresh = Math.max(this.ssthresh, priorSsthresh);
    this.wMax = this.priorWMax;
    this.wLastMax = this.priorWLastMax;
    this.epochStart = -1;
  }

  /** §4.6, §4.7: remember W_max (lowered when the maximum keeps falling), cut ssthresh by β. */
  private reduce(): void {
    const segments = this.cwnd / this.smss;
    this.priorWMax = this.wMax;
    this.priorWLastMax = this.wLastMax;
    this.wMax = segments < this.wLastMax ? (segments * (1 + BETA)) / 2 : segments;
    this.wLastMax = segments;
    this.ssthresh = Math.max(this.cwnd * BETA, 2 * this.smss);
    this.epochStart = -1;
  }
}
