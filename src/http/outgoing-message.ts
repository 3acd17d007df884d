/**
 * `http.OutgoingMessage`: the writing half shared by `ServerResponse` and
 * `ClientRequest` (Node's http doc, "Class: http.OutgoingMessage"). It is a
 * legacy `Stream` with the writable-stream surface (`write`, `end`, `cork`,
 * `writableEnded`, `'finish'`, `'drain'`, `'close'`), as Node's is: a full
 * `stream.Writable` would add a second buffer in front of the socket's.
 *
 * Framing (RFC 9112 §6): a message whose whole body is given to `end()`
 * before the head was sent gets `Content-Length`; otherwise the body is sent
 * with the chunked transfer coding (§7.1) when the message may use it, or
 * delimited by closing the connection. Bodiless messages (responses to HEAD,
 * 1xx/204/304) never carry body bytes.
 */
// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import { captureRejectionSymbol } from 'node:events';
import process from 'node:process';
import { Stream } from 'node:stream';
import { codedError } from '../errors/index.js';
import type { Socket } from '../net/socket.js';
import { Socket as NetSocket } from '../net/socket.js';
import { latin1 } from '../util/latin1.js';
import { utcDateLine } from './date-cache.js';
import { addHeadLines, beginHead, endHead } from './head-assembly.js';
import {
  checkInvalidHeaderChar,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  validateHeaderName,
  validateHeaderValue,
} from './headers.js';
import { eventNames } from './lazy-listeners.js';
import { kHome } from './server-node-prototypes.js';

/** A socket carrying HTTP: Node keeps the in-flight message on the socket. */
export type HttpSocket = Socket & {
  /** @internal The message currently allowed to write to this socket. */
  _httpMessage?: OutgoingMessage | null;
  /** @internal Set once an error was reported for this socket. */
  _hadError?: boolean;
  /**
   * @internal The client's 'error' and 'close' listeners are on this socket.
   * A pooled socket keeps them between requests (not re-added per request);
   * idle, the 'error' one does what the agent's free-socket listener would.
   */
  _httpListenersKept?: boolean;
  /**
   * @internal Corks the server connection holds while it dispatches the
   * requests of one read (pipelining); messages never undo these.
   */
  _httpCorked?: number;
  /** @internal The responses' 'close' listener is on this socket (added once, see `assignSocket`). */
  _responseCloseWatched?: boolean;
};

type WriteCallback = (err?: Error | null) => void;
type Chunk = string | Uint8Array;

interface Pending {
  data: Chunk;
  encoding: BufferEncoding | undefined;
  callback: WriteCallback | null;
}

/** Headers as stored by `setHeader`: lower-cased name → [name as given, value]. */
/** Headers set so far: lower-cased name → [name as given, value], in the order set. */
type HeaderStore = Map<string, [string, OutgoingHttpHeader]>;

/** Headers accepted by `_storeHeader`: the store, `{ name: value }`, flat `[n, v, ...]` or `[[n, v], ...]`. */
export type HeadersInput =
  | HeaderStore
  | OutgoingHttpHeaders
  | readonly (string | number | readonly string[])[]
  | readonly (readonly [string, OutgoingHttpHeader])[]
  | null
  | undefined;

const RE_CONN_CLOSE = /(?:^|\W)close(?:$|\W)/i;
const RE_TE_CHUNKED = /(?:^|\W)chunked(?:$|\W)/i;
const NON_ASCII = /[\u0080-\uffff]/;
const CRLF = '\r\n';
// Buffers up to this size are copied next to the head so that head and body
// leave in one write; larger ones go out as a second, corked write.
const COALESCE_LIMIT = 16 * 1024;
// Buffers up to this size join the head as latin1 text instead (one char per
// byte, lossless) when our own socket takes the write: the transport encodes
// the string as it copies it, so no Buffer is built and no head is encoded
// here — about 3x cheaper than the copy for small bodies.
const STRING_JOIN_LIMIT = 4 * 1024;

// Flags gathered while rendering the head (a bit set instead of a state
// object: this runs once per message).
const F_CONNECTION = 1;
const F_CONTLEN = 2;
const F_TE = 4;
const F_DATE = 8;
const F_EXPECT = 16;
const F_TRAILER = 32;

function byteLength(chunk: Chunk, encoding: BufferEncoding | undefined): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.byteLength;
}

function validateChunk(chunk: unknown): asserts chunk is Chunk {
  if (chunk === null) throw codedError('ERR_STREAM_NULL_VALUES');
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
    throw codedError('ERR_INVALID_ARG_TYPE', 'chunk', ['string', 'Buffer', 'Uint8Array'], chunk);
  }
}

/**
 * `name` lower-cased if it is a field that changes framing or persistence
 * (Connection, Transfer-Encoding, Content-Length, Date, Expect, Trailer,
 * Keep-Alive), else ''. Only names of those lengths are lower-cased (most
 * fields, Content-Type for one, are not among them).
 */
function knownFieldName(name: string): string {
  switch (name.length) {
    case 4: // date
    case 6: // expect
    case 7: // trailer
    case 10: // connection, keep-alive
    case 14: // content-length
    case 17: // transfer-encoding
      return name.toLowerCase();
    default:
      return '';
  }
}

const ownProperty = Object.prototype.hasOwnProperty;

/** renderField's result, reused (rendering is synchronous): no object per field. */
const fieldResult = { text: '', flags: 0 };

/**
 * A field line as rendered: the value `given`, as text (`value`), the whole
 * line with its CRLF (`text`), and the name lower-cased if it is one that
 * `applyField` acts on, else '' (`known`).
 */
interface RenderedLine {
  given: string | number;
  value: string;
  text: string;
  known: string;
}

