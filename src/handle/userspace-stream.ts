/**
 * A `StreamHandle` on a userspace stack's TCP connection (`stack.tcp`).
 *
 * What libuv does for a kernel socket, done here for the stack's:
 * - writes the TCP send buffer cannot take yet wait in a queue of their own
 *   (`writeQueueSize`), and go out as acknowledgements free space
 *   (`onsendspace`); each write's callback runs once all its bytes were
 *   accepted by the send buffer;
 * - `shutdown` sends FIN after every queued write;
 * - stack errors (plain values in `stack/`) become Node's system errors, as
 *   Node reports them on Linux: `connect ECONNREFUSED 10.0.0.2:80`,
 *   `read ECONNRESET`, `read ETIMEDOUT`, `write EPIPE`.
 *
 * The stack calls back synchronously, from its input and timers — which a
 * driver runs outside user code — but also from calls made into it (a
 * `readStart` hands over the bytes already buffered at once). libuv never
 * calls back inside a user's call, so neither does this handle: a callback
 * that arrives while any call into the stack is under way is queued and
 * delivered from the event loop (`setImmediate`, where libuv would deliver
 * it: the next poll phase). Received bytes and EOF from the stack's input
 * are handed over once its turn is done, in the order they arrived (see
 * `arrivals`); the handle keeps the process alive as a libuv handle does
 * (see `updateHold`).
 */
// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { type SystemError, systemError } from '../errors/index.js';
import { type IpAddr, isUnspecified, parseIp, unmapV4, v4Mapped } from '../stack/address.js';
import { StackError } from '../stack/errors.js';
import type { TcpConnection } from '../stack/tcp/index.js';
import { formatIP } from '../wire/ip-format.js';
import type { AddressInfo, ErrorCallback, StreamHandle, StreamTarget } from './types.js';
import type { KeepAlive, UserspaceHost } from './userspace.js';
import { throwLater } from './userspace-callback.js';

function noop(): void {}

/** The most one read hands over, as libuv reads (64 KiB). */
const READ_SIZE = 64 * 1024;

/**
 * Calls into the stack under way, on any connection: callbacks that arrive
 * meanwhile are deferred (see the file comment). The stack runs in one
 * thread, so one counter serves every handle.
 */
let stackCalls = 0;

/** One chunk waiting for the send buffer; `cb` is set on the last chunk of a write. */
interface QueuedChunk {
  data: Buffer;
  cb: ErrorCallback | null;
}

/** What Node names a failure of an established connection: the call libuv was making. */
function establishedError(code: string): SystemError {
  return systemError(code, code === 'EPIPE' ? 'write' : 'read');
}

/** Data or EOF for a handle, as it arrived. */
interface Arrival {
  stream: UserspaceStream;
  eof: boolean;
}

/**
 * What the stack's input handed over, in the order it arrived on every
 * connection, for delivery once the stack's turn is done (`nextTick`):
 * what arrived in one turn is then read at once, as one read(2) takes what
 * the kernel's receive queue holds, not one `'data'` event per segment.
 * libuv reports each read in a callback of its own, and Node runs the ticks
 * and promise jobs a callback started before the next: an EOF that follows
 * data delivered here (an HTTP request's last bytes, whose `'end'` writes the
 * response) waits for the next turn of the loop, and so does whatever
 * arrived after an EOF (the peer's FIN before another connection's data is
 * heard first, as on Linux).
 */
const arrivals: Arrival[] = [];
let arrivalsOnTick = false;
let arrivalsOnImmediate = false;

function queueArrival(stream: UserspaceStream, eof: boolean): void {
  arrivals.push({ stream, eof });
  if (!arrivalsOnTick && !arrivalsOnImmediate) {
    arrivalsOnTick = true;
    process.nextTick(runArrivals, false);
  }
}

function runArrivals(onImmediate: boolean): void {
  if (onImmediate) arrivalsOnImmediate = false;
  else arrivalsOnTick = false;
  let handed = false;
  while (arrivals.length > 0) {
    const next = arrivals[0]!;
    if (next.eof && handed) break;
    arrivals.shift();
    handed = true;
    try {
      next.stream.handArrival(next.eof);
    } catch (err) {
      throwLater(err); // the arrivals after it are still handed over
    }
    if (next.eof) break;
  }
  if (arrivals.length > 0 && !arrivalsOnImmediate) {
    arrivalsOnImmediate = true;
    setImmediate(runArrivals, true);
  }
}

