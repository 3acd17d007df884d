/**
 * `WebSocket`: one WebSocket connection (RFC 6455), on either side, with the
 * `ws` package's API (an EventEmitter) and the WHATWG one (`onmessage`,
 * `addEventListener`, `binaryType`, the `readyState` constants).
 *
 * A client is made with `new WebSocket(url[, protocols][, options])`
 * (client-handshake.ts runs the opening handshake over wirestack http); a
 * server side one is made by `WebSocketServer` once its handshake succeeds.
 * Either way the connection then runs on any Duplex socket: received bytes go
 * through the sans-IO FrameParser, outgoing frames through the Sender.
 *
 * Events (EventEmitter form): `open`; `message` (data, isBinary) — data is a
 * Buffer for text, and per `binaryType` for binary; `ping` (data); `pong`
 * (data); `close` (code, reason: Buffer) — code 1005 when the close frame had
 * none, 1006 when the connection ended without one; `error` (err) — at most
 * once, then `close`; client only: `upgrade` (res), `unexpected-response`
 * (req, res), `redirect` (url, req).
 *
 * Closing (RFC 6455 §7): `close(code, reason)` sends a close frame and waits
 * for the peer's (at most `closeTimeout` ms, default 30 s, then the socket is
 * destroyed); when both have been exchanged the TCP connection is ended. A
 * received close frame is answered with the same code. A protocol error in
 * what the peer sent fails the connection (§7.1.7): a close frame with the
 * error's code (1002, 1007, 1009), `error`, then `close`.
 */
import { Blob, isUtf8 } from 'node:buffer';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ClientOptions, initAsClient } from './client-handshake.js';
import {
  BINARY_TYPES,
  type BinaryType,
  DEFAULT_CLOSE_TIMEOUT,
  EMPTY_BUFFER,
  isValidCloseCode,
  MAX_CLOSE_REASON,
  READY_STATE_NAMES,
  ReadyState,
} from './constants.js';
import { invalidUtf8, type WebSocketProtocolError } from './errors.js';
import {
  addEventListener,
  type CloseEvent,
  type ErrorEvent,
  type Event,
  type EventListenerLike,
  getAttributeHandler,
  type MessageEvent,
  removeEventListener,
  setAttributeHandler,
} from './event-target.js';
import { FrameParser, type FrameParserHandlers } from './frame-parser.js';
import { EXTENSION_NAME, type PerMessageDeflate } from './permessage-deflate.js';
import { type GenerateMask, type SendCallback, Sender } from './sender.js';
import { TypedEmitter } from './typed-emitter.js';

/** What a binary message is handed over as: Buffer, ArrayBuffer, Buffer[] or Blob (per `binaryType`). */
export type RawData = Buffer | ArrayBuffer | Buffer[] | Blob;

/**
 * What `send` accepts. Numbers are sent as their decimal text; a list of
 * Buffers (a message received with `binaryType` `'fragments'`) as their
 * concatenation, so that whatever `'message'` hands over can be sent back.
 */
export type SendData =
  | string
  | number
  | Buffer
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | readonly Buffer[]
  | readonly number[]
  | null
  | undefined;

export interface WebSocketSendOptions {
  /** Binary frame (default: true unless `data` is a string). */
  binary?: boolean;
  /** Compress when permessage-deflate is in use (default true; small messages never are). */
  compress?: boolean;
  /** Last fragment of the message (default true). */
  fin?: boolean;
  /** Mask the payload (default: true on a client, false on a server). */
  mask?: boolean;
}

/** The `ws` package's events and their arguments. */
export interface WebSocketEvents {
  open: () => void;
  message: (data: RawData, isBinary: boolean) => void;
  close: (code: number, reason: Buffer) => void;
  error: (err: Error) => void;
  ping: (data: Buffer) => void;
  pong: (data: Buffer) => void;
  upgrade: (res: IncomingMessage) => void;
  'unexpected-response': (req: ClientRequest, res: IncomingMessage) => void;
  redirect: (url: string, req: ClientRequest) => void;
}

