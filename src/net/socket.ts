// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { addAbortSignal, Duplex, type DuplexOptions } from 'node:stream';
import { codedError, type SystemError } from '../errors/index.js';
import type { AddressInfo, LookupAddress, StreamHandle, Transport } from '../handle/types.js';
import {
  validateAbortSignal,
  validateBoolean,
  validateFunction,
  validateInt32,
  validateNumber,
  validatePort,
  validateString,
  validateTimeout,
} from '../util/validators.js';
import { isIP } from '../wire/ip-address.js';
import {
  connectMultiple,
  getDefaultAutoSelectFamily,
  getDefaultAutoSelectFamilyAttemptTimeout,
  interleaveFamilies,
} from './auto-select-family.js';
import { type ConnectOptions, normalizeConnectArgs } from './normalize-args.js';
import { SocketTimer } from './socket-timer.js';
import { transportOption } from './transport-option.js';
import { type OnReadOptions, UserBufferReader } from './user-buffer-reader.js';

/** Options of `new net.Socket([options])` (Node's net doc, "new net.Socket"). */
export interface SocketConstructorOpts {
  /** Wrap an existing file descriptor. */
  fd?: number;
  /** Keep the writable side open after the peer's FIN (default false). */
  allowHalfOpen?: boolean;
  readable?: boolean;
  writable?: boolean;
  /** Destroys the socket when aborted (with an `AbortError`). */
  signal?: AbortSignal;
  /** Disable Nagle's algorithm once connected (default false). */
  noDelay?: boolean;
  /** Enable TCP keep-alive once connected (default false). */
  keepAlive?: boolean;
  /** Milliseconds of idleness before the first keep-alive probe (default 0). */
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
  /**
   * wirestack: the transport this socket runs on (default: the host's sockets,
   * or as `WIRESTACK_TRANSPORT` says).
   */
  transport?: Transport;
  /** @internal An established handle (accepted by a server). */
  handle?: StreamHandle;
  /** @internal Start paused (server option `pauseOnConnect`). */
  pauseOnCreate?: boolean;
  /** Read into the caller's buffers and report through a callback instead of `'data'`. */
  onread?: OnReadOptions;
}

interface ServerLike {
  _connections: number;
  _emitCloseIfDrained(): void;
}

const noop = () => {};
const notReading = (): boolean => false;

/**
 * A socket that carries its bytes over one of ours (a TLS socket from
 * node:tls, say) names that socket under this key, and then counts as a
 * `net.Socket` for `instanceof`, as Node's TLS sockets are net.Sockets.
 */
export const kLayeredOver: unique symbol = Symbol.for('wirestack.net.layeredOver');

/** The transport encoding of a string written in `encoding`, or null for one it cannot take as is. */
function stringEncoding(encoding: string): 'latin1' | 'utf8' | null {
  if (encoding === 'utf8' || encoding === 'utf-8') return 'utf8';
  if (encoding === 'latin1' || encoding === 'binary') return 'latin1';
  return null;
}

/** Bytes of the shared read buffer: libuv's usual read size. */
const SHARED_READ_BYTES = 64 * 1024;
/** One read buffer for every consumed socket (see `Socket._consume`): reads never overlap. */
let sharedReadBuffer: Buffer | null = null;
/** `sharedReadBuffer.buffer`, kept: reading a typed array's `buffer` calls into the runtime. */
let sharedReadArrayBuffer: ArrayBufferLike | null = null;

/** Has `handle` read into the shared buffer, where its transport can (libuv); once per handle. */
function shareReadBuffer(handle: StreamHandle): void {
  if (handle.useUserBuffer === undefined) return;
  if (sharedReadBuffer === null) {
    sharedReadBuffer = Buffer.allocUnsafe(SHARED_READ_BYTES);
    sharedReadArrayBuffer = sharedReadBuffer.buffer;
  }
  handle.useUserBuffer(sharedReadBuffer);
}

// biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
type AnyListener = (...args: any[]) => void;

/**
 * Takes each chunk read (see `Socket._consume`), called with the receiver
 * given there as `this`; `shared`: a view of the shared read buffer.
 */
type Consumer = (this: unknown, chunk: Buffer, shared: boolean) => void;

/** A stream handle and the socket it serves (see `Socket.attach`). */
type OwnedHandle = StreamHandle & { owner?: Socket | null };

// A handle's callbacks, the same functions for every socket: a handle calls
// them as its own methods (`this` is the handle), and finds its socket as
// `owner` — no closures per connection, as Node's net names a socket on its handle.

function handleOnRead(this: OwnedHandle, chunk: Buffer): void {
  this.owner!._onHandleRead(chunk);
}

function handleOnEnd(this: OwnedHandle): void {
  this.owner!._onHandleEnd();
}

function handleOnError(this: OwnedHandle, err: Error): void {
  this.owner!.destroy(err);
}