class UserspaceStream implements StreamHandle {
  onread: (chunk: Buffer) => void = noop;
  onend: () => void = noop;
  onerror: (err: Error) => void = noop;
  readonly fd = -1;

  private readonly host: UserspaceHost;
  private readonly keepAlive: KeepAlive;
  private conn: TcpConnection | null = null;
  /** The family the socket was made for: a v4 peer of a v6 socket shows as `::ffff:a.b.c.d`. */
  private family: 4 | 6 = 4;
  private connectCb: ErrorCallback | null = null;
  private target: { address: string; port: number; local: string; localPort: number } | null = null;
  private established = false;
  /** The connection failed (reset, timed out): no more reads or writes. */
  private failure: SystemError | null = null;
  private closed = false;
  private reading = false;
  private shut = false;
  /** A `shutdown` waiting for the write queue to drain. */
  private shutdownCb: ErrorCallback | null = null;

  // Received, not yet delivered (deferred, or read while reading was stopped).
  private inbox: Buffer[] = [];
  private finReceived = false;
  private endDelivered = false;
  private flushScheduled = false;
  /** Data of this handle waits in `arrivals`. */
  private arrivalQueued = false;
  /** A failure to report once the current call into the stack has returned. */
  private pendingFailure: SystemError | null = null;

  // Writes the send buffer has not taken yet.
  private queue: QueuedChunk[] = [];
  /** Bytes of `queue[0]` already sent. */
  private queueOffset = 0;
  private queuedBytes = 0;
  private pumpScheduled = false;

  // setNoDelay / setKeepAlive asked before there was a connection.
  private noDelay = false;
  private keepAliveMs = -1;

  private refed = true;
  private holding = false;

  constructor(host: UserspaceHost, keepAlive: KeepAlive, accepted?: TcpConnection, family?: 4 | 6) {
    this.host = host;
    this.keepAlive = keepAlive;
    if (accepted !== undefined) {
      this.family = family ?? (accepted.localAddress.length === 4 ? 4 : 6);
      this.established = true;
      this.attach(accepted);
    }
  }

  get writeQueueSize(): number {
    return this.queuedBytes;
  }

  // ---- the connection's callbacks ---------------------------------------------

  private attach(conn: TcpConnection): void {
    this.conn = conn;
    // User code runs inside these (see userspace-callback.ts): what it throws must not unwind the stack.
    conn.onestablished = () => {
      try {
        this.onEstablished();
      } catch (err) {
        throwLater(err);
      }
    };
    conn.ondata = (data) => {
      try {
        this.onData(data);
      } catch (err) {
        throwLater(err);
      }
    };
    conn.onfin = () => this.onFin();
    conn.onerror = (err) => {
      try {
        this.onStackError(err);
      } catch (e) {
        throwLater(e);
      }
    };
    conn.onsendspace = () => {
      try {
        this.onSendSpace();
      } catch (err) {
        throwLater(err);
      }
    };
    if (this.noDelay) conn.setNoDelay(true);
    if (this.keepAliveMs >= 0) conn.setKeepAlive(true, this.keepAliveMs);
    this.updateHold();
  }

  private detach(): void {
    const conn = this.conn;
    if (conn === null) return;
    conn.onestablished = noop;
    conn.ondata = noop;
    conn.onfin = noop;
    conn.onerror = noop;
    conn.onsendspace = noop;
  }

  private onEstablished(): void {
    if (this.closed || this.established) return;
    this.established = true;
    if (this.reading) this.startConnReading();
    const cb = this.connectCb;
    this.connectCb = null;
    this.updateHold();
    if (cb === null) return;
    if (stackCalls > 0) setImmediate(() => this.closed || cb(null));
    else cb(null);
  }

  // Hot path: one call per chunk received.
  private onData(data: Uint8Array): void {
    if (this.closed) return;
    // Zero-copy: the stack hands over a buffer of the caller's to keep.
    this.inbox.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (stackCalls > 0) this.scheduleFlush();
    else if (!this.arrivalQueued) {
      this.arrivalQueued = true;
      queueArrival(this, false);
    }
  }

  /** Its turn in `arrivals` came: the data that arrived, or EOF. */
  handArrival(eof: boolean): void {
    if (!eof) {
      this.arrivalQueued = false;
      this.deliverInbox();
    } else if (!this.closed && this.reading && this.inbox.length === 0) {
      this.deliverEnd();
    }
  }