/** @internal Settings a connection runs with once the handshake is done. */
export interface SocketSettings {
  maxPayload: number;
  skipUTF8Validation: boolean;
  generateMask?: GenerateMask | undefined;
}

/** @internal Options of the server-side constructor (`new WebSocket(null, undefined, options)`). */
export interface ServerSideOptions {
  autoPong?: boolean;
  closeTimeout?: number;
}

/** The socket is read no further while this much is waiting behind a decompression. */
const MAX_PENDING_WHILE_INFLATING = 1024 * 1024;

function noop(): void {}

/** `data` of `send` / `ping` / `pong` as bytes (a Blob stays a Blob: read when its turn comes). */
function toBuffer(data: SendData): Buffer | Blob {
  if (data === undefined || data === null) return EMPTY_BUFFER;
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data);
  if (typeof data === 'number') return Buffer.from(String(data));
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Blob) return data;
  // A list: of Buffers (fragments of one message), or of byte values.
  if (ArrayBuffer.isView(data[0])) return Buffer.concat(data as readonly Buffer[]);
  return Buffer.from(data as readonly number[]);
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  const ab = buf.buffer as ArrayBuffer;
  if (buf.byteOffset === 0 && buf.byteLength === ab.byteLength) return ab;
  return ab.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

/** A binary message in the shape `binaryType` asks for. */
function binaryAs(data: Buffer | Buffer[], type: BinaryType): RawData {
  if (type === 'fragments') return Array.isArray(data) ? data : [data];
  const buf = Array.isArray(data) ? Buffer.concat(data) : data;
  if (type === 'arraybuffer') return toArrayBuffer(buf);
  if (type === 'blob') return new Blob([buf]);
  return buf;
}

function notOpen(state: number): Error {
  return new Error(`WebSocket is not open: readyState ${state} (${READY_STATE_NAMES[state]})`);
}

export class WebSocket extends TypedEmitter<WebSocketEvents> {
  static readonly CONNECTING = ReadyState.CONNECTING;
  static readonly OPEN = ReadyState.OPEN;
  static readonly CLOSING = ReadyState.CLOSING;
  static readonly CLOSED = ReadyState.CLOSED;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  /** @internal */ _binaryType: BinaryType = 'nodebuffer';
  /** @internal Close code reported by 'close': the peer's, or 1006 when none came. */
  _closeCode = 1006;
  /** @internal */ _closeFrameReceived = false;
  /** @internal */ _closeFrameSent = false;
  /** @internal */ _closeMessage: Buffer = EMPTY_BUFFER;
  /** @internal */ _closeTimer: NodeJS.Timeout | null = null;
  /** @internal */ _closeTimeout: number = DEFAULT_CLOSE_TIMEOUT;
  /** @internal */ _errorEmitted = false;
  /** @internal Negotiated extensions by name. */
  _extensions: { [EXTENSION_NAME]?: PerMessageDeflate } = {};
  /** @internal */ _paused = false;
  /** @internal */ _protocol = '';
  /** @internal */ _readyState: ReadyState = ReadyState.CONNECTING;
  /** @internal */ _parser: FrameParser | null = null;
  /** @internal */ _sender: Sender | null = null;
  /** @internal */ _socket: Duplex | null = null;
  /** @internal */ readonly _isServer: boolean;
  /** @internal */ _url = '';
  /** @internal Bytes of sends refused before any socket existed. */
  _bufferedAmount = 0;
  /** @internal The handshake request (client, while CONNECTING). */
  _req: ClientRequest | null = null;
  /** @internal */ _redirects = 0;
  /** @internal */ _autoPong = true;
  /** @internal A received frame broke the protocol: do not wait for the peer's close frame. */
  _failed = false;
  private inflating = false;
  private readPausedForInflate = false;
  private socketClosed = false;
  private closeEmitted = false;

