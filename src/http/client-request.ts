/**
 * `http.ClientRequest`, `http.request` and `http.get` (Node's http doc,
 * "Class: http.ClientRequest", "http.request()"): an outgoing request over a
 * socket from an `Agent` (or `createConnection`), and the response read back
 * with a response parser.
 *
 * Events, in Node's order: `'socket'`, then `'information'` (1xx other than
 * 101, with `'continue'` for 100), `'response'` (res) — or `'upgrade'` /
 * `'connect'` (res, socket, head) — then `'close'`; `'timeout'`, `'abort'`,
 * `'error'` (`ECONNRESET` "socket hang up" when the connection ends before a
 * response; `HPE_*` parse errors; connect errors such as `ECONNREFUSED`).
 */
// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { finished } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import { AbortError, codedError } from '../errors/index.js';
import type { LookupFunction } from '../handle/types.js';
import { createConnection } from '../net/connect.js';
import type { Socket } from '../net/socket.js';
import { validateBoolean, validateTimeout } from '../util/validators.js';
import { Agent, type AgentRequestOptions, globalAgent } from './agent.js';
import {
  checkIsHttpToken,
  headerEntryLimit,
  type OutgoingHttpHeaders,
  validateHeaderValue,
} from './headers.js';
import { IncomingMessage, setVersion } from './incoming-message.js';
import { nodeOptions } from './node-options.js';
import { type HttpSocket, OutgoingMessage, parseUniqueHeadersOption } from './outgoing-message.js';
import type { HttpParser } from './parser.js';
import { allocParser, releaseParser } from './parser-pool.js';
import {
  type HeadersInfo,
  HeadersResult,
  type HttpParseError,
  type HttpParserHandlers,
} from './parser-types.js';

/** Options of `http.request(options)`. Times are milliseconds, sizes bytes. */
export interface RequestOptions {
  /** `undefined`: `globalAgent`; `false`: a fresh Agent for this request; or an Agent. */
  agent?: Agent | boolean | null;
  /** `user:password` for Basic authentication (RFC 7617). */
  auth?: string | null;
  /** Opens the connection instead of the agent: `(options, callback) => socket`. */
  createConnection?: (
    options: RequestOptions,
    callback: (err: Error | null, socket?: Socket) => void,
  ) => Socket | undefined;
  defaultPort?: number;
  /** Address family for name resolution: 4, 6 or 0. */
  family?: number;
  /** Header fields: an object, or a flat `[name, value, ...]` array sent as is. */
  headers?: OutgoingHttpHeaders | readonly string[];
  /** Host name or IP (default `'localhost'`); `hostname` wins if both are given. */
  host?: string | null;
  hostname?: string | null;
  insecureHTTPParser?: boolean;
  joinDuplicateHeaders?: boolean;
  localAddress?: string;
  localPort?: number;
  lookup?: LookupFunction;
  /** Largest accepted response header section, bytes (default 16 KiB). */
  maxHeaderSize?: number;
  /** Request method (default `'GET'`); upper-cased. */
  method?: string;
  /** Request-target (default `'/'`), including any query string. */
  path?: string | null;
  port?: number | string | null;
  protocol?: string | null;
  /** Add a Host header automatically (default true). */
  setHost?: boolean;
  /** Request headers sent once: an array value is joined with '; ' on one line. */
  uniqueHeaders?: readonly string[];
  /** Aborts the request (AbortError) when it fires. */
  signal?: AbortSignal;
  /** Unix domain socket to connect to. */
  socketPath?: string;
  /** Socket idle timeout, ms: emits `'timeout'`. */
  timeout?: number;
  [option: string]: unknown;
}

export type ResponseListener = (res: IncomingMessage) => void;

/** The request-target may not contain controls, spaces (RFC 9112 §3.2) or chars above 0xff. */
function isInvalidPath(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c > 0xff) return true;
  }
  return false;
}
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

type ClientSocket = HttpSocket & {
  parser?: HttpParser | null;
  _httpReader?: ResponseReader | null;
  /** @internal This socket's consumer (see `tickOnSocket`), made once. */
  _httpConsumer?: (chunk: Buffer, shared: boolean) => void;
  /** @internal The reader of this socket's responses, reset for each request. */
  _responseReader?: ResponseReader;
};

