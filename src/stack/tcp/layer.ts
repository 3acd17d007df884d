/**
 * TCP in the stack (RFC 9293): the demultiplexing of segments to
 * connections and listeners, port allocation, the RST for segments nobody
 * owns (§3.10.7.1), ICMP errors, timers for every connection, and the one
 * place segments are written onto the wire (header, options, checksum).
 * Sans-IO: segments come in through `input`, time through `poll(now)`;
 * deadlines go out through `nextDeadline` and the host's `wake`.
 */
import { pseudoHeaderSum } from '../../wire/checksum.js';
import { WireError } from '../../wire/errors.js';
import { IP_PROTO_TCP } from '../../wire/ipv4.js';
import {
  emitTcp,
  parseTcp,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  type TcpFields,
  type TcpOptions,
  type TcpSegment,
  tcpHeaderLength,
} from '../../wire/tcp.js';
import {
  type IpAddr,
  ipEquals,
  isLimitedBroadcast,
  isMulticast,
  isUnspecified,
  unmapV4,
  V4_LOOPBACK,
  V6_LOOPBACK,
} from '../address.js';
import { EPHEMERAL_LOW, EPHEMERAL_SPAN, EphemeralPorts } from '../ephemeral.js';
import { StackError } from '../errors.js';
import { checksummedHere } from '../frames.js';
import type { NetInterface } from '../interface.js';
import type { IpHost } from '../ip-host.js';
import type { IpSendOptions, PayloadWriter } from '../ip-types.js';
import { DEFAULT_TCP_CONFIG, type TcpConfig } from './config.js';
import { TcpConnection } from './connection.js';
import type { ConnectionHost } from './host.js';
import { initialSequenceNumber } from './isn.js';
import { TcpListener } from './listener.js';
import { seqAdd, seqGt } from './seq.js';
import { TimerHeap } from './timer-heap.js';

const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
const TCP_HEADER = 20;

export interface TcpConnectOptions {
  remote: IpAddr;
  remotePort: number;
  /** The local address (null or unspecified: chosen by the route). */
  local?: IpAddr | null;
  /** 0 or absent: an ephemeral port. */
  localPort?: number;
}

export interface TcpListenOptions {
  /** null or unspecified: every local address. */
  address: IpAddr | null;
  /** 0: an ephemeral port. */
  port: number;
  family: 4 | 6;
  /** IPv6 only: do not also accept IPv4 (IPV6_V6ONLY). */
  v6Only?: boolean;
  backlog?: number;
}

