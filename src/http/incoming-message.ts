/**
 * `http.IncomingMessage`: a received request (server side) or response
 * (client side) — the head's fields as properties, the body as a
 * `stream.Readable` (Node's http doc, "Class: http.IncomingMessage").
 *
 * Backpressure: when the body consumer falls behind (`push()` returns false)
 * the socket is paused, and `_read()` resumes it.
 */

// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import process from 'node:process';
import { Readable } from 'node:stream';
import type { Socket } from '../net/socket.js';
import {
  addHeaderLine,
  buildHeaders,
  buildHeadersDistinct,
  type IncomingHttpHeaders,
  type IncomingHttpHeadersDistinct,
} from './headers.js';
import { eventNames } from './lazy-listeners.js';
import { kHome } from './server-node-prototypes.js';

/** A socket whose reading the server has paused on purpose (pipelining flood control). */
type PausableSocket = Socket & { _paused?: boolean };

/** The fields of stream.Readable's state set here (plain fields or accessors, per Node version). */
type ReadableStateLike = {
  length: number;
  readingMore: boolean;
  resumeScheduled: boolean;
  ended: boolean;
  endEmitted: boolean;
  flowing: boolean | null;
  paused: boolean;
  destroyed: boolean;
  closed: boolean;
  closeEmitted: boolean;
};
const ReadableState = (
  Readable as unknown as {
    ReadableState: new (
      options: { highWaterMark?: number } | undefined,
      stream: Readable,
      isDuplex: boolean,
    ) => ReadableStateLike;
  }
).ReadableState;

/**
 * Advances once the ticks after a callback have all run: a request dumped
 * in an earlier epoch has, in Node, finished by now ('end' emitted,
 * auto-destroyed, closed). Bumped by each server read (`nextEpoch`) and by
 * one shared immediate per loop iteration in which a request was dumped.
 */
let epoch = 0;
let epochBumpScheduled = false;

function bumpEpoch(): void {
  epochBumpScheduled = false;
  epoch++;
}

/** @internal A new callback begins (the server connection calls it per read). */
export function nextEpoch(): void {
  epoch++;
}

/**
 * stream.Readable's constructor without the stream state: an
 * IncomingMessage builds its `_readableState` on first use (see
 * `materializeState`). Most server requests (a GET, say) are never read
 * as a stream: their handler answers without touching the body, and the
 * state, with its buffer list and flags, is never needed. The prototype
 * chain is Readable's, so `instanceof Readable` and every Readable method
 * hold; any of them reaches `_readableState` and so builds it first.
 *
 * Nor is EventEmitter's constructor run: its listener table (`_events`, a
 * dictionary object) is made by EventEmitter's own methods when the first
 * listener is added, and emitting without one finds no table and returns
 * (as for any emitter whose constructor did not run). A message nobody
 * listens to never has one.
 */
function LazyReadable(): void {}
Object.setPrototypeOf(LazyReadable.prototype, Readable.prototype);
LazyReadable.prototype.eventNames = eventNames;
Object.setPrototypeOf(LazyReadable, Readable);

/** Returns the object it is given: a subclass's fields are then defined on that object. */
class FieldDefiner {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point of this class
    return target;
  }
}
let stateToDefine: unknown;
/** Defines `_readableState` on the object given, as a class field does. */
class ReadableStateField extends FieldDefiner {
  _readableState = stateToDefine;
}

/**
 * Makes `state` the message's own `_readableState` data property, shadowing
 * the prototype's lazy accessor. A class field's definition does that
 * through V8's cached define-property path, where `Object.defineProperty`
 * builds a descriptor and calls into the runtime on every message (~5% of
 * a keep-alive client request).
 */
function defineReadableState(msg: object, state: unknown): void {
  stateToDefine = state;
  new ReadableStateField(msg);
  stateToDefine = undefined;
}

/**
 * @internal Builds `msg`'s stream state on first use, replaying the end of
 * the body and a dump. (Functions of this module rather than methods, here
 * and below: a framework may move the message onto other prototypes.)
 */
function materializeState(msg: IncomingMessage): ReadableStateLike {
  const hwm = msg._highWaterMark;
  const state = new ReadableState(
    hwm === undefined ? undefined : { highWaterMark: hwm },
    msg,
    false,
  );
  // Readable would otherwise call _read() again and again while below the
  // high-water mark; the body arrives by push() from the parser instead.
  state.readingMore = !msg._consuming;
  defineReadableState(msg, state);
  msg._stateReady = true;
  if (msg._eofPending) {
    msg._eofPending = false;
    msg.push(null);
  }
  if (msg._dumped) {
    if (state.ended && msg._dumpEpoch !== epoch) {
      // Node's dump has run its course by now: resumed, 'end' emitted,
      // auto-destroyed, 'close' emitted — all with nobody listening.
      state.flowing = true;
      state.paused = false;
      state.endEmitted = true;
      state.destroyed = true;
      state.closed = true;
      state.closeEmitted = true;
    } else {
      msg.resume();
    }
  }
  return state;
}

