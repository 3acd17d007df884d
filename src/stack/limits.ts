/** The stack's resource limits (reassembly, ICMP error rate) and their defaults. */

/** Limits that keep a hostile peer from exhausting memory. */
export interface StackLimits {
  /** Reassembly: datagrams assembled at once, per family. */
  reassemblyDatagrams: number;
  /** Reassembly: fragment bytes held at once, per family. */
  reassemblyBytes: number;
  /** Reassembly timeout for IPv4 (Linux ipfrag_time: 30 s). */
  reassemblyTimeoutV4Ms: number;
  /** Reassembly timeout for IPv6 (RFC 8200 §4.5: 60 s). */
  reassemblyTimeoutV6Ms: number;
  /** ICMP errors sent: burst size and tokens per second (like Linux icmp_msgs_burst / per_sec). */
  icmpBurst: number;
  icmpPerSecond: number;
}

export const DEFAULT_LIMITS: StackLimits = {
  reassemblyDatagrams: 64,
  reassemblyBytes: 1 << 20,
  reassemblyTimeoutV4Ms: 30_000,
  reassemblyTimeoutV6Ms: 60_000,
  icmpBurst: 50,
  icmpPerSecond: 1000,
};
