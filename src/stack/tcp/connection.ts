/**
 * One TCP connection (RFC 9293's TCB and its event processing, §3.10): the
 * user calls (SEND, RECEIVE as readStart/readStop, CLOSE as shutdown/close,
 * ABORT), segment arrival (§3.10.7), and the timers — retransmission
 * (RFC 6298), delayed ACK (§3.8.6.3), persist (§3.8.6.1), keep-alive
 * (§3.8.4), TIME-WAIT (§3.10.7.4) — and the sending decisions
 * (segmentation, Nagle, silly-window avoidance, recovery: `output`). Loss
 * detection is in ./rack.ts and ./rack-tlp.ts, window sizing in the
 * congestion controller (./congestion.ts).
 *
 * Sans-IO: `now` (ms) comes in with every call; segments leave through the
 * owning layer (`ConnectionHost.transmit`); deadlines are read by the layer
 * through `deadline()`. Callbacks run synchronously; the owner may call back
 * into the connection from them (every path re-checks the state after).
 */
import type { TcpOptions, TcpSegment } from '../../wire/tcp.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../wire/tcp.js';
import type { IpAddr } from '../address.js';
import { StackError, type StackErrorCode } from '../errors.js';
import type { CongestionControl } from './congestion.js';
import { Cubic } from './cubic.js';
import type { ConnectionHost } from './host.js';
import { NewReno } from './new-reno.js';
import { Rack } from './rack.js';
import { SentQueue } from './rack-sent.js';
import { TailLossProbe } from './rack-tlp.js';
import { Reassembly } from './reassembly.js';
import { RttEstimator } from './rtt.js';
import { SackScoreboard } from './sack-scoreboard.js';
import { SendBuffer } from './send-buffer.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';
import { isSynchronized, type TcpState } from './state.js';
import { newStats, type TcpStats } from './stats.js';
import { CongestionUndo } from './undo.js';

const NEVER = Number.POSITIVE_INFINITY;
/** RFC 9293 §3.7.1: the MSS assumed when the peer sends none (IPv4 536, IPv6 1220). */
const DEFAULT_MSS_V4 = 536;
const DEFAULT_MSS_V6 = 1220;
/** The timestamps option's share of every segment (NOP NOP + 10 bytes). */
const TIMESTAMPS_LENGTH = 12;
/** RFC 5681 §3.2 / RFC 6675: duplicate ACKs (or SACKed segments) that signal a loss. */
const DUP_THRESH = 3;
/** Linux's tcp_fin_timeout: an orphaned connection waits this long in FIN-WAIT-2. */
const FIN_WAIT_2_TIMEOUT_MS = 60_000;
/** RFC 1122 §4.2.2.17 / Linux: the persist timer's backoff ceiling. */
const MAX_PERSIST_MS = 60_000;

function noop(): void {}

/** Connections made so far in this process: their creation order breaks timer ties. */
let created = 0;

/** A shorthand for the window scale shift that lets `buffer` be advertised (RFC 7323 §2.3). */
export function scaleFor(buffer: number): number {
  let shift = 0;
  while (shift < 14 && buffer >> shift > 0xffff) shift++;
  return shift;
}

export class TcpConnection {
  // ---- callbacks (set once by the owner) -----------------------------------
  /** Active open completed (SYN-SENT → ESTABLISHED). */
  onestablished: () => void = noop;
  /** In-order data while reading; a fresh array the callee keeps. */
  ondata: (data: Uint8Array) => void = noop;
  /** The peer's FIN, after all its data (once). */
  onfin: () => void = noop;
  /** A fatal error (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ...); nothing follows it. */
  onerror: (err: StackError) => void = noop;
  /** Acknowledged data freed send-buffer space. */
  onsendspace: () => void = noop;

  // ---- identity -------------------------------------------------------------
  readonly localAddress: IpAddr;
  readonly localPort: number;
  readonly remoteAddress: IpAddr;
  readonly remotePort: number;
  state: TcpState;
  readonly stats: TcpStats = newStats();
  /** The listener this passive open came from, until it is handed over. */
  listener: { established(conn: TcpConnection): void; forget(conn: TcpConnection): void } | null =
    null;

  // ---- send sequence space (RFC 9293 §3.3.1) -------------------------------
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** The highest sequence number sent so far (SND.NXT moves back on a timeout). */
  sndMax = 0;
  /** The peer's window (bytes, scaled). */
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  /** The largest window the peer offered (RFC 5961 §5.2, sender SWS avoidance). */
  maxSndWnd = 0;
  sndWndShift = 0;
  readonly sendBuffer = new SendBuffer();
  /** The application asked for a FIN after its data. */
  finQueued = false;
  finSent = false;
  finAcked = false;
  /** Sender maximum segment size: payload bytes per segment, options excluded. */
  smss = DEFAULT_MSS_V4;
  /** The MSS the peer announced (or the default). */
  peerMss = DEFAULT_MSS_V4;
  cc: CongestionControl;
  readonly rtt: RttEstimator;
  readonly scoreboard = new SackScoreboard();
  sackOk = false;
  tsOk = false;
  /** Our timestamp clock's offset (RFC 7323 §5.4: randomised per connection). */
  tsOffset = 0;

  // ---- loss recovery (RFC 6582, RFC 6675) ----------------------------------
  dupAcks = 0;
  inRecovery = false;
  /** RFC 6582 `recover`: the highest sequence number sent when recovery began. */
  recover = 0;
  /** RFC 6675 HighRxt: the highest sequence number retransmitted in this recovery. */
  highRxt = 0;
  /** RFC 6582's window inflation while recovering without SACK (bytes). */
  inflation = 0;
  /** Segments in flight, as RACK sees them (RFC 8985; kept only with SACK and `rack` on). */
  readonly sent = new SentQueue();
  readonly rack = new Rack(this.sent);
  readonly tlp = new TailLossProbe();
  /** The last window reduction, until known needed or needless (RFC 3708, RFC 3522). */
  readonly undo = new CongestionUndo();
  /** Something was sent or acknowledged: the tail loss probe is due to be (re)armed. */
  private tlpRearm = false;
  /** A recovery began: its first retransmission goes whatever the window (RFC 6675 §5 step 4.3). */
  private fastRetransmitDue = false;
  /** Retransmit the segment at SND.UNA at the next output, whatever the window. */
  rexmitPending = false;
  /** RTT timing of one segment when timestamps are off (Karn's rule: never a retransmitted one). */
  rttSeq = -1;
  rttTime = 0;
  /** Consecutive retransmission timeouts (and SYN / SYN-ACK retries). */
  retries = 0;
  /** A soft error from ICMP, reported instead of ETIMEDOUT if the connection times out. */
  softError: StackErrorCode | null = null;

  // ---- receive sequence space ----------------------------------------------
  irs = 0;
  rcvNxt = 0;
  /** The right edge of the window last advertised: RCV.NXT + RCV.WND (never moves left). */
  rcvAdvRight = 0;
  rcvWndShift = 0;
  readonly rcvBuf: number;
  readonly reassembly = new Reassembly();
  /** Where the peer's FIN is, once seen out of order; -1 before. */
  finSeq = -1;
  finReceived = false;
  private finDelivered = false;
  /** Data received while not reading, oldest first. */
  private readQueue: Uint8Array[] = [];
  readQueueBytes = 0;
  reading = false;
  tsRecent = 0;
  tsRecentSet = false;
  /** A duplicate range to report in the next ACK's first SACK block (RFC 2883), or null. */
  dsack: [number, number] | null = null;
  lastAckSent = 0;
  /** What `emit` fills in for each segment it sends (reused; see there). */
  private readonly txOptions: TcpOptions = {};
  private readonly txTimestamps = { value: 0, echo: 0 };
  /** Our TSval when the retransmission timer last fired (echoes older than it time our wait, not the path); -1 before. */
  timeoutTsVal = -1;

  // ---- ACK scheduling --------------------------------------------------------
  ackNow = false;
  /** Bytes received since the last ACK (RFC 9293 §3.8.6.3: ACK at least every second full segment). */
  bytesSinceAck = 0;
  /** SND.SML: where the last small segment sent ended; -1 before one (Minshall's Nagle). */
  private sndSml = -1;
  /** When an ACK last answered a refused pure ACK (ms; see `answerRefused`). */
  private refusedAckAt = Number.NEGATIVE_INFINITY;
  /** SACK blocks begun by out-of-order data since the last ACK, and where the last such data ended. */
  private newBlocksSinceAck = 0;
  private outOfOrderEnd = -1;

  // ---- timers (absolute ms; Infinity when off) -----------------------------
  rtoAt = NEVER;
  delayedAckAt = NEVER;
  persistAt = NEVER;
  keepAliveAt = NEVER;
  timeWaitAt = NEVER;
  /** The layer's timer heap entry (see ./timer-heap.ts). */
  timerKey = NEVER;
  timerIndex = -1;
  readonly timerSeq = created++;
  persistBackoff = 0;
  noDelay = false;
  keepAliveEnabled = false;
  keepAliveIdleMs = 0;
  keepAliveProbesSent = 0;
  lastReceivedAt = 0;
  /** The application closed the connection; it finishes on its own, no callbacks. */
  orphaned = false;
  /** Passive open (from a listener) rather than active. */
  readonly passive: boolean;

