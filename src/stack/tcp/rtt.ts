/**
 * The retransmission timeout (RFC 6298): SRTT and RTTVAR from RTT samples
 * (§2.2, §2.3, with α = 1/8, β = 1/4, K = 4, G = 1 ms), a floor and a ceiling
 * (§2.4, §2.5; Linux's 200 ms and 120 s), and exponential backoff (§5.5).
 * Karn's rule (§3) is the caller's: it samples only segments never sent twice,
 * or uses timestamps (RFC 7323 §4), which are unambiguous. Times in ms.
 */
export class RttEstimator {
  /** Smoothed RTT (ms); 0 until the first sample. */
  srtt = 0;
  /** RTT variation (ms). */
  rttvar = 0;
  /** The current timeout, backoff included (ms). */
  rto: number;
  /** Consecutive backoffs since the last sample. */
  backoffs = 0;
  private readonly minRto: number;
  private readonly maxRto: number;

  constructor(initialRto: number, minRto: number, maxRto: number) {
    this.rto = initialRto;
    this.minRto = minRto;
    this.maxRto = maxRto;
  }

  /** A round-trip time measurement `r` (ms). */
  sample(r: number): void {
    if (r < 0) return;
    if (this.srtt === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.backoffs = 0;
    this.rto = this.bounded(this.srtt + Math.max(1, 4 * this.rttvar));
  }

  /** Doubles the timeout after it fired (§5.5). */
  backoff(): void {
    this.backoffs++;
    this.rto = this.bounded(this.rto * 2);
  }

  private bounded(rto: number): number {
    return Math.min(this.maxRto, Math.max(this.minRto, rto));
  }
}
