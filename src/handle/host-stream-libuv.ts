// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { codedError, uvError } from '../errors/index.js';
import {
  type LibuvPipe,
  type LibuvRequest,
  type LibuvStream,
  type LibuvTcp,
  pipeWrap,
  streamWrap,
  tcpWrap,
  UV_ENOTCONN,
  UV_EOF,
} from './libuv.js';
import type {
  AddressInfo,
  ErrorCallback,
  ListenOptions,
  ServerHandle,
  StreamHandle,
  StreamTarget,
} from './types.js';
import {
  enlistWriteHolder,
  openWriteWindow,
  type WriteHolder,
  writeWindowOpen,
} from './write-batch.js';

const noop = () => {};
/** The most a handle holds for the end of the turn (see `hold`): Writable's default high-water mark. */
const HOLD_LIMIT = 16 * 1024;
const { streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = streamWrap;
const { WriteWrap, ShutdownWrap } = streamWrap;

/** Where a libuv handle names the LibuvStreamHandle that owns it (Node names its socket alike). */
const kOwner = Symbol('wirestack.libuvOwner');

/** A libuv stream handle with its owner named on it (see `onLibuvRead`). */
type OwnedLibuvStream = LibuvStream & { [kOwner]?: LibuvStreamHandle };

/**
 * libuv's read callback, the same function for every handle (`this` is the
 * libuv handle, as libuv calls it): a handle costs no closure of its own.
 */
function onLibuvRead(this: OwnedLibuvStream, arrayBuffer: ArrayBuffer | undefined): void {
  this[kOwner]!.afterRead(arrayBuffer);
}

type WriteRequest = LibuvRequest & {
  /** The writing handle; null while the request is spare. */
  handle: LibuvStreamHandle | null;
  callback: ErrorCallback;
  chunks: unknown;
};

/**
 * A TCP or IPC connection on a libuv stream handle (`tcp_wrap` / `pipe_wrap`):
 * the host transport's fast path, one stream layer as in Node itself. Writes
 * made while a read is being handled wait for the end of the event-loop turn
 * and leave together (write-batch.ts).
 */
export class LibuvStreamHandle implements StreamHandle, WriteHolder {
  owner: unknown = null;
  onread: (chunk: Buffer) => void = noop;
  onend: () => void = noop;
  onerror: (err: Error) => void = noop;
  private reading = false;
  private userBuffer: Uint8Array | null = null;
  /** `userBuffer.buffer`, kept: reading a typed array's `buffer` calls into the runtime. */
  private userArrayBuffer: ArrayBufferLike | null = null;
  private userOffset = 0;
  /** Writes held until the turn's window closes: chunk, encoding, chunk, encoding… */
  private heldChunks: Array<Buffer | string> | null = null;
  private heldSize = 0;
  /** @internal Writes libuv has queued, not yet completed (0: its write queue is empty, no need to ask). */
  asyncWrites = 0;

  constructor(
    readonly uv: LibuvStream,
    private readonly isTcp: boolean,
  ) {
    (uv as OwnedLibuvStream)[kOwner] = this;
    uv.onread = onLibuvRead;
  }

  /** @internal libuv read into the handle (see `onLibuvRead`). Hot path: every read of the connection passes here. */
  afterRead(arrayBuffer: ArrayBuffer | undefined): void {
    const nread = streamBaseState[kReadBytesOrError]!;
    if (nread > 0) {
      // With a user buffer, libuv read into it and passes no ArrayBuffer.
      openWriteWindow();
      this.onread(
        arrayBuffer === undefined
          ? Buffer.from(this.userArrayBuffer!, this.userOffset, nread)
          : Buffer.from(arrayBuffer, streamBaseState[kArrayBufferOffset]!, nread),
      );
      return;
    }
    if (nread === 0) return;
    if (nread === UV_EOF) this.onend();
    else this.onerror(uvError(nread, 'read'));
  }

  /** Bytes libuv has queued (held writes count as sent, as the kernel's buffer does). */
  get writeQueueSize(): number {
    return this.asyncWrites === 0 ? 0 : this.uv.writeQueueSize;
  }

  get fd(): number {
    return this.uv.fd;
  }

  connect(target: StreamTarget, cb: ErrorCallback): void {
    const req = 'path' in target ? new pipeWrap.PipeConnectWrap() : new tcpWrap.TCPConnectWrap();
    let status: number;
    if ('path' in target) {
      req.oncomplete = (s: number) => cb(s < 0 ? uvError(s, 'connect', target.path) : null);
      status = (this.uv as LibuvPipe).connect(req, target.path);
      if (status < 0) {
        process.nextTick(cb, uvError(status, 'connect', target.path));
      }
      return;
    }
    const tcp = this.uv as LibuvTcp;
    const { address, port, family } = target;
    if (target.localAddress !== undefined || target.localPort !== undefined) {
      const localAddress = target.localAddress ?? (family === 6 ? '::' : '0.0.0.0');
      const localPort = target.localPort ?? 0;
      status =
        family === 6 ? tcp.bind6(localAddress, localPort, 0) : tcp.bind(localAddress, localPort);
      if (status < 0) {
        process.nextTick(cb, uvError(status, 'bind', localAddress, localPort, true));
        return;
      }
    }
    req.oncomplete = (s: number) => {
      if (s >= 0) {
        cb(null);
        return;
      }
      const err = uvError(s, 'connect', address, port);
      if (target.localAddress && target.localPort) {
        // Node names the local end when the caller chose it.
        err.message += ` - Local (${target.localAddress}:${target.localPort})`;
        Object.assign(err, { localAddress: target.localAddress, localPort: target.localPort });
      }
      cb(err);
    };
    status = family === 6 ? tcp.connect6(req, address, port) : tcp.connect(req, address, port);
    if (status < 0) process.nextTick(cb, uvError(status, 'connect', address, port));
  }

  // Idempotent: several sockets may be handed the same handle (as in Node).
  readStart(): void {
    if (this.reading) return;
    this.reading = true;
    const status = this.uv.readStart();
    if (status < 0 && status !== UV_EOF) this.onerror(uvError(status, 'read'));
  }

  readStop(): void {
    if (!this.reading) return;
    this.reading = false;
    this.uv.readStop();
  }

  useUserBuffer(buffer: Uint8Array): void {
    if (this.userBuffer === buffer) return; // libuv would stack another reader on it
    this.userBuffer = buffer;
    this.userArrayBuffer = buffer.buffer;
    this.userOffset = buffer.byteOffset;
    this.uv.useUserBuffer(buffer);
  }

  writev(chunks: Buffer[], cb: ErrorCallback): void {
    if (this.holding()) {
      for (const chunk of chunks) this.hold(chunk, '', chunk.length);
      this.held(cb);
    } else {
      this.writevNow(chunks, cb);
    }
  }

  private writevNow(chunks: Buffer[], cb: ErrorCallback): void {
    const req = newWriteRequest(this, cb);
    const status =
      chunks.length === 1
        ? this.uv.writeBuffer(req, chunks[0]!)
        : this.uv.writev(req, chunks, true);
    writeDispatched(req, status, chunks);
  }

  writeString(data: string, encoding: 'latin1' | 'utf8', cb: ErrorCallback): void {
    if (this.holding()) {
      this.hold(data, encoding, data.length);
      this.held(cb);
    } else {
      this.writeStringNow(data, encoding, cb);
    }
  }

  private writeStringNow(data: string, encoding: 'latin1' | 'utf8', cb: ErrorCallback): void {
    const req = newWriteRequest(this, cb);
    // libuv copies what it could not write at once: nothing to keep alive.
    writeDispatched(req, this.sendString(req, data, encoding), null);
  }

  /** libuv's write of one string, encoded (latin1, else utf8) as it is copied. */
  private sendString(req: WriteRequest, data: string, encoding: string): number {
    return encoding === 'latin1'
      ? this.uv.writeLatin1String(req, data)
      : this.uv.writeUtf8String(req, data);
  }

  /**
   * A write now joins the turn's batch: writes are being gathered and libuv
   * has nothing queued for this handle (a backed-up connection writes
   * through, so that its writes complete only as the peer reads: backpressure).
   */
  private holding(): boolean {
    return this.heldChunks !== null || (writeWindowOpen() && this.asyncWrites === 0);
  }

  /** `size`: bytes of a Buffer, characters of a string (a bound, not an account). */
  private hold(chunk: Buffer | string, encoding: string, size: number): void {
    const held = this.heldChunks;
    if (held === null) {
      this.heldChunks = [chunk, encoding];
      enlistWriteHolder(this);
    } else {
      const n = held.length;
      held[n] = chunk;
      held[n + 1] = encoding;
    }
    this.heldSize += size;
  }

  /**
   * A held write is accepted, as a kernel send buffer would accept it: its
   * callback runs now, and an error writing it later goes to `onerror`. The
   * write that brings the batch to HOLD_LIMIT sends it at once and completes
   * with it, as an unbatched write would (the peer may not be reading).
   */
  private held(cb: ErrorCallback): void {
    if (this.heldSize >= HOLD_LIMIT) this.flushWrites(cb);
    else cb(null);
  }

  /** Writes everything held, in one system call; `cb` runs once that is done. */
  flushWrites(cb: ErrorCallback = onHeldWritten): void {
    const chunks = this.heldChunks;
    if (chunks === null) return;
    this.heldChunks = null;
    this.heldSize = 0;
    const req = newWriteRequest(this, cb);
    let status: number;
    if (chunks.length === 2) {
      // One chunk: the single-chunk calls, without the gathered writev's parsing.
      const chunk = chunks[0]!;
      status =
        typeof chunk === 'string'
          ? this.sendString(req, chunk, chunks[1] as string)
          : this.uv.writeBuffer(req, chunk);
    } else {
      status = this.uv.writev(req, chunks, false);
    }
    writeDispatched(req, status, chunks);
  }

  shutdown(cb: ErrorCallback): void {
    this.flushWrites();
    const req = new ShutdownWrap();
    req.oncomplete = () => cb(null);
    const status = this.uv.shutdown(req);
    if (status === 1 || status === UV_ENOTCONN) cb(null);
    else if (status < 0) cb(uvError(status, 'shutdown'));
  }

  close(cb?: () => void): void {
    this.flushWrites();
    this.uv.onread = noop;
    this.uv.close(cb);
  }

  reset(cb?: () => void): void {
    this.flushWrites();
    this.uv.onread = noop;
    if (!this.uv.reset || this.uv.reset(cb ?? noop) < 0) this.uv.close(cb);
  }

  setNoDelay(enable: boolean): void {
    this.uv.setNoDelay?.(enable);
  }

  setKeepAlive(enable: boolean, initialDelay: number): void {
    this.uv.setKeepAlive?.(enable, initialDelay);
  }

  getsockname(): AddressInfo | undefined {
    return this.isTcp ? addressOf(this.uv, 'getsockname') : undefined;
  }

  getpeername(): AddressInfo | undefined {
    return this.isTcp ? addressOf(this.uv, 'getpeername') : undefined;
  }

  ref(): void {
    this.uv.ref();
  }

  unref(): void {
    this.uv.unref();
  }
}

/** libuv fills `{ address, family, port }` into the object it is given. */
function addressOf(uv: LibuvStream, which: 'getsockname' | 'getpeername'): AddressInfo | undefined {
  const out: Record<string, unknown> = {};
  return uv[which]?.(out) === 0 ? (out as unknown as AddressInfo) : undefined;
}

/**
 * A write request no write holds, kept for the next one. libuv takes a
 * request object only for a write it cannot finish at once (StreamBase's
 * `Write` tries the system call first and, when that sends everything,
 * leaves the object untouched); such a write's request is kept here, so
 * the usual write, sent whole, makes no request object (a native-backed
 * object, about 0.1 µs to make).
 */
let spareRequest: WriteRequest | null = null;

function newWriteRequest(handle: LibuvStreamHandle, cb: ErrorCallback): WriteRequest {
  let req = spareRequest;
  if (req !== null) spareRequest = null;
  else {
    req = new WriteWrap() as WriteRequest;
    req.oncomplete = onWriteComplete;
  }
  req.handle = handle;
  req.callback = cb;
  return req;
}

/**
 * A write was dispatched with `status`: failed, finished at once (the
 * callback runs now), or queued in libuv, which then needs `chunks` (the
 * Buffers it writes from) kept alive until it completes.
 */
function writeDispatched(req: WriteRequest, status: number, chunks: unknown): void {
  if (status < 0) req.callback(uvError(status, 'write'));
  else if (streamBaseState[kLastWriteWasAsync]) {
    req.chunks = chunks;
    req.handle!.asyncWrites++;
  } else {
    // Sent whole: libuv never took the request, the next write may use it.
    const cb = req.callback;
    req.callback = noop;
    req.handle = null;
    spareRequest = req;
    cb(null);
  }
}

/**
 * Held writes have had their callbacks: a failure to write them is the
 * connection's. A failed write's request still names its handle (see
 * `writeDispatched`, `onWriteComplete`), so one function serves every handle.
 */
function onHeldWritten(this: WriteRequest | undefined, err: Error | null): void {
  if (err) this?.handle?.onerror(err);
}

function onWriteComplete(this: WriteRequest, status: number): void {
  this.chunks = null;
  this.handle!.asyncWrites--;
  this.callback(status < 0 ? uvError(status, 'write') : null);
  // The request is done with, but may sit in the old generation (a slow
  // peer's write outlives young collections) until a full one: naming the
  // handle and the callback there would keep a closed connection alive.
  this.handle = null;
  this.callback = noop;
}

/** A new unconnected TCP or IPC handle. */
export function createLibuvStream(kind: 'tcp' | 'pipe'): StreamHandle {
  return kind === 'tcp'
    ? new LibuvStreamHandle(new tcpWrap.TCP(tcpWrap.constants.SOCKET), true)
    : new LibuvStreamHandle(new pipeWrap.Pipe(pipeWrap.constants.SOCKET), false);
}

/**
 * Wraps an open file descriptor: a TCP socket when it has an IP address,
 * otherwise an IPC socket or pipe (Node's `createHandle(fd)`).
 * @throws EBADF-style system errors (`syscall: 'open'`) when libuv refuses the fd.
 */
export function openLibuvStream(fd: number): StreamHandle {
  const tcp = new tcpWrap.TCP(tcpWrap.constants.SOCKET);
  let status = tcp.open(fd);
  if (status === 0 && addressOf(tcp, 'getsockname')?.family) {
    return new LibuvStreamHandle(tcp, true);
  }
  // Not TCP: give the descriptor to a pipe handle instead. The TCP handle must
  // not close it, so it is only dropped.
  const pipe = new pipeWrap.Pipe(pipeWrap.constants.SOCKET);
  status = pipe.open(fd);
  if (status < 0) throw uvError(status, 'open');
  return new LibuvStreamHandle(pipe, false);
}

/**
 * What a listening handle needs to offer: a libuv TCP or pipe handle, or
 * node:cluster's round-robin stand-in for one (node-cluster.ts).
 */
export type ListeningUv =
  | LibuvTcp
  | LibuvPipe
  | (Pick<LibuvTcp, 'close' | 'ref' | 'unref'> & {
      onconnection: ((status: number, client?: LibuvStream) => void) | null;
      readonly fd?: number;
      getsockname?(out: Record<string, unknown>): number;
    });

/** A listening libuv TCP or pipe handle. */
export class LibuvServerHandle implements ServerHandle {
  onconnection: (err: Error | null, handle?: StreamHandle) => void = noop;
  onerror: (err: Error) => void = noop;

  constructor(
    readonly uv: ListeningUv,
    private readonly isTcp: boolean,
    private readonly path: string | null,
  ) {
    uv.onconnection = (status: number, client?: LibuvStream) => {
      if (status < 0 || !client) {
        this.onconnection(uvError(status, 'accept'));
        return;
      }
      this.onconnection(null, new LibuvStreamHandle(client, this.isTcp));
    };
  }

  get fd(): number {
    return this.uv.fd ?? -1;
  }

  address(): AddressInfo | string | null {
    if (this.path !== null) return this.path;
    return addressOf(this.uv as LibuvStream, 'getsockname') ?? null;
  }

  close(cb?: () => void): void {
    this.uv.close(cb);
  }

  ref(): void {
    this.uv.ref();
  }

  unref(): void {
    this.uv.unref();
  }
}

/**
 * Binds and listens at once (as Node does), so `address()` works right after;
 * the outcome reaches `cb` on the next tick. With no address, binds `::`
 * (dual-stack) and falls back to `0.0.0.0` where IPv6 is unavailable.
 */
export function listenLibuv(options: ListenOptions, cb: ErrorCallback): ServerHandle {
  const { uv, isTcp, path, status, syscall, address, port } = bindServer(options);
  const handle = new LibuvServerHandle(uv, isTcp, path);
  let err: Error | null = null;
  if (status < 0) {
    err = uvError(status, syscall, address ?? path ?? undefined, port, true);
  } else {
    const listened = uv.listen(options.backlog || 511);
    if (listened < 0) err = uvError(listened, 'listen', address ?? path ?? undefined, port, true);
  }
  if (err) uv.close();
  process.nextTick(cb, err);
  return handle;
}

interface BoundServer {
  uv: LibuvTcp | LibuvPipe;
  isTcp: boolean;
  path: string | null;
  status: number;
  syscall: string;
  address?: string;
  port?: number;
}

function bindServer(options: ListenOptions): BoundServer {
  if (options.handle !== undefined) {
    const shared = sharedServerHandle(options.handle);
    return {
      uv: shared,
      isTcp: shared instanceof tcpWrap.TCP,
      path: null,
      status: 0,
      syscall: 'listen',
    };
  }
  if (options.fd !== undefined) {
    const tcp = new tcpWrap.TCP(tcpWrap.constants.SERVER);
    const status = tcp.open(options.fd);
    return { uv: tcp, isTcp: true, path: null, status, syscall: 'listen' };
  }
  if (options.path !== undefined) {
    const pipe = new pipeWrap.Pipe(pipeWrap.constants.SERVER);
    let status = pipe.bind(options.path);
    if (status === 0 && (options.readableAll || options.writableAll)) {
      const mode =
        (options.readableAll ? pipeWrap.constants.UV_READABLE : 0) |
        (options.writableAll ? pipeWrap.constants.UV_WRITABLE : 0);
      status = pipe.fchmod(mode);
    }
    return { uv: pipe, isTcp: false, path: options.path, status, syscall: 'listen' };
  }
  const port = options.port ?? 0;
  const flags = options.ipv6Only ? tcpWrap.constants.UV_TCP_IPV6ONLY : 0;
  const tcp = new tcpWrap.TCP(tcpWrap.constants.SERVER);
  const address = options.address;
  let status: number;
  if (address === undefined) {
    status = tcp.bind6('::', port, flags);
    if (status < 0) {
      tcp.close();
      const v4 = new tcpWrap.TCP(tcpWrap.constants.SERVER);
      status = v4.bind('0.0.0.0', port);
      return {
        uv: v4,
        isTcp: true,
        path: null,
        status,
        syscall: 'listen',
        address: '0.0.0.0',
        port,
      };
    }
    return { uv: tcp, isTcp: true, path: null, status, syscall: 'listen', address: '::', port };
  }
  status = address.includes(':') ? tcp.bind6(address, port, flags) : tcp.bind(address, port);
  return { uv: tcp, isTcp: true, path: null, status, syscall: 'listen', address, port };
}

/**
 * `server.listen(handle)`: a wirestack server shares its libuv handle; a Node
 * server or socket its `_handle`; anything else is refused.
 * @throws ERR_INVALID_HANDLE_TYPE
 */
function sharedServerHandle(handle: unknown): LibuvTcp | LibuvPipe {
  const candidate =
    handle instanceof LibuvServerHandle
      ? handle.uv
      : ((handle as { _handle?: unknown })._handle ?? handle);
  if (candidate instanceof LibuvServerHandle) return candidate.uv as LibuvTcp | LibuvPipe;
  if (candidate instanceof tcpWrap.TCP || candidate instanceof pipeWrap.Pipe) {
    return candidate as LibuvTcp | LibuvPipe;
  }
  throw codedError('ERR_INVALID_HANDLE_TYPE');
}