/**
 * The last line rendered for each field name (at most RENDERED_LINES names):
 * a response giving the same field the same value as the one before (the
 * usual case: `Content-Type`, a fixed `Content-Length`) reuses its line,
 * validated when it was first rendered.
 */
const renderedLines = new Map<string, RenderedLine>();
const RENDERED_LINES = 64;
const scratchLine: RenderedLine = { given: '', value: '', text: '', known: '' };

/**
 * `name: value CRLF` for a single (non-array) value, validated first when
 * `validate` (ERR_INVALID_HTTP_TOKEN, ERR_HTTP_INVALID_HEADER_VALUE,
 * ERR_INVALID_CHAR) unless the same line was rendered and validated already.
 */
function renderedLine(
  name: string,
  given: string | number | undefined,
  validate: boolean,
): RenderedLine {
  let line = renderedLines.get(name);
  if (line !== undefined && line.given === given) return line;
  if (validate) {
    validateHeaderName(name);
    validateHeaderValue(name, given);
    if (line === undefined && renderedLines.size < RENDERED_LINES) {
      line = { given: '', value: '', text: '', known: knownFieldName(name) };
      renderedLines.set(name, line);
    }
  }
  // Lines rendered unvalidated (fields validated when stored) are not kept.
  if (line === undefined || !validate) {
    line = scratchLine;
    line.known = knownFieldName(name);
  }
  line.given = given as string | number;
  line.value = String(given);
  line.text = `${name}: ${line.value}${CRLF}`;
  return line;
}

const CONNECTION_CLOSE = `Connection: close${CRLF}`;
const CONNECTION_KEEP_ALIVE = `Connection: keep-alive${CRLF}`;
const TRANSFER_ENCODING_CHUNKED = `Transfer-Encoding: chunked${CRLF}`;

const contentLengthMemo = { length: -1, text: '' };

/** `Content-Length: <n> CRLF`, kept for the last length (a server often sends the same one). */
function contentLengthLine(length: number): string {
  if (length !== contentLengthMemo.length) {
    contentLengthMemo.length = length;
    contentLengthMemo.text = `Content-Length: ${length}${CRLF}`;
  }
  return contentLengthMemo.text;
}

const keepAliveMemo = { timeoutMs: -1, max: -1, text: '' };

/**
 * `Connection: keep-alive` and `Keep-Alive: timeout=<s>[, max=<n>]` (the
 * server's keepAliveTimeout in ms, shown in whole seconds, and
 * maxRequestsPerSocket when above 0), kept for the last pair of values: a
 * server sends the same lines with every response.
 */
function keepAliveLines(timeoutMs: number, max: number): string {
  const memo = keepAliveMemo;
  if (memo.timeoutMs !== timeoutMs || memo.max !== max) {
    memo.timeoutMs = timeoutMs;
    memo.max = max;
    const seconds = Math.floor(timeoutMs / 1000);
    const maxText = max > 0 ? `, max=${max}` : '';
    memo.text = `${CONNECTION_KEEP_ALIVE}Keep-Alive: timeout=${seconds}${maxText}${CRLF}`;
  }
  return memo.text;
}

/**
 * The `uniqueHeaders` option: lower-cased names whose array values are sent
 * on one line joined with '; '. Anything but an array means none.
 */
export function parseUniqueHeadersOption(headers: unknown): Set<string> | null {
  if (!Array.isArray(headers)) return null;
  const unique = new Set<string>();
  for (const h of headers) unique.add(String(h).toLowerCase());
  return unique;
}

function onFinish(msg: OutgoingMessage): void {
  const socket = msg.socket as HttpSocket | null;
  if (socket?._hadError) return;
  const hook = msg._finishHook;
  if (hook !== null) hook(msg);
  msg.emit('finish');
}

function emitErrorNT(msg: OutgoingMessage, err: Error, callback: WriteCallback | undefined): void {
  callback?.(err);
  if (!msg.destroyed) msg.emit('error', err);
}

function uncorkNT(socket: Socket): void {
  socket.uncork();
}

/**
 * The legacy `Stream`'s constructor for a message, without EventEmitter's:
 * the listener table (`_events`) is made by EventEmitter's own methods with
 * the first listener, and emitting without one returns at once (a response
 * nobody listens to emits 'socket', 'prefinish', 'finish' and 'close'
 * without ever making one). The prototype chain is Stream's, so
 * `instanceof Stream` and every Stream and EventEmitter method hold.
 */
function MessageStream(): void {}
Object.setPrototypeOf(MessageStream.prototype, Stream.prototype);
Object.setPrototypeOf(MessageStream, Stream);
MessageStream.prototype.eventNames = eventNames;

/** Options shared by `ServerResponse` and `ClientRequest`. */
export interface OutgoingMessageOptions {
  /** Throw `ERR_HTTP_BODY_NOT_ALLOWED` when writing a body to a bodiless message. */
  rejectNonStandardBodyWrites?: boolean;
  highWaterMark?: number;
}

/**
 * Base class of `ServerResponse` and `ClientRequest`.
 *
 * Events: `'finish'` (every byte handed to the socket), `'prefinish'`,
 * `'drain'`, `'close'`, `'error'`, `'socket'`.
 */
