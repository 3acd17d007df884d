/**
 * Reno's window sizing (RFC 5681 §3.1): slow start below ssthresh,
 * congestion avoidance (one SMSS per window of data acknowledged, counted
 * in bytes) above it, ssthresh = max(FlightSize / 2, 2 SMSS) on loss. With
 * the sender's NewReno recovery (RFC 6582) this is NewReno.
 */
import { type CongestionControl, slowStartIncrease } from './congestion.js';

export class NewReno implements CongestionControl {
  readonly name = 'newreno' as const;
  cwnd: number;
  ssthresh = Number.MAX_SAFE_INTEGER;
  private smss: number;
  /** Bytes acknowledged in congestion avoidance since cwnd last grew. */
  private bytesAcked = 0;

  constructor(smss: number, initialWindowSegments: number) {
    this.smss = smss;
    this.cwnd = initialWindow(smss, initialWindowSegments);
  }

  setMss(smss: number): void {
    this.smss = smss;
  }

  onAck(acked: number): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd = slowStartIncrease(this.cwnd, acked);
      return;
    }
    // One SMSS per window acknowledged (RFC 5681 §3.1), however few ACKs it took.
    this.bytesAcked += acked;
    if (this.bytesAcked >= this.cwnd) {
      const windows = Math.floor(this.bytesAcked / this.cwnd);
      this.bytesAcked -= windows * this.cwnd;
      this.cwnd += windows * this.smss;
    }
  }

  onLoss(flight: number): void {
    this.ssthresh = Math.max(flight / 2, 2 * this.smss);
    this.cwnd = this.ssthresh;
    this.bytesAcked = 0;
  }

  onTimeout(flight: number): void {
    this.ssthresh = Math.max(flight / 2, 2 * this.smss);
    this.cwnd = this.smss;
    this.bytesAcked = 0;
  }

  undo(priorCwnd: number, priorSsthresh: number): void {
    this.cwnd = Math.max(this.cwnd, priorCwnd);
    this.ssthresh = Math.max(this.ssthresh, priorSsthresh);
  }
}

/** RFC 6928: min(IW × SMSS, max(2 × SMSS, 14600)) for IW = 10, generalised. */
export function initialWindow(smss: number, segments: number): number {
  return segments * smss;
}