  /** Hands the inbox to `onread` while reading, in reads of up to 64 KiB (libuv's). */
  private deliverInbox(): void {
    const inbox = this.inbox;
    while (!this.closed && this.reading && inbox.length > 0) {
      let chunk = inbox.shift()!;
      if (inbox.length > 0 && chunk.length < READ_SIZE) {
        const parts = [chunk];
        let size = chunk.length;
        while (inbox.length > 0 && size + inbox[0]!.length <= READ_SIZE) {
          const next = inbox.shift()!;
          parts.push(next);
          size += next.length;
        }
        if (parts.length > 1) chunk = Buffer.concat(parts, size);
      }
      this.onread(chunk);
    }
  }

  private onFin(): void {
    if (this.closed) return;
    this.finReceived = true;
    this.updateHold();
    if (stackCalls > 0) this.scheduleFlush();
    else queueArrival(this, true);
  }

  private onStackError(err: StackError): void {
    if (this.closed) return;
    const cb = this.connectCb;
    if (cb !== null && !this.established) {
      // The connect failed (refused, timed out, unreachable).
      this.connectCb = null;
      this.failure = systemError(err.code, 'connect');
      this.updateHold();
      const error = this.connectError(err.code);
      if (stackCalls > 0) setImmediate(() => this.closed || cb(error));
      else cb(error);
      return;
    }
    const failure = establishedError(err.code);
    this.failure = failure;
    this.updateHold();
    if (stackCalls > 0 || this.inbox.length > 0) {
      // Inside a user's call, or after bytes not read yet: reported once they are.
      this.pendingFailure = failure;
      this.scheduleFlush();
    } else {
      this.reportFailure(failure);
    }
  }

  /** `connect CODE address:port`, naming the local end when the caller chose it (as Node does). */
  private connectError(code: string): SystemError {
    const target = this.target!;
    const err = systemError(code, 'connect', target.address, target.port);
    if (target.local !== '' && target.localPort !== 0) {
      err.message += ` - Local (${target.local}:${target.localPort})`;
      Object.assign(err, { localAddress: target.local, localPort: target.localPort });
    }
    return err;
  }

  /** The connection is gone: writes waiting fail, and the owner hears of it. */
  private reportFailure(failure: SystemError): void {
    this.onerror(failure);
    this.failWrites(failure);
  }

  private failWrites(err: Error): void {
    const queue = this.queue;
    this.queue = [];
    this.queueOffset = 0;
    this.queuedBytes = 0;
    const shutdownCb = this.shutdownCb;
    this.shutdownCb = null;
    this.updateHold();
    for (const item of queue) if (item.cb !== null) item.cb(err);
    if (shutdownCb !== null) shutdownCb(null);
  }

  private onSendSpace(): void {
    if (this.closed || this.queue.length === 0) return;
    if (stackCalls > 0) this.schedulePump();
    else this.pump();
  }