export class OutgoingMessage extends (MessageStream as unknown as typeof Stream) {
  /** @internal The rendered head (start line + fields + CRLF), null until rendered. */
  _header: string | null = null;
  /** @internal True once the head has been handed to the socket. */
  _headerSent = false;
  /** @internal The message may carry a body (false for HEAD responses, 1xx, 204, 304). */
  _hasBody = true;
  /** @internal Body length known when `end(data)` is called before the head is sent. */
  _contentLength: number | null = null;
  /** @internal Rendered trailer section (see `addTrailers`). */
  _trailer = '';
  /** @internal The connection closes after this message. */
  _last = false;
  /** @internal Set by removeHeader: do not add the header automatically. */
  _removedConnection = false;
  _removedContLen = false;
  _removedTE = false;
  /** @internal Whether the message may add `Keep-Alive: timeout=` (no user Keep-Alive header). */
  _defaultKeepAlive = true;
  /** @internal Server keep-alive timeout in ms, advertised as `Keep-Alive: timeout=<s>`. */
  _keepAliveTimeout = 0;
  /** @internal `server.maxRequestsPerSocket`, advertised as `, max=<n>`. */
  _maxRequestsPerSocket = 0;
  /** @internal The connection reached `maxRequestsPerSocket`: send `Connection: close`. */
  maxRequestsOnConnectionReached = false;
  /** @internal Set when a write returned false; `'drain'` is then emitted on socket drain. */
  _needDrain = false;
  /** @internal Writes made before a socket was assigned. */
  outputData: Pending[] = [];
  /** @internal Bytes in `outputData`. */
  outputSize = 0;
  /**
   * @internal Runs as `'finish'` is emitted, before its listeners: where
   * Node's server registers its own first `'finish'` listener, the server
   * connection does its bookkeeping without adding one per message. A field,
   * not a method: a framework may move the message onto other prototypes.
   */
  _finishHook: ((msg: OutgoingMessage) => void) | null = null;
  /** @internal Called with the byte count of each write buffered in `outputData`. */
  _onPendingData: (delta: number) => void = noop;
  /** @internal Client only: the agent in use, if any. */
  agent: unknown = null;
  /** @internal `uniqueHeaders`: names sent once, array values joined with '; ' (null: none). */
  _uniqueHeaders: Set<string> | null = null;
  /** @internal Corks requested before a socket was assigned. */
  private corkedWithoutSocket = 0;
  /** @internal */
  readonly _rejectNonStandardBodyWrites: boolean;
  private storedHeaders: HeaderStore | null = null;

  /** The body is sent chunked (RFC 9112 §7.1). */
  chunkedEncoding = false;
  /** Keep the connection open after this message (HTTP/1.1 persistence, RFC 9112 §9.3). */
  shouldKeepAlive = true;
  /** Use chunked framing when the body length is unknown (false for GET/HEAD/... requests). */
  useChunkedEncodingByDefault = true;
  /** Add a `Date` header automatically (responses). */
  sendDate = false;
  /** Throw `ERR_HTTP_CONTENT_LENGTH_MISMATCH` when the body differs from `Content-Length`. */
  strictContentLength = false;
  /** Always true, as in Node (lets `readable.pipe(message)` type-check and work). */
  readonly writable = true;
  /** True once `end()` was called (alias: `writableEnded`). */
  finished = false;
  destroyed = false;
  /** @internal 'close' was emitted. */
  _closed = false;
  /** The error passed to `destroy()`, if any. */
  errored: Error | null = null;
  /** The socket once assigned; null before and after. */
  socket: Socket | null = null;
  private bytesWrittenInBody = 0;

  /** @internal The prototype this message was built with (see ./server-node-prototypes.ts). */
  declare [kHome]: object;

  constructor(options?: OutgoingMessageOptions) {
    super();
    this._rejectNonStandardBodyWrites = options?.rejectNonStandardBodyWrites ?? false;
    this[kHome] = new.target.prototype;
  }

  /** Alias of `socket` (deprecated in Node). */
  get connection(): Socket | null {
    return this.socket;
  }
  set connection(value: Socket | null) {
    this.socket = value;
  }

  /** True once the head has been rendered (and can no longer change). */
  get headersSent(): boolean {
    return this._header !== null;
  }

  /** True once `'close'` was emitted. */
  get closed(): boolean {
    return this._closed;
  }

  get writableEnded(): boolean {
    return this.finished;
  }

  /** True once every byte was handed to the socket (`'finish'` is due or emitted). */
  get writableFinished(): boolean {
    return (
      this.finished && this.outputSize === 0 && (!this.socket || this.socket.writableLength === 0)
    );
  }

  get writableObjectMode(): boolean {
    return false;
  }

  /** Bytes buffered here and in the socket, not yet sent. */
  get writableLength(): number {
    return this.outputSize + (this.socket ? this.socket.writableLength : 0);
  }

  get writableHighWaterMark(): number {
    return this.socket ? this.socket.writableHighWaterMark : 16 * 1024;
  }

  get writableCorked(): number {
    const socket = this.socket as HttpSocket | null;
    return socket ? socket.writableCorked - (socket._httpCorked ?? 0) : this.corkedWithoutSocket;
  }

  get writableNeedDrain(): boolean {
    return !this.destroyed && !this.finished && this._needDrain;
  }

  // ---- headers -------------------------------------------------------

  /**
   * Sets one header (replacing any value). Throws `ERR_HTTP_HEADERS_SENT` once
   * the head is rendered, `ERR_INVALID_HTTP_TOKEN` for a bad name,
   * `ERR_HTTP_INVALID_HEADER_VALUE` / `ERR_INVALID_CHAR` for a bad value.
   */
  setHeader(name: string, value: OutgoingHttpHeader): this {
    if (this._header !== null) throw codedError('ERR_HTTP_HEADERS_SENT', 'set');
    validateHeaderName(name);
    validateHeaderValue(name, value);
    const store = this.storedHeaders ?? this.newStore();
    store.set(name.toLowerCase(), [name, value]);
    return this;
  }

  /**
   * @internal `setHeader` for a name and value already known valid (`key`:
   * the name lower-cased), before the head is rendered.
   */
  _setCheckedHeader(key: string, name: string, value: string): void {
    (this.storedHeaders ?? this.newStore()).set(key, [name, value]);
  }

