/**
 * TCP tunables, with Linux's defaults where Linux has one (the value and the
 * sysctl it mirrors are named on each). Times are milliseconds, sizes bytes.
 */

/** The congestion controllers wirestack has (RFC 5681 + RFC 6582; RFC 9438). */
export type CongestionControlName = 'newreno' | 'cubic';

export interface TcpConfig {
  /** Maximum segment lifetime; TIME-WAIT lasts 2 × MSL (Linux: 60 s of TIME-WAIT). */
  mslMs: number;
  /** RFC 6298 §2.4 floor of the retransmission timeout (Linux TCP_RTO_MIN: 200 ms). */
  minRtoMs: number;
  /** Ceiling of the backed-off retransmission timeout (Linux TCP_RTO_MAX: 120 s). */
  maxRtoMs: number;
  /** RTO before any RTT sample (RFC 6298 §2.1: 1 s). */
  initialRtoMs: number;
  /** SYN retransmissions before a connect fails with ETIMEDOUT (tcp_syn_retries: 6). */
  synRetries: number;
  /** SYN-ACK retransmissions before a half-open connection is dropped (tcp_synack_retries: 5). */
  synAckRetries: number;
  /** Data retransmissions before the connection fails with ETIMEDOUT (tcp_retries2: 15). */
  dataRetries: number;
  /** Receive buffer per connection; the advertised window follows its free space (tcp_rmem[1]: 131072). */
  receiveBufferSize: number;
  /** Send buffer per connection: bytes accepted from the application and not yet acknowledged (tcp_wmem[1]: 16384; more here, as Linux autotunes). */
  sendBufferSize: number;
  /** Longest an ACK is delayed (RFC 9293 §3.8.6.3: < 0.5 s; Linux's delayed-ACK timer: 40 ms). */
  delayedAckMs: number;
  /** Initial congestion window in segments (RFC 6928: 10). */
  initialWindowSegments: number;
  /** The congestion controller of new connections (Linux: cubic). */
  congestionControl: CongestionControlName;
  /** Offer and use SACK (RFC 2018; tcp_sack: 1). */
  sack: boolean;
  /** Detect losses with RACK-TLP when SACK is in use (RFC 8985; tcp_recovery: 1); off, RFC 6675's duplicate-ACK threshold. */
  rack: boolean;
  /** Offer and use timestamps (RFC 7323; tcp_timestamps: 1). */
  timestamps: boolean;
  /** Offer window scaling (RFC 7323; tcp_window_scaling: 1). */
  windowScaling: boolean;
  /** Idle time before the first keep-alive probe when none is given (tcp_keepalive_time: 7200 s). */
  keepAliveIdleMs: number;
  /** Between keep-alive probes (libuv sets TCP_KEEPINTVL to 1 s). */
  keepAliveIntervalMs: number;
  /** Unanswered probes before the connection fails with ETIMEDOUT (libuv sets TCP_KEEPCNT to 10). */
  keepAliveProbes: number;
  /** Half-open (SYN-RECEIVED) connections a listener holds at once (tcp_max_syn_backlog: 256 at least). */
  synQueueLimit: number;
  /**
   * The least time between two ACKs a connection sends in reply to pure ACKs
   * it refuses (out of the window, or old by PAWS), so two ends that disagree
   * cannot ACK each other in a loop (ms; tcp_invalid_ratelimit: 500).
   */
  invalidAckIntervalMs: number;
  /** Challenge ACKs (RFC 5961 §7) sent per second by the whole layer (tcp_challenge_ack_limit: 1000). */
  challengeAckPerSecond: number;
}

export const DEFAULT_TCP_CONFIG: TcpConfig = {
  mslMs: 30_000,
  minRtoMs: 200,
  maxRtoMs: 120_000,
  initialRtoMs: 1000,
  synRetries: 6,
  synAckRetries: 5,
  dataRetries: 15,
  receiveBufferSize: 256 * 1024,
  sendBufferSize: 256 * 1024,
  delayedAckMs: 40,
  initialWindowSegments: 10,
  congestionControl: 'cubic',
  sack: true,
  rack: true,
  timestamps: true,
  windowScaling: true,
  keepAliveIdleMs: 7_200_000,
  keepAliveIntervalMs: 1000,
  keepAliveProbes: 10,
  synQueueLimit: 256,
  invalidAckIntervalMs: 500,
  challengeAckPerSecond: 1000,
};