  readonly host: ConnectionHost;

  constructor(
    host: ConnectionHost,
    local: IpAddr,
    localPort: number,
    remote: IpAddr,
    remotePort: number,
    passive: boolean,
    now: number,
  ) {
    this.host = host;
    this.localAddress = local;
    this.localPort = localPort;
    this.remoteAddress = remote;
    this.remotePort = remotePort;
    this.passive = passive;
    this.state = 'CLOSED';
    const config = host.config;
    this.rcvBuf = config.receiveBufferSize;
    this.rtt = new RttEstimator(config.initialRtoMs, config.minRtoMs, config.maxRtoMs);
    this.peerMss = remote.length === 4 ? DEFAULT_MSS_V4 : DEFAULT_MSS_V6;
    this.smss = Math.min(this.peerMss, host.routeMss(this));
    this.cc = this.newCongestionControl();
    this.lastReceivedAt = now;
  }

  /** RACK-TLP detects losses (RFC 8985): with SACK, unless configured off; without, RFC 6582's duplicate ACKs do. */
  get rackOn(): boolean {
    return this.sackOk && this.host.config.rack;
  }

  private newCongestionControl(): CongestionControl {
    const iw = this.host.config.initialWindowSegments;
    return this.host.config.congestionControl === 'newreno'
      ? new NewReno(this.smss, iw)
      : new Cubic(this.smss, iw);
  }

  // ---- the user's calls (RFC 9293 §3.10.1 - §3.10.6) ------------------------

  /** Bytes `send` would accept now. */
  get sendSpace(): number {
    if (!this.canSend()) return 0;
    return Math.max(0, this.host.config.sendBufferSize - this.sendBuffer.length);
  }

  private canSend(): boolean {
    const s = this.state;
    return (
      !this.finQueued &&
      (s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'SYN-SENT' || s === 'SYN-RECEIVED')
    );
  }

  /**
   * SEND: copies up to `sendSpace` bytes of `data` into the send buffer and
   * sends what the windows allow. Returns the bytes taken (0: the buffer is
   * full, wait for `onsendspace`), or -1 when the connection can no longer
   * send (after shutdown, a reset or close: the handle reports EPIPE).
   */
  send(data: Uint8Array, now: number): number {
    if (!this.canSend()) return -1;
    const n = Math.min(data.length, this.sendSpace);
    if (n === 0) return 0;
    this.sendBuffer.append(n === data.length ? data : data.subarray(0, n));
    if (isSynchronized(this.state)) this.output(now);
    this.reportDeadline();
    return n;
  }

  /** RECEIVE: delivers data held while not reading (synchronously), then new data as it comes. */
  readStart(now: number): void {
    if (this.reading || this.orphaned) return;
    this.reading = true;
    while (this.reading && this.readQueue.length > 0) {
      const data = this.readQueue.shift()!;
      this.readQueueBytes -= data.length;
      this.ondata(data);
    }
    if (!this.reading) return;
    this.deliverFinIfDue();
    // The window may have opened: tell the peer (RFC 9293 §3.8.6.2.2).
    if (isSynchronized(this.state) && this.windowWouldOpen()) {
      this.ackNow = true;
      this.output(now);
    }
    this.reportDeadline();
  }

  /** Stops delivery: data accumulates and the advertised window closes as the buffer fills. */
  readStop(): void {
    this.reading = false;
  }

  /** Half-close (RFC 9293 §3.6): a FIN follows the data already queued. */
  shutdown(now: number): void {
    if (this.finQueued) return;
    switch (this.state) {
      case 'ESTABLISHED':
      case 'SYN-RECEIVED':
        this.finQueued = true;
        this.state = 'FIN-WAIT-1';
        break;
      case 'CLOSE-WAIT':
        this.finQueued = true;
        this.state = 'LAST-ACK';
        break;
      case 'SYN-SENT':
        // Sent once established (RFC 9293 §3.10.4).
        this.finQueued = true;
        return;
      default:
        return;
    }
    if (isSynchronized(this.state)) this.output(now);
    this.reportDeadline();
  }

  /**
   * CLOSE as close(2) does it: the connection is handed to the stack to
   * finish (FIN after the queued data), or reset when received data was
   * never read (RFC 2525 §2.17, as Linux). No callbacks run afterwards.
   */
  close(now: number): void {
    if (this.orphaned) return;
    this.orphan();
    switch (this.state) {
      case 'CLOSED':
      case 'TIME-WAIT':
        return;
      case 'SYN-SENT':
        this.destroy();
        return;
      default:
        break;
    }
    if (this.readQueueBytes > 0 || !this.reassembly.empty) {
      this.host.count('tcp.resetOnCloseWithUnreadData');
      this.abortNow(now);
      return;
    }
    this.shutdown(now);
    if (this.state === 'FIN-WAIT-2') this.timeWaitAt = now + FIN_WAIT_2_TIMEOUT_MS;
    this.reportDeadline();
  }

  /** ABORT: a RST now (SO_LINGER 0); the connection is gone, no callbacks run. */
  abort(now: number): void {
    this.orphan();
    this.abortNow(now);
  }

  setNoDelay(enable: boolean): void {
    this.noDelay = enable;
  }

  /** SO_KEEPALIVE with TCP_KEEPIDLE `idleMs` (0: the configured default). */
  setKeepAlive(enable: boolean, idleMs: number, now = this.lastReceivedAt): void {
    this.keepAliveEnabled = enable;
    if (idleMs > 0) this.keepAliveIdleMs = idleMs;
    this.armKeepAlive(now);
    this.reportDeadline();
  }

  private orphan(): void {
    this.orphaned = true;
    this.reading = false;
    this.onestablished = noop;
    this.ondata = noop;
    this.onfin = noop;
    this.onerror = noop;
    this.onsendspace = noop;
  }

  // ---- opening ----------------------------------------------------------------

  /** Active open: sends the SYN (SYN-SENT). */
  open(iss: number, now: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.sndMax = iss;
    this.recover = iss;
    this.state = 'SYN-SENT';
    this.tsOffset = this.host.config.timestamps ? (iss * 2654435761) >>> 0 : 0;
    this.sendSyn(now);
  }

  /** Passive open from a listener: the peer's SYN `seg` was accepted; sends SYN-ACK (SYN-RECEIVED). */
  acceptSyn(seg: TcpSegment, iss: number, now: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.sndMax = iss;
    this.recover = iss;
    this.tsOffset = this.host.config.timestamps ? (iss * 2654435761) >>> 0 : 0;
    this.takeSynOptions(seg);
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.sndWnd = seg.window; // never scaled in a SYN (RFC 7323 §2.2)
    this.maxSndWnd = this.sndWnd;
    this.state = 'SYN-RECEIVED';
    this.lastReceivedAt = now;
    this.sendSyn(now);
  }

  /** Reads the peer's SYN options and settles what both sides use (RFC 9293 §3.7.1, RFC 7323, RFC 2018). */
  private takeSynOptions(seg: TcpSegment): void {
    const config = this.host.config;
    const o = seg.options;
    if (o.mss !== undefined && o.mss > 0) this.peerMss = o.mss;
    this.sackOk = config.sack && o.sackPermitted === true;
    this.tsOk = config.timestamps && o.timestamps !== undefined;
    if (this.tsOk) {
      this.tsRecent = o.timestamps!.value;
      this.tsRecentSet = true;
    }
    if (config.windowScaling && o.windowScale !== undefined) {
      this.sndWndShift = o.windowScale;
      this.rcvWndShift = scaleFor(this.rcvBuf);
    } else {
      this.sndWndShift = 0;
      this.rcvWndShift = 0;
    }
    this.updateMss();
    // The initial window counts segments of the SMSS just settled (RFC 5681 §3.1,
    // RFC 6928), not of the default MSS the connection was made with.
    this.cc = this.newCongestionControl();
  }

  /** SMSS = min(peer's MSS, the route's) less the options every segment carries. */
  updateMss(): void {
    const smss = Math.max(
      64,
      Math.min(this.peerMss, this.host.routeMss(this)) - (this.tsOk ? TIMESTAMPS_LENGTH : 0),
    );
    if (smss === this.smss) return;
    this.smss = smss;
    this.cc.setMss(smss);
  }