/** `instanceof`'s own test (the prototype chain), kept once: looked up per call it is slow. */
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/**
 * `net.Socket`: a TCP or IPC connection as a `stream.Duplex` (Node's net doc,
 * "Class: net.Socket"). Runs on any `Transport`'s `StreamHandle`.
 *
 * Events: `lookup`, `connect`, `ready`, `data`, `end`, `drain`, `timeout`,
 * `error` (system errors such as `ECONNREFUSED`, `ECONNRESET`, `EPIPE`,
 * `ENOTFOUND`, or `ERR_SOCKET_CLOSED`), `close(hadError)`.
 */
export class Socket extends Duplex {
  // `this` is the class `instanceof` asks about: Socket, a subclass, or the
  // callable export wrapping Socket; only Socket itself accepts layered sockets.
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the class being asked about, not always Socket.
    if (ordinaryHasInstance.call(this, value)) return true;
    // biome-ignore lint/complexity/noThisInStatic: as above.
    if (this.prototype !== Socket.prototype || value === null || typeof value !== 'object') {
      return false;
    }
    const under = (value as { [kLayeredOver]?: unknown })[kLayeredOver];
    return under !== undefined && under instanceof Socket;
  }

  /** True between `connect()` and the `'connect'` event. */
  connecting = false;
  /** @internal The transport handle; null before connect and after close. */
  _handle: StreamHandle | null = null;
  /** @internal The server that accepted this socket. */
  _server: ServerLike | null = null;
  /** The server that accepted this socket, if any. */
  server: unknown = null;
  private readonly transport: Transport;
  /** Counts connect attempts, so a late callback from an abandoned one is ignored. */
  private connectAttempt = 0;
  private reading = false;
  private peername: AddressInfo | undefined;
  private sockname: AddressInfo | undefined;
  private bytesReadTotal = 0;
  /** @internal Bytes handed to the handle so far. */
  _bytesDispatched = 0;
  // What was asked of setNoDelay / setKeepAlive: applied once connected, and
  // passed on to the handle only when it changes (as Node does).
  private noDelay: boolean;
  private keepAlive: boolean;
  /** Seconds. */
  private keepAliveInitialDelay = 0;
  private wantsUnref = false;
  /** The idle timeout in milliseconds set by `setTimeout`, or undefined. */
  timeout: number | undefined = undefined;
  /** `address:port` of each Happy Eyeballs attempt, when several addresses were tried. */
  autoSelectFamilyAttemptedAddresses: string[] | undefined = undefined;
  private readonly timer = new SocketTimer(this);
  private resetAndClosing = false;
  private pendingWriteBytes = 0;
  /** The handle's write queue when the idle timer last looked (see `_onTimeout`). */
  private lastWriteQueueSize = 0;
  /** Set by the `onread` option: reads go to the caller's buffers. */
  private readonly userReader: UserBufferReader | null;
  /** Set by `_consume`: reads go straight to it, not to the stream. */
  private consumer: Consumer | null = null;
  /** The consumer's own 'data' listener (see `_consume`). */
  private consumerListener: AnyListener | null = null;
  /** What the consumer is called on (see `_consume`). */
  private consumerThis: unknown = undefined;

  constructor(options: SocketConstructorOpts | number = {}) {
    // Legacy: `new net.Socket(fd)`.
    if (typeof options === 'number') options = { fd: options };
    if (options === null || typeof options !== 'object') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options', 'object', options);
    }
    const modes = options as {
      objectMode?: unknown;
      readableObjectMode?: unknown;
      writableObjectMode?: unknown;
    };
    for (const key of ['objectMode', 'readableObjectMode', 'writableObjectMode'] as const) {
      if (modes[key]) {
        throw codedError('ERR_INVALID_ARG_VALUE', `options.${key}`, modes[key], 'is not supported');
      }
    }
    const duplexOptions: DuplexOptions = {
      allowHalfOpen: Boolean(options.allowHalfOpen),
      // Node emits 'close' itself, once the handle is closed, with `hadError`.
      emitClose: false,
      autoDestroy: true,
      decodeStrings: false,
    };
    // Node passes these through to stream.Duplex (absent from @types/node's DuplexOptions).
    const sides = duplexOptions as { readable?: boolean; writable?: boolean };
    if (options.readable !== undefined) sides.readable = options.readable;
    if (options.writable !== undefined) sides.writable = options.writable;
    if (options.highWaterMark !== undefined) duplexOptions.highWaterMark = options.highWaterMark;
    if (options.readableHighWaterMark !== undefined) {
      duplexOptions.readableHighWaterMark = options.readableHighWaterMark;
    }
    if (options.writableHighWaterMark !== undefined) {
      duplexOptions.writableHighWaterMark = options.writableHighWaterMark;
    }
    super(duplexOptions);
    this.userReader = options.onread ? new UserBufferReader(options.onread, this) : null;
    this.isReading = this.userReader === null ? notReading : () => this.reading;
    this.transport = transportOption(options);
    this.noDelay = Boolean(options.noDelay);
    this.keepAlive = Boolean(options.keepAlive);
    if (options.keepAliveInitialDelay !== undefined) {
      validateNumber(options.keepAliveInitialDelay, 'options.keepAliveInitialDelay');
      if (options.keepAliveInitialDelay > 0) {
        this.keepAliveInitialDelay = Math.trunc(options.keepAliveInitialDelay / 1000);
      }
    }

    if (options.handle) {
      this.attach(options.handle);
    } else if (options.fd !== undefined) {
      validateInt32(options.fd, 'fd', 0);
      this.attach(
        this.transport.openStream(options.fd, {
          readable: options.readable !== false,
          writable: options.writable !== false,
        }),
      );
    }
    this.on('end', onReadableStreamEnd);
    // Watched only now: an already-aborted signal destroys at once, which
    // needs the fields above.
    if (options.signal !== undefined) {
      validateAbortSignal(options.signal, 'options.signal');
      addAbortSignal(options.signal, this);
    }
    if (this._handle && options.readable !== false) {
      if (options.pauseOnCreate) {
        // Paused until the user resumes; nothing is read from the transport meanwhile.
        (this as unknown as { readableFlowing: boolean }).readableFlowing = false;
      } else {
        this.read(0);
      }
    }
  }

  /** Wires a handle's callbacks to this socket. */
  private attach(handle: StreamHandle): void {
    this._handle = handle;
    (handle as OwnedHandle).owner = this;
    handle.onread = handleOnRead;
    handle.onend = handleOnEnd;
    handle.onerror = handleOnError;
    if (this.wantsUnref) handle.unref();
    this.userReader?.attach(handle);
  }

  /** Whether the transport is read, for the `onread` reader (made with it: other sockets need no closure). */
  private readonly isReading: () => boolean;

  /** @internal The handle read `chunk` (see `handleOnRead`). Hot path: one call per received chunk. */
  _onHandleRead(chunk: Buffer): void {
    this.bytesReadTotal += chunk.length;
    // A view of the shared read buffer (the handle reads into it; see
    // `_consume`) is valid only until the next read, on any socket.
    const shared = sharedReadArrayBuffer !== null && chunk.buffer === sharedReadArrayBuffer;
    const consumer = this.consumer;
    if (consumer !== null) {
      consumer.call(this.consumerThis, chunk, shared);
      // The activity counts once the consumer has run: an HTTP connection
      // switches its keep-alive timeout off as a request arrives, and then
      // there is no countdown to restart (one timer refresh less per request).
      this.timer.touch();
      return;
    }
    this.timer.touch();
    const more = this.userReader
      ? this.userReader.deliver(chunk, this._handle, this.isReading)
      : this.push(shared ? Buffer.from(chunk) : chunk); // the stream keeps it: a copy
    if (!more && this._handle) {
      this.reading = false;
      this._handle.readStop();
    }
  }

  /** @internal The peer finished sending (see `handleOnEnd`). */
  _onHandleEnd(): void {
    if (this._handle && this.reading) {
      this.reading = false;
      this._handle.readStop();
    }
    this.push(null);
    this.read(0);
  }

  override _read(_size: number): void {
    if (this.connecting || !this._handle) {
      this.once('connect', () => this._read(_size));
      return;
    }
    if (!this.reading) {
      this.reading = true;
      this._handle.readStart();
    }
  }

  /** With `onread` or a consumer, pausing and resuming act on the transport directly (as in Node). */
  override pause(): this {
    if ((this.userReader || this.consumer) && this._handle && !this.connecting && this.reading) {
      this.reading = false;
      this._handle.readStop();
    }
    return super.pause();
  }

  override resume(): this {
    if ((this.userReader || this.consumer) && this._handle && !this.connecting && !this.reading) {
      // Reading while held-back bytes go out, so that a callback's pause() stops them.
      this.reading = true;
      if (this.userReader === null || this.userReader.resume(this._handle, this.isReading)) {
        if (this.reading) this._handle.readStart();
      } else {
        this.reading = false;
      }
    }
    return super.resume();
  }

  /**
   * @internal Node's `parser.consume(handle)`, for http's parsers: from now
   * on each chunk read goes straight to `consumer`, called on `receiver`
   * (a method and its object: no closure per connection) — no stream
   * buffering, no 'data' event — and, where the transport can read into a given buffer
   * (libuv), into one buffer shared by every consumed socket, so that a read
   * allocates nothing. Such a chunk (`shared` true) is valid only during
   * the call: `consumer` copies what it keeps. Consumption ends
   * when anyone else listens for 'data' or 'readable' (as in Node) — anyone
   * but `ownListener`, the consumer's own 'data' listener, there for the
   * API's sake (listener counts; it takes over if consumption ends) — or by
   * `_unconsume()`; later chunks are pushed to the stream, copied out of the
   * shared buffer. A connecting socket is consumed from its first read, its
   * transport given the shared buffer once connected. False when this socket
   * cannot be consumed (no handle, `onread`, already consumed, bytes already
   * buffered in the stream — they would come after newer ones — or someone
   * else already listens for the bytes).
   */
  _consume(
    consumer: Consumer,
    ownListener: AnyListener | null = null,
    receiver: unknown = undefined,
  ): boolean {
    const handle = this._handle;
    if (
      handle === null ||
      this.userReader !== null ||
      this.consumer !== null ||
      this.readableLength > 0
    ) {
      return false;
    }
    const listeners = this.listenerCount('data');
    if (
      this.listenerCount('readable') > 0 ||
      (listeners > 0 &&
        (ownListener === null || this.listenerCount('data', ownListener) !== listeners))
    ) {
      return false;
    }
    this.consumer = consumer;
    this.consumerListener = ownListener;
    this.consumerThis = receiver;
    // While connecting, the handle may yet be replaced (one per address tried).
    if (!this.connecting) shareReadBuffer(handle);
    return true;
  }

  /** @internal Ends `_consume`: chunks go to the stream again. */
  _unconsume(): void {
    if (this.consumer !== null) this.endConsumption();
  }

  /**
   * Back to the stream. While consumed, nothing was pushed, so the stream
   * still counts the read it started as under way; with the transport
   * stopped (a pause while consumed) it would never ask again: it is told
   * that no read is under way.
   */
  private endConsumption(): void {
    this.consumer = null;
    this.consumerThis = undefined;
    if (!this.reading) {
      (this as unknown as { _readableState: { reading: boolean } })._readableState.reading = false;
    }
  }

  override on(event: string | symbol, listener: AnyListener): this {
    if (this.consumer !== null) this.listening(event, listener);
    return super.on(event, listener);
  }

  override addListener(event: string | symbol, listener: AnyListener): this {
    if (this.consumer !== null) this.listening(event, listener);
    return super.addListener(event, listener);
  }

  override prependListener(event: string | symbol, listener: AnyListener): this {
    if (this.consumer !== null) this.listening(event, listener);
    return super.prependListener(event, listener);
  }

  /**
   * Someone else wants the bytes: consumption ends (Node's http server does
   * the same through its socket listener wrappers).
   */
  private listening(event: string | symbol, listener: AnyListener): void {
    if ((event === 'data' || event === 'readable') && listener !== this.consumerListener) {
      this.endConsumption();
    }
  }

  /**
   * `writable.write()`. A small write made while nothing is queued, corked or
   * in flight (in Writable or in the transport) goes straight to the
   * transport: stream.Writable's bookkeeping would only record it as started
   * and finished at once. The callback still runs on a later tick, as
   * Writable runs it. Anything else — corked, connecting, data queued, an
   * empty chunk, one near the high-water mark, another encoding — takes
   * Writable's path.
   */
  override write(chunk: unknown, encoding?: BufferEncoding | ErrorCb, cb?: ErrorCb): boolean {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    const handle = this._handle;
    if (
      handle !== null &&
      !this.connecting &&
      this.writableLength === 0 &&
      this.writableCorked === 0 &&
      // A direct write the transport could not finish at once is queued
      // there, unseen by Writable: later writes take Writable's path, so
      // that backpressure ('drain', write() returning false) holds.
      handle.writeQueueSize === 0 &&
      this.directWritable() &&
      this.userWriteFits(chunk, encoding)
    ) {
      this.writeDirect(handle, chunk as Buffer | string, encoding, cb);
      return true;
    }
    return super.write(chunk, encoding as BufferEncoding, cb);
  }

  /** Writable would accept a write now: not ending, ended, destroyed or errored. */
  private directWritable(): boolean {
    return !this.writableEnded && !this.destroyed && this.errored === null && this.writable;
  }

  /** A Buffer, or a latin1 / utf8 string, smaller than the high-water mark. */
  private userWriteFits(chunk: unknown, encoding: BufferEncoding | undefined): boolean {
    if (typeof chunk === 'string') {
      return (
        stringEncoding(encoding ?? this.writableDefaultEncoding()) !== null &&
        chunk.length > 0 &&
        chunk.length * 3 < this.writableHighWaterMark
      );
    }
    return Buffer.isBuffer(chunk) && chunk.length > 0 && chunk.length < this.writableHighWaterMark;
  }

  private writableDefaultEncoding(): string {
    return (this as unknown as { _writableState: { defaultEncoding: string } })._writableState
      .defaultEncoding;
  }

  private writeDirect(
    handle: StreamHandle,
    chunk: Buffer | string,
    encoding: BufferEncoding | undefined,
    cb: ErrorCb | undefined,
  ): void {
    const enc = stringEncoding(encoding ?? this.writableDefaultEncoding()) ?? 'utf8';
    this.sendChunk(handle, chunk, enc, typeof cb === 'function' ? cb : null, true);
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, cb: ErrorCb): void {
    const handle = this._handle;
    const enc = typeof chunk === 'string' ? stringEncoding(encoding) : 'latin1';
    if (handle !== null && !this.connecting && enc !== null) {
      this.sendChunk(handle, chunk, enc, cb, false);
      return;
    }
    this.writeGeneric([typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk], cb);
  }

  /**
   * Hands one chunk to the transport now: a Buffer as is; a string in
   * `encoding` as a string where the transport takes strings (it encodes as
   * it copies: no Buffer per write), else as a Buffer. `deferSync`: a write
   * the transport finishes at once runs `cb` on the next tick (a direct
   * write; Writable defers its own callbacks).
   */
  private sendChunk(
    handle: StreamHandle,
    chunk: Buffer | string,
    encoding: 'latin1' | 'utf8',
    cb: ErrorCb | null,
    deferSync: boolean,
  ): void {
    let sync = deferSync;
    // The one allocation a write makes here: its completion.
    const done: ErrorCb = (err) => {
      this.writeDone(err);
      if (cb === null) return;
      if (sync) process.nextTick(cb, err);
      else cb(err);
    };
    if (typeof chunk !== 'string') {
      this.beforeWrite(chunk.length);
      handle.writev([chunk], done);
    } else if (handle.writeString !== undefined) {
      this.beforeWrite(encoding === 'latin1' ? chunk.length : Buffer.byteLength(chunk, 'utf8'));
      handle.writeString(chunk, encoding, done);
    } else {
      const buffer = Buffer.from(chunk, encoding);
      this.beforeWrite(buffer.length);
      handle.writev([buffer], done);
    }
    sync = false;
    this.afterWrite(handle);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>,
    cb: ErrorCb,
  ): void {
    const buffers = new Array<Buffer>(chunks.length);
    for (let i = 0; i < chunks.length; i++) {
      const { chunk, encoding } = chunks[i]!;
      buffers[i] = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    }
    this.writeGeneric(buffers, cb);
  }

  private writeGeneric(buffers: Buffer[], cb: ErrorCb): void {
    if (this.connecting) {
      // Held until 'connect'; fails with ERR_SOCKET_CLOSED_BEFORE_CONNECTION if closed first.
      for (const b of buffers) this.pendingWriteBytes += b.length;
      const onClose = () => cb(codedError('ERR_SOCKET_CLOSED_BEFORE_CONNECTION'));
      this.once('close', onClose);
      this.once('connect', () => {
        this.off('close', onClose);
        for (const b of buffers) this.pendingWriteBytes -= b.length;
        this.writeGeneric(buffers, cb);
      });
      return;
    }
    const handle = this._handle;
    if (!handle) {
      cb(codedError('ERR_SOCKET_CLOSED'));
      return;
    }
    let bytes = 0;
    for (const b of buffers) bytes += b.length;
    this.beforeWrite(bytes);
    handle.writev(buffers, (err) => {
      this.writeDone(err);
      cb(err);
    });
    this.afterWrite(handle);
  }

  /** `bytes` go to the transport now. */
  private beforeWrite(bytes: number): void {
    this.timer.touch();
    this._bytesDispatched += bytes;
  }

  /** A write finished: activity for the idle timer, or an error that destroys the socket. */
  private writeDone(err: Error | null | undefined): void {
    if (err) this.destroy(err);
    else this.timer.touch();
  }

  /** A write libuv could not finish at once: remember the queue for _onTimeout. */
  private afterWrite(handle: StreamHandle): void {
    if (this.timer.ms > 0) this.lastWriteQueueSize = handle.writeQueueSize;
  }

  override _final(cb: ErrorCb): void {
    if (this.connecting) {
      this.once('connect', () => this._final(cb));
      return;
    }
    if (!this._handle) {
      cb(null);
      return;
    }
    this._handle.shutdown(() => cb(null));
  }

  /**
   * @internal The handle leaves this socket, sent to another process
   * (`subprocess.send(message, socket)`): as Node's socket, this one then
   * reads and writes nothing more, and destroying it leaves the handle open.
   */
  _releaseHandle(): void {
    const handle = this._handle;
    if (!handle) return;
    handle.readStop();
    handle.onread = noop;
    handle.onend = noop;
    handle.onerror = noop;
    this._handle = null;
    this.reading = false;
    this._server = null;
  }

  override _destroy(err: Error | null, cb: ErrorCb): void {
    this.connecting = false;
    this.connectAttempt++;
    this.timer.clear();
    const handle = this._handle;
    if (handle) {
      const hadError = Boolean(err);
      handle.onread = noop;
      handle.onend = noop;
      handle.onerror = noop;
      // The handle outlives the socket until libuv has closed it: it lets go now.
      (handle as OwnedHandle).owner = null;
      const emitClose = () => this.emit('close', hadError);
      if (this.resetAndClosing) {
        this.resetAndClosing = false;
        handle.reset(emitClose);
      } else {
        handle.close(emitClose);
      }
      this._handle = null;
      this.reading = false;
      cb(err);
    } else {
      cb(err);
      process.nextTick(() => this.emit('close', Boolean(err)));
    }
    const server = this._server;
    if (server) {
      this._server = null;
      server._connections--;
      server._emitCloseIfDrained();
    }
  }

  /**
   * Opens the connection: `connect(options[, listener])`, `connect(path[, listener])`
   * or `connect(port[, host][, listener])` (Node's net doc, "socket.connect()").
   * Host names are resolved first (`'lookup'` event); errors are emitted, not thrown,
   * except for invalid arguments (`ERR_INVALID_ARG_TYPE`, `ERR_SOCKET_BAD_PORT`,
   * `ERR_INVALID_IP_ADDRESS`, `ERR_MISSING_ARGS`).
   */
  connect(options: ConnectOptions, connectListener?: () => void): this;
  connect(port: number | string, host?: string, connectListener?: () => void): this;
  connect(port: number | string, connectListener?: () => void): this;
  connect(path: string, connectListener?: () => void): this;
  connect(...args: unknown[]): this {
    const [options, listener] = normalizeConnectArgs(args);
    if (this.write !== Socket.prototype.write) {
      delete (this as { write?: unknown }).write;
    }
    if (this.destroyed) {
      this.peername = undefined;
      this.sockname = undefined;
      this._undestroyForReconnect();
    }
    if (listener) this.once('connect', listener);
    if (this._handle) {
      // connect() again replaces the previous connection, as in Node.
      this._handle.close();
      this._handle = null;
    }
    this.connecting = true;
    // Byte counts are per connection (Node reads them from the handle).
    this.bytesReadTotal = 0;
    this._bytesDispatched = 0;
    if (options.timeout !== undefined) this.setTimeout(options.timeout);
    if (options.noDelay !== undefined) this.noDelay = Boolean(options.noDelay);
    if (options.keepAlive !== undefined) this.keepAlive = Boolean(options.keepAlive);

    if (options.path) {
      validateString(options.path, 'options.path');
      this.attach(this.transport.createStream('pipe'));
      const attempt = this.connectAttempt;
      const path = options.path;
      this._handle!.connect({ path }, (err) => this.afterConnect(attempt, err));
      return this;
    }
    this.attach(this.transport.createStream('tcp'));
    this.lookupAndConnect(options);
    return this;
  }

  private _undestroyForReconnect(): void {
    (this as unknown as { _undestroy(): void })._undestroy();
  }

  private lookupAndConnect(options: ConnectOptions): void {
    const host = options.host || 'localhost';
    const { localAddress, localPort } = options;
    if (localAddress && !isIP(localAddress)) {
      throw codedError('ERR_INVALID_IP_ADDRESS', localAddress);
    }
    if (localPort) validateNumber(localPort, 'options.localPort');
    let port = 0;
    if (options.port !== undefined) {
      if (typeof options.port !== 'number' && typeof options.port !== 'string') {
        throw codedError(
          'ERR_INVALID_ARG_TYPE',
          'options.port',
          ['number', 'string'],
          options.port,
        );
      }
      port = validatePort(options.port);
    }
    validateString(host, 'options.host');
    let autoSelectFamily = options.autoSelectFamily;
    if (autoSelectFamily !== undefined)
      validateBoolean(autoSelectFamily, 'options.autoSelectFamily');
    else autoSelectFamily = getDefaultAutoSelectFamily();
    let attemptTimeout = options.autoSelectFamilyAttemptTimeout;
    if (attemptTimeout !== undefined) {
      validateInt32(attemptTimeout, 'options.autoSelectFamilyAttemptTimeout', 1);
      attemptTimeout = Math.max(10, attemptTimeout);
    } else {
      attemptTimeout = getDefaultAutoSelectFamilyAttemptTimeout();
    }

    const hostFamily = isIP(host);
    if (hostFamily !== 0) {
      process.nextTick(() => {
        if (this.connecting) this.connectOne(host, hostFamily, port, options);
      });
      return;
    }
    if (options.lookup != null) validateFunction(options.lookup, 'options.lookup');
    const family = dnsFamily(options.family);
    const multiple = family === 0 && !localAddress && autoSelectFamily;
    const dnsOptions: { family: number; hints?: number; all?: boolean } = { family };
    if (options.hints) dnsOptions.hints = options.hints;
    if (multiple) dnsOptions.all = true;
    const lookup = (options.lookup ?? this.transport.lookup) as UserLookup;
    lookup(host, dnsOptions, (err, answer, answerFamily) => {
      // A lookup may answer in either of dns.lookup's shapes.
      const list: LookupAddress[] =
        typeof answer === 'string'
          ? [{ address: answer, family: answerFamily as 4 | 6 }]
          : (answer ?? []);
      if (!this.connecting) return;
      if (err) {
        this.emit('lookup', err, undefined, undefined, host);
        process.nextTick(() => this.destroy(err));
        return;
      }
      for (const a of list) {
        this.emit('lookup', err, a.address, a.family, host);
        if (!this.connecting) return;
        if (!multiple) break;
      }
      const candidates = interleaveFamilies(list.filter((a) => isIP(a.address)));
      const first = list[0];
      if (candidates.length === 0 || !multiple) {
        const invalid = invalidAddressError(first, host, port);
        if (invalid) {
          process.nextTick(() => this.destroy(invalid));
          return;
        }
      }
      this.timer.touch();
      if (!multiple || candidates.length === 1) {
        const only = multiple ? candidates[0]! : first!;
        this.connectOne(only.address, only.family, port, options);
        return;
      }
      this.autoSelectFamilyAttemptedAddresses = [];
      const attempt = this.connectAttempt;
      connectMultiple({
        transport: this.transport,
        handle: this._handle!,
        replaceHandle: (handle) => this.attach(handle),
        addresses: candidates,
        port,
        localPort,
        attemptTimeout,
        onAttempt: (label) => this.autoSelectFamilyAttemptedAddresses?.push(label),
        stillWanted: () => attempt === this.connectAttempt && this.connecting,
        done: (failure) => this.afterConnect(attempt, failure),
      });
    });
  }

  /** Connects the socket's own handle to one address. */
  private connectOne(address: string, family: number, port: number, options: ConnectOptions): void {
    const attempt = this.connectAttempt;
    this._handle!.connect(
      {
        address,
        port,
        family: family === 6 ? 6 : 4,
        localAddress: options.localAddress,
        localPort: options.localPort,
      },
      (err) => this.afterConnect(attempt, err),
    );
  }

  private afterConnect(attempt: number, err: Error | null): void {
    if (attempt !== this.connectAttempt || !this.connecting) return;
    this.connecting = false;
    if (err) {
      this.destroy(err);
      return;
    }
    const handle = this._handle!;
    if (this.consumer !== null) shareReadBuffer(handle);
    // Deferred setNoDelay / setKeepAlive.
    if (this.noDelay) handle.setNoDelay(true);
    if (this.keepAlive) handle.setKeepAlive(true, this.keepAliveInitialDelay);
    this.timer.touch();
    this.emit('connect');
    this.emit('ready');
    if (this.readable && !this.isPaused()) this.read(0);
  }

  /** Ends the writable side, then destroys once everything is flushed. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /**
   * Closes the connection with a TCP RST instead of a FIN (Node's
   * `socket.resetAndDestroy()`); `ERR_SOCKET_CLOSED` when there is no connection.
   */
  resetAndDestroy(): this {
    if (this._handle || this.connecting) {
      if (this.connecting) {
        this.once('connect', () => {
          this.resetAndClosing = true;
          this.destroy();
        });
      } else {
        this.resetAndClosing = true;
        this.destroy();
      }
    } else {
      this.destroy(codedError('ERR_SOCKET_CLOSED'));
    }
    return this;
  }

  /**
   * Emits `'timeout'` after `timeout` milliseconds without reads or writes;
   * 0 disables. The socket stays open. @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE
   */
  setTimeout(timeout: number, callback?: () => void): this {
    const ms = validateTimeout(timeout, 'msecs');
    if (callback !== undefined) validateFunction(callback, 'callback');
    if (this.destroyed) return this;
    this.timer.set(ms);
    this.timeout = ms;
    if (callback) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    return this;
  }

  /**
   * @internal The idle timer fired. A large write still draining is activity
   * too: while the handle's write queue keeps changing, `'timeout'` is held
   * back (as in Node's `_onTimeout`).
   */
  _onTimeout(): void {
    const handle = this._handle;
    if (handle && this.lastWriteQueueSize > 0) {
      const queued = handle.writeQueueSize;
      if (queued !== this.lastWriteQueueSize) {
        this.lastWriteQueueSize = queued;
        this.timer.touch();
        return;
      }
    }
    this.emit('timeout');
  }

  /** @internal Restarts the idle timer (activity seen by a protocol layered on top). */
  _unrefTimer(): void {
    this.timer.touch();
  }

  /** Disables (true, the default) or enables Nagle's algorithm (TCP_NODELAY). */
  setNoDelay(noDelay?: boolean): this {
    const enable = Boolean(noDelay === undefined ? true : noDelay);
    if (!this._handle || this.connecting) {
      this.noDelay = enable;
    } else if (this._handle.setNoDelay && enable !== this.noDelay) {
      this.noDelay = enable;
      this._handle.setNoDelay(enable);
    }
    return this;
  }

  /**
   * Enables TCP keep-alive probes (SO_KEEPALIVE) after `initialDelay`
   * milliseconds idle (rounded down to whole seconds, as the OS takes it).
   */
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    const on = Boolean(enable);
    const delay = Math.trunc((initialDelay ?? 0) / 1000) || 0;
    if (!this._handle || this.connecting) {
      this.keepAlive = on;
      this.keepAliveInitialDelay = delay;
    } else if (
      this._handle.setKeepAlive &&
      (on !== this.keepAlive || (on && delay !== this.keepAliveInitialDelay))
    ) {
      this.keepAlive = on;
      this.keepAliveInitialDelay = delay;
      this._handle.setKeepAlive(on, delay);
    }
    return this;
  }

  /** @internal Marks options the server already applied to an accepted handle. */
  _markApplied(noDelay: boolean, keepAlive: boolean, keepAliveInitialDelay: number): void {
    this.noDelay = noDelay;
    this.keepAlive = keepAlive;
    this.keepAliveInitialDelay = keepAliveInitialDelay;
  }

  /** The local endpoint `{ address, family, port }`, or `{}` when not connected. */
  address(): AddressInfo | Record<string, never> {
    return this.getSockname() ?? {};
  }

  private getSockname(): AddressInfo | undefined {
    if (!this.sockname && this._handle) this.sockname = this._handle.getsockname();
    return this.sockname;
  }

  private getPeername(): AddressInfo | undefined {
    if (!this.peername && this._handle) this.peername = this._handle.getpeername();
    return this.peername;
  }

  get remoteAddress(): string | undefined {
    return this.getPeername()?.address;
  }

  get remoteFamily(): string | undefined {
    return this.getPeername()?.family;
  }

  get remotePort(): number | undefined {
    return this.getPeername()?.port;
  }

  get localAddress(): string | undefined {
    return this.getSockname()?.address;
  }

  get localPort(): number | undefined {
    return this.getSockname()?.port;
  }

  get localFamily(): string | undefined {
    return this.getSockname()?.family;
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.bytesReadTotal;
  }

  /** Bytes sent so far, including those still queued in the socket (Node's definition). */
  get bytesWritten(): number | undefined {
    // Read on the prototype (no stream state), Node answers undefined.
    if (!(this as unknown as { _writableState?: unknown })._writableState) return undefined;
    let bytes = this._bytesDispatched + this.pendingWriteBytes;
    const state = this as unknown as {
      writableBuffer?: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>;
    };
    for (const { chunk, encoding } of state.writableBuffer ?? []) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    }
    return bytes;
  }

  /** Bytes buffered for writing (Node: `writableLength` while connected). */
  get bufferSize(): number | undefined {
    return this._handle ? this.writableLength + this._handle.writeQueueSize : undefined;
  }

  /** @deprecated Node's legacy name for `connecting`. */
  get _connecting(): boolean {
    return this.connecting;
  }

  /** True until connected, and after closing. */
  get pending(): boolean {
    return !this._handle || this.connecting;
  }

  /** `'opening'`, `'open'`, `'readOnly'`, `'writeOnly'` or `'closed'`. */
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable && !this.writable) return 'readOnly';
    if (!this.readable && this.writable) return 'writeOnly';
    return 'closed';
  }

  /** Lets the process exit while this socket is open. */
  unref(): this {
    this.wantsUnref = true;
    this._handle?.unref();
    return this;
  }

  /** Keeps the process alive while this socket is open (the default). */
  ref(): this {
    this.wantsUnref = false;
    this._handle?.ref();
    return this;
  }

  /** @internal The transport this socket runs on. */
  get _transport(): Transport {
    return this.transport;
  }
}