/** @internal The whole body was received: `push(null)`, or its promise while the state is not built. */
export function pushEnd(msg: IncomingMessage): void {
  if (msg._stateReady) msg.push(null);
  else msg._eofPending = true;
}

/** @internal Sets the version fields from the parsed start line. */
export function setVersion(msg: IncomingMessage, major: number, minor: number): void {
  msg.httpVersionMajor = major;
  msg.httpVersionMinor = minor;
  msg.httpVersion =
    major === 1 ? (minor === 1 ? '1.1' : minor === 0 ? '1.0' : `1.${minor}`) : `${major}.${minor}`;
}

export class IncomingMessage extends (LazyReadable as unknown as typeof Readable) {
  /** The connection; null once a kept-alive client socket is released to the agent. */
  socket: Socket | null;
  /** `'1.1'`, `'1.0'`. */
  httpVersion = '';
  httpVersionMajor = 0;
  httpVersionMinor = 0;
  /** True once the whole message (body and trailers) was received. */
  complete = false;
  /** Field lines as received, `[name, value, ...]` (names keep their case). */
  rawHeaders: string[] = [];
  /** Trailer field lines as received, `[name, value, ...]`; filled at the end of the body. */
  rawTrailers: string[] = [];
  /** Fold duplicates of the keep-first fields with `', '` too (option `joinDuplicateHeaders`). */
  joinDuplicateHeaders = false;
  /** True when the message was cut short (connection closed or destroyed mid-body). */
  aborted = false;
  /** Server: upgrade / CONNECT request handed to `'upgrade'` / `'connect'`. Client: 101 or CONNECT response. */
  upgrade = false;
  /** Request only: the request-target as received (e.g. `/status?name=ryan`). */
  url = '';
  /** Request only: the method, e.g. `GET`. */
  method: string | null = null;
  /** Response only: the 3-digit status code. */
  statusCode: number | null = null;
  /** Response only: the reason phrase, e.g. `OK`. */
  statusMessage: string | null = null;
  /** @internal The consumer started reading (read(), pipe(), 'data'). */
  _consuming = false;
  /** @internal The body is being discarded. */
  _dumped = false;
  /** @internal How many `rawHeaders` entries `headers` is built from (`maxHeadersCount` × 2; 0 = all). */
  _maxHeaderEntries = 0;
  /** @internal Client: the request this response answers. */
  req: unknown = null;
  private headersCache: IncomingHttpHeaders | null = null;
  private headersDistinctCache: IncomingHttpHeadersDistinct | null = null;
  private trailersCache: IncomingHttpHeaders | null = null;
  private trailersDistinctCache: IncomingHttpHeadersDistinct | null = null;

  /** @internal The stream state exists (see `materializeState`). */
  _stateReady = false;
  /** @internal The body ended before the stream state existed: push(null) when it is built. */
  _eofPending = false;
  /** A read() has found the body ended and drained: Readable has scheduled 'end'. */
  private endScheduled = false;
  /** @internal The epoch of `_dump()` while the state was not built. */
  _dumpEpoch = -1;
  /** @internal The socket's readableHighWaterMark at construction (undefined: the stream default). */
  readonly _highWaterMark: number | undefined;

  /** @internal The prototype this message was built with (see ./server-node-prototypes.ts). */
  declare [kHome]: object;

  constructor(socket: Socket | null) {
    super();
    this.socket = socket;
    this._highWaterMark = socket ? socket.readableHighWaterMark : undefined;
    this[kHome] = new.target.prototype;
  }

  /** Alias of `socket` (Node's legacy name). */
  get client(): Socket | null {
    return this.socket;
  }
  set client(value: Socket | null) {
    this.socket = value;
  }

  /** Alias of `socket` (deprecated in Node). */
  get connection(): Socket | null {
    return this.socket;
  }
  set connection(value: Socket | null) {
    this.socket = value;
  }

  /**
   * Received fields with lower-cased names. Built on first access from
   * `rawHeaders` (most handlers never look at most headers); duplicates
   * folded as Node does (see `buildHeaders`).
   */
  get headers(): IncomingHttpHeaders {
    if (this.headersCache === null) {
      this.headersCache = buildHeaders(
        this.rawHeaders,
        this.joinDuplicateHeaders,
        this._maxHeaderEntries,
      );
    }
    return this.headersCache;
  }
  set headers(value: IncomingHttpHeaders) {
    this.headersCache = value;
  }

  /** Every received field as an array of its values, names lower-cased. */
  get headersDistinct(): IncomingHttpHeadersDistinct {
    if (this.headersDistinctCache === null) {
      this.headersDistinctCache = buildHeadersDistinct(this.rawHeaders);
    }
    return this.headersDistinctCache;
  }
  set headersDistinct(value: IncomingHttpHeadersDistinct) {
    this.headersDistinctCache = value;
  }