  private sendSyn(now: number): void {
    const config = this.host.config;
    const options: TcpOptions = { mss: this.host.routeMss(this) };
    const ours = this.state === 'SYN-SENT';
    if (config.windowScaling && (ours || this.rcvWndShift > 0 || this.sndWndShift > 0))
      options.windowScale = ours ? scaleFor(this.rcvBuf) : this.rcvWndShift;
    if (config.sack && (ours || this.sackOk)) options.sackPermitted = true;
    if (config.timestamps && (ours || this.tsOk))
      options.timestamps = { value: this.tsValue(now), echo: ours ? 0 : this.tsRecent };
    const flags = ours ? TCP_SYN : TCP_SYN | TCP_ACK;
    // The window in a SYN is never scaled (RFC 7323 §2.2).
    const window = Math.min(0xffff, this.rcvBuf);
    if (!ours) {
      this.rcvAdvRight = seqAdd(this.rcvNxt, window);
      this.lastAckSent = this.rcvNxt;
    }
    this.host.transmit(this, flags, this.iss, ours ? 0 : this.rcvNxt, window, options, 0, 0, now);
    this.stats.segmentsSent++;
    if (this.retries > 0) this.stats.retransmits++;
    this.sndNxt = seqAdd(this.iss, 1);
    this.sndMax = this.sndNxt;
    if (this.retries === 0) {
      this.rttSeq = this.sndNxt;
      this.rttTime = now;
    }
    this.rtoAt = now + this.rtt.rto;
    this.host.wake(this.rtoAt);
  }

  /** RFC 7323 §4: our TSval, a millisecond clock with a per-connection offset. */
  tsValue(now: number): number {
    return (Math.floor(now) + this.tsOffset) >>> 0;
  }

  // ---- segment arrival (RFC 9293 §3.10.7) ----------------------------------------

  /** A segment for this connection arrived (checksum verified, options parsed). */
  input(seg: TcpSegment, now: number): void {
    this.stats.segmentsReceived++;
    this.lastReceivedAt = now;
    this.keepAliveProbesSent = 0;
    if (this.state === 'SYN-SENT') this.synSentInput(seg, now);
    else this.synchronizedInput(seg, now);
    if (this.state !== 'CLOSED') {
      this.output(now);
      this.armKeepAlive(now);
      this.host.wake(this.deadline());
    }
  }

  /** §3.10.7.3 */
  private synSentInput(seg: TcpSegment, now: number): void {
    const flags = seg.flags;
    const ackSet = (flags & TCP_ACK) !== 0;
    if (ackSet && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      if ((flags & TCP_RST) === 0) this.sendRst(seg.ack, 0, false, now);
      return;
    }
    if ((flags & TCP_RST) !== 0) {
      if (ackSet) this.fail('ECONNREFUSED');
      return;
    }
    if ((flags & TCP_SYN) === 0) return;
    this.takeSynOptions(seg);
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.lastAckSent = this.rcvNxt;
    if (ackSet) {
      this.sndUna = seg.ack;
      this.rtoAt = NEVER;
      this.sampleSynRtt(seg, now);
      this.retries = 0;
      // The window of a SYN-ACK is never scaled (RFC 7323 §2.2).
      this.sndWnd = seg.window;
      this.maxSndWnd = this.sndWnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.state = 'ESTABLISHED';
      this.ackNow = true;
      // Our SYN offered this much, unscaled (RFC 7323 §2.2).
      this.rcvAdvRight = seqAdd(this.rcvNxt, Math.min(0xffff, this.rcvBuf));
      if (this.finQueued) this.state = 'FIN-WAIT-1';
      this.onestablished();
      if (this.isClosed()) return;
      if (seg.payload.length > 0 || (flags & TCP_FIN) !== 0) this.processText(seg, now);
      return;
    }
    // Simultaneous open (§3.10.7.3, fifth step): SYN-RECEIVED, SYN-ACK with our ISS.
    this.state = 'SYN-RECEIVED';
    this.sndWnd = seg.window;
    this.maxSndWnd = this.sndWnd;
    this.retries = 0;
    this.sendSyn(now);
  }

  /** The handshake's RTT: from the timestamp echoed, or the SYN's timing if it was sent once (Karn). */
  private sampleSynRtt(seg: TcpSegment, now: number): void {
    const ts = seg.options.timestamps;
    if (!(this.tsOk && ts && this.sampleTimestamp(ts.echo, now)) && this.rttSeq !== -1) {
      if (this.retries === 0) this.rtt.sample(now - this.rttTime);
    }
    this.rttSeq = -1;
    this.stats.srtt = this.rtt.srtt;
  }

  /**
   * A refused segment (out of the window, or old by PAWS) is answered with an
   * ACK (§3.10.7.4, RFC 7323 §5.3) — for a pure ACK, at most once per
   * `invalidAckIntervalMs`, as Linux (`tcp_oow_rate_limited`): two ends that
   * each refuse the other's ACKs would otherwise answer each other forever.
   * Data is always answered: its sender needs the ACK.
   */
  private answerRefused(seg: TcpSegment, now: number): void {
    if (seg.payload.length === 0 && (seg.flags & (TCP_SYN | TCP_FIN)) === 0) {
      if (now - this.refusedAckAt < this.host.config.invalidAckIntervalMs) {
        this.host.count('tcp.refusedAckSkipped');
        return;
      }
      this.refusedAckAt = now;
    }
    this.ackNow = true;
  }

  /** An RTT sample from an echoed timestamp (RFC 7323 §4.1); false when it gives none. */
  private sampleTimestamp(echo: number, now: number): boolean {
    if (echo === 0) return false;
    // An echo from before our last timeout is the peer's TS.Recent of a
    // segment it took before we waited (RFC 7323 §4.3: a duplicate does not
    // update TS.Recent); that "RTT" would be our own backoff, and would feed it.
    if (this.timeoutTsVal !== -1 && seqLt(echo, this.timeoutTsVal)) return false;
    const r = Math.floor(now) - ((echo - this.tsOffset) >>> 0);
    if (r < 0 || r >= 0x7fffffff) return false;
    this.rtt.sample(r);
    return true;
  }

  /** §3.10.7.4: every state after SYN-SENT. */
  private synchronizedInput(seg: TcpSegment, now: number): void {
    const flags = seg.flags;
    const rst = (flags & TCP_RST) !== 0;
    const o = seg.options;
    // RFC 7323 §5.3 PAWS: a segment older than TS.Recent is a duplicate from an earlier wrap.
    if (this.tsOk && o.timestamps && !rst && this.tsRecentSet) {
      if (seqLt(o.timestamps.value, this.tsRecent)) {
        this.host.count('tcp.paws');
        // An old duplicate (the original of a needless resend, say) is still reported
        // in a D-SACK block (RFC 2883), as Linux does: the sender learns it resent in vain.
        if (seg.payload.length > 0 && seqLt(seg.seq, this.rcvNxt))
          this.reportDuplicate(seg.seq, seqAdd(seg.seq, seg.payload.length));
        this.answerRefused(seg, now);
        return;
      }
    }
    // First: is the sequence number acceptable?
    if (!this.acceptable(seg)) {
      if (!rst) {
        if (seqLt(seg.seq, this.rcvNxt) && seg.payload.length > 0) {
          this.stats.duplicatesReceived++;
          this.reportDuplicate(seg.seq, seqAdd(seg.seq, seg.payload.length));
        }
        this.answerRefused(seg, now);
      } else this.host.count('tcp.rstOutOfWindow');
      return;
    }
    // Second: RST (RFC 5961 §3.2: only at exactly RCV.NXT; in the window, a challenge ACK).
    if (rst) {
      if (seg.seq !== this.rcvNxt) {
        this.host.count('tcp.rstChallenged');
        this.challengeAck(now);
        return;
      }
      this.resetReceived();
      return;
    }
    // Fourth: SYN in a synchronized state (RFC 5961 §4): a challenge ACK.
    if ((flags & TCP_SYN) !== 0) {
      if (this.state === 'SYN-RECEIVED' && seg.seq === this.irs) {
        // Our SYN-ACK was lost: the peer repeats its SYN. Echo this SYN's
        // timestamp, not the first one's (the peer's RTT sample would span
        // its SYN timeouts).
        if (this.tsOk && o.timestamps && seqGe(o.timestamps.value, this.tsRecent))
          this.tsRecent = o.timestamps.value;
        this.retries++;
        this.sendSyn(now);
        return;
      }
      this.host.count('tcp.synChallenged');
      this.challengeAck(now);
      return;
    }
    // Fifth: the ACK field.
    if ((flags & TCP_ACK) === 0) return;
    if (this.tsOk && o.timestamps && seqLe(seg.seq, this.lastAckSent)) {
      this.tsRecent = o.timestamps.value; // RFC 7323 §4.3
      this.tsRecentSet = true;
    }
    if (this.state === 'SYN-RECEIVED') {
      if (seqLt(this.sndUna, seg.ack) && seqLe(seg.ack, this.sndMax)) {
        this.established(seg, now);
        if (this.isClosed()) return;
      } else {
        this.sendRst(seg.ack, 0, false, now);
        return;
      }
    }
    if (!this.processAck(seg, now)) return;
    if (this.isClosed()) return;
    // Seventh and eighth: the text and FIN.
    if (this.state === 'TIME-WAIT') {
      if ((flags & TCP_FIN) !== 0) {
        // A retransmitted FIN: acknowledge it and restart the 2 MSL wait.
        this.ackNow = true;
        this.timeWaitAt = now + 2 * this.host.config.mslMs;
      }
      return;
    }
    if (seg.payload.length > 0 || (flags & TCP_FIN) !== 0) this.processText(seg, now);
  }