function connResetException(message: string): Error {
  const err = new Error(message) as Error & { code: string };
  err.code = 'ECONNRESET';
  return err;
}

function validateHost(host: unknown, name: string): string | null | undefined {
  if (host !== null && host !== undefined && typeof host !== 'string') {
    throw codedError(
      'ERR_INVALID_ARG_TYPE',
      `options.${name}`,
      ['string', 'undefined', 'null'],
      host,
    );
  }
  return host as string | null | undefined;
}

/** Largest timer duration, ms (2^31 - 1, as Node's timers). */
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * A timer duration as Node's timers take it: validated, and clamped to
 * TIMEOUT_MAX with a `TimeoutOverflowWarning` from the caller's stack.
 */
function timerDuration(value: unknown, name: string): number {
  const msecs = validateTimeout(value, name);
  if (msecs > TIMEOUT_MAX) {
    process.emitWarning(
      `${msecs} does not fit into a 32-bit signed integer.\nTimer duration was truncated to ${TIMEOUT_MAX}.`,
      'TimeoutOverflowWarning',
    );
    return TIMEOUT_MAX;
  }
  return msecs;
}

/**
 * Reads the response(s) on one socket for one request. Separate from the
 * request so that the parser's handler object has exactly these methods.
 */
class ResponseReader implements HttpParserHandlers {
  /** The request whose response is read; null between requests (an idle socket keeps no request alive). */
  req: ClientRequest | null = null;
  readonly socket: ClientSocket;
  /** The response whose body is being read. */
  res: IncomingMessage | null = null;
  /** The response announced an upgrade / an answer to CONNECT: stop parsing. */
  upgraded = false;
  /** The final (non-1xx) response has been completely read. */
  done = false;
  /** Inside `parser.execute()` (a handler may cause more data to arrive synchronously). */
  executing = false;
  /** Data that arrived while executing. */
  pending: Buffer[] | null = null;
  /** The data being parsed views the socket's shared read buffer: what is kept is copied. */
  inputShared = false;

  /** `rawHeaders` entries used for `res.headers` (req.maxHeadersCount × 2). */
  maxHeaderEntries = 0;

  constructor(req: ClientRequest, socket: ClientSocket) {
    this.socket = socket;
    this.reset(req);
  }

  /** Ready for `req`, the next request on the socket (one reader per socket, not per request). */
  reset(req: ClientRequest): void {
    this.req = req;
    this.res = null;
    this.upgraded = false;
    this.done = false;
    this.executing = false;
    this.pending = null;
    this.inputShared = false;
    this.maxHeaderEntries = headerEntryLimit(req.maxHeadersCount);
  }

  onHeadersComplete(info: HeadersInfo): HeadersResult {
    const req = this.req!;
    const socket = this.socket;
    const res = new IncomingMessage(socket);
    setVersion(res, info.versionMajor, info.versionMinor);
    res.rawHeaders = info.rawHeaders;
    res.statusCode = info.statusCode;
    res.statusMessage = info.statusMessage;
    res.joinDuplicateHeaders = req.joinDuplicateHeaders;
    res._maxHeaderEntries = this.maxHeaderEntries;
    res.upgrade = info.upgrade;

    if (req.res) {
      // A second final response for one request: the stream is corrupt.
      // Its body is parsed (and dropped) so that it raises no parse error.
      socket.destroy();
      return HeadersResult.Normal;
    }
    if (info.upgrade) {
      req.res = res;
      this.res = res;
      this.upgraded = true;
      return HeadersResult.Normal;
    }
    if (req.method === 'CONNECT') {
      // A 2xx answer to CONNECT turns the connection into a tunnel
      // (RFC 9110 §9.3.6): stop parsing, as for an upgrade.
      req.res = res;
      this.res = res;
      res.upgrade = true;
      this.upgraded = true;
      return HeadersResult.Upgrade;
    }
    const status = info.statusCode;
    if (status >= 100 && status < 200 && status !== 101) {
      // Interim response (RFC 9110 §15.2): report it and wait for the final
      // one. A 101 that switches nothing (no Upgrade) is final, as in Node.
      if (status === 100) req.emit('continue');
      req.emit('information', {
        statusCode: status,
        statusMessage: info.statusMessage,
        httpVersion: res.httpVersion,
        httpVersionMajor: res.httpVersionMajor,
        httpVersionMinor: res.httpVersionMinor,
        headers: res.headers,
        rawHeaders: res.rawHeaders,
      });
      return HeadersResult.SkipBody;
    }
    if (req.shouldKeepAlive && !info.shouldKeepAlive && !req.upgradeOrConnect) {
      // The server does not persist the connection (RFC 9112 §9.3).
      req.shouldKeepAlive = false;
    }
    req.res = res;
    res.req = req;
    this.res = res;
    res.on('end', responseOnEnd);
    req.on('finish', requestOnFinish);
    socket.on('timeout', responseOnTimeout);
    if (req.aborted || !req.emit('response', res)) res._dump();
    if (req.method === 'HEAD') return HeadersResult.SkipBody;
    if (status === 304) {
      res.complete = true;
      return HeadersResult.SkipBody;
    }
    return HeadersResult.Normal;
  }