  /**
   * Client: connects to `address` (ws:, wss:, http:, https:, ws+unix:),
   * offering `protocols` (subprotocols, RFC 6455 §1.9). Throws SyntaxError
   * for a bad URL or subprotocol list. `address` null is for the server side.
   */
  constructor(
    address: string | URL | null,
    protocols?: string | readonly string[] | ClientOptions,
    options?: ClientOptions | ServerSideOptions,
  ) {
    super();
    if (address === null) {
      this._isServer = true;
      const opts = (options ?? {}) as ServerSideOptions;
      this._autoPong = opts.autoPong ?? true;
      this._closeTimeout = opts.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
      return;
    }
    this._isServer = false;
    let list: readonly string[];
    let opts: ClientOptions;
    if (protocols === undefined) {
      opts = (options ?? {}) as ClientOptions;
      list = protocolList(opts.protocols);
    } else if (typeof protocols === 'string') {
      opts = (options ?? {}) as ClientOptions;
      list = [protocols];
    } else if (Array.isArray(protocols)) {
      opts = (options ?? {}) as ClientOptions;
      list = protocols as readonly string[];
    } else {
      opts = protocols as ClientOptions;
      list = protocolList(opts.protocols);
    }
    this._autoPong = opts.autoPong ?? true;
    this._closeTimeout = opts.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    initAsClient(this, address, list, opts);
  }

  // ---- attributes ---------------------------------------------------------

  /** 'nodebuffer' (default), 'arraybuffer', 'fragments' or 'blob'; other values are ignored. */
  get binaryType(): BinaryType {
    return this._binaryType;
  }

  set binaryType(type: BinaryType) {
    if (!BINARY_TYPES.includes(type)) return;
    this._binaryType = type;
    if (this._parser) this._parser.fragments = type === 'fragments';
  }

  /** Bytes queued by send / ping / pong and not yet transmitted. */
  get bufferedAmount(): number {
    const socket = this._socket;
    if (socket === null) return this._bufferedAmount;
    return socket.writableLength + (this._sender?.bufferedBytes ?? 0);
  }

  /** The negotiated extensions, as a comma-separated list of names ('' or 'permessage-deflate'). */
  get extensions(): string {
    return Object.keys(this._extensions).join();
  }

  /** True while `pause()` holds incoming data. */
  get isPaused(): boolean {
    return this._paused;
  }

  /** The subprotocol the server selected ('' if none). */
  get protocol(): string {
    return this._protocol;
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get readyState(): ReadyState {
    return this._readyState;
  }

  /** The URL connected to (client), '' on the server side. */
  get url(): string {
    return this._url;
  }

  /** @internal Both close frames were exchanged (WHATWG CloseEvent.wasClean). */
  get closeWasClean(): boolean {
    return this._closeFrameReceived && this._closeFrameSent;
  }

  get onopen(): ((this: WebSocket, ev: Event) => void) | null {
    return getAttributeHandler(this, 'open') as ((ev: Event) => void) | null;
  }
  set onopen(handler: ((this: WebSocket, ev: Event) => void) | null) {
    setAttributeHandler(this, 'open', handler);
  }
  get onmessage(): ((this: WebSocket, ev: MessageEvent) => void) | null {
    return getAttributeHandler(this, 'message') as ((ev: MessageEvent) => void) | null;
  }
  set onmessage(handler: ((this: WebSocket, ev: MessageEvent) => void) | null) {
    setAttributeHandler(this, 'message', handler);
  }
  get onclose(): ((this: WebSocket, ev: CloseEvent) => void) | null {
    return getAttributeHandler(this, 'close') as ((ev: CloseEvent) => void) | null;
  }
  set onclose(handler: ((this: WebSocket, ev: CloseEvent) => void) | null) {
    setAttributeHandler(this, 'close', handler);
  }
  get onerror(): ((this: WebSocket, ev: ErrorEvent) => void) | null {
    return getAttributeHandler(this, 'error') as ((ev: ErrorEvent) => void) | null;
  }
  set onerror(handler: ((this: WebSocket, ev: ErrorEvent) => void) | null) {
    setAttributeHandler(this, 'error', handler);
  }

  /** WHATWG `addEventListener`: 'open' | 'message' | 'close' | 'error', with `{ once }`. */
  addEventListener<K extends 'open' | 'message' | 'close' | 'error'>(
    type: K,
    listener: EventListenerLike<
      K extends 'message'
        ? MessageEvent
        : K extends 'close'
          ? CloseEvent
          : K extends 'error'
            ? ErrorEvent
            : Event
    > | null,
    options?: { once?: boolean },
  ): void {
    addEventListener(this, type, listener as EventListenerLike<never>, {
      once: options?.once === true,
    });
  }

  /** WHATWG `removeEventListener`. */
  removeEventListener<K extends 'open' | 'message' | 'close' | 'error'>(
    type: K,
    listener: EventListenerLike<
      K extends 'message'
        ? MessageEvent
        : K extends 'close'
          ? CloseEvent
          : K extends 'error'
            ? ErrorEvent
            : Event
    > | null,
  ): void {
    removeEventListener(this, type, listener as EventListenerLike<never>);
  }

  // ---- methods --------------------------------------------------------------

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2): sends a close frame with
   * `code` (1000–1014 except 1004–1006, or 3000–4999) and `reason` (≤ 123
   * bytes of UTF-8), then waits for the peer's. Before the connection is
   * open, aborts the handshake instead.
   * @throws TypeError for an invalid code, RangeError for a long reason.
   */
  close(code?: number, reason?: string | Buffer): void {
    const state = this._readyState;
    if (state === ReadyState.CLOSED) return;
    if (state === ReadyState.CONNECTING) {
      abortHandshake(this, 'WebSocket was closed before the connection was established');
      return;
    }
    if (state === ReadyState.CLOSING) {
      if (this._closeFrameSent && (this._closeFrameReceived || this._failed)) this.endSocket();
      return;
    }
    const payload = closePayload(code, reason);
    this._sender!.close(payload, !this._isServer, (err) => {
      if (err) return;
      this._closeFrameSent = true;
      if (this._closeFrameReceived || this._failed) this.endSocket();
    });
    this._readyState = ReadyState.CLOSING;
    this.setCloseTimer();
  }