  /** Sets several headers from a `Headers` or `Map` (each `set-cookie` value kept). */
  setHeaders(headers: Headers | Map<string, OutgoingHttpHeader>): this {
    if (this._header !== null) throw codedError('ERR_HTTP_HEADERS_SENT', 'set');
    if (
      !headers ||
      Array.isArray(headers) ||
      typeof (headers as { keys?: unknown }).keys !== 'function' ||
      typeof (headers as { get?: unknown }).get !== 'function'
    ) {
      throw codedError('ERR_INVALID_ARG_TYPE', 'headers', ['Headers', 'Map'], headers);
    }
    const cookies: string[] = [];
    for (const [key, value] of headers as Map<string, OutgoingHttpHeader>) {
      if (key === 'set-cookie') {
        if (Array.isArray(value)) cookies.push(...(value as string[]));
        else cookies.push(value as string);
        continue;
      }
      this.setHeader(key, value);
    }
    if (cookies.length > 0) this.setHeader('set-cookie', cookies);
    return this;
  }

  /** Adds a value to a header, keeping earlier values (the header becomes an array). */
  appendHeader(name: string, value: OutgoingHttpHeader): this {
    if (this._header !== null) throw codedError('ERR_HTTP_HEADERS_SENT', 'append');
    validateHeaderName(name);
    validateHeaderValue(name, value);
    const key = name.toLowerCase();
    const store = this.storedHeaders ?? this.newStore();
    const existing = store.get(key);
    if (existing === undefined) {
      store.set(key, [name, value]);
      return this;
    }
    const prev = existing[1];
    const list: string[] = Array.isArray(prev) ? [...(prev as string[])] : [String(prev)];
    if (Array.isArray(value)) for (const v of value as string[]) list.push(v);
    else list.push(String(value));
    existing[1] = list;
    return this;
  }