  /** §3.10.7.4 "first": the four cases of segment length and window. */
  private acceptable(seg: TcpSegment): boolean {
    let length = seg.payload.length;
    if ((seg.flags & TCP_SYN) !== 0) length++;
    if ((seg.flags & TCP_FIN) !== 0) length++;
    const wnd = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
    const seq = seg.seq;
    if (length === 0) {
      if (wnd === 0) return seq === this.rcvNxt;
      return seqLe(this.rcvNxt, seq) && seqLt(seq, seqAdd(this.rcvNxt, wnd));
    }
    if (wnd === 0) {
      // A zero window still takes ACKs and RSTs at RCV.NXT (RFC 9293 §3.8.6.1).
      return false;
    }
    const last = seqAdd(seq, length - 1);
    return (
      (seqLe(this.rcvNxt, seq) && seqLt(seq, seqAdd(this.rcvNxt, wnd))) ||
      (seqLe(this.rcvNxt, last) && seqLt(last, seqAdd(this.rcvNxt, wnd)))
    );
  }

  /** SYN-RECEIVED → ESTABLISHED (§3.10.7.4, fifth step). */
  private established(seg: TcpSegment, now: number): void {
    this.sndUna = seg.ack;
    this.sndWnd = seg.window << this.sndWndShift;
    this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    this.sampleSynRtt(seg, now);
    this.retries = 0;
    this.rtoAt = NEVER;
    this.state = this.finQueued ? 'FIN-WAIT-1' : 'ESTABLISHED';
    if (this.passive && this.listener !== null) {
      const listener = this.listener;
      this.listener = null;
      listener.established(this);
    } else if (!this.passive) this.onestablished();
  }