  /** Stops reading from the socket (no more 'message' events until `resume()`). */
  pause(): void {
    if (this._readyState === ReadyState.CONNECTING || this._readyState === ReadyState.CLOSED) {
      return;
    }
    this._paused = true;
    this._socket!.pause();
  }

  /** Undoes `pause()`. */
  resume(): void {
    if (this._readyState === ReadyState.CONNECTING || this._readyState === ReadyState.CLOSED) {
      return;
    }
    this._paused = false;
    if (!this.readPausedForInflate) this._socket!.resume();
  }

  /**
   * Sends a ping (RFC 6455 §5.5.2) with up to 125 bytes of `data`.
   * @throws Error while CONNECTING; RangeError for more than 125 bytes.
   */
  ping(data?: SendData, mask?: boolean, cb?: SendCallback): void;
  ping(data: SendData, cb: SendCallback): void;
  ping(cb: SendCallback): void;
  ping(data?: SendData | SendCallback, mask?: boolean | SendCallback, cb?: SendCallback): void {
    this.control('ping', data, mask, cb);
  }

  /** Sends an unsolicited pong (RFC 6455 §5.5.3), e.g. as a heartbeat. */
  pong(data?: SendData, mask?: boolean, cb?: SendCallback): void;
  pong(data: SendData, cb: SendCallback): void;
  pong(cb: SendCallback): void;
  pong(data?: SendData | SendCallback, mask?: boolean | SendCallback, cb?: SendCallback): void {
    this.control('pong', data, mask, cb);
  }

  private control(
    kind: 'ping' | 'pong',
    data: SendData | SendCallback,
    mask: boolean | SendCallback | undefined,
    cb: SendCallback | undefined,
  ): void {
    if (this._readyState === ReadyState.CONNECTING) throw notOpen(ReadyState.CONNECTING);
    if (typeof data === 'function') {
      cb = data;
      data = undefined;
      mask = undefined;
    } else if (typeof mask === 'function') {
      cb = mask;
      mask = undefined;
    }
    const payload = toBuffer(data);
    if (this._readyState !== ReadyState.OPEN) {
      this.sendAfterClose(payload, cb);
      return;
    }
    if (payload instanceof Blob) throw new TypeError('A ping or pong payload cannot be a Blob');
    const masked = mask === undefined ? !this._isServer : mask;
    if (kind === 'ping') this._sender!.ping(payload, masked, cb);
    else this._sender!.pong(payload, masked, cb);
  }