  /** The value set for `name` (case-insensitive), or undefined. */
  getHeader(name: string): OutgoingHttpHeader | undefined {
    if (typeof name !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', 'name', 'string', name);
    return this.storedHeaders?.get(name.toLowerCase())?.[1];
  }

  /** A copy of the headers set so far, keyed by lower-cased name (null prototype, as Node's). */
  getHeaders(): OutgoingHttpHeaders {
    const out = Object.create(null) as OutgoingHttpHeaders;
    const store = this.storedHeaders;
    if (store) for (const [key, entry] of store) out[key] = entry[1];
    return out;
  }

  /** Lower-cased names of the headers set so far. */
  getHeaderNames(): string[] {
    return this.storedHeaders ? [...this.storedHeaders.keys()] : [];
  }

  /** Names of the headers set so far, in the case they were given. */
  getRawHeaderNames(): string[] {
    const store = this.storedHeaders;
    if (!store) return [];
    const out: string[] = [];
    for (const entry of store.values()) out.push(entry[0]);
    return out;
  }

  hasHeader(name: string): boolean {
    if (typeof name !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', 'name', 'string', name);
    return this.storedHeaders?.has(name.toLowerCase()) ?? false;
  }

  /**
   * Removes a header. Removing `Connection`, `Content-Length`,
   * `Transfer-Encoding` or `Date` also stops it being added automatically.
   */
  removeHeader(name: string): void {
    if (typeof name !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', 'name', 'string', name);
    if (this._header !== null) throw codedError('ERR_HTTP_HEADERS_SENT', 'remove');
    const key = name.toLowerCase();
    switch (key) {
      case 'connection':
        this._removedConnection = true;
        break;
      case 'content-length':
        this._removedContLen = true;
        break;
      case 'transfer-encoding':
        this._removedTE = true;
        break;
      case 'date':
        this.sendDate = false;
        break;
    }
    this.storedHeaders?.delete(key);
  }

  /** @internal The header store, or null when no header was set (writeHead's fast path). */
  _headerStore(): HeaderStore | null {
    return this.storedHeaders;
  }

  private newStore(): HeaderStore {
    this.storedHeaders = new Map();
    return this.storedHeaders;
  }

  /**
   * Sets the trailer section (RFC 9112 §7.1.2), sent after the last chunk;
   * ignored unless the body is chunked. An array value gives one line per
   * element (joined with '; ' for `uniqueHeaders` names). Throws
   * `ERR_INVALID_HTTP_TOKEN` / `ERR_INVALID_CHAR` for bad names / values.
   */
  addTrailers(headers: OutgoingHttpHeaders | readonly (readonly [string, string])[]): void {
    let trailer = '';
    const unique = this._uniqueHeaders;
    const add = (field: string, value: unknown) => {
      validateHeaderName(field, 'Trailer name');
      if (
        Array.isArray(value) &&
        value.length > 1 &&
        (unique === null || !unique.has(field.toLowerCase()))
      ) {
        for (const v of value) {
          if (checkInvalidHeaderChar(String(v)))
            throw codedError('ERR_INVALID_CHAR', 'trailer content', field);
          trailer += `${field}: ${v}${CRLF}`;
        }
        return;
      }
      const text = Array.isArray(value) ? value.join('; ') : String(value);
      if (checkInvalidHeaderChar(text))
        throw codedError('ERR_INVALID_CHAR', 'trailer content', field);
      trailer += `${field}: ${text}${CRLF}`;
    };
    if (Array.isArray(headers)) {
      for (const [field, value] of headers as (readonly [string, string])[]) add(field, value);
    } else {
      for (const key of Object.keys(headers)) add(key, (headers as OutgoingHttpHeaders)[key]);
    }
    this._trailer = trailer;
  }

  // ---- head rendering ------------------------------------------------

  /** @internal Renders the head for an implicit send (status 200 / the request line). */
  _implicitHeader(): void {
    throw codedError('ERR_METHOD_NOT_IMPLEMENTED', '_implicitHeader()');
  }

  /**
   * @internal Renders the head: `firstLine` (ending in CRLF), the given
   * fields, then the fields Node adds itself (`Date`, `Connection`,
   * `Keep-Alive`, `Content-Length` or `Transfer-Encoding`). The head is one
   * latin1 string, written together with the first body bytes.
   */
  _storeHeader(firstLine: string, headers: HeadersInput): void {
    beginHead(firstLine);
    let flags = 0;
    if (headers) {
      if (headers === this.storedHeaders) {
        for (const entry of (headers as HeaderStore).values()) {
          const r = this.renderField(entry[0], entry[1], false);
          addHeadLines(r.text);
          flags |= r.flags;
        }
      } else if (Array.isArray(headers)) {
        if (headers.length > 0 && Array.isArray(headers[0])) {
          for (const entry of headers as (readonly [string, OutgoingHttpHeader])[]) {
            const r = this.renderField(entry[0], entry[1], true);
            addHeadLines(r.text);
            flags |= r.flags;
          }
        } else {
          if (headers.length % 2 !== 0)
            throw codedError('ERR_INVALID_ARG_VALUE', 'headers', headers);
          for (let i = 0; i < headers.length; i += 2) {
            const r = this.renderField(
              headers[i] as string,
              headers[i + 1] as OutgoingHttpHeader,
              true,
            );
            addHeadLines(r.text);
            flags |= r.flags;
          }
        }
      } else {
        const obj = headers as OutgoingHttpHeaders;
        for (const key in obj) {
          // hasOwnProperty, not Object.hasOwn: inside for-in the compiler
          // answers it from the enumeration itself.
          if (!ownProperty.call(obj, key)) continue;
          const r = this.renderField(key, obj[key] as OutgoingHttpHeader, true);
          addHeadLines(r.text);
          flags |= r.flags;
        }
      }
    }

    if (this.sendDate && (flags & F_DATE) === 0) addHeadLines(utcDateLine());

    // A chunked 204/304 would put a zero chunk where no body may be
    // (RFC 9110 §15.3.5, §15.4.5): drop the framing and close instead.
    const status = (this as { statusCode?: number }).statusCode;
    if (this.chunkedEncoding && (status === 204 || status === 304)) {
      this.chunkedEncoding = false;
      this.shouldKeepAlive = false;
    }

    if (this._removedConnection) {
      this._last = !this.shouldKeepAlive;
    } else if ((flags & F_CONNECTION) === 0) {
      const sendKeepAlive =
        this.shouldKeepAlive &&
        ((flags & F_CONTLEN) !== 0 || this.useChunkedEncodingByDefault || Boolean(this.agent));
      if (sendKeepAlive && this.maxRequestsOnConnectionReached) {
        addHeadLines(CONNECTION_CLOSE);
      } else if (sendKeepAlive) {
        addHeadLines(
          this._keepAliveTimeout && this._defaultKeepAlive
            ? keepAliveLines(this._keepAliveTimeout, this._maxRequestsPerSocket)
            : CONNECTION_KEEP_ALIVE,
        );
      } else {
        this._last = true;
        addHeadLines(CONNECTION_CLOSE);
      }
    }

    if ((flags & (F_CONTLEN | F_TE)) === 0) {
      if (!this._hasBody) {
        this.chunkedEncoding = false;
      } else if (!this.useChunkedEncodingByDefault) {
        this._last = true;
      } else if (
        (flags & F_TRAILER) === 0 &&
        !this._removedContLen &&
        typeof this._contentLength === 'number'
      ) {
        addHeadLines(contentLengthLine(this._contentLength));
      } else if (!this._removedTE) {
        addHeadLines(TRANSFER_ENCODING_CHUNKED);
        this.chunkedEncoding = true;
      } else {
        // Neither length nor chunked: the body ends when the connection does.
        this._last = true;
      }
    }

    // A Trailer field promises a trailer section, which needs chunked framing.
    if (this.chunkedEncoding !== true && (flags & F_TRAILER) !== 0) {
      throw codedError('ERR_HTTP_TRAILER_INVALID');
    }

    this._header = endHead();
    this._headerSent = false;

    // A client sending `Expect: 100-continue` sends the head alone and waits
    // (RFC 9110 §10.1.1).
    if ((flags & F_EXPECT) !== 0) this._send('', 'latin1', null);
  }

  /**
   * Renders one field: one line per array element, except `cookie` and the
   * `uniqueHeaders` names, whose arrays are joined with '; ' on one line.
   */
  private renderField(
    name: string,
    value: OutgoingHttpHeader,
    validate: boolean,
  ): { text: string; flags: number } {
    if (typeof value !== 'object') {
      const r = fieldResult;
      const line = renderedLine(name, value, validate);
      r.text = line.text;
      r.flags = line.known === '' ? 0 : this.applyField(line.known, line.value);
      return r;
    }
    if (validate) validateHeaderName(name);
    let text = '';
    if (Array.isArray(value)) {
      const unique = this._uniqueHeaders;
      const lower = name.length === 6 || unique !== null ? name.toLowerCase() : '';
      if (value.length < 2 || (lower !== 'cookie' && (unique === null || !unique.has(lower)))) {
        let flags = 0;
        const known = knownFieldName(name);
        for (const v of value as readonly string[]) {
          if (validate) validateHeaderValue(name, v);
          text += `${name}: ${v}${CRLF}`;
          flags |= this.applyField(known, String(v));
        }
        const r = fieldResult;
        r.text = text;
        r.flags = flags;
        return r;
      }
      value = (value as readonly string[]).join('; ');
    }
    if (validate) validateHeaderValue(name, value);
    const r = fieldResult;
    r.text = `${name}: ${value}${CRLF}`;
    r.flags = this.applyField(knownFieldName(name), String(value));
    return r;
  }

  /** Notes a field that changes framing or persistence (`known`: see `knownFieldName`). */
  private applyField(known: string, value: string): number {
    switch (known) {
      case 'connection':
        this._removedConnection = false;
        if (RE_CONN_CLOSE.test(value)) this._last = true;
        else this.shouldKeepAlive = true;
        return F_CONNECTION;
      case 'transfer-encoding':
        this._removedTE = false;
        if (RE_TE_CHUNKED.test(value)) this.chunkedEncoding = true;
        return F_TE;
      case 'content-length':
        this._contentLength = +value;
        this._removedContLen = false;
        return F_CONTLEN;
      case 'date':
        return F_DATE;
      case 'expect':
        return F_EXPECT;
      case 'trailer':
        return F_TRAILER;
      case 'keep-alive':
        this._defaultKeepAlive = false;
        return 0;
      default:
        return 0;
    }
  }

  // ---- writing -------------------------------------------------------

  /**
   * Writes a piece of the body (rendering the head first with status 200 /
   * the request line if needed). Returns false when the caller should wait
   * for `'drain'`. Errors: `ERR_STREAM_WRITE_AFTER_END`, `ERR_STREAM_DESTROYED`
   * (to the callback and `'error'`), `ERR_STREAM_NULL_VALUES`,
   * `ERR_INVALID_ARG_TYPE`, `ERR_HTTP_BODY_NOT_ALLOWED` (thrown).
   */
  write(chunk: Chunk, callback?: WriteCallback): boolean;
  write(chunk: Chunk, encoding?: BufferEncoding | null, callback?: WriteCallback): boolean;
  write(
    chunk: Chunk,
    encoding?: BufferEncoding | WriteCallback | null,
    callback?: WriteCallback,
  ): boolean {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = null;
    }
    validateChunk(chunk);
    const ret = this.writeBody(chunk, encoding ?? undefined, callback, false);
    if (!ret) this._needDrain = true;
    return ret;
  }

  private writeBody(
    chunk: unknown,
    encoding: BufferEncoding | undefined,
    callback: WriteCallback | undefined,
    fromEnd: boolean,
  ): boolean {
    if (this.finished || this.destroyed) {
      const err = this.finished
        ? codedError('ERR_STREAM_WRITE_AFTER_END')
        : codedError('ERR_STREAM_DESTROYED', 'write');
      if (!this.destroyed) process.nextTick(emitErrorNT, this, err, callback);
      else if (callback) process.nextTick(callback, err);
      return false;
    }
    validateChunk(chunk);
    let len = -1;
    if (this._header === null) {
      if (fromEnd) {
        len = byteLength(chunk, encoding);
        this._contentLength = len;
      }
      this._implicitHeader();
    }
    if (!this._hasBody) {
      if (this._rejectNonStandardBodyWrites) throw codedError('ERR_HTTP_BODY_NOT_ALLOWED');
      if (callback) process.nextTick(callback);
      return true;
    }
    const socket = this.socket;
    // Coalesce the writes made in this tick into one socket write.
    if (!fromEnd && socket && !socket.writableCorked) {
      socket.cork();
      process.nextTick(uncorkNT, socket);
    }
    if (len < 0) len = byteLength(chunk, encoding);
    if (this.strictContentLength) this.checkContentLength(len, false);
    this.bytesWrittenInBody += len;
    if (this.chunkedEncoding && len !== 0) {
      return this.sendChunk(chunk, encoding, len, callback ?? null, '');
    }
    return this._send(chunk, encoding, callback ?? null);
  }

  /**
   * Writes one chunk (RFC 9112 §7.1: chunk-size CRLF data CRLF), followed by
   * `suffix` (the last-chunk and trailers when ending). Strings are framed in
   * one string; buffers get their framing as separate corked writes.
   */
  private sendChunk(
    chunk: Chunk,
    encoding: BufferEncoding | undefined,
    len: number,
    callback: WriteCallback | null,
    suffix: string,
  ): boolean {
    const prefix = `${len.toString(16)}${CRLF}`;
    if (typeof chunk === 'string' && (encoding === undefined || isAsciiCompatible(encoding))) {
      return this._send(`${prefix}${chunk}${CRLF}${suffix}`, encoding, callback);
    }
    this._send(prefix, 'latin1', null);
    this._send(chunk, encoding, null);
    return this._send(`${CRLF}${suffix}`, 'latin1', callback);
  }

  /**
   * @internal Hands `data` to the socket, preceded by the head if it has not
   * gone out yet (one write whenever possible).
   */
  _send(
    data: Chunk,
    encoding: BufferEncoding | undefined,
    callback: WriteCallback | null,
  ): boolean {
    if (!this._headerSent && this._header !== null) {
      const head = this._header;
      this._headerSent = true;
      if (typeof data === 'string') {
        if (
          encoding === 'latin1' ||
          encoding === 'binary' ||
          // A head with bytes above 0x7f is written as latin1 on its own.
          ((encoding === undefined || isAsciiCompatible(encoding)) && !NON_ASCII.test(head))
        ) {
          return this._writeRaw(head + data, encoding ?? 'utf8', callback);
        }
      } else if (data.byteLength <= COALESCE_LIMIT) {
        if (
          data.byteLength <= STRING_JOIN_LIMIT &&
          this.socket instanceof NetSocket &&
          Buffer.isBuffer(data)
        ) {
          return this._writeRaw(head + latin1(data, 0, data.byteLength), 'latin1', callback);
        }
        const headLen = head.length; // latin1: one byte per char
        const buf = Buffer.allocUnsafe(headLen + data.byteLength);
        buf.write(head, 0, 'latin1');
        buf.set(data, headLen);
        return this._writeRaw(buf, undefined, callback);
      }
      const socket = this.socket;
      if (socket && (socket as HttpSocket)._httpMessage === this && socket.writable) {
        socket.cork();
        this._writeRaw(head, 'latin1', null);
        const ret = this._writeRaw(data, encoding, callback);
        socket.uncork();
        return ret;
      }
      this._writeRaw(head, 'latin1', null);
    }
    return this._writeRaw(data, encoding, callback);
  }

  /** @internal Writes to the socket if this message owns it, otherwise buffers. */
  _writeRaw(
    data: Chunk,
    encoding: BufferEncoding | undefined,
    callback: WriteCallback | null,
  ): boolean {
    const conn = this.socket as HttpSocket | null;
    if (conn?.destroyed) return false;
    if (conn && conn._httpMessage === this && conn.writable) {
      if (this.outputData.length > 0) this._flushOutput(conn);
      if (typeof data !== 'string' || data.length > 0 || callback) {
        return encoding === undefined
          ? conn.write(data, callback ?? undefined)
          : conn.write(data, encoding, callback ?? undefined);
      }
      return true;
    }
    this.outputData.push({ data, encoding, callback });
    const n = typeof data === 'string' ? data.length : data.byteLength;
    this.outputSize += n;
    this._onPendingData(n);
    return this.outputSize < this.writableHighWaterMark;
  }

  /** @internal Writes the buffered output to `socket`; returns the last write's result. */
  _flushOutput(socket: Socket): boolean | undefined {
    const data = this.outputData;
    if (data.length === 0) return undefined;
    this.outputData = [];
    const size = this.outputSize;
    this.outputSize = 0;
    this._onPendingData(-size);
    const corked = this.corkedWithoutSocket;
    this.corkedWithoutSocket = 0;
    // Several pieces leave in one corked write; a single one (a request's
    // head, say) is written as is.
    const several = data.length > 1;
    if (several) socket.cork();
    let ret = true;
    for (const p of data) {
      ret =
        p.encoding === undefined
          ? socket.write(p.data, p.callback ?? undefined)
          : socket.write(p.data, p.encoding, p.callback ?? undefined);
    }
    if (several) socket.uncork();
    for (let i = 0; i < corked; i++) socket.cork();
    return ret;
  }

  /** @internal Flushes buffered output once a socket is assigned. */
  _flush(): void {
    const socket = this.socket;
    if (socket?.writable) {
      const ret = this._flushOutput(socket);
      if (this.finished) this._finish();
      else if (ret && this._needDrain) {
        this._needDrain = false;
        this.emit('drain');
      }
    }
  }

  /** @internal All output is on the socket: emits `'prefinish'`. */
  _finish(): void {
    this.emit('prefinish');
  }

  /**
   * Finishes the message: writes `chunk` if given (with `Content-Length` when
   * the head is not out yet), then the last chunk and trailers when chunked.
   * `callback` runs on `'finish'`.
   */
  end(callback?: () => void): this;
  end(chunk: Chunk, callback?: () => void): this;
  end(chunk: Chunk, encoding?: BufferEncoding | null, callback?: () => void): this;
  end(
    chunk?: Chunk | (() => void) | null,
    encoding?: BufferEncoding | (() => void) | null,
    callback?: () => void,
  ): this {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = null;
      encoding = null;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = null;
    }
    const enc = encoding ?? undefined;
    if (this.finished) {
      if (chunk) {
        // More body after end(): reported to the callback and 'error', as write() does.
        if (!this.destroyed) {
          process.nextTick(
            emitErrorNT,
            this,
            codedError('ERR_STREAM_WRITE_AFTER_END'),
            typeof callback === 'function' ? callback : noop,
          );
        }
        return this;
      }
      if (typeof callback === 'function') {
        if (!this.writableFinished) this.once('finish', callback);
        else process.nextTick(callback, codedError('ERR_STREAM_ALREADY_FINISHED', 'end'));
      }
      return this;
    }
    if (this.destroyed) {
      if (typeof callback === 'function') {
        process.nextTick(callback, codedError('ERR_STREAM_DESTROYED', 'end'));
      }
      return this;
    }
    let len = -1;
    if (chunk !== null && chunk !== undefined) {
      validateChunk(chunk);
      if (this._header === null) {
        len = byteLength(chunk, enc);
        this._contentLength = len;
        this._implicitHeader();
      }
      if (this._hasBody) {
        if (len < 0) len = byteLength(chunk, enc);
        if (this.strictContentLength) this.checkContentLength(len, true);
      } else if (this._rejectNonStandardBodyWrites) {
        throw codedError('ERR_HTTP_BODY_NOT_ALLOWED');
      }
    }
    const socket = this.socket;
    // What is left usually goes out in one write (head and body joined, or
    // the body's last bytes): on our own socket that write goes straight to
    // the transport. A Buffer sent chunked (size line, data, CRLF) and any
    // other kind of stream are corked into one write, as in Node.
    if (
      socket &&
      (!(socket instanceof NetSocket) || (this.chunkedEncoding && typeof chunk === 'object'))
    ) {
      socket.cork();
    }
    if (typeof callback === 'function') this.once('finish', callback);
    const finish = onFinish.bind(undefined, this);

    if (chunk !== null && chunk !== undefined) {
      if (!this._hasBody) {
        this._send('', 'latin1', finish);
      } else {
        this.bytesWrittenInBody += len;
        if (this.chunkedEncoding) {
          const last = `0${CRLF}${this._trailer}${CRLF}`;
          if (len > 0) this.sendChunk(chunk, enc, len, finish, last);
          else this._send(last, 'latin1', finish);
        } else if (socket instanceof NetSocket) {
          // Our own socket: the last bytes carry the finish callback.
          this._send(chunk, enc, finish);
        } else {
          // Any other stream sees Node's write pattern: the data, then an
          // empty write that carries the finish callback.
          this._send(chunk, enc, null);
          this._send('', 'latin1', finish);
        }
      }
    } else {
      if (this._header === null) {
        this._contentLength = 0;
        this._implicitHeader();
      }
      if (this.strictContentLength) this.checkContentLength(0, true);
      if (this._hasBody && this.chunkedEncoding) {
        this._send(`0${CRLF}${this._trailer}${CRLF}`, 'latin1', finish);
      } else if (!this._headerSent || this.writableLength > 0) {
        this._send('', 'latin1', finish);
      } else {
        process.nextTick(finish);
      }
    }

    if (socket) {
      // Undo every cork taken in this tick so the message leaves now (or,
      // while the connection batches pipelined responses, with them).
      const base = (socket as HttpSocket)._httpCorked ?? 0;
      while (socket.writableCorked > base) socket.uncork();
    }
    this.finished = true;
    if (this.outputData.length === 0 && socket && (socket as HttpSocket)._httpMessage === this) {
      this._finish();
    }
    return this;
  }

  /**
   * `strictContentLength`: throws `ERR_HTTP_CONTENT_LENGTH_MISMATCH` when
   * writing `len` more bytes would exceed the `Content-Length` sent (or, at
   * the end, not reach it exactly). Only for a body framed by that length.
   */
  private checkContentLength(len: number, atEnd: boolean): void {
    const expected = this._contentLength;
    if (
      expected === null ||
      !this._hasBody ||
      this._removedContLen ||
      this.chunkedEncoding ||
      this.hasHeader('transfer-encoding')
    ) {
      return;
    }
    const total = this.bytesWrittenInBody + len;
    if (atEnd ? total !== expected : total > expected) {
      throw codedError('ERR_HTTP_CONTENT_LENGTH_MISMATCH', total, expected);
    }
  }

  /** Sends the head now, without waiting for body bytes. */
  flushHeaders(): void {
    if (this._header === null) this._implicitHeader();
    this._send('', 'latin1', null);
  }

  /** Batches writes until `uncork()` (on the socket once assigned). */
  cork(): void {
    if (this.socket) this.socket.cork();
    else this.corkedWithoutSocket++;
  }

  uncork(): void {
    if (this.socket) this.socket.uncork();
    else if (this.corkedWithoutSocket > 0) this.corkedWithoutSocket--;
  }

  /** Calls `socket.setTimeout(msecs)` once a socket is assigned; `callback` listens for `'timeout'`. */
  setTimeout(msecs: number, callback?: () => void): this {
    if (callback) this.on('timeout', callback);
    if (this.socket) this.socket.setTimeout(msecs);
    else this.once('socket', (socket: Socket) => socket.setTimeout(msecs));
    return this;
  }

  /** Destroys the message and its socket (now, or once one is assigned). */
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.errored = error ?? null;
    if (this.socket) this.socket.destroy(error);
    else this.once('socket', (socket: Socket) => socket.destroy(error));
    return this;
  }