  onBody(chunk: Buffer): void {
    const res = this.res;
    if (res === null || res._dumped) return;
    // `chunk` views the read: pushed as is when the read is ours to keep,
    // copied when it is the shared read buffer.
    if (!res.push(this.inputShared ? Buffer.from(chunk) : chunk)) this.socket.pause();
  }

  onMessageComplete(rawTrailers: string[]): void {
    const res = this.res;
    if (res === null) return; // an interim response
    this.res = null;
    this.done = true;
    res.complete = true;
    if (rawTrailers.length > 0) res.rawTrailers = rawTrailers;
    if (!res.upgrade) res.push(null);
    // Read on: the socket may have been paused for this body's consumer.
    const socket = this.socket;
    if (socket.readable && socket.isPaused()) socket.resume();
  }
}

// ---- socket listeners (this = socket) -----------------------------------

function socketOnData(this: ClientSocket, d: Buffer): void {
  readResponse(this, d, false);
}

function readResponse(socket: ClientSocket, d: Buffer, shared: boolean): void {
  const req = socket._httpMessage as ClientRequest | null | undefined;
  const parser = socket.parser;
  const reader = socket._httpReader;
  if (!req || !parser || !reader) return;
  if (reader.executing) {
    // Data pushed synchronously from a handler (e.g. 'information') while
    // the parser is running: parsed right after the current buffer.
    (reader.pending ??= []).push(shared ? Buffer.from(d) : d);
    return;
  }
  reader.inputShared = shared;
  reader.executing = true;
  const ret = parser.execute(d);
  reader.executing = false;
  const pending = reader.pending;
  if (pending !== null && parser.error === null && !reader.upgraded && !reader.done) {
    reader.pending = null;
    for (const next of pending) readResponse(socket, next, false);
    return;
  }
  const err = parser.error as HttpParseError | null;
  if (err) {
    err.rawPacket = shared ? Buffer.from(d) : d;
    freeParser(socket);
    socket.destroy();
    socket._hadError = true;
    req.emit('error', err);
    return;
  }
  if (reader.upgraded) {
    const res = req.res!;
    const head = shared ? Buffer.from(d.subarray(ret)) : d.subarray(ret);
    const event = req.method === 'CONNECT' ? 'connect' : 'upgrade';
    if (req.listenerCount(event) > 0) {
      req.upgradeOrConnect = true;
      socket.emit('agentRemove');
      detachSocketListeners(socket);
      freeParser(socket);
      socket._httpMessage = null;
      req.emit(event, res, socket, head);
      req.destroyed = true;
      req._closed = true;
      req.emit('close');
    } else {
      socket.destroy();
    }
    return;
  }
  if (reader.done) {
    // The response is complete: this request reads no more from the socket.
    socket.removeListener('data', socketOnData);
    socket.removeListener('drain', socketOnDrain);
    freeParser(socket);
  }
}

function socketOnEnd(this: ClientSocket): void {
  const req = this._httpMessage as ClientRequest | null | undefined;
  if (req && !req.res && !this._hadError) {
    this._hadError = true;
    req.emit('error', connResetException('socket hang up'));
  }
  const parser = this.parser;
  if (parser) {
    parser.finish();
    freeParser(this);
  }
  if (typeof this.destroySoon !== 'function' && this.writable) {
    // A plain Duplex from createConnection: end our side too, so that its
    // peer sees the end (a socket is simply destroyed, as in Node).
    this.end();
    return;
  }
  this.destroy();
}