  // ---- delivery ---------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /** Delivers what was deferred: data and EOF while reading, then a failure. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    this.deliverInbox();
    if (!this.closed && this.reading && this.inbox.length === 0 && this.finReceived) {
      this.deliverEnd();
    }
    const failure = this.pendingFailure;
    if (failure !== null && !this.closed) {
      this.pendingFailure = null;
      this.reportFailure(failure);
    }
  };

  private deliverEnd(): void {
    if (this.endDelivered) return;
    this.endDelivered = true;
    this.onend();
  }

  // ---- StreamHandle -----------------------------------------------------------

  connect(target: StreamTarget, cb: ErrorCallback): void {
    if ('path' in target) throw new TypeError('an IPC connect on a TCP handle');
    if (this.closed) return;
    const remote = parseIp(target.address);
    const local = target.localAddress === undefined ? null : parseIp(target.localAddress);
    const localPort = target.localPort ?? 0;
    this.family = target.family;
    this.target = {
      address: target.address,
      port: target.port,
      local: target.localAddress ?? '',
      localPort,
    };
    let result: TcpConnection | StackError;
    if (remote === null || (target.localAddress !== undefined && local === null)) {
      result = new StackError('EINVAL', 'not an IP address');
    } else {
      stackCalls++;
      try {
        result = this.host.stack.tcp.connect(
          {
            remote: unmapV4(remote) ?? remote,
            remotePort: target.port,
            local: local === null || isUnspecified(local) ? null : (unmapV4(local) ?? local),
            localPort,
          },
          this.host.now(),
        );
      } finally {
        stackCalls--;
      }
    }
    if (result instanceof StackError) {
      // Refused at once: a local address that is not ours or in use is the bind's failure.
      const err =
        (result.code === 'EADDRNOTAVAIL' || result.code === 'EADDRINUSE') &&
        target.localAddress !== undefined
          ? systemError(result.code, 'bind', target.localAddress, localPort)
          : this.connectError(result.code);
      process.nextTick(() => this.closed || cb(err));
      return;
    }
    this.connectCb = cb;
    this.attach(result);
  }

  readStart(): void {
    if (this.reading) return;
    this.reading = true;
    this.updateHold();
    if (this.established && this.failure === null) this.startConnReading();
    if (this.inbox.length > 0 || (this.finReceived && !this.endDelivered)) this.scheduleFlush();
  }

  private startConnReading(): void {
    const conn = this.conn;
    if (conn === null) return;
    stackCalls++;
    try {
      conn.readStart(this.host.now());
    } finally {
      stackCalls--;
    }
  }

  readStop(): void {
    if (!this.reading) return;
    this.reading = false;
    this.updateHold();
    if (this.conn !== null && this.established && this.failure === null) this.conn.readStop();
  }

  writev(chunks: Buffer[], cb: ErrorCallback): void {
    const refused = this.writeRefusal();
    if (refused !== null) {
      process.nextTick(cb, refused);
      return;
    }
    const queue = this.queue;
    const wasEmpty = queue.length === 0;
    const last = chunks.length - 1;
    if (last < 0) {
      queue.push({ data: Buffer.alloc(0), cb });
    } else {
      for (let i = 0; i <= last; i++) {
        const data = chunks[i]!;
        queue.push({ data, cb: i === last ? cb : null });
        this.queuedBytes += data.length;
      }
    }
    // Queued behind earlier writes: those go first, as acknowledgements make room.
    if (wasEmpty) this.pump();
    else this.updateHold();
  }

  writeString(data: string, encoding: 'latin1' | 'utf8', cb: ErrorCallback): void {
    this.writev([Buffer.from(data, encoding)], cb);
  }

  /** Why a write cannot be taken now (`write EPIPE`), or null. */
  private writeRefusal(): Error | null {
    if (this.closed || this.conn === null || !this.established) {
      return systemError(this.closed ? 'EBADF' : 'ENOTCONN', 'write');
    }
    if (this.failure !== null || this.shut || this.shutdownCb !== null) {
      return systemError('EPIPE', 'write');
    }
    return null;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      if (!this.closed && this.failure === null) this.pump();
    });
  }

  /**
   * Moves queued bytes into the send buffer while it has room; a write whose
   * last byte went in is done (its callback runs, here and now). Then a
   * waiting shutdown.
   */
  private pump(): void {
    const conn = this.conn!;
    const queue = this.queue;
    while (queue.length > 0 && !this.closed && this.failure === null) {
      const head = queue[0]!;
      const data = head.data;
      if (this.queueOffset < data.length) {
        const view = this.queueOffset === 0 ? data : data.subarray(this.queueOffset);
        let sent: number;
        stackCalls++;
        try {
          sent = conn.send(view, this.host.now());
        } finally {
          stackCalls--;
        }
        if (sent < 0) {
          // The connection can no longer send: the peer reset it or it timed out.
          const err = systemError('EPIPE', 'write');
          this.failure ??= err;
          this.failWrites(err);
          return;
        }
        this.queueOffset += sent;
        this.queuedBytes -= sent;
        if (this.queueOffset < data.length) break; // full: onsendspace resumes
      }
      queue.shift();
      this.queueOffset = 0;
      if (head.cb !== null) head.cb(null);
    }
    if (queue.length === 0 && this.shutdownCb !== null && !this.closed) this.finish();
    else this.updateHold();
  }

  shutdown(cb: ErrorCallback): void {
    if (this.closed || this.conn === null || !this.established || this.shut) {
      process.nextTick(cb, this.shut ? null : systemError('ENOTCONN', 'shutdown'));
      return;
    }
    if (this.failure !== null) {
      process.nextTick(cb, null);
      return;
    }
    this.shutdownCb = cb;
    if (this.queue.length === 0) this.finish();
    else this.updateHold();
  }

  /** FIN after the queued writes; the shutdown's callback follows on the next tick. */
  private finish(): void {
    const cb = this.shutdownCb!;
    this.shutdownCb = null;
    this.shut = true;
    this.updateHold();
    stackCalls++;
    try {
      this.conn!.shutdown(this.host.now());
    } finally {
      stackCalls--;
    }
    process.nextTick(cb, null);
  }

  close(cb?: () => void): void {
    if (!this.closed) {
      this.closed = true;
      this.reading = false;
      this.connectCb = null;
      this.onread = noop;
      this.onend = noop;
      this.onerror = noop;
      // Writes the send buffer never took are dropped, as close(2) drops what the kernel never took.
      this.queue = [];
      this.queuedBytes = 0;
      this.shutdownCb = null;
      this.detach();
      const conn = this.conn;
      if (conn !== null && this.failure === null) {
        stackCalls++;
        try {
          // Unread data makes close(2) answer with RST (RFC 9293 §3.10.4, as Linux does).
          if (this.inbox.length > 0) conn.abort(this.host.now());
          else conn.close(this.host.now());
        } finally {
          stackCalls--;
        }
      }
      this.inbox = [];
      this.updateHold();
    }
    // As libuv's close callbacks: a later turn of the loop, not this tick.
    if (cb) setImmediate(cb);
  }

  reset(cb?: () => void): void {
    if (!this.closed && this.conn !== null && this.failure === null) {
      const conn = this.conn;
      this.detach();
      stackCalls++;
      try {
        conn.abort(this.host.now());
      } finally {
        stackCalls--;
      }
      this.failure = systemError('ECONNRESET', 'read');
    }
    this.close(cb);
  }

  setNoDelay(enable: boolean): void {
    this.noDelay = enable;
    this.conn?.setNoDelay(enable);
  }

  setKeepAlive(enable: boolean, initialDelay: number): void {
    // Seconds, as the OS takes them; 0 keeps the stack's default idle time.
    const idleMs =
      initialDelay > 0 ? initialDelay * 1000 : this.host.stack.tcp.config.keepAliveIdleMs;
    this.keepAliveMs = enable ? idleMs : -1;
    this.conn?.setKeepAlive(enable, idleMs);
  }

  private info(addr: IpAddr, port: number): AddressInfo {
    const shown = this.family === 6 && addr.length === 4 ? v4Mapped(addr) : addr;
    return { address: formatIP(shown), family: shown.length === 4 ? 'IPv4' : 'IPv6', port };
  }

  getsockname(): AddressInfo | undefined {
    const conn = this.conn;
    if (this.closed || conn === null || conn.localPort === 0) return undefined;
    return this.info(conn.localAddress, conn.localPort);
  }

  getpeername(): AddressInfo | undefined {
    const conn = this.conn;
    if (this.closed || conn === null || !this.established) return undefined;
    return this.info(conn.remoteAddress, conn.remotePort);
  }

  /**
   * Whether the handle keeps the process alive, as a libuv TCP handle does:
   * while ref'd and reading (until EOF or a failure), and — ref'd or not —
   * while a connect, write or shutdown request is under way. A connected
   * socket that is paused, has seen EOF, or has nothing to send does not.
   */
  private updateHold(): void {
    const requests = this.connectCb !== null || this.queue.length > 0 || this.shutdownCb !== null;
    const reading = this.reading && this.established && !this.finReceived && this.failure === null;
    const want = !this.closed && this.conn !== null && (requests || (this.refed && reading));
    this.holding = this.keepAlive.claim(this.holding, want);
  }

  ref(): void {
    this.refed = true;
    this.updateHold();
  }

  unref(): void {
    this.refed = false;
    this.updateHold();
  }
}

/** A new, unconnected TCP handle on `host`'s stack. */
export function createUserspaceStream(host: UserspaceHost, keepAlive: KeepAlive): StreamHandle {
  return new UserspaceStream(host, keepAlive);
}

/**
 * The handle of a connection a listener accepted (established, not reading
 * yet); `family`: the listener's, which decides how a v4 peer is shown.
 */
export function acceptedUserspaceStream(
  host: UserspaceHost,
  keepAlive: KeepAlive,
  conn: TcpConnection,
  family: 4 | 6,
): StreamHandle {
  return new UserspaceStream(host, keepAlive, conn, family);
}