  /**
   * Sends a message (or a fragment: `options.fin` false). `cb` runs once it
   * has been written to the socket, or with an error.
   * @throws Error while CONNECTING.
   */
  send(data: SendData, cb?: SendCallback): void;
  send(data: SendData, options: WebSocketSendOptions, cb?: SendCallback): void;
  send(data: SendData, options?: WebSocketSendOptions | SendCallback, cb?: SendCallback): void {
    if (this._readyState === ReadyState.CONNECTING) throw notOpen(ReadyState.CONNECTING);
    let opts: WebSocketSendOptions | undefined;
    if (typeof options === 'function') {
      cb = options;
      opts = undefined;
    } else {
      opts = options;
    }
    const payload = toBuffer(data);
    if (this._readyState !== ReadyState.OPEN) {
      this.sendAfterClose(payload, cb);
      return;
    }
    const pmd = this._extensions[EXTENSION_NAME];
    this._sender!.send(
      payload,
      {
        binary: opts?.binary ?? typeof data !== 'string',
        compress: pmd !== undefined && (opts?.compress ?? true),
        fin: opts?.fin ?? true,
        mask: opts?.mask ?? !this._isServer,
      },
      cb,
    );
  }

  /** Destroys the connection at once, without a closing handshake ('close' reports 1006). */
  terminate(): void {
    const state = this._readyState;
    if (state === ReadyState.CLOSED) return;
    if (state === ReadyState.CONNECTING) {
      abortHandshake(this, 'WebSocket was closed before the connection was established');
      return;
    }
    if (this._socket) {
      this._readyState = ReadyState.CLOSING;
      this._socket.destroy();
    }
  }

  // ---- internals ----------------------------------------------------------------

  private sendAfterClose(payload: Buffer | Blob, cb: SendCallback | undefined): void {
    const length = payload instanceof Blob ? payload.size : payload.length;
    if (length > 0) {
      // Browsers count sends after close in bufferedAmount; so does ws.
      if (this._sender) this._sender.addUnsent(length);
      else this._bufferedAmount += length;
    }
    if (cb) process.nextTick(cb, notOpen(this._readyState));
  }

  private setCloseTimer(): void {
    const socket = this._socket!;
    this._closeTimer = setTimeout(() => socket.destroy(), this._closeTimeout);
  }

  /** Ends our side of the TCP connection once everything queued is written. */
  private endSocket(): void {
    this._sender?.flush();
    this._socket?.end();
  }

  /**
   * @internal Takes over `socket` after a successful handshake: from here on
   * it carries frames. `head` holds bytes already read after the handshake.
   */
  _setSocket(socket: Duplex, head: Buffer, settings: SocketSettings): void {
    const pmd = this._extensions[EXTENSION_NAME] ?? null;
    const handlers: FrameParserHandlers = {
      onMessage: (data, isBinary) => this.onMessage(data, isBinary),
      onCompressedMessage: (fragments, _length, isBinary) => this.inflate(fragments, isBinary),
      onPing: (data) => this.onPing(data),
      onPong: (data) => this.emit('pong', data),
      onClose: (code, reason) => this.onCloseFrame(code, reason),
      onError: (err) => this.fail(err),
    };
    this._parser = new FrameParser(
      {
        isServer: this._isServer,
        maxPayload: settings.maxPayload,
        perMessageDeflate: pmd !== null,
        skipUTF8Validation: settings.skipUTF8Validation,
        fragments: this._binaryType === 'fragments',
      },
      handlers,
    );
    this._sender = new Sender(socket, pmd, settings.generateMask);
    this._sender.onerror = (err) => this.senderError(err);
    this._socket = socket;
    this.skipUTF8Validation = settings.skipUTF8Validation;

    const s = socket as Duplex & {
      setTimeout?: (ms: number) => void;
      setNoDelay?: (noDelay?: boolean) => void;
    };
    if (typeof s.setTimeout === 'function') s.setTimeout(0);
    if (typeof s.setNoDelay === 'function') s.setNoDelay(true);
    // Bytes that came with the handshake are read first, after 'open'.
    if (head.length > 0) socket.unshift(head);

    this.onSocketData = (chunk: Buffer) => this.socketData(chunk);
    this.onSocketEnd = () => this.socketEnd();
    this.onSocketClose = () => this.socketClose();
    this.onSocketError = () => this.socketError();
    socket.on('close', this.onSocketClose);
    socket.on('data', this.onSocketData);
    socket.on('end', this.onSocketEnd);
    socket.on('error', this.onSocketError);

    this._readyState = ReadyState.OPEN;
    this.emit('open');
  }