function socketErrorListener(this: ClientSocket, err: Error): void {
  const req = this._httpMessage as ClientRequest | null | undefined;
  if (!req || req._keptAlive) {
    // Given back to the agent (see `responseKeepAlive`): out of its pool, as
    // the agent's own free-socket listener does.
    this.destroy();
    this.emit('agentRemove');
    return;
  }
  this._hadError = true;
  req.emit('error', err);
  const parser = this.parser;
  if (parser) {
    parser.finish();
    freeParser(this);
  }
  this.removeListener('data', socketOnData);
  this.removeListener('end', socketOnEnd);
  this.destroy();
}

function socketCloseListener(this: ClientSocket): void {
  const req = this._httpMessage as ClientRequest | null | undefined;
  if (!req || req._keptAlive) return; // given back to the agent
  const parser = this.parser;
  const res = req.res;
  req.destroyed = true;
  if (res) {
    // Closed before the response ended.
    if (!res.complete) res.destroy(connResetException('aborted'));
    req._closed = true;
    req.emit('close');
    if (!res.aborted && res.readable) res.push(null);
  } else {
    if (!this._hadError) {
      // The connection ended before any response: the error is the request's.
      this._hadError = true;
      req.emit('error', connResetException('socket hang up'));
    }
    req._closed = true;
    req.emit('close');
  }
  if (parser) {
    parser.finish();
    freeParser(this);
  }
}

function socketOnDrain(this: ClientSocket): void {
  const msg = this._httpMessage;
  if (msg && !msg.finished && msg._needDrain) {
    msg._needDrain = false;
    msg.emit('drain');
  }
}

function responseOnTimeout(this: ClientSocket): void {
  const req = this._httpMessage as ClientRequest | null | undefined;
  const res = req?.res;
  if (res) res.emit('timeout');
}

function emitRequestTimeout(this: ClientSocket): void {
  const req = this._httpMessage;
  if (req) req.emit('timeout');
}

function detachSocketListeners(socket: ClientSocket): void {
  socket._httpListenersKept = false;
  socket.removeListener('error', socketErrorListener);
  socket.removeListener('data', socketOnData);
  socket.removeListener('end', socketOnEnd);
  socket.removeListener('close', socketCloseListener);
  socket.removeListener('drain', socketOnDrain);
  socket.removeListener('timeout', responseOnTimeout);
  socket.removeListener('timeout', emitRequestTimeout);
}

function freeParser(socket: ClientSocket): void {
  const parser = socket.parser;
  const reader = socket._httpReader;
  if (reader) {
    reader.req = null;
    reader.res = null;
  }
  socket.parser = null;
  socket._httpReader = null;
  socket._unconsume?.();
  if (parser) releaseParser(parser);
}

// ---- request completion (this = response / request) ----------------------

function responseOnEnd(this: IncomingMessage): void {
  const req = this.req as ClientRequest;
  const socket = req.socket as ClientSocket | null;
  if (socket) {
    if (req.timeoutCb) socket.removeListener('timeout', emitRequestTimeout);
    socket.removeListener('timeout', responseOnTimeout);
  }
  req._ended = true;
  if (!req.shouldKeepAlive) {
    if (socket?.writable) {
      // Any Duplex may come from createConnection; only sockets have destroySoon.
      if (typeof socket.destroySoon === 'function') socket.destroySoon();
      else socket.end();
    }
  } else if (req.writableFinished && !this.aborted) {
    responseKeepAlive(req);
  }
}

function requestOnFinish(this: ClientRequest): void {
  if (this.shouldKeepAlive && this._ended) responseKeepAlive(this);
}

/** Both the request and its response are done: give the socket back to the agent. */
function responseKeepAlive(req: ClientRequest): void {
  const socket = req.socket as ClientSocket;
  if (req.timeoutCb) {
    socket.setTimeout(0);
    req.timeoutCb = null;
  }
  // The timeout listeners went in responseOnEnd; 'data' and 'drain' when
  // the response completed (socketOnData), unless the parser is still here.
  // With our agent, 'error' and 'close' stay for the socket's next request
  // (idle, they only take an erroring socket out of the pool); any other
  // agent puts its own listeners on a free socket, as Node's does.
  if (req.agent instanceof Agent) {
    req._keptAlive = true;
  } else {
    socket._httpListenersKept = false;
    socket.removeListener('error', socketErrorListener);
    socket.removeListener('close', socketCloseListener);
  }
  socket.removeListener('end', socketOnEnd);
  if (socket.parser !== null) {
    socket._unconsume?.();
    socket.removeListener('data', socketOnData);
    socket.removeListener('drain', socketOnDrain);
  }
  req.destroyed = true;
  if (req.res) {
    // The response must not destroy a socket that now belongs to the pool.
    req.res.socket = null;
  }
  process.nextTick(emitFreeNT, req);
}