/** What an ICMP error tells TCP: a hard error, or a smaller path MTU (packet too big). */
export type TcpIcmpError =
  | { code: 'ECONNREFUSED' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EHOSTDOWN' }
  | { mtu: number };

export class TcpLayer implements ConnectionHost {
  readonly config: TcpConfig;
  private readonly host: IpHost;
  /** Connections by `localPort * 65536 + remotePort`; addresses tell the rest apart. */
  private readonly connections = new Map<number, TcpConnection[]>();
  /** Every live connection. */
  private readonly all = new Set<TcpConnection>();
  /** The connections with a timer running, by deadline. */
  private readonly timers = new TimerHeap<TcpConnection>();
  /** Scratch for `poll`: the connections with a timer due. */
  private readonly due: TcpConnection[] = [];
  private readonly listeners = new Map<number, TcpListener[]>();
  /** How many connections and listeners use each local port. */
  private readonly portUse = new Map<number, number>();
  private readonly ephemeral: EphemeralPorts;
  private readonly secret: number;
  private challengeTokens: number;
  private challengeRefilledAt = 0;

  constructor(host: IpHost, config: Partial<TcpConfig> = {}) {
    this.host = host;
    this.config = { ...DEFAULT_TCP_CONFIG, ...config };
    this.secret = host.random();
    this.ephemeral = new EphemeralPorts(EPHEMERAL_LOW + (host.random() % EPHEMERAL_SPAN));
    this.challengeTokens = this.config.challengeAckPerSecond;
  }

  /** Live connections (every state but CLOSED, TIME-WAIT included). */
  get size(): number {
    return this.all.size;
  }

  /** The connections, for inspection. */
  connectionList(): TcpConnection[] {
    return [...this.all];
  }

  // ---- opening ------------------------------------------------------------------

  /**
   * Active open (RFC 9293 §3.10.1): sends a SYN and returns the connection
   * in SYN-SENT; its `onestablished` or `onerror` tells the outcome. Errors
   * known at once are returned: EADDRNOTAVAIL (the local address is not
   * this host's), EADDRINUSE (the port pair is taken, or no ephemeral port
   * is free), ENETUNREACH (no route), EINVAL (bad port).
   */
  connect(options: TcpConnectOptions, now: number): TcpConnection | StackError {
    let remote = options.remote;
    const mapped = remote.length === 16 ? unmapV4(remote) : null;
    if (mapped !== null) remote = mapped;
    if (options.remotePort <= 0 || options.remotePort > 0xffff)
      return new StackError('EINVAL', 'bad port');
    if (isMulticast(remote) || isLimitedBroadcast(remote))
      return new StackError('ENETUNREACH', 'not a unicast address');
    let local = options.local ?? null;
    if (local !== null) {
      const inner = local.length === 16 ? unmapV4(local) : null;
      if (inner !== null) local = inner;
      if (isUnspecified(local)) local = null;
      else if (local.length !== remote.length)
        return new StackError('EINVAL', 'local and remote families differ');
      else if (!this.host.isLocalAddress(local))
        return new StackError('EADDRNOTAVAIL', 'not a local address');
    }
    // Connecting to the unspecified address means this host (as Linux does).
    if (isUnspecified(remote)) remote = remote.length === 4 ? V4_LOOPBACK : V6_LOOPBACK;
    const route = this.host.resolveRoute(remote, { src: local });
    if (route instanceof StackError) return route;
    const src = (local ?? route.src).slice();
    let port = options.localPort ?? 0;
    if (port === 0) {
      port = this.ephemeralPort();
      if (port === 0) return new StackError('EADDRINUSE', 'no free ephemeral port');
    } else if (this.listenerHolds(port, src, local === null)) {
      // bind(2) refuses a port a listener holds for this address, even with SO_REUSEADDR.
      return new StackError('EADDRINUSE', 'a listener holds the port');
    } else if (this.find(src, port, remote, options.remotePort) !== undefined) {
      return new StackError('EADDRINUSE');
    }
    const conn = new TcpConnection(this, src, port, remote.slice(), options.remotePort, false, now);
    this.add(conn);
    conn.open(this.isn(conn, now), now);
    this.timerAt(conn, conn.deadline());
    return conn;
  }

  /**
   * Listens (RFC 9293 §3.10.1 passive OPEN). Errors: EADDRINUSE (another
   * listener holds an overlapping address and port), EADDRNOTAVAIL (the
   * address is not this host's), EINVAL (a family mismatch).
   */
  listen(options: TcpListenOptions): TcpListener | StackError {
    const family = options.family;
    let address = options.address ?? new Uint8Array(family === 4 ? 4 : 16);
    if ((family === 4) !== (address.length === 4))
      return new StackError('EINVAL', 'address family does not match');
    const check = address.length === 16 ? (unmapV4(address) ?? address) : address;
    if (!isUnspecified(check) && !this.host.isLocalAddress(check))
      return new StackError('EADDRNOTAVAIL', 'not a local address');
    address = address.slice();
    const v6Only = family === 6 && options.v6Only === true;
    let port = options.port;
    if (port === 0) {
      port = this.ephemeralPort();
      if (port === 0) return new StackError('EADDRINUSE', 'no free ephemeral port');
    }
    const listener = new TcpListener(
      { removeListener: (l) => this.removeListener(l), count: (n) => this.host.count(n) },
      family,
      address,
      port,
      v6Only,
      options.backlog ?? 511,
    );
    const list = this.listeners.get(port) ?? [];
    for (const other of list) if (overlap(listener, other)) return new StackError('EADDRINUSE');
    list.push(listener);
    this.listeners.set(port, list);
    this.usePort(port, 1);
    return listener;
  }

  removeListener(listener: TcpListener): void {
    const list = this.listeners.get(listener.localPort);
    if (list === undefined) return;
    const i = list.indexOf(listener);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.listeners.delete(listener.localPort);
    this.usePort(listener.localPort, -1);
  }

  private isn(conn: TcpConnection, now: number): number {
    return initialSequenceNumber(
      this.secret,
      conn.localAddress,
      conn.localPort,
      conn.remoteAddress,
      conn.remotePort,
      now,
    );
  }

  private ephemeralPort(): number {
    return this.ephemeral.take((port) => this.portUse.has(port));
  }

  private usePort(port: number, delta: number): void {
    const n = (this.portUse.get(port) ?? 0) + delta;
    if (n <= 0) this.portUse.delete(port);
    else this.portUse.set(port, n);
  }

  private add(conn: TcpConnection): void {
    const key = conn.localPort * 65536 + conn.remotePort;
    const list = this.connections.get(key);
    if (list === undefined) this.connections.set(key, [conn]);
    else list.push(conn);
    this.all.add(conn);
    this.usePort(conn.localPort, 1);
  }

  /** ConnectionHost: `conn` is CLOSED. */
  remove(conn: TcpConnection): void {
    if (!this.all.delete(conn)) return;
    this.timers.remove(conn);
    const key = conn.localPort * 65536 + conn.remotePort;
    const list = this.connections.get(key);
    if (list !== undefined) {
      const i = list.indexOf(conn);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.connections.delete(key);
    }
    this.usePort(conn.localPort, -1);
  }

  private find(
    local: IpAddr,
    localPort: number,
    remote: IpAddr,
    remotePort: number,
  ): TcpConnection | undefined {
    const list = this.connections.get(localPort * 65536 + remotePort);
    if (list === undefined) return undefined;
    for (const conn of list) {
      if (ipEquals(conn.remoteAddress, remote) && ipEquals(conn.localAddress, local)) return conn;
    }
    return undefined;
  }

  /**
   * A listener on `port` that a connection bound to `src` would clash with:
   * one that accepts `src`, or — for a wildcard bind — any of its family.
   */
  private listenerHolds(port: number, src: IpAddr, wildcard: boolean): boolean {
    const list = this.listeners.get(port);
    if (list === undefined) return false;
    for (const listener of list) {
      if (listener.accepts(src)) return true;
      if (!wildcard) continue;
      const sameFamily = (listener.family === 4) === (src.length === 4);
      const dualStack = src.length === 4 && listener.family === 6 && !listener.v6Only;
      if (sameFamily || dualStack) return true;
    }
    return false;
  }

  private findListener(dst: IpAddr, port: number): TcpListener | undefined {
    const list = this.listeners.get(port);
    if (list === undefined) return undefined;
    let wildcard: TcpListener | undefined;
    for (const listener of list) {
      if (!listener.accepts(dst)) continue;
      if (listener.specific) return listener;
      // An IPv4 wildcard beats a dual-stack IPv6 one for IPv4 segments.
      if (wildcard === undefined || (dst.length === 4 && listener.family === 4))
        wildcard = listener;
    }
    return wildcard;
  }

  // ---- input ----------------------------------------------------------------------

  /** A segment (the IP payload) from `src` to `dst` arrived on `iface`. */
  input(_iface: NetInterface, src: IpAddr, dst: IpAddr, bytes: Uint8Array, now: number): void {
    const host = this.host;
    host.count('tcp.in');
    if (isMulticast(dst) || isLimitedBroadcast(dst)) {
      host.count('tcp.notUnicast'); // RFC 1122 §4.2.3.10
      return;
    }
    const seg = parseTcp(
      bytes,
      checksummedHere(bytes) ? null : pseudoHeaderSum(src, dst, IP_PROTO_TCP, bytes.length),
    );
    if (seg instanceof WireError) {
      host.reject(seg);
      return;
    }
    let conn = this.find(dst, seg.dstPort, src, seg.srcPort);
    if (conn !== undefined && conn.state === 'TIME-WAIT' && this.reopens(conn, seg)) {
      // RFC 6191 / RFC 9293 §3.10.7.4: a new SYN above the old connection's sequence space ends TIME-WAIT.
      conn.destroy();
      conn = undefined;
    }
    if (conn !== undefined) {
      conn.input(seg, now);
      this.timerAt(conn, conn.deadline());
      return;
    }
    const listener = this.findListener(dst, seg.dstPort);
    if (listener !== undefined) {
      this.listenInput(listener, src, dst, seg, now);
      return;
    }
    host.count('tcp.noPort');
    this.resetFor(src, dst, seg, now);
  }

  private reopens(conn: TcpConnection, seg: TcpSegment): boolean {
    return (seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN && seqGt(seg.seq, conn.rcvNxt);
  }

  /** §3.10.7.2: a segment for a listener. */
  private listenInput(
    listener: TcpListener,
    src: IpAddr,
    dst: IpAddr,
    seg: TcpSegment,
    now: number,
  ): void {
    const flags = seg.flags;
    if ((flags & TCP_RST) !== 0) return;
    if ((flags & TCP_ACK) !== 0) {
      this.resetFor(src, dst, seg, now);
      return;
    }
    if ((flags & TCP_SYN) === 0) return;
    const limit = Math.min(this.config.synQueueLimit, Math.max(listener.backlog, 1) * 2);
    if (listener.synQueue.size >= limit) {
      this.host.count('tcp.synQueueFull');
      return;
    }
    const conn = new TcpConnection(
      this,
      dst.slice(),
      seg.dstPort,
      src.slice(),
      seg.srcPort,
      true,
      now,
    );
    conn.listener = listener;
    listener.synQueue.add(conn);
    this.add(conn);
    conn.acceptSyn(seg, this.isn(conn, now), now);
    this.timerAt(conn, conn.deadline());
  }

  /** §3.10.7.1: the RST for a segment no connection or listener takes (never for a RST). */
  private resetFor(src: IpAddr, dst: IpAddr, seg: TcpSegment, now: number): void {
    if ((seg.flags & TCP_RST) !== 0) return;
    this.host.count('tcp.resetsSent');
    let length = seg.payload.length;
    if ((seg.flags & TCP_SYN) !== 0) length++;
    if ((seg.flags & TCP_FIN) !== 0) length++;
    const withAck = (seg.flags & TCP_ACK) === 0;
    this.writeSegment(
      dst,
      src,
      seg.dstPort,
      seg.srcPort,
      withAck ? TCP_RST | TCP_ACK : TCP_RST,
      withAck ? 0 : seg.ack,
      withAck ? seqAdd(seg.seq, length) : 0,
      0,
      undefined,
      null,
      0,
      0,
      now,
    );
  }

  /** An ICMP error quoted a segment `local → remote` whose first bytes are `quoted` (RFC 5927: only for a live connection). */
  icmpError(
    local: IpAddr,
    remote: IpAddr,
    quoted: Uint8Array,
    error: TcpIcmpError,
    now: number,
  ): void {
    if (quoted.length < 8) return;
    const localPort = (quoted[0]! << 8) | quoted[1]!;
    const remotePort = (quoted[2]! << 8) | quoted[3]!;
    const conn = this.find(local, localPort, remote, remotePort);
    if (conn === undefined) return;
    // RFC 5927 §4.1: the quoted sequence number must be in flight.
    const seq = ((quoted[4]! << 24) | (quoted[5]! << 16) | (quoted[6]! << 8) | quoted[7]!) >>> 0;
    if (seqGt(conn.sndUna, seq) || seqGt(seq, conn.sndMax)) {
      this.host.count('tcp.icmpStale');
      return;
    }
    this.host.count('tcp.icmpErrors');
    conn.icmpError(error, now);
    this.timerAt(conn, conn.deadline());
  }

  // ---- timers -----------------------------------------------------------------------

  /** Runs the timers due at `now`: each connection with one due is polled once, earliest first. */
  poll(now: number): void {
    // The scratch array, unless a callback polls from inside a poll.
    const due = this.due.length === 0 ? this.due : [];
    this.timers.takeDue(now, due);
    for (let i = 0; i < due.length; i++) {
      const conn = due[i]!;
      // An earlier connection's poll (its callbacks) may have closed this one.
      if (conn.isClosed()) continue;
      if (conn.deadline() <= now) conn.poll(now);
      if (!conn.isClosed()) this.timers.lower(conn, conn.deadline());
    }
    due.length = 0;
  }

  /** The earliest timer of any connection (ms), Infinity when none runs. */
  nextDeadline(): number {
    return this.timers.next();
  }

  /**
   * ConnectionHost, and after every call into a connection from here:
   * `conn`'s earliest deadline is `at`. Only an earlier one than its key
   * moves it in the heap (see ./timer-heap.ts); a new earliest wakes the host.
   */
  timerAt(conn: TcpConnection, at: number): void {
    if (conn.isClosed()) return;
    if (this.timers.lower(conn, at)) this.host.wake(at);
  }

  // ---- output (ConnectionHost) ----------------------------------------------------------

  wake(at: number): void {
    this.host.wake(at);
  }

  count(name: string, n?: number): void {
    this.host.count(name, n);
  }

  /** RFC 5961 §7: a token bucket of `challengeAckPerSecond` for the whole layer. */
  challengeAckAllowed(now: number): boolean {
    const perSecond = this.config.challengeAckPerSecond;
    const elapsed = now - this.challengeRefilledAt;
    if (elapsed > 0) {
      this.challengeTokens = Math.min(
        perSecond,
        this.challengeTokens + (elapsed * perSecond) / 1000,
      );
      this.challengeRefilledAt = now;
    }
    if (this.challengeTokens < 1) {
      this.host.count('tcp.challengeAckLimited');
      return false;
    }
    this.challengeTokens -= 1;
    return true;
  }

  /** The MSS of the route to `conn`'s peer: its interface's MTU (or the path MTU) less the IP and TCP headers. */
  routeMss(conn: TcpConnection): number {
    const v4 = conn.remoteAddress.length === 4;
    const route = this.host.resolveRoute(conn.remoteAddress, { src: conn.localAddress });
    const mtu = route instanceof StackError ? (v4 ? 576 : 1280) : route.iface.mtu;
    const header = (v4 ? IPV4_HEADER : IPV6_HEADER) + TCP_HEADER;
    // The IPv4 total length is 16 bits; so is the IPv6 payload length (header excluded).
    const max = v4 ? 0xffff - header : 0xffff - TCP_HEADER;
    return Math.min(Math.min(mtu, conn.pathMtu) - header, max);
  }

  transmit(
    conn: TcpConnection,
    flags: number,
    seq: number,
    ack: number,
    window: number,
    options: TcpOptions | undefined,
    payloadOffset: number,
    payloadLength: number,
    now: number,
  ): boolean {
    return this.writeSegment(
      conn.localAddress,
      conn.remoteAddress,
      conn.localPort,
      conn.remotePort,
      flags,
      seq,
      ack,
      window,
      options,
      conn,
      payloadOffset,
      payloadLength,
      now,
    );
  }

  /** Writes one segment (payload from `conn`'s send buffer) into an IP datagram and sends it. */
  private writeSegment(
    src: IpAddr,
    dst: IpAddr,
    srcPort: number,
    dstPort: number,
    flags: number,
    seq: number,
    ack: number,
    window: number,
    options: TcpOptions | undefined,
    conn: TcpConnection | null,
    payloadOffset: number,
    payloadLength: number,
    now: number,
  ): boolean {
    const out = this.outgoing;
    const fields = out.fields;
    fields.srcPort = srcPort;
    fields.dstPort = dstPort;
    fields.seq = seq;
    fields.ack = ack;
    fields.flags = flags;
    fields.window = window;
    fields.options = options;
    out.conn = conn;
    out.payloadOffset = payloadOffset;
    out.payloadLength = payloadLength;
    out.headerLength = tcpHeaderLength(options);
    const sendOptions = this.sendOptions;
    sendOptions.src = src;
    sendOptions.dontFragment = dst.length === 4;
    const err = this.host.sendIp(
      dst,
      IP_PROTO_TCP,
      out.headerLength + payloadLength,
      this.writeOutgoing,
      sendOptions,
      now,
    );
    out.conn = null;
    this.host.count('tcp.out');
    if (err !== null) {
      this.host.count(`tcp.sendFailed.${err.code}`);
      return false;
    }
    return true;
  }

  /**
   * The segment `writeSegment` is sending, and the one writer that puts it into
   * the IP layer's buffer: reused for every segment (the IP layer calls the
   * writer before `sendIp` returns), so sending allocates no closure or fields.
   */
  private readonly outgoing = {
    fields: { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0 } as TcpFields,
    conn: null as TcpConnection | null,
    payloadOffset: 0,
    payloadLength: 0,
    headerLength: 0,
  };
  private readonly sendOptions: IpSendOptions = { checksumOffload: true };
  private readonly writeOutgoing: PayloadWriter = (buf, offset, from, to, checksumLeft) => {
    const out = this.outgoing;
    const total = out.headerLength + out.payloadLength;
    if (out.payloadLength > 0 && out.conn !== null)
      out.conn.sendBuffer.copyOut(
        out.payloadOffset,
        out.payloadLength,
        buf,
        offset + out.headerLength,
      );
    emitTcp(
      buf,
      offset,
      out.fields,
      out.payloadLength,
      checksumLeft ? null : pseudoHeaderSum(from, to, IP_PROTO_TCP, total),
    );
  };
}

/** Whether two listeners on one port claim an address in common (Linux's bind conflict, SO_REUSEADDR set). */
function overlap(a: TcpListener, b: TcpListener): boolean {
  const dualA = a.family === 6 && !a.v6Only && !a.specific;
  const dualB = b.family === 6 && !b.v6Only && !b.specific;
  if (a.family !== b.family) {
    // A dual-stack wildcard covers every IPv4 address.
    return (dualA && b.family === 4) || (dualB && a.family === 4);
  }
  return !a.specific || !b.specific || ipEquals(a.localAddress, b.localAddress);
}
