/** Per-connection counters, for summaries and tests. Byte counts are payload bytes. */
export interface TcpStats {
  segmentsSent: number;
  segmentsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Segments sent again (timeout, fast retransmit, SACK recovery). */
  retransmits: number;
  /** Retransmission timeouts that fired. */
  timeouts: number;
  /** Fast retransmits / recovery episodes entered. */
  fastRecoveries: number;
  /** Tail loss probes sent (RFC 8985 §7). */
  lossProbes: number;
  /** D-SACK blocks received (RFC 2883): data of ours that arrived twice, mostly needless retransmissions. */
  dsacksReceived: number;
  /** Window reductions undone as needless (D-SACK or timestamps showed nothing was lost; ./undo.ts). */
  undos: number;
  /** Segments that arrived wholly duplicate and were discarded. */
  duplicatesReceived: number;
  /** Segments that arrived out of order and were queued. */
  outOfOrderReceived: number;
  /** Smoothed RTT (ms), 0 before the first sample. */
  srtt: number;
}

export function newStats(): TcpStats {
  return {
    segmentsSent: 0,
    segmentsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    retransmits: 0,
    timeouts: 0,
    fastRecoveries: 0,
    lossProbes: 0,
    dsacksReceived: 0,
    undos: 0,
    duplicatesReceived: 0,
    outOfOrderReceived: 0,
    srtt: 0,
  };
}