  private skipUTF8Validation = false;
  private onSocketData: (chunk: Buffer) => void = noop;
  private onSocketEnd: () => void = noop;
  private onSocketClose: () => void = noop;
  private onSocketError: () => void = noop;

  private socketData(chunk: Buffer): void {
    const parser = this._parser!;
    parser.push(chunk);
    if (parser.isPaused && parser.bufferedLength > MAX_PENDING_WHILE_INFLATING) {
      this.readPausedForInflate = true;
      this._socket!.pause();
    }
  }

  private socketEnd(): void {
    this._readyState = ReadyState.CLOSING;
    this.endSocket();
  }

  private socketError(): void {
    const socket = this._socket!;
    socket.removeListener('error', this.onSocketError);
    socket.on('error', noop);
    this._readyState = ReadyState.CLOSING;
    socket.destroy();
  }

  private socketClose(): void {
    const socket = this._socket!;
    socket.removeListener('close', this.onSocketClose);
    socket.removeListener('data', this.onSocketData);
    socket.removeListener('end', this.onSocketEnd);
    this._readyState = ReadyState.CLOSING;
    if (this._closeTimer !== null) {
      clearTimeout(this._closeTimer);
      this._closeTimer = null;
    }
    // Whatever was read but not delivered (the socket was paused) is parsed now.
    const parser = this._parser!;
    if (!parser.done) {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) parser.push(chunk);
    }
    this._sender!.abort(notOpen(ReadyState.CLOSING));
    this.socketClosed = true;
    this.maybeEmitClose();
  }

  private maybeEmitClose(): void {
    if (!this.socketClosed || this.inflating || this.closeEmitted) return;
    this.emitClose();
  }

  /** @internal Emits 'close' once; the connection is over. */
  _emitClose(): void {
    if (this.closeEmitted) return;
    this.emitClose();
  }

  private emitClose(): void {
    this.closeEmitted = true;
    this._readyState = ReadyState.CLOSED;
    this._extensions[EXTENSION_NAME]?.cleanup();
    this.emit('close', this._closeCode, this._closeMessage);
  }

  private onMessage(data: Buffer | Buffer[], isBinary: boolean): void {
    if (isBinary && this._binaryType !== 'nodebuffer') {
      this.emit('message', binaryAs(data, this._binaryType), true);
      return;
    }
    this.emit('message', data, isBinary);
  }

  /** A compressed message: parsing waits (in order) until it is inflated. */
  private inflate(fragments: Buffer[], isBinary: boolean): void {
    const parser = this._parser!;
    parser.pause();
    this.inflating = true;
    this._extensions[EXTENSION_NAME]!.decompress(fragments, (err, data) => {
      this.inflating = false;
      if (this.closeEmitted) return;
      if (err) {
        parser.stop();
        this.fail(err as WebSocketProtocolError);
        this.maybeEmitClose();
        return;
      }
      if (!isBinary && !this.skipUTF8Validation && !isUtf8(data!)) {
        parser.stop();
        this.fail(invalidUtf8());
        this.maybeEmitClose();
        return;
      }
      this.onMessage(data!, isBinary);
      parser.resume();
      if (this.readPausedForInflate && !parser.isPaused) {
        this.readPausedForInflate = false;
        if (!this._paused && !this.socketClosed) this._socket!.resume();
      }
      this.maybeEmitClose();
    });
  }

  private onPing(data: Buffer): void {
    if (this._autoPong && this._readyState === ReadyState.OPEN) {
      const socket = this._socket!;
      if (socket.writableNeedDrain) {
        // The peer is not reading: answer only the most recent ping, once
        // the socket drains (RFC 6455 §5.5.3 allows that), so a ping flood
        // cannot pile up pongs.
        const waiting = this.pendingPong !== null;
        this.pendingPong = Buffer.from(data);
        if (!waiting) socket.once('drain', () => this.sendPendingPong());
      } else {
        this._sender!.pong(data, !this._isServer);
      }
    }
    this.emit('ping', data);
  }

  private pendingPong: Buffer | null = null;

  private sendPendingPong(): void {
    const data = this.pendingPong;
    this.pendingPong = null;
    if (data !== null && this._readyState === ReadyState.OPEN) {
      this._sender!.pong(data, !this._isServer);
    }
  }

  private onCloseFrame(code: number, reason: Buffer): void {
    this._closeFrameReceived = true;
    this._closeCode = code;
    // The reason views the received chunk: copy it so the chunk can be freed.
    this._closeMessage = reason.length === 0 ? EMPTY_BUFFER : Buffer.from(reason);
    if (code === 1005) this.close();
    else this.close(code, reason);
  }

  /**
   * Fails the connection after a protocol error in received data (RFC 6455
   * §7.1.7): a close frame with the error's code, then 'error' — only when
   * listened for: a peer's malformed frame must not bring down a process
   * that did not expect it (DESIGN.md, principle 4); 'close' reports the end
   * either way.
   */
  private fail(err: WebSocketProtocolError): void {
    this._failed = true;
    if (!this.socketClosed) this.close((err as { closeCode?: number }).closeCode ?? 1002);
    if (!this._errorEmitted) {
      this._errorEmitted = true;
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
  }

  private senderError(err: Error): void {
    if (this._readyState === ReadyState.CLOSED) return;
    if (this._readyState === ReadyState.OPEN) {
      this._readyState = ReadyState.CLOSING;
      this.setCloseTimer();
    }
    this._socket?.end();
    if (!this._errorEmitted) {
      this._errorEmitted = true;
      this.emit('error', err);
    }
  }
}

