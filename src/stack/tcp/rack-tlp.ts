/**
 * The tail loss probe (RFC 8985 §7): when the last segments of a flight are
 * lost, no later segment is delivered for RACK to notice, and only the
 * retransmission timeout would act. Instead, a probe timeout (PTO) of about
 * two round trips after the last transmission or ACK sends one segment —
 * new data if the peer's window allows, else the highest segment again —
 * whose ACK brings the SACK information RACK needs, or the D-SACK that shows
 * nothing was lost. One probe per episode; the RTO is rearmed after it.
 *
 * Sans-IO: the connection decides when a probe is allowed (§7.2) and sends
 * it; this keeps the timer (`timerAt`, ms, Infinity when off) and the
 * episode (§7.4).
 */

/** §7.2 WCDelAckT: the longest a peer may delay the ACK of a lone segment (ms). */
const WORST_CASE_DELAYED_ACK_MS = 200;
/** Linux's TCP_TIMEOUT_MIN: slack for the ACK's timing when more than one segment is out (ms). */
const PTO_SLACK_MS = 2;
/** §7.2: the PTO before any RTT sample (ms). */
const PTO_WITHOUT_RTT_MS = 1000;

export class TailLossProbe {
  /** TLP.end_seq: SND.NXT just after the probe; -1 while no probe is outstanding. */
  endSeq = -1;
  /** TLP.is_retrans: the probe sent old data again. */
  isRetransmission = false;
  /** A D-SACK reported the probe's data as a duplicate: nothing was lost. */
  private duplicated = false;
  /** The probe timer (ms; Infinity when off). */
  timerAt = Number.POSITIVE_INFINITY;

  /** §7.2: (re)arms the PTO from `now`: 2 × SRTT (+ WCDelAckT for a lone segment), never after the RTO (`rtoAt`). */
  arm(srtt: number, loneSegment: boolean, rtoAt: number, now: number): void {
    let pto = PTO_WITHOUT_RTT_MS;
    if (srtt > 0) pto = 2 * srtt + (loneSegment ? WORST_CASE_DELAYED_ACK_MS : PTO_SLACK_MS);
    this.timerAt = Math.min(now + pto, rtoAt);
  }

  cancel(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** A probe went out; `sndNxt` after it. */
  sent(sndNxt: number, retransmission: boolean): void {
    this.endSeq = sndNxt;
    this.isRetransmission = retransmission;
    this.duplicated = false;
  }

  /** A D-SACK block [left, right) arrived. */
  dsack(right: number): void {
    if (this.endSeq !== -1 && right === this.endSeq) this.duplicated = true;
  }

  /**
   * §7.4: an ACK up to `ack` (`reached`: it covers TLP.end_seq). Returns true
   * when the probe repaired a loss — a retransmitted probe acknowledged
   * without a D-SACK for it — so the congestion controller must hear of it.
   */
  onAck(reached: boolean): boolean {
    if (this.endSeq === -1 || !reached) return false;
    const repaired = this.isRetransmission && !this.duplicated;
    this.endSeq = -1;
    return repaired;
  }

  /** The episode ends without a verdict (a timeout, a new recovery). */
  reset(): void {
    this.endSeq = -1;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