  /** With `events.captureRejections`, a rejected async listener destroys the message with its error. */
  override [captureRejectionSymbol](err: Error): void {
    this.destroy(err);
  }

  /** OutgoingMessage is write-only: piping from it emits `ERR_STREAM_CANNOT_PIPE`. */
  override pipe<T extends NodeJS.WritableStream>(destination: T): T {
    this.emit('error', codedError('ERR_STREAM_CANNOT_PIPE'));
    return destination;
  }
}

// DEP0066: Node's old private views of the header store, kept for old code.
let dep0066Headers = false;
let dep0066Names = false;
function warnDep0066(which: '_headers' | '_headerNames'): void {
  if (which === '_headers' ? dep0066Headers : dep0066Names) return;
  if (which === '_headers') dep0066Headers = true;
  else dep0066Names = true;
  process.emitWarning(
    `OutgoingMessage.prototype.${which} is deprecated`,
    'DeprecationWarning',
    'DEP0066',
  );
}

type StoreAccess = { storedHeaders: HeaderStore | null };

Object.defineProperty(OutgoingMessage.prototype, '_headers', {
  configurable: true,
  enumerable: false,
  get(this: OutgoingMessage) {
    warnDep0066('_headers');
    return this.getHeaders();
  },
  set(this: OutgoingMessage, value: OutgoingHttpHeaders | null) {
    warnDep0066('_headers');
    const self = this as unknown as StoreAccess;
    if (value === null || value === undefined) {
      self.storedHeaders = null;
      return;
    }
    if (typeof value === 'object') {
      const store: HeaderStore = new Map();
      self.storedHeaders = store;
      for (const key of Object.keys(value)) {
        const v = value[key];
        if (v !== undefined) store.set(key.toLowerCase(), [key, v]);
      }
    }
  },
});

Object.defineProperty(OutgoingMessage.prototype, '_headerNames', {
  configurable: true,
  enumerable: false,
  get(this: OutgoingMessage) {
    warnDep0066('_headerNames');
    const store = (this as unknown as StoreAccess).storedHeaders;
    if (store === null) return null;
    const out = Object.create(null) as Record<string, string>;
    for (const [key, entry] of store) out[key] = entry[0];
    return out;
  },
  set(this: OutgoingMessage, value: Record<string, string> | null) {
    warnDep0066('_headerNames');
    const store = (this as unknown as StoreAccess).storedHeaders;
    if (typeof value === 'object' && value !== null && store !== null) {
      for (const key of Object.keys(value)) {
        const entry = store.get(key);
        if (entry) entry[0] = value[key]!;
      }
    }
  },
});

function isAsciiCompatible(encoding: string): boolean {
  return (
    encoding === 'utf8' ||
    encoding === 'utf-8' ||
    encoding === 'latin1' ||
    encoding === 'binary' ||
    encoding === 'ascii'
  );
}

function noop(): void {}