  /** Trailer fields (chunked bodies), available after `'end'`. */
  get trailers(): IncomingHttpHeaders {
    if (this.trailersCache === null) {
      this.trailersCache = buildHeaders(this.rawTrailers, this.joinDuplicateHeaders);
    }
    return this.trailersCache;
  }
  set trailers(value: IncomingHttpHeaders) {
    this.trailersCache = value;
  }

  get trailersDistinct(): IncomingHttpHeadersDistinct {
    if (this.trailersDistinctCache === null) {
      this.trailersDistinctCache = buildHeadersDistinct(this.rawTrailers);
    }
    return this.trailersDistinctCache;
  }
  set trailersDistinct(value: IncomingHttpHeadersDistinct) {
    this.trailersDistinctCache = value;
  }

  /**
   * Adds one field line to `dest` (lower-casing the name) with Node's
   * duplicate rules (see `addHeaderLine`). Node's legacy helper.
   */
  _addHeaderLine(field: string, value: string, dest: Record<string, unknown>): void {
    addHeaderLine(dest, String(field).toLowerCase(), value, this.joinDuplicateHeaders);
  }

  /** Adds the first `n` entries of flattened field lines to `headers` (or `trailers` once complete). */
  _addHeaderLines(headers: readonly string[], n: number): void {
    if (!headers || headers.length === 0) return;
    const dest = (this.complete ? this.trailers : this.headers) as Record<string, unknown>;
    for (let i = 0; i < n; i += 2) this._addHeaderLine(headers[i]!, headers[i + 1]!, dest);
  }

  /** Calls `socket.setTimeout(msecs)`; `callback` listens for `'timeout'` on this message. */
  setTimeout(msecs: number, callback?: () => void): this {
    if (callback) this.on('timeout', callback);
    this.socket?.setTimeout(msecs);
    return this;
  }

  override read(size?: number): unknown {
    const state = (this as unknown as { _readableState: ReadableStateLike })._readableState;
    if (!this._consuming) {
      state.readingMore = false;
      this._consuming = true;
    }
    // Once the body has ended and its buffer is empty, every read() schedules
    // one more 'end' tick (Readable's endReadable); a flowing message is read
    // that way three or four times in a row, and all but the first tick find
    // 'end' emitted and do nothing. Such repeats are answered here. Only
    // unshift() can refill the buffer after the end; it clears the mark.
    if (this.endScheduled && (size === undefined || size === 0) && state.length === 0) {
      return null;
    }
    const drained = state.ended && state.length === 0;
    const ret = super.read(size);
    // A read() of everything (no size) that empties an ended buffer schedules 'end' too.
    if (drained || (size === undefined && state.ended && state.length === 0)) {
      this.endScheduled = true;
    }
    return ret;
  }

  override unshift(chunk: unknown, encoding?: BufferEncoding): void {
    this.endScheduled = false;
    super.unshift(chunk, encoding);
  }

  override _read(_size: number): void {
    if (!this._consuming) {
      (this as unknown as { _readableState: { readingMore: boolean } })._readableState.readingMore =
        false;
      this._consuming = true;
    }
    // The consumer wants more: resume the socket unless the server paused it
    // for its own reasons.
    const socket = this.socket as PausableSocket | null;
    if (socket && !socket._paused && socket.readable && socket.isPaused()) socket.resume();
  }

  /**
   * Destroying a message that is not complete marks it `aborted` (emitting
   * the deprecated `'aborted'`) and destroys the socket. The error reaches
   * `'error'` only when someone listens for it, as in Node.
   */
  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.readableEnded || !this.complete) {
      this.aborted = true;
      this.emit('aborted');
    }
    const socket = this.socket;
    if (socket && !socket.destroyed && this.aborted) socket.destroy(err ?? undefined);
    process.nextTick(onDestroyed, this, err, callback);
  }

  /** @internal Discards the body (nobody reads it) so the connection can move on. */
  _dump(): void {
    if (!this._dumped) {
      this._dumped = true;
      // Without a stream state nobody listens or reads yet: the state is
      // built dumped (resumed) if anyone ever asks for it.
      if (!this._stateReady) {
        this._dumpEpoch = epoch;
        if (!epochBumpScheduled) {
          epochBumpScheduled = true;
          setImmediate(bumpEpoch);
        }
        return;
      }
      this.removeAllListeners('data');
      this.resume();
    }
  }
}

Object.defineProperty(IncomingMessage.prototype, '_readableState', {
  configurable: true,
  get(this: IncomingMessage) {
    return materializeState(this);
  },
  set(this: IncomingMessage, value: unknown) {
    defineReadableState(this, value);
    this._stateReady = true;
  },
});

function onDestroyed(
  msg: IncomingMessage,
  err: Error | null,
  callback: (error?: Error | null) => void,
): void {
  if (msg.listenerCount('error') === 0) callback();
  else callback(err);
}