  /** The ACK field (§3.10.7.4 fifth step; RFC 5961 §5.2). False: drop the segment. */
  private processAck(seg: TcpSegment, now: number): boolean {
    const ack = seg.ack;
    if (seqGt(ack, this.sndMax)) {
      // An ACK of something not yet sent: acknowledge and drop.
      this.host.count('tcp.ackUnsent');
      this.ackNow = true;
      return false;
    }
    if (seqLt(ack, seqAdd(this.sndUna, -this.maxSndWnd - 1))) {
      this.host.count('tcp.ackTooOld');
      this.challengeAck(now);
      return false;
    }
    const window = seg.window << this.sndWndShift;
    const hadSack = this.scoreboard.sacked;
    if (this.sackOk && seg.options.sack)
      this.scoreboard.update(seg.options.sack, this.sndUna, this.sndMax);
    let freed = 0;
    if (seqGt(ack, this.sndUna)) {
      freed = this.newAck(seg, now);
    } else if (
      ack === this.sndUna &&
      this.sndMax !== this.sndUna &&
      seg.payload.length === 0 &&
      (seg.flags & (TCP_SYN | TCP_FIN)) === 0 &&
      (window === this.sndWnd || this.scoreboard.sacked > hadSack)
    ) {
      this.duplicateAck(now, this.scoreboard.sacked > hadSack);
    }
    if (this.rackOn) this.rackAck(seg, now);
    // Window update (§3.10.7.4): from the newest segment only.
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, ack))) {
      const opened = window > this.sndWnd;
      this.sndWnd = window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (window > this.maxSndWnd) this.maxSndWnd = window;
      if (opened) {
        this.persistAt = NEVER;
        this.persistBackoff = 0;
      }
    }
    // Only now, with SND.UNA and SND.WND both from this ACK: a write from the
    // callback must not see the new SND.UNA with the old window (whose right
    // edge would then lie beyond the one the peer offered).
    if (freed > 0 && !this.orphaned) {
      this.onsendspace();
      if (this.isClosed()) return false;
    }
    switch (this.state) {
      case 'FIN-WAIT-1':
        if (this.finAcked) {
          this.state = 'FIN-WAIT-2';
          if (this.orphaned) this.timeWaitAt = now + FIN_WAIT_2_TIMEOUT_MS;
        }
        break;
      case 'CLOSING':
        if (this.finAcked) this.enterTimeWait(now);
        break;
      case 'LAST-ACK':
        if (this.finAcked) {
          this.destroy();
          return false;
        }
        break;
      default:
        break;
    }
    return true;
  }

  /** New data acknowledged: RTT, send buffer, recovery, congestion window, timers. Returns the data bytes freed. */
  private newAck(seg: TcpSegment, now: number): number {
    const ack = seg.ack;
    let acked = seqDiff(ack, this.sndUna);
    // RTT: timestamps (RFC 7323 §4.1) or the timed segment (RFC 6298 §3, Karn).
    const ts = seg.options.timestamps;
    if (this.tsOk && ts) this.sampleTimestamp(ts.echo, now);
    else if (this.rttSeq !== -1 && seqGe(ack, this.rttSeq)) {
      this.rtt.sample(now - this.rttTime);
      this.rttSeq = -1;
    }
    this.stats.srtt = this.rtt.srtt;
    if (this.finSent && seqGe(ack, seqAdd(this.dataEnd(), 1))) {
      this.finAcked = true;
      acked--;
    }
    const dataAcked = Math.min(acked, this.sendBuffer.length);
    this.sendBuffer.consume(dataAcked);
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    this.scoreboard.prune(ack);
    this.retries = 0;
    // With RACK only: it finds again any loss the undo forgets (./undo.ts).
    if (this.rackOn && this.undo.acknowledged(ack, this.tsOk && ts ? ts.echo : -1))
      this.undoReduction();
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        // Full acknowledgment (RFC 6582 §3.2 step 3).
        this.inRecovery = false;
        this.inflation = 0;
        this.cc.cwnd = Math.min(this.cc.ssthresh, Math.max(this.flight(), this.smss) + this.smss);
        if (this.rackOn) this.rack.recoveryEnded();
      } else if (!this.sackOk) {
        // Partial acknowledgment (step 4): retransmit the next hole, deflate.
        this.rexmitPending = true;
        this.inflation = Math.max(0, this.inflation - acked) + (acked >= this.smss ? this.smss : 0);
      } else if (!this.rackOn && seqGe(ack, this.highRxt)) {
        // A partial acknowledgment with SACK: the segment now at SND.UNA was sent before
        // the one that drew the recovery, so it is deemed lost (step 4; Linux marks the
        // head lost alike). Without this, a hole with fewer than DupThresh segments SACKed
        // above it waits for the RTO when the segments after it are lost too.
        this.rexmitPending = true;
      }
    } else {
      this.cc.onAck(acked, now, this.rtt.srtt);
    }
    this.dupAcks = 0;
    this.tlpRearm = true;
    this.tlp.progressed();
    // RFC 6298 §5.2, §5.3.
    this.rtoAt = this.sndUna === this.sndMax ? NEVER : now + this.rtt.rto;
    return dataAcked;
  }

  /** A duplicate ACK (RFC 5681 §2), or one with new SACK information (RFC 6675 §2). */
  private duplicateAck(now: number, newSack: boolean): void {
    this.dupAcks++;
    // With RACK, time decides (see rackAck), not the count.
    if (this.rackOn) return;
    if (this.inRecovery) {
      if (!this.sackOk) this.inflation += this.smss;
      return;
    }
    const lossSignal =
      this.dupAcks >= DUP_THRESH ||
      (this.sackOk &&
        newSack &&
        seqGt(this.scoreboard.lostBoundary(DUP_THRESH * this.smss, this.sndUna), this.sndUna));
    // RFC 6582 §3.2 step 1: not for losses of the window already recovered. `recover`
    // is kept one past the highest sequence number sent (SND.MAX then), so an ACK
    // "covers more than recover" when it reaches it: the segment right after a
    // recovery may start the next one.
    if (!lossSignal || (seqLt(this.sndUna, this.recover) && this.recover !== this.iss)) return;
    this.enterRecovery(now);
  }

  // ---- RACK-TLP (RFC 8985; the bookkeeping is in ./rack*.ts) ---------------------

  /** §6.2: what the ACK `seg` delivered, its D-SACK, the probe's verdict, then losses by time. */
  private rackAck(seg: TcpSegment, now: number): void {
    const blocks = seg.options.sack;
    let dsack = false;
    if (blocks !== undefined && blocks.length > 0) {
      const [left, right] = blocks[0]!;
      const second = blocks[1];
      // RFC 2883 §4: the first block reports a duplicate when below the ACK or inside the second.
      dsack =
        seqLe(right, seg.ack) ||
        (second !== undefined && seqGe(left, second[0]) && seqLe(right, second[1]));
      if (dsack) {
        this.stats.dsacksReceived++;
        this.host.count('tcp.dsacksReceived');
        this.tlp.dsack(right);
        if (this.undo.dsack(left, right)) this.undoReduction();
      }
    }
    const ts = seg.options.timestamps;
    const echoMs = this.tsOk && ts ? (ts.echo - this.tsOffset) >>> 0 : -1;
    this.rack.onAck(this.sndUna, this.scoreboard, now, echoMs);
    this.rack.onDsack(dsack, dsack && this.stats.retransmits > 0, this.sndUna, this.sndNxt);
    // §7.4: a probe that repaired a loss: the congestion controller hears of the loss.
    if (this.tlp.onAck(seqGe(this.sndUna, this.tlp.endSeq))) this.cc.onLoss(this.flight(), now);
    if (this.rack.worthScanning(this.scoreboard, this.sndUna)) this.detectLosses(now);
  }

  /** Recovering the losses of a window (fast recovery, or after a timeout): one window reduction each. */
  private recovering(): boolean {
    return this.inRecovery || (seqLt(this.sndUna, this.recover) && this.recover !== this.iss);
  }

  /** §6.2 step 5: marks what RACK deems lost; a first loss starts the recovery (RFC 6675 §5). */
  private detectLosses(now: number): void {
    const recovering = this.recovering();
    if (!this.rack.detectLoss(this.rack.reoWnd(recovering, this.rtt.srtt), now)) return;
    if (!recovering) this.enterRecovery(now);
  }

  /** §6.2 step 6: the reordering timer fired. */
  private reorderTimeout(now: number): void {
    this.rack.timerAt = NEVER;
    if (this.rackOn && isSynchronized(this.state)) this.detectLosses(now);
  }

  /** §7.2: (re)arms the probe timer while a lost tail would otherwise wait for the RTO. */
  private armLossProbe(now: number): void {
    this.tlpRearm = false;
    const s = this.state;
    const sending =
      s === 'ESTABLISHED' ||
      s === 'CLOSE-WAIT' ||
      s === 'FIN-WAIT-1' ||
      s === 'CLOSING' ||
      s === 'LAST-ACK';
    // Unlike §7.2, also while recovering or with data SACKed (as QUIC's probe
    // timeout, RFC 9002 §6.2): a small window's whole flight — a retransmission
    // and what followed it — can be lost with its ACKs, and nothing but the
    // retransmission timeout (200 ms at least) would notice (docs/tcp.md).
    if (
      !this.rackOn ||
      !sending ||
      !this.tlp.mayProbe ||
      this.sndUna === this.sndMax ||
      this.rtoAt === NEVER
    ) {
      this.tlp.cancel();
      return;
    }
    this.tlp.arm(this.rtt.srtt, seqDiff(this.sndMax, this.sndUna) <= this.smss, this.rtoAt, now);
  }

  /** §7.3: the probe: new data if the peer's window takes a segment, else the highest segment again. */
  private lossProbe(now: number): void {
    if (!this.rackOn || !isSynchronized(this.state) || this.sndUna === this.sndMax) return;
    if (!this.tlp.mayProbe) return;
    const unsent = seqDiff(this.dataEnd(), this.sndNxt);
    const usable = seqDiff(seqAdd(this.sndUna, this.sndWnd), this.sndNxt);
    const room = this.segmentRoom();
    let retransmission = false;
    if (unsent > 0 && this.sndNxt === this.sndMax && usable >= Math.min(unsent, room)) {
      const len = Math.min(unsent, room);
      const withFin = this.finQueued && !this.finSent && len === unsent;
      this.transmitSegment(this.sndNxt, len, withFin, false, now);
      this.sndNxt = seqAdd(this.sndNxt, len + (withFin ? 1 : 0));
      if (withFin) this.finSent = true;
      this.sndMax = this.sndNxt;
    } else {
      const last = this.sent.last();
      if (last === null || !this.retransmit(last.start, this.segmentAt(last.start, last.end), now))
        return;
      retransmission = true;
    }
    this.stats.lossProbes++;
    this.host.count('tcp.lossProbes');
    this.tlp.sent(this.sndMax, retransmission, this.recovering());
    this.rtoAt = now + this.rtt.rto;
    // A second probe may follow, at twice the timeout (./rack-tlp.ts).
    this.tlpRearm = this.tlp.mayProbe;
  }

  private enterRecovery(now: number): void {
    this.stats.fastRecoveries++;
    this.inRecovery = true;
    this.recover = this.sndMax;
    this.highRxt = this.sndUna;
    this.undo.begin(this.cc.cwnd, this.cc.ssthresh, false);
    this.tlp.lossyPath = true;
    this.cc.onLoss(this.flight(), now);
    this.inflation = this.sackOk ? 0 : DUP_THRESH * this.smss;
    // RACK has marked what to resend; the others resend the segment at SND.UNA first.
    this.rexmitPending = !this.rackOn;
    this.fastRetransmitDue = this.rackOn;
    this.rttSeq = -1;
    this.tlp.cancel();
  }

  /**
   * The last window reduction was needless (./undo.ts): the window comes back
   * (RFC 4015 §2), the recovery ends, and what it deemed lost is no longer —
   * RACK finds a loss still there again.
   */
  private undoReduction(): void {
    this.cc.undo(this.undo.priorCwnd, this.undo.priorSsthresh);
    this.undo.close();
    this.stats.undos++;
    this.host.count('tcp.undos');
    if (this.inRecovery) this.rack.recoveryEnded();
    this.inRecovery = false;
    this.inflation = 0;
    // `recover` stays: the window the undone reduction covered gets no second one
    // (RFC 6582's rule), and RACK takes the needless retransmission for
    // reordering, as it takes a D-SACK (RFC 8985 §6.2 step 4).
    this.rack.onDsack(true, true, this.sndUna, this.sndNxt);
    this.rexmitPending = false;
    this.fastRetransmitDue = false;
    // Stop resending what a spurious timeout deemed lost (go-back-N).
    this.sent.unmarkLost();
  }

  /** Segment text and FIN (§3.10.7.4 seventh and eighth steps). */
  private processText(seg: TcpSegment, now: number): void {
    const state = this.state;
    if (state !== 'ESTABLISHED' && state !== 'FIN-WAIT-1' && state !== 'FIN-WAIT-2') {
      // CLOSE-WAIT, CLOSING, LAST-ACK: the peer already sent FIN; ignore.
      return;
    }
    let data = seg.payload;
    let seq = seg.seq;
    let fin = (seg.flags & TCP_FIN) !== 0;
    if (this.orphaned && data.length > 0) {
      // Data for an application that closed: nobody will read it (Linux answers RST).
      this.host.count('tcp.dataAfterClose');
      this.abortNow(now);
      return;
    }
    // Trim what is already received and what lies beyond the window.
    const head = seqDiff(this.rcvNxt, seq);
    if (head > 0) {
      if (data.length > 0) this.reportDuplicate(seq, this.rcvNxt);
      if (head >= data.length) {
        if (data.length > 0) this.stats.duplicatesReceived++;
        data = data.subarray(data.length);
      } else data = data.subarray(head);
      seq = this.rcvNxt;
    }
    const room = seqDiff(this.rcvAdvRight, seq);
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      fin = false;
    }
    if (fin) this.finSeq = seqAdd(seq, data.length);
    if (data.length > 0) {
      if (seq === this.rcvNxt) {
        if (this.reassembly.empty) {
          this.accept(data);
          this.rcvNxt = seqAdd(this.rcvNxt, data.length);
        } else {
          // A hole filled. Through the queue, so bytes held there win over this
          // later copy where they overlap (each byte as first received, see
          // ./reassembly.ts); then all that is now in order goes up.
          this.reassembly.insert(seq, data);
          const pieces: Uint8Array[] = [];
          const n = this.reassembly.takeFrom(this.rcvNxt, pieces);
          this.rcvNxt = seqAdd(this.rcvNxt, n);
          for (const piece of pieces) this.accept(piece);
          this.ackNow = true; // ACK at once (RFC 5681 §4.2)
        }
        this.bytesSinceAck += data.length;
        // Every second full-sized segment is ACKed (RFC 5681 §4.2) — once the
        // frames that arrived together are all taken: the deadline `now` runs
        // after them (a driver polls after the input in hand), so a burst is
        // answered by one ACK, as Linux answers what GRO hands up as one segment.
        if (this.bytesSinceAck >= 2 * this.smss) this.delayedAckAt = now;
        else if (this.delayedAckAt === NEVER)
          this.delayedAckAt = now + this.host.config.delayedAckMs;
      } else {
        this.stats.outOfOrderReceived++;
        if (this.reassembly.insert(seq, data) === 0) {
          // All of it already waits here: a D-SACK for it (RFC 2883 §4, a duplicate
          // above the cumulative ACK), at once, so the sender can undo its resend.
          this.stats.duplicatesReceived++;
          this.reportDuplicate(seq, seqAdd(seq, data.length));
          this.ackNow = true;
        } else {
          // Out of order: a duplicate ACK at once (RFC 5681 §4.2). With SACK, once the
          // frames that arrived together are taken: one ACK whose blocks cover them all
          // tells the sender what each would have (as Linux answers a GRO segment) — as
          // long as one ACK holds every block begun since the last (3 beside timestamps).
          if (seq !== this.outOfOrderEnd) this.newBlocksSinceAck++;
          this.outOfOrderEnd = seqAdd(seq, data.length);
          if (this.sackOk && this.newBlocksSinceAck < this.sackBlocksPerAck())
            this.delayedAckAt = now;
          else this.ackNow = true;
        }
      }
    } else if (head > 0 && seg.payload.length > 0) {
      this.ackNow = true; // all duplicate: ACK so the peer stops resending
    }
    if (this.finSeq !== -1 && this.finSeq === this.rcvNxt && !this.finReceived)
      this.finArrived(now);
    if (this.reading && this.state !== 'CLOSED') this.deliverQueued();
  }

  /** In-order bytes: to the reader now, or held until it reads. */
  private accept(data: Uint8Array): void {
    this.stats.bytesReceived += data.length;
    if (this.orphaned) return;
    // Zero-copy: a received frame belongs to the stack (./link/packet-link.ts), so its
    // payload goes up as it is, a view the reader may keep.
    this.readQueue.push(data);
    this.readQueueBytes += data.length;
  }

  private deliverQueued(): void {
    while (this.reading && this.readQueue.length > 0) {
      const data = this.readQueue.shift()!;
      this.readQueueBytes -= data.length;
      this.ondata(data);
      if (this.isClosed()) return;
    }
    this.deliverFinIfDue();
  }

  private deliverFinIfDue(): void {
    if (this.finReceived && !this.finDelivered && this.readQueue.length === 0 && this.reading) {
      this.finDelivered = true;
      this.onfin();
    }
  }

  /** The peer's FIN reached RCV.NXT (§3.10.7.4 eighth step). */
  private finArrived(now: number): void {
    this.finReceived = true;
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.ackNow = true;
    switch (this.state) {
      case 'ESTABLISHED':
        this.state = 'CLOSE-WAIT';
        break;
      case 'FIN-WAIT-1':
        if (this.finAcked) this.enterTimeWait(now);
        else this.state = 'CLOSING';
        break;
      case 'FIN-WAIT-2':
        this.enterTimeWait(now);
        break;
      default:
        break;
    }
  }

  private enterTimeWait(now: number): void {
    this.state = 'TIME-WAIT';
    this.rtoAt = NEVER;
    this.persistAt = NEVER;
    this.keepAliveAt = NEVER;
    this.timeWaitAt = now + 2 * this.host.config.mslMs;
  }

  /** A valid RST arrived (§3.10.7.4 second step). */
  private resetReceived(): void {
    this.host.count('tcp.resetsReceived');
    switch (this.state) {
      case 'SYN-RECEIVED':
        if (this.passive) this.destroy();
        else this.fail('ECONNREFUSED');
        return;
      case 'CLOSING':
      case 'LAST-ACK':
      case 'TIME-WAIT':
        this.destroy();
        return;
      default:
        this.fail('ECONNRESET');
    }
  }

  // ---- sending ------------------------------------------------------------------

  /** The sequence number just past the last byte the application gave (the FIN's, once queued). */
  dataEnd(): number {
    return seqAdd(this.sndUna, this.sendBuffer.length);
  }

  /**
   * Bytes in the network (RFC 6675 "pipe"): sent and neither acknowledged,
   * SACKed nor deemed lost — retransmissions count again.
   */
  flight(): number {
    if (this.rackOn) {
      const sent = this.sent;
      const delivered = this.scoreboard.sacked + sent.sackedFins;
      return Math.max(0, seqDiff(this.sndMax, this.sndUna) - delivered - sent.lostBytes);
    }
    const outstanding = seqDiff(this.sndNxt, this.sndUna);
    if (!this.inRecovery || !this.sackOk) {
      return outstanding - this.scoreboard.sackedBetween(this.sndUna, this.sndNxt);
    }
    const boundary = this.scoreboard.lostBoundary(DUP_THRESH * this.smss, this.sndUna);
    const from = seqGt(this.highRxt, this.sndUna) ? this.highRxt : this.sndUna;
    let lost = 0;
    if (seqLt(from, boundary))
      lost = seqDiff(boundary, from) - this.scoreboard.sackedBetween(from, boundary);
    return Math.max(0, seqDiff(this.sndMax, this.sndUna) - this.scoreboard.sacked - lost);
  }

  /** Sends what the windows, Nagle and loss recovery allow, then a pure ACK if one is owed. */
  output(now: number): void {
    const state = this.state;
    if (state === 'CLOSED' || state === 'SYN-SENT' || state === 'LISTEN') return;
    if (state !== 'SYN-RECEIVED' && state !== 'TIME-WAIT') {
      let guard = 0;
      while (this.sendOne(now)) {
        if (++guard > 100_000) break;
      }
      this.armPersist(now);
      if (this.tlpRearm) this.armLossProbe(now);
    }
    // In SYN-RECEIVED too: an unacceptable segment (the peer's SYN-ACK in a
    // simultaneous open) is answered <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (§3.10.7.4).
    if (this.ackNow && this.state !== 'CLOSED') this.sendAck(now);
  }

  /** Sends one segment if one may go now; false when nothing (more) may. */
  private sendOne(now: number): boolean {
    const dataEnd = this.dataEnd();
    const cwnd = this.cc.cwnd + this.inflation;
    // A retransmission that may not wait: fast retransmit, a partial ACK.
    if (this.rexmitPending) {
      this.rexmitPending = false;
      if (seqLt(this.sndUna, this.sndMax)) {
        const sackedEnd = this.scoreboard.sackedEnd(this.sndUna);
        if (sackedEnd === -1) {
          this.retransmit(this.sndUna, this.segmentAt(this.sndUna, this.sndMax), now);
          return true;
        }
      }
    }
    // RFC 8985 §6.1: what RACK deemed lost goes first, as the congestion window allows.
    if (this.rackOn && this.sent.lostBytes > 0) {
      const lost = this.sent.firstLost();
      if (lost !== null) {
        if (cwnd - this.flight() < this.smss && !this.fastRetransmitDue) return false;
        this.fastRetransmitDue = false;
        return this.retransmit(lost.start, this.segmentAt(lost.start, lost.end), now);
      }
    }
    // RFC 6675 NextSeg (1) and (3): holes below HighData, in SACK recovery.
    if (this.inRecovery && this.sackOk && !this.rackOn) {
      const hole = this.nextHole();
      if (hole !== -1) {
        if (cwnd - this.flight() < this.smss) return false;
        this.retransmit(hole, this.segmentAt(hole, this.sndMax), now);
        return true;
      }
    }
    // Go-back-N after a timeout (or a path MTU drop): resend from SND.NXT, skipping SACKed ranges.
    if (seqLt(this.sndNxt, this.sndMax)) {
      const sackedEnd = this.scoreboard.sackedEnd(this.sndNxt);
      if (sackedEnd !== -1) {
        this.sndNxt = sackedEnd;
        return true;
      }
      if (cwnd - this.flight() < Math.min(this.smss, seqDiff(this.sndMax, this.sndNxt)))
        return false;
      const len = this.segmentAt(this.sndNxt, this.sndMax);
      if (len === 0 && this.finSent && this.sndNxt === dataEnd) {
        this.transmitSegment(this.sndNxt, 0, true, true, now);
        this.sndNxt = seqAdd(this.sndNxt, 1);
        return true;
      }
      this.transmitSegment(this.sndNxt, len, false, true, now);
      this.sndNxt = seqAdd(this.sndNxt, len);
      return true;
    }
    // New data (RFC 9293 §3.8.6.2.1 sender SWS avoidance, §3.7.4 Nagle).
    const unsent = seqDiff(dataEnd, this.sndNxt);
    const finDue = this.finQueued && !this.finSent;
    if (unsent <= 0 && !finDue) return false;
    const usable = seqDiff(seqAdd(this.sndUna, this.sndWnd), this.sndNxt);
    const room = cwnd - this.flight();
    const full = this.segmentRoom();
    let len = Math.min(unsent, full);
    if (len > 0) {
      if (room < len) return false; // the congestion window is full
      if (usable < len) {
        // The peer's window cuts the segment: only if it is big enough (SWS).
        if (usable <= 0 || usable < this.maxSndWnd / 2 || usable < Math.min(full, unsent))
          return false;
        len = usable;
      }
      // Nagle, in Minshall's form as Linux has it: a small segment waits while an
      // earlier small one is unacknowledged (not any data: the tail of a write just
      // past a full segment leaves with it, instead of waiting for a delayed ACK).
      const tail = len === unsent;
      if (tail && len < full && !this.noDelay && !finDue && this.smallOutstanding()) return false;
    }
    const withFin = finDue && len === unsent;
    if (len === 0 && !withFin) return false;
    this.transmitSegment(this.sndNxt, len, withFin, false, now);
    this.sndNxt = seqAdd(this.sndNxt, len + (withFin ? 1 : 0));
    if (len < full) this.sndSml = this.sndNxt;
    if (withFin) this.finSent = true;
    if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
    return true;
  }

  /**
   * The payload a segment may carry now: SMSS (which already leaves room for
   * the timestamps every segment carries) less the SACK blocks that ride on
   * it while data waits out of order or a D-SACK is due — options take their room from the
   * data, never from the MTU (RFC 9293 §3.7.1, RFC 6691).
   */
  private segmentRoom(): number {
    if (!this.sackOk || (this.reassembly.empty && this.dsack === null)) return this.smss;
    const max = this.sackBlocksPerAck();
    const held = this.reassembly.blockCount();
    const blocks = Math.min(max, held + (this.dsack === null ? 0 : 1));
    return Math.max(1, this.smss - 4 - 8 * blocks);
  }

  /** A small segment sent is not yet acknowledged (Minshall's Nagle test; Linux's tcp_minshall_check). */
  private smallOutstanding(): boolean {
    return this.sndSml !== -1 && seqGt(this.sndSml, this.sndUna) && seqLe(this.sndSml, this.sndNxt);
  }

  /** The SACK blocks a segment's options hold: 3 beside timestamps, else 4 (RFC 2018 §3). */
  private sackBlocksPerAck(): number {
    return this.tsOk ? 3 : 4;
  }

  /** Payload bytes of a segment starting at `seq`, up to the segment room, `limit`, the data and the next SACKed range. */
  private segmentAt(seq: number, limit: number): number {
    let end = seqAdd(seq, this.segmentRoom());
    const dataEnd = this.dataEnd();
    if (seqGt(end, dataEnd)) end = dataEnd;
    if (seqGt(end, limit)) end = limit;
    const sacked = this.scoreboard.nextSackedAfter(seq);
    if (sacked !== -1 && seqLt(sacked, end)) end = sacked;
    return Math.max(0, seqDiff(end, seq));
  }

  /** RFC 6675 NextSeg: the first unSACKed byte at or above HighRxt that is deemed lost; -1 if none. */
  private nextHole(): number {
    const boundary = this.scoreboard.lostBoundary(DUP_THRESH * this.smss, this.sndUna);
    let seq = seqGt(this.highRxt, this.sndUna) ? this.highRxt : this.sndUna;
    while (seqLt(seq, boundary)) {
      const end = this.scoreboard.sackedEnd(seq);
      if (end === -1) return seqLt(seq, this.dataEnd()) ? seq : -1;
      seq = end;
    }
    return -1;
  }

  /** Sends [seq, seq + len) again (with the FIN when it ends there); false when there is nothing to send. */
  private retransmit(seq: number, len: number, now: number): boolean {
    const dataEnd = this.dataEnd();
    const fin = this.finSent && seqAdd(seq, len) === dataEnd;
    if (len === 0 && !fin) return false;
    this.transmitSegment(seq, len, fin, true, now);
    const end = seqAdd(seq, len + (fin ? 1 : 0));
    if (seqGt(end, this.highRxt)) this.highRxt = end;
    if (seqGt(end, this.sndNxt)) this.sndNxt = end;
    this.rttSeq = -1;
    return true;
  }

  /** Puts one data / FIN segment on the wire and arms the retransmission timer. */
  private transmitSegment(
    seq: number,
    len: number,
    fin: boolean,
    retransmission: boolean,
    now: number,
  ): void {
    const push = len > 0 && seqAdd(seq, len) === this.dataEnd();
    let flags = TCP_ACK | (fin ? TCP_FIN : 0);
    if (push) flags |= 0x08; // PSH: the last of what the application wrote
    this.emit(flags, seq, len, seqDiff(seq, this.sndUna), now);
    this.stats.bytesSent += len;
    if (this.rackOn) {
      this.sent.sent(seq, seqAdd(seq, len + (fin ? 1 : 0)), fin, retransmission, now);
      // A retransmission too: while recovering, it may be the last thing sent.
      this.tlpRearm = true;
    }
    if (retransmission) {
      this.stats.retransmits++;
      this.host.count('tcp.retransmits');
      const end = seqAdd(seq, len + (fin ? 1 : 0));
      this.undo.retransmitted(seq, end, this.tsOk ? this.tsValue(now) : -1);
    } else if (this.rttSeq === -1 && !this.tsOk && len > 0) {
      this.rttSeq = seqAdd(seq, len);
      this.rttTime = now;
    }
    if (this.rtoAt === NEVER) this.rtoAt = now + this.rtt.rto;
  }

  /**
   * Bytes [from, to) arrived again: the next ACK reports them in a D-SACK
   * block (RFC 2883 §4), so the sender can tell a needless retransmission
   * from a loss. Below RCV.NXT, clipped to what was already received; above
   * it, [from, to) is all held out of order.
   */
  private reportDuplicate(from: number, to: number): void {
    if (!this.sackOk) return;
    const straddles = seqLt(from, this.rcvNxt) && seqLt(this.rcvNxt, to);
    this.dsack = [from, straddles ? this.rcvNxt : to];
  }

  /** An ACK with no data (the window, SACK blocks and timestamps it carries are current). */
  private sendAck(now: number): void {
    this.emit(TCP_ACK, this.sndNxt, 0, 0, now);
  }

  /** Writes and sends one segment with the current ACK, window and options. */
  private emit(flags: number, seq: number, len: number, offset: number, now: number): void {
    let options: TcpOptions | undefined;
    const sack = this.sackOk && (!this.reassembly.empty || this.dsack !== null);
    if (this.tsOk || sack) {
      // One options object per connection, rewritten per segment: the segment is
      // written before transmit returns, and nothing keeps the object.
      options = this.txOptions;
      if (this.tsOk) {
        this.txTimestamps.value = this.tsValue(now);
        this.txTimestamps.echo = this.tsRecent;
        options.timestamps = this.txTimestamps;
      } else options.timestamps = undefined;
      options.sack = undefined;
      if (sack) {
        const max = this.sackBlocksPerAck();
        const blocks = this.reassembly.empty ? [] : this.reassembly.sackBlocks(max);
        // A D-SACK block goes first, once (RFC 2883 §4).
        if (this.dsack !== null) blocks.unshift(this.dsack);
        this.dsack = null;
        options.sack = blocks.slice(0, max);
      }
    }
    const window = this.advertise();
    this.host.transmit(this, flags, seq, this.rcvNxt, window, options, offset, len, now);
    this.stats.segmentsSent++;
    if ((flags & TCP_ACK) !== 0) {
      this.lastAckSent = this.rcvNxt;
      this.ackNow = false;
      this.delayedAckAt = NEVER;
      this.bytesSinceAck = 0;
      this.newBlocksSinceAck = 0;
    }
  }

  /**
   * The window to advertise (the header's field, scaled): the free receive
   * buffer, never moving the right edge left (RFC 9293 §3.8.6.2.2), and
   * opened only by at least min(half the buffer, one SMSS) (receiver SWS
   * avoidance).
   */
  private advertise(): number {
    const free = Math.max(0, this.rcvBuf - this.readQueueBytes - this.reassembly.bytes);
    const current = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
    let wnd = free;
    if (wnd < current || wnd - current < Math.min(this.rcvBuf / 2, this.smss)) wnd = current;
    const shift = this.rcvWndShift;
    const field = Math.min(0xffff, (wnd + (1 << shift) - 1) >> shift);
    this.rcvAdvRight = seqAdd(this.rcvNxt, field << shift);
    return field;
  }

  /** Whether a window update now would reopen a (nearly) closed window by the SWS amount. */
  private windowWouldOpen(): boolean {
    const free = Math.max(0, this.rcvBuf - this.readQueueBytes - this.reassembly.bytes);
    const current = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
    // Only a window that had (nearly) closed needs an update of its own; a
    // merely smaller one grows with the next ACK (as Linux: no update on accept).
    const closedBelow = Math.min(this.rcvBuf / 8, 2 * this.smss);
    return current < closedBelow && free - current >= Math.min(this.rcvBuf / 2, 2 * this.smss);
  }

  /** A RST: <SEQ=seq><CTL=RST>, with ACK when `ack` is given (RFC 9293 §3.10.7.1). */
  private sendRst(seq: number, ack: number, withAck: boolean, now: number): void {
    this.host.count('tcp.resetsSent');
    this.host.transmit(
      this,
      withAck ? TCP_RST | TCP_ACK : TCP_RST,
      seq,
      ack,
      0,
      undefined,
      0,
      0,
      now,
    );
  }

  /** RFC 5961 §7: an ACK that tells a blind attacker nothing, rate-limited. */
  private challengeAck(now: number): void {
    if (this.host.challengeAckAllowed(now)) {
      this.host.count('tcp.challengeAcks');
      this.ackNow = true;
    }
  }

  // ---- timers ---------------------------------------------------------------------

  /** Whether the connection is gone (read through a call, as callbacks may have closed it). */
  isClosed(): boolean {
    return this.state === 'CLOSED';
  }

  /** The earliest timer (ms), Infinity when none runs. */
  deadline(): number {
    return Math.min(
      this.rtoAt,
      this.delayedAckAt,
      this.persistAt,
      this.keepAliveAt,
      this.timeWaitAt,
      this.rack.timerAt,
      this.tlp.timerAt,
    );
  }

  /**
   * Tells the layer the earliest deadline after a call from the application
   * may have set a timer (the layer re-reads it itself after input, timers
   * and ICMP). It matters only when earlier than the last one told: a later
   * one is found when that comes due (./timer-heap.ts).
   */
  private reportDeadline(): void {
    if (this.state !== 'CLOSED') this.host.timerAt(this, this.deadline());
  }

  /** Runs the timers due at `now`. */
  poll(now: number): void {
    if (this.timeWaitAt <= now) {
      this.timeWaitAt = NEVER;
      if (this.state === 'TIME-WAIT' || this.state === 'FIN-WAIT-2') {
        this.destroy();
        return;
      }
    }
    if (this.rack.timerAt <= now) this.reorderTimeout(now);
    if (this.tlp.timerAt <= now) {
      this.tlp.timerAt = NEVER;
      this.lossProbe(now);
    }
    if (this.rtoAt <= now) {
      this.rtoAt = NEVER;
      this.retransmitTimeout(now);
      if (this.isClosed()) return;
    }
    if (this.persistAt <= now) {
      this.persistAt = NEVER;
      this.probeWindow(now);
      if (this.isClosed()) return;
    }
    if (this.keepAliveAt <= now) {
      this.keepAliveAt = NEVER;
      this.keepAliveTimeout(now);
      if (this.isClosed()) return;
    }
    if (this.delayedAckAt <= now) {
      this.delayedAckAt = NEVER;
      this.ackNow = true;
    }
    this.output(now);
  }

  /** RFC 6298 §5.4 - §5.7, RFC 5681 §3.1: the retransmission timer fired. */
  private retransmitTimeout(now: number): void {
    const config = this.host.config;
    this.retries++;
    this.stats.timeouts++;
    this.host.count('tcp.timeouts');
    this.timeoutTsVal = this.tsValue(now);
    if (this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') {
      const limit = this.state === 'SYN-SENT' ? config.synRetries : config.synAckRetries;
      if (this.retries > limit) {
        if (this.state === 'SYN-SENT' || !this.passive) this.fail(this.softError ?? 'ETIMEDOUT');
        else this.destroy();
        return;
      }
      this.rtt.backoff();
      this.sendSyn(now);
      return;
    }
    if (this.retries > config.dataRetries) {
      this.fail(this.softError ?? 'ETIMEDOUT');
      return;
    }
    const flight = this.flight();
    if (this.rtt.backoffs === 0) {
      // Inside an episode still open, the window before that one is what an undo restores.
      this.undo.begin(this.cc.cwnd, this.cc.ssthresh, this.recovering());
      this.tlp.lossyPath = true;
      this.cc.onTimeout(flight, now);
    } else this.cc.cwnd = this.smss;
    this.rtt.backoff();
    this.inRecovery = false;
    this.inflation = 0;
    this.recover = this.sndMax;
    this.highRxt = this.sndUna;
    this.dupAcks = 0;
    this.rttSeq = -1;
    this.rexmitPending = false;
    this.fastRetransmitDue = false;
    this.tlp.reset();
    // RFC 8985 §6.3: with RACK, all not SACKed is deemed lost and resent from the lowest;
    // without, go back to SND.UNA (RFC 5681 §3.1).
    if (this.rackOn) {
      this.rack.onTimeout();
      this.rexmitPending = true; // the first of them, whatever the window (RFC 6298 §5.4)
    } else this.sndNxt = this.sndUna;
    this.rtoAt = now + this.rtt.rto;
    if (this.sndUna === this.sndMax && !(this.finSent && !this.finAcked)) this.rtoAt = NEVER;
  }

  /** Arms the persist timer when data waits on the peer's window with nothing in flight (RFC 9293 §3.8.6.1). */
  private armPersist(now: number): void {
    const waiting = seqGt(this.dataEnd(), this.sndNxt);
    if (!waiting || this.sndUna !== this.sndMax || this.rtoAt !== NEVER) {
      if (!waiting || this.sndUna !== this.sndMax) this.persistAt = NEVER;
      return;
    }
    if (this.persistAt !== NEVER) return;
    const base = Math.max(this.rtt.rto, this.host.config.minRtoMs);
    this.persistAt = now + Math.min(MAX_PERSIST_MS, base * 2 ** this.persistBackoff);
  }

  /** A window probe: one byte into a closed window, or a bare ACK below SND.UNA (as Linux) to fetch the window. */
  private probeWindow(now: number): void {
    if (!isSynchronized(this.state)) return;
    this.host.count('tcp.windowProbes');
    this.persistBackoff = Math.min(this.persistBackoff + 1, 16);
    const usable = seqDiff(seqAdd(this.sndUna, this.sndWnd), this.sndNxt);
    const unsent = seqDiff(this.dataEnd(), this.sndNxt);
    if (usable > 0 && unsent > 0) {
      const len = Math.min(usable, unsent, this.segmentRoom());
      this.transmitSegment(this.sndNxt, len, false, false, now);
      this.sndNxt = seqAdd(this.sndNxt, len);
      if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
      return;
    }
    this.emit(TCP_ACK, seqAdd(this.sndUna, -1), 0, 0, now);
    this.armPersist(now);
  }

  armKeepAlive(now: number): void {
    const synced = this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT';
    if (!this.keepAliveEnabled || !synced) {
      this.keepAliveAt = NEVER;
      return;
    }
    this.keepAliveAt =
      this.keepAliveProbesSent === 0
        ? this.lastReceivedAt + this.keepAliveIdle()
        : now + this.host.config.keepAliveIntervalMs;
    this.host.wake(this.keepAliveAt);
  }

  /** TCP_KEEPIDLE (ms): this connection's, else the configured default. */
  private keepAliveIdle(): number {
    return this.keepAliveIdleMs > 0 ? this.keepAliveIdleMs : this.host.config.keepAliveIdleMs;
  }

  /** RFC 9293 §3.8.4 / RFC 1122 §4.2.3.6: a probe with SEG.SEQ = SND.NXT − 1 draws an ACK. */
  private keepAliveTimeout(now: number): void {
    if (this.sndUna !== this.sndMax) {
      // Data is outstanding: the retransmission timer watches the peer. Look
      // again a whole idle time from now, as Linux does (from the last segment
      // received, that time may already be past: the timer would fire again
      // at once, for ever).
      this.armKeepAlive(now);
      if (this.keepAliveAt <= now) this.keepAliveAt = now + this.keepAliveIdle();
      return;
    }
    if (this.keepAliveProbesSent >= this.host.config.keepAliveProbes) {
      this.fail('ETIMEDOUT');
      return;
    }
    this.keepAliveProbesSent++;
    this.host.count('tcp.keepAliveProbes');
    this.emit(TCP_ACK, seqAdd(this.sndUna, -1), 0, 0, now);
    this.armKeepAlive(now);
  }

  // ---- errors and the end -----------------------------------------------------------

  /** An ICMP error about this connection (RFC 1122 §4.2.3.9; RFC 1191 / RFC 8201 for the MTU). */
  icmpError(error: { code: StackErrorCode } | { mtu: number }, now: number): void {
    if ('mtu' in error) {
      const before = this.smss;
      this.host.count('tcp.pmtu');
      this.pathMtu = Math.max(this.remoteAddress.length === 4 ? 576 : 1280, error.mtu);
      this.updateMss();
      if (this.smss < before && seqLt(this.sndUna, this.sndMax)) {
        // Resend what was too big at the new size (as Linux's simple retransmit).
        if (this.rackOn) this.rack.onTimeout();
        else this.sndNxt = this.sndUna;
        this.output(now);
      }
      return;
    }
    // Hard for a connection being opened; soft afterwards, reported only if it times out.
    if (this.state === 'SYN-SENT') this.fail(error.code);
    else this.softError = error.code;
  }

  /** The path MTU learned from ICMP (Infinity: the route's). */
  pathMtu = NEVER;

  private abortNow(now: number): void {
    const s = this.state;
    if (s !== 'CLOSED' && s !== 'SYN-SENT' && s !== 'TIME-WAIT') {
      this.sendRst(this.sndNxt, this.rcvNxt, true, now);
    }
    this.destroy();
  }

  /** Ends the connection with `code`: the owner hears it once, then the connection is gone. */
  private fail(code: StackErrorCode): void {
    const onerror = this.onerror;
    this.destroy();
    if (!this.orphaned) onerror(new StackError(code));
  }

  /** CLOSED: timers off, buffers dropped, out of the tables. */
  destroy(): void {
    if (this.state === 'CLOSED' && this.rtoAt === NEVER && this.timeWaitAt === NEVER) {
      this.host.remove(this);
      return;
    }
    this.state = 'CLOSED';
    this.rtoAt = NEVER;
    this.delayedAckAt = NEVER;
    this.persistAt = NEVER;
    this.keepAliveAt = NEVER;
    this.timeWaitAt = NEVER;
    this.reassembly.clear();
    this.readQueue = [];
    this.readQueueBytes = 0;
    if (this.listener !== null) {
      this.listener.forget(this);
      this.listener = null;
    }
    this.host.remove(this);
  }
}