type ErrorCb = (err?: Error | null) => void;

/** A user's `lookup` option: dns.lookup's signature, answering a list or one address. */
type UserLookup = (
  hostname: string,
  options: { family: number; hints?: number; all?: boolean },
  cb: (err: Error | null, answer: LookupAddress[] | string, family?: number) => void,
) => void;

/** ERR_INVALID_IP_ADDRESS / ERR_INVALID_ADDRESS_FAMILY for a bad lookup answer, else null. */
function invalidAddressError(
  answer: LookupAddress | undefined,
  host: string,
  port: number,
): Error | null {
  if (!answer || !isIP(answer.address)) {
    return codedError('ERR_INVALID_IP_ADDRESS', String(answer?.address));
  }
  if (answer.family !== 4 && answer.family !== 6) {
    return Object.assign(codedError('ERR_INVALID_ADDRESS_FAMILY', answer.family, host, port), {
      host,
      port,
    });
  }
  return null;
}

/** `family` as connect options may give it ('IPv4', 'IPv6', 4, 6) → dns.lookup's 4 / 6 / 0. */
function dnsFamily(family: unknown): number {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  const n = Number(family);
  return n === 4 || n === 6 ? n : 0;
}

/** After the peer's FIN, a socket that is not half-open refuses further writes (`EPIPE`). */
function onReadableStreamEnd(this: Socket): void {
  if (!this.allowHalfOpen) this.write = writeAfterFIN;
}

function writeAfterFIN(
  this: Socket,
  chunk: unknown,
  encoding?: BufferEncoding | ErrorCb,
  cb?: ErrorCb,
): boolean {
  if (!this.writableEnded) {
    return (Duplex.prototype.write as (...a: unknown[]) => boolean).call(this, chunk, encoding, cb);
  }
  const callback = typeof encoding === 'function' ? encoding : cb;
  const err = new Error('This socket has been ended by the other party') as SystemError;
  err.code = 'EPIPE';
  if (callback) process.nextTick(callback, err);
  this.destroy(err);
  return false;
}
