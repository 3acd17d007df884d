/**
 * The tail loss probe (RFC 8985 §7): when the last segments of a flight are
 * lost, no later segment is delivered for RACK to notice, and only the
 * retransmission timeout would act. Instead, a probe timeout (PTO) of about
 * two round trips after the last transmission or ACK sends one segment —
 * new data if the peer's window allows, else the highest segment again —
 * whose ACK brings the SACK information RACK needs, or the D-SACK that shows
 * nothing was lost. The RTO is rearmed after each probe.
 *
 * Unlike §7.3's one probe per episode, on a path the connection has found
 * lossy (it has recovered from a loss) a second may follow at twice the PTO
 * when nothing was acknowledged since the first (as QUIC's probe timeout
 * backs off, RFC 9002 §6.2.1): with a window of a few segments on a lossy
 * path, the probe is lost with its flight often enough (one in five at 10 %
 * loss each way) that the retransmission timeout — 200 ms or more, against a
 * round trip of a millisecond — would dominate the transfer (docs/tcp.md).
 * Until then, one probe and the RTO, as §7.3 and Linux.
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
/** Probes sent without an acknowledgment of new data in between, each PTO twice the last, on a lossy path. */
const MAX_PROBES_LOSSY = 2;

export class TailLossProbe {
  /** TLP.end_seq: SND.NXT just after the probe; -1 while no probe is outstanding. */
  endSeq = -1;
  /** TLP.is_retrans: the probe sent old data again. */
  isRetransmission = false;
  /** A D-SACK reported the probe's data as a duplicate: nothing was lost. */
  private duplicated = false;
  /** The probe went while recovering: that recovery's reduction covers a loss it repaired. */
  private whileRecovering = false;
  /** The probe timer (ms; Infinity when off). */
  timerAt = Number.POSITIVE_INFINITY;
  /** Probes sent since new data was last acknowledged. */
  private probes = 0;
  /** The connection has recovered from a loss: a second probe may follow the first. */
  lossyPath = false;

  /** Whether another probe may be sent before new data is acknowledged. */
  get mayProbe(): boolean {
    return this.probes < (this.lossyPath ? MAX_PROBES_LOSSY : 1);
  }

  /**
   * §7.2: (re)arms the PTO from `now`: 2 × SRTT (+ WCDelAckT for a lone
   * segment), doubled for a second probe, never after the RTO (`rtoAt`).
   */
  arm(srtt: number, loneSegment: boolean, rtoAt: number, now: number): void {
    let pto = PTO_WITHOUT_RTT_MS;
    if (srtt > 0) pto = 2 * srtt + (loneSegment ? WORST_CASE_DELAYED_ACK_MS : PTO_SLACK_MS);
    this.timerAt = Math.min(now + pto * 2 ** this.probes, rtoAt);
  }

  cancel(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** A probe went out; `sndNxt` after it; `recovering`: during a recovery. */
  sent(sndNxt: number, retransmission: boolean, recovering: boolean): void {
    this.probes++;
    this.endSeq = sndNxt;
    this.isRetransmission = retransmission;
    this.whileRecovering = recovering;
    this.duplicated = false;
  }

  /** A D-SACK block [left, right) arrived. */
  dsack(right: number): void {
    if (this.endSeq !== -1 && right === this.endSeq) this.duplicated = true;
  }

  /**
   * §7.4: an ACK up to `ack` (`reached`: it covers TLP.end_seq). Returns true
   * when the probe repaired a loss — a retransmitted probe, sent outside a
   * recovery, acknowledged without a D-SACK for it — so the congestion
   * controller must hear of it.
   */
  onAck(reached: boolean): boolean {
    if (this.endSeq === -1 || !reached) return false;
    const repaired = this.isRetransmission && !this.duplicated && !this.whileRecovering;
    this.endSeq = -1;
    return repaired;
  }

  /** New data was acknowledged: the probes' backoff starts over. */
  progressed(): void {
    this.probes = 0;
  }

  /** The episode ends without a verdict (a timeout, a new recovery). */
  reset(): void {
    this.endSeq = -1;
    this.probes = 0;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