for (const [name, value] of Object.entries(ReadyState)) {
  Object.defineProperty(WebSocket.prototype, name, { enumerable: true, value });
}

function protocolList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** The close frame payload for `close(code, reason)`, validated (RFC 6455 §5.5.1, §7.4). */
function closePayload(code: number | undefined, reason: string | Buffer | undefined): Buffer {
  if (code === undefined) return EMPTY_BUFFER;
  if (typeof code !== 'number' || !isValidCloseCode(code)) {
    throw new TypeError('First argument must be a valid error code number');
  }
  const text = reason === undefined ? EMPTY_BUFFER : Buffer.from(reason);
  if (text.length > MAX_CLOSE_REASON) {
    throw new RangeError(`The message must not be greater than ${MAX_CLOSE_REASON} bytes`);
  }
  const out = Buffer.allocUnsafe(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

/**
 * @internal Fails the opening handshake (client): aborts the request or
 * destroys the socket, then emits 'error' (with `message`) and 'close' (1006).
 */
export function abortHandshake(ws: WebSocket, message: string, socket?: Duplex): void {
  ws._readyState = ReadyState.CLOSING;
  const err = new Error(message);
  Error.captureStackTrace(err, abortHandshake);
  const req = ws._req;
  ws._req = null;
  if (req !== null) {
    (req as ClientRequest & { _wsAborted?: boolean })._wsAborted = true;
    req.destroy();
    const s = req.socket as Duplex | null;
    if (s && !s.destroyed) s.destroy();
  }
  if (socket && !socket.destroyed) socket.destroy();
  process.nextTick(emitErrorAndClose, ws, err);
}

/** @internal 'error' then 'close' for a connection that never opened. */
export function emitErrorAndClose(ws: WebSocket, err: Error): void {
  ws._readyState = ReadyState.CLOSING;
  ws._errorEmitted = true;
  ws.emit('error', err);
  ws._emitClose();
}