function emitFreeNT(req: ClientRequest): void {
  req._closed = true;
  req.emit('close');
  if (req.socket) req.socket.emit('free');
}

function destroyRequestNT(req: ClientRequest, err: Error | null | undefined): void {
  if (!req.aborted && !err) err = connResetException('socket hang up');
  if (err) req.emit('error', err);
  req._closed = true;
  req.emit('close');
}

function onSocketNT(req: ClientRequest, socket: Socket | undefined, err: Error | undefined): void {
  if (req.destroyed || err) {
    req.destroyed = true;
    if (socket) {
      if (!err && req.agent && !socket.destroyed) {
        // Destroyed before it got its socket: the socket goes back to the pool.
        socket.emit('free');
      } else {
        // Report the socket's own error, if it has one, once it is gone.
        socket.destroy(err ?? req._destroyError);
        finished(socket, (er) => {
          let e: Error | null | undefined = er;
          if ((e as { code?: string } | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE') e = null;
          destroyRequestNT(req, e ?? err);
        });
        return;
      }
    }
    destroyRequestNT(req, err ?? req._destroyError);
    return;
  }
  tickOnSocket(req, socket!);
  req._flush();
}

/** The response parser's options when the request sets neither (Node's command-line defaults). */
const defaultParserOptions = {
  maxHeaderSize: nodeOptions.maxHeaderSize,
  lenient: nodeOptions.insecureHTTPParser,
};

function tickOnSocket(req: ClientRequest, socket: Socket): void {
  const s = socket as ClientSocket;
  let reader = s._responseReader;
  if (reader === undefined) reader = s._responseReader = new ResponseReader(req, s);
  else reader.reset(req);
  const options =
    req.maxHeaderSize === undefined && req.insecureHTTPParser === undefined
      ? defaultParserOptions
      : {
          maxHeaderSize: req.maxHeaderSize ?? nodeOptions.maxHeaderSize,
          lenient: req.insecureHTTPParser ?? nodeOptions.insecureHTTPParser,
        };
  s.parser = allocParser('response', reader, options);
  s._httpReader = reader;
  req.socket = socket;
  s._httpMessage = req;
  if (s._httpListenersKept !== true) {
    // A socket from the pool has them still, from its previous request (see responseKeepAlive).
    socket.on('error', socketErrorListener);
    socket.on('close', socketCloseListener);
    s._httpListenersKept = true;
  }
  socket.on('data', socketOnData);
  socket.on('end', socketOnEnd);
  socket.on('drain', socketOnDrain);
  // On our own sockets (connected or still connecting) the parser takes
  // each read straight from the transport (see the server's connection): no
  // stream in between, no buffer allocated per read. The 'data' listener
  // above is there for the API's sake and takes over if anyone else listens
  // for the bytes.
  s._consume?.((s._httpConsumer ??= (d, shared) => readResponse(s, d, shared)), socketOnData);
  const agent = req.agent as Agent | null;
  if (req.timeout !== undefined || agent?.options?.timeout) listenSocketTimeout(req);
  req.emit('socket', socket);
}

function listenSocketTimeout(req: ClientRequest): void {
  if (req.timeoutCb) return;
  req.timeoutCb = emitRequestTimeout;
  if (req.socket) req.socket.once('timeout', emitRequestTimeout);
  else req.on('socket', (socket: Socket) => socket.once('timeout', emitRequestTimeout));
}

function setSocketTimeout(socket: Socket, msecs: number): void {
  if (socket.connecting) socket.once('connect', () => socket.setTimeout(msecs));
  else socket.setTimeout(msecs);
}

/** The last request line rendered: most requests repeat it (same method, same path). */
let lastRequestLine = { method: '', path: '', line: '' };

/** `<method> <request-target> HTTP/1.1\r\n` (RFC 9112 §3.1). */
function requestLine(method: string, path: string): string {
  const last = lastRequestLine;
  if (method === last.method && path === last.path) return last.line;
  const line = `${method} ${path} HTTP/1.1\r\n`;
  lastRequestLine = { method, path, line };
  return line;
}

/**
 * `req.once('response', cb)` as EventEmitter does it — it runs once,
 * `listeners()` shows `cb`, `removeListener(cb)` removes it — with one
 * closure where `once` builds a state object and a bound function: this
 * runs for nearly every request.
 */
function onceResponse(req: ClientRequest, cb: ResponseListener): void {
  let fired = false;
  const wrapper = function (this: ClientRequest, res: IncomingMessage): void {
    if (fired) return;
    fired = true;
    this.removeListener('response', wrapper);
    cb.call(this, res);
  } as ((this: ClientRequest, res: IncomingMessage) => void) & { listener: ResponseListener };
  wrapper.listener = cb;
  req.on('response', wrapper);
}

/** The last Host value built, for the next request to the same origin. */
let lastHost: { host: string; port: unknown; defaultPort: unknown; value: string } | null = null;

/**
 * The Host header for `host` and `port`: the port left out when it is the
 * default, an IPv6 literal in brackets (RFC 9110 §7.2, RFC 3986 §3.2.2).
 * The last one is kept: the same string (flattened once, and checked once:
 * `ERR_INVALID_CHAR` for a host with CR, LF or other characters a field
 * value may not hold, as setHeader would throw) serves the next request to
 * that origin.
 */
function hostHeaderValue(host: string, port: unknown, defaultPort: unknown): string {
  const last = lastHost;
  if (
    last !== null &&
    last.host === host &&
    last.port === port &&
    last.defaultPort === defaultPort
  ) {
    return last.value;
  }
  let value = host;
  const colon = host.indexOf(':');
  if (colon !== -1 && host.includes(':', colon + 1) && host.charCodeAt(0) !== 91) {
    value = `[${host}]`;
  }
  if (port && +(port as number) !== defaultPort) value += `:${port}`;
  validateHeaderValue('Host', value);
  lastHost = { host, port, defaultPort, value };
  return value;
}

export class ClientRequest extends OutgoingMessage {
  /** Upper-cased request method. */
  readonly method: string;
  /** The request-target, e.g. `/index.html?page=12`. */
  path: string;
  /** Host name the request is for. */
  host: string;
  /** `'http:'`. */
  protocol: string;
  /** The response, once its head arrived. */
  res: IncomingMessage | null = null;
  /** True after `abort()`. */
  aborted = false;
  /** True when the request went out on a socket reused from the agent's pool. */
  reusedSocket = false;
  /** Socket idle timeout in ms from `options.timeout`. */
  timeout: number | undefined;
  maxHeadersCount: number | null = null;
  readonly maxHeaderSize: number | undefined;
  readonly insecureHTTPParser: boolean | undefined;
  readonly joinDuplicateHeaders: boolean;
  readonly socketPath: string | undefined;
  /** @internal The response ended. */
  _ended = false;
  /** @internal Request and response done, the socket went back to the agent. */
  _keptAlive = false;
  /** @internal The socket was taken over by 'upgrade' / 'connect'. */
  upgradeOrConnect = false;
  /** @internal The listener relaying socket timeouts, when set. */
  timeoutCb: ((this: ClientSocket) => void) | null = null;
  /** @internal The error given to destroy(). */
  _destroyError: Error | undefined = undefined;

  constructor(
    input: string | URL | RequestOptions,
    options?: RequestOptions | ResponseListener,
    cb?: ResponseListener,
  ) {
    super();
    // `opts` is this request's own copy of the options (spread: V8 clones
    // a same-shaped options object at once, where Object.assign copies
    // property by property).
    let opts: RequestOptions;
    if (typeof input === 'string' || input instanceof URL) {
      opts = urlToHttpOptions(typeof input === 'string' ? new URL(input) : input) as RequestOptions;
      if (typeof options === 'function') cb = options;
      else if (options) opts = { ...opts, ...options };
    } else {
      cb = options as ResponseListener | undefined;
      opts = { ...input };
    }

    let agent = opts.agent as Agent | false | null | undefined | true;
    const defaultAgent = (opts._defaultAgent as Agent | undefined) ?? globalAgent;
    if (agent === false) {
      const AgentClass = defaultAgent.constructor as typeof Agent;
      agent = new AgentClass();
    } else if (agent === null || agent === undefined) {
      agent = typeof opts.createConnection !== 'function' ? defaultAgent : null;
    } else if (typeof (agent as { addRequest?: unknown }).addRequest !== 'function') {
      throw codedError(
        'ERR_INVALID_ARG_TYPE',
        'options.agent',
        ['Agent-like Object', 'undefined', 'false'],
        agent,
      );
    }
    this.agent = agent;

    const protocol = opts.protocol || defaultAgent.protocol;
    const expectedProtocol = (agent as Agent | null)?.protocol ?? defaultAgent.protocol;
    if (opts.path) {
      const path = String(opts.path);
      if (isInvalidPath(path)) throw codedError('ERR_UNESCAPED_CHARACTERS', 'Request path');
    }
    if (protocol !== expectedProtocol) {
      throw codedError('ERR_INVALID_PROTOCOL', protocol, expectedProtocol);
    }
    // Without an agent there is no default port: the Host header then names port 80 too.
    const defaultPort = opts.defaultPort || (agent as Agent | null)?.defaultPort;
    const port = opts.port || defaultPort || 80;
    opts.port = port;
    const host =
      validateHost(opts.hostname, 'hostname') || validateHost(opts.host, 'host') || 'localhost';
    opts.host = host;
    this.host = host;
    this.protocol = protocol;
    const setHost = opts.setHost === undefined || Boolean(opts.setHost);
    this.socketPath = opts.socketPath;
    if (opts.timeout !== undefined) this.timeout = validateTimeout(opts.timeout, 'timeout');

    const method = opts.method;
    if (method !== null && method !== undefined && typeof method !== 'string') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options.method', 'string', method);
    }
    if (method) {
      if (!checkIsHttpToken(method)) throw codedError('ERR_INVALID_HTTP_TOKEN', 'Method', method);
      this.method = method.toUpperCase();
    } else {
      this.method = 'GET';
    }
    if (opts.maxHeaderSize !== undefined) validateTimeout(opts.maxHeaderSize, 'maxHeaderSize');
    this.maxHeaderSize = opts.maxHeaderSize;
    if (opts.insecureHTTPParser !== undefined) {
      validateBoolean(opts.insecureHTTPParser, 'options.insecureHTTPParser');
    }
    this.insecureHTTPParser = opts.insecureHTTPParser;
    this.joinDuplicateHeaders = Boolean(opts.joinDuplicateHeaders);
    this._uniqueHeaders = parseUniqueHeadersOption(opts.uniqueHeaders);
    this.path = opts.path || '/';
    if (cb) onceResponse(this, cb);
    this.useChunkedEncodingByDefault = !BODYLESS_METHODS.has(this.method);

    if (agent) {
      // Ask for persistence only when the agent can actually reuse the socket.
      const a = agent as Agent;
      if (!a.keepAlive && !Number.isFinite(a.maxSockets)) {
        this._last = true;
        this.shouldKeepAlive = false;
      } else {
        this._last = false;
        this.shouldKeepAlive = true;
      }
    }

    const headers = opts.headers;
    if (!Array.isArray(headers)) {
      if (headers) {
        const h = headers as OutgoingHttpHeaders;
        for (const key of Object.keys(h)) {
          const value = h[key];
          if (value !== undefined) this.setHeader(key, value);
        }
      }
      if (host && !this.getHeader('host') && setHost) {
        this._setCheckedHeader('host', 'Host', hostHeaderValue(host, port, defaultPort));
      }
      if (opts.auth && !this.getHeader('Authorization')) {
        this.setHeader('Authorization', `Basic ${Buffer.from(opts.auth).toString('base64')}`);
      }
      if (this.getHeader('expect')) {
        // Expect: 100-continue — the head goes out at once (see _storeHeader).
        this._storeHeader(requestLine(this.method, this.path), this._headerStore());
      }
    } else {
      this._storeHeader(requestLine(this.method, this.path), headers as readonly string[]);
    }

    const signal = opts.signal;
    // `opts` is this request's own copy of the options: it goes to the agent
    // as the connection's options (the agent merges its own in only when it
    // opens a socket), without the signal, which belongs to the request.
    const connectOptions = opts;
    if (signal) delete connectOptions.signal;

    if (agent) {
      (agent as Agent).addRequest(this, connectOptions as AgentRequestOptions);
    } else {
      // No agent: one connection for this request (Connection: close).
      this._last = true;
      this.shouldKeepAlive = false;
      const co = { ...connectOptions } as RequestOptions;
      if (co.socketPath) co.path = co.socketPath;
      else if (co.path) co.path = undefined;
      if (typeof co.createConnection === 'function') {
        let called = false;
        const oncreate = (err: Error | null, socket?: Socket) => {
          if (called) return;
          called = true;
          if (err) process.nextTick(() => this.emit('error', err));
          else this.onSocket(socket!);
        };
        try {
          const socket = co.createConnection(co, oncreate);
          if (socket) oncreate(null, socket);
        } catch (err) {
          oncreate(err as Error);
        }
      } else {
        this.onSocket(createConnection(co as unknown as Parameters<typeof createConnection>[0]));
      }
    }
    // An aborted signal destroys the request at once (as Node does).
    if (signal) this.watchSignal(signal);
  }

  private watchSignal(signal: AbortSignal): void {
    const onAbort = () => this.destroy(new AbortError(undefined, { cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    this.once('close', () => signal.removeEventListener('abort', onAbort));
  }

  /** @internal Renders the request head (request line + fields). */
  override _implicitHeader(): void {
    if (this._header !== null) throw codedError('ERR_HTTP_HEADERS_SENT', 'render');
    this._storeHeader(requestLine(this.method, this.path), this._headerStore());
  }

  /** @internal The agent (or createConnection) provides the socket. */
  onSocket(socket: Socket, err?: Error): void {
    process.nextTick(onSocketNT, this, socket, err);
  }

  /** Deprecated: destroys the request and emits `'abort'`. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    process.nextTick(() => this.emit('abort'));
    this.destroy();
  }

  /**
   * Destroys the request and its socket. Before a response, `'error'`
   * (`err`, or `ECONNRESET` "socket hang up") and `'close'` follow.
   */
  override destroy(err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (this.res) this.res._dump();
    this._destroyError = err;
    this.socket?.destroy(err);
    return this;
  }

  /** Socket idle timeout in ms (applied once connected); `callback` listens for `'timeout'`. */
  override setTimeout(msecs: number, callback?: () => void): this {
    if (this._ended) return this;
    listenSocketTimeout(this);
    msecs = timerDuration(msecs, 'msecs');
    if (callback) this.once('timeout', callback);
    if (this.socket) setSocketTimeout(this.socket, msecs);
    else this.once('socket', (socket: Socket) => setSocketTimeout(socket, msecs));
    return this;
  }

  /** `setTimeout(0, callback)`: stops the idle timeout (Node's undocumented helper). */
  clearTimeout(callback?: () => void): void {
    this.setTimeout(0, callback);
  }

  /** `socket.setNoDelay()` once the socket is assigned and connected. */
  setNoDelay(noDelay?: boolean): void {
    this.deferToConnect((s) => s.setNoDelay(noDelay));
  }

  /** `socket.setKeepAlive()` once the socket is assigned and connected. `initialDelay` in ms. */
  setSocketKeepAlive(enable?: boolean, initialDelay?: number): void {
    this.deferToConnect((s) => s.setKeepAlive(enable, initialDelay));
  }

  private deferToConnect(fn: (socket: Socket) => void): void {
    const run = (socket: Socket) => {
      if (socket.connecting) socket.once('connect', () => fn(socket));
      else fn(socket);
    };
    if (this.socket) run(this.socket);
    else this.once('socket', run);
  }
}

/** `http.request(url[, options][, callback])` / `http.request(options[, callback])`. */
export function request(
  url: string | URL | RequestOptions,
  options?: RequestOptions | ResponseListener,
  cb?: ResponseListener,
): ClientRequest {
  return new ClientRequest(url, options, cb);
}

/** `http.get(...)`: like `request` with method GET, and `end()` already called. */
export function get(
  url: string | URL | RequestOptions,
  options?: RequestOptions | ResponseListener,
  cb?: ResponseListener,
): ClientRequest {
  const req = request(url, options, cb);
  req.end();
  return req;
}
