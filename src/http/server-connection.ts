/**
 * One HTTP/1.1 connection on the server side: one parser per socket, a
 * request (`IncomingMessage`) and a response (`ServerResponse`) per message,
 * responses to pipelined requests written strictly in request order
 * (RFC 9112 §9.3.2), keep-alive and its timeout, `Expect` handling
 * (RFC 9110 §10.1.1), upgrade / CONNECT hand-over, and parse errors turned
 * into `'clientError'` or a bare `400` / `431` / `413` / `408`.
 *
 * Mirrors the behaviour of Node's lib/_http_server.js (connectionListener,
 * parserOnIncoming, resOnFinish, socketOnError).
 */
// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { codedError } from '../errors/index.js';
import type { Socket } from '../net/socket.js';
import type { ConnectionList, Listed } from './connection-list.js';
import { findRawHeader, headerEntryLimit } from './headers.js';
import { type IncomingMessage, nextEpoch, pushEnd, setVersion } from './incoming-message.js';
import { nodeOptions } from './node-options.js';
import type { HttpSocket } from './outgoing-message.js';
import type { HttpParser } from './parser.js';
import { allocParser, releaseParser } from './parser-pool.js';
import {
  type HeadersInfo,
  HeadersResult,
  type HttpParseError,
  type HttpParserHandlers,
} from './parser-types.js';
import {
  onServedResponseFinish,
  releaseSocket,
  type ServerResponse,
  unwatchResponseClose,
} from './server-response.js';
import { STATUS_CODES } from './status-codes.js';

/** What a connection needs from its `http.Server` (kept narrow to avoid an import cycle). */
export interface ConnectionOwner {
  emit(event: string | symbol, ...args: unknown[]): boolean;
  listenerCount(event: string | symbol): number;
  timeout: number;
  keepAliveTimeout: number;
  maxRequestsPerSocket: number;
  maxHeadersCount: number | null;
  maxHeaderSize: number | undefined;
  insecureHTTPParser: boolean | undefined;
  requireHostHeader: boolean;
  joinDuplicateHeaders: boolean;
  rejectNonStandardBodyWrites: boolean;
  _uniqueHeaders: Set<string> | null;
  httpAllowHalfOpen: boolean;
  _incomingMessageClass: new (socket: Socket) => IncomingMessage;
  _serverResponseClass: new (
    req: IncomingMessage,
    options: { highWaterMark: number; rejectNonStandardBodyWrites: boolean },
  ) => ServerResponse;
  _connections_http: ConnectionList<ServerConnection>;
}

type ServerSocket = HttpSocket & {
  _paused?: boolean;
  parser?: HttpParser | null;
  _httpConnection?: ServerConnection;
};

type OutgoingMessageLike = { finished: boolean; outputData: unknown[]; _last: boolean };

const RE_CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

function errorResponse(status: number): Buffer {
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`,
    'latin1',
  );
}
const BAD_REQUEST = errorResponse(400);
const REQUEST_TIMEOUT = errorResponse(408);
const HEADER_FIELDS_TOO_LARGE = errorResponse(431);
const CONTENT_TOO_LARGE = errorResponse(413);

function noop(): void {}

/** `ECONNRESET` 'aborted', the error Node destroys unfinished requests with. */
function connResetException(message: string): Error {
  const err = new Error(message) as Error & { code: string };
  err.code = 'ECONNRESET';
  return err;
}

// Module-level listeners with `this` = the socket or response, so no closure
// is allocated per request.

function emitCloseNT(res: ServerResponse): void {
  if (!res._closed) {
    res.destroyed = true;
    res._closed = true;
    res.emit('close');
  }
}

function clearIncoming(this: IncomingMessage): void {
  const parser = (this.socket as ServerSocket | null)?.parser;
  if (parser && parser.incoming === this) parser.incoming = null;
}

/** `socket.setEncoding()` on an HTTP connection: bytes are not text here (RFC 9112 §2.2). */
function socketSetEncoding(): never {
  throw codedError('ERR_HTTP_SOCKET_ENCODING');
}

function onSocketTimeout(this: ServerSocket): void {
  const conn = this._httpConnection;
  const req = conn?.current;
  const reqTimeout = req != null && !req.complete && req.emit('timeout', this);
  const res = this._httpMessage;
  const resTimeout = res?.emit('timeout', this);
  const serverTimeout = conn?.server.emit('timeout', this);
  if (!reqTimeout && !resTimeout && !serverTimeout) this.destroy();
}

// The socket's listeners below find their connection through `this` (the
// socket). Code that calls them with another `this` (Node's tests do) finds
// none, and nothing happens.

function onSocketData(this: ServerSocket, d: Buffer): void {
  this._httpConnection?.handleData(d);
}

function onSocketEnd(this: ServerSocket): void {
  this._httpConnection?.handleEnd();
}

function endInMessage(conn: ServerConnection, err: Error): void {
  conn.endInMessage(err);
}

function onSocketCloseConn(this: ServerSocket): void {
  this._httpConnection?.handleClose();
}

function onSocketDrain(this: ServerSocket): void {
  this._httpConnection?.handleDrain();
}

function onSocketError(this: ServerSocket, err: Error): void {
  this._httpConnection?.socketError(err);
}

/** A response's `_onPendingData` (`this` = the response): bytes it buffers before owning the socket. */
function updateOutgoingData(this: ServerResponse, delta: number): void {
  const conn = (this.req.socket as ServerSocket | null)?._httpConnection;
  if (conn) {
    conn.outgoingData += delta;
    conn.handleDrain();
  }
}

/** The server side of one connection. Created by the server's `'connection'` listener. */
export class ServerConnection implements HttpParserHandlers, Listed<ServerConnection> {
  readonly server: ConnectionOwner;
  /** The connections opened before and after this one (the server's `_connections_http`). */
  listPrev: ServerConnection | null = null;
  listNext: ServerConnection | null = null;
  readonly socket: ServerSocket;
  parser: HttpParser | null;
  /** Requests whose response has not finished, oldest first. */
  readonly incoming: IncomingMessage[] = [];
  /** Responses waiting for the socket (pipelining), oldest first. */
  readonly outgoing: ServerResponse[] = [];
  /** The request whose body is being parsed. */
  current: IncomingMessage | null = null;
  /** Bytes buffered by responses that do not own the socket yet. */
  outgoingData = 0;
  requestsCount = 0;
  keepAliveTimeoutSet = false;
  /** The options each response is made with: one object while they stay the same. */
  private responseOptions: { highWaterMark: number; rejectNonStandardBodyWrites: boolean } | null =
    null;
  /** When the message being received started (ms since epoch), 0 when idle: for headersTimeout / requestTimeout. */
  messageStart = 0;
  /** The header section of the current message is complete. */
  headersComplete = false;
  /** `rawHeaders` entries used for `req.headers` (server.maxHeadersCount × 2, read per connection). */
  private readonly maxHeaderEntries: number;
  /** Requests dispatched by the current `parser.execute()` (-1 outside it): pipelining's cork. */
  private requestsThisRead = -1;
  private upgradeReq: IncomingMessage | null = null;
  private dead = false;
  /** The data being parsed views the socket's shared read buffer: what is kept is copied. */
  private inputShared = false;

  constructor(server: ConnectionOwner, socket: Socket) {
    this.server = server;
    const s = socket as ServerSocket;
    this.socket = s;
    (socket as { server: unknown }).server = server;
    s._httpConnection = this;
    s._paused = false;
    if (server.timeout && typeof socket.setTimeout === 'function')
      socket.setTimeout(server.timeout);
    socket.on('timeout', onSocketTimeout);
    (socket as { setEncoding: unknown }).setEncoding = socketSetEncoding;

    const options = {
      maxHeaderSize: server.maxHeaderSize ?? nodeOptions.maxHeaderSize,
      lenient: server.insecureHTTPParser ?? nodeOptions.insecureHTTPParser,
      // RFC 9112 §3.2: none or several Host lines is a client error (400).
      requireHost: server.requireHostHeader,
    };
    // The connection itself is the parser's handler object: no per-message callbacks.
    this.parser = allocParser('request', this, options);
    this.maxHeaderEntries = headerEntryLimit(server.maxHeadersCount);
    s.parser = this.parser;

    // Module-level listeners (`this` = the socket): no closures per connection.
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketCloseConn);
    socket.on('drain', onSocketDrain);
    // On our own sockets the parser takes each read straight from the
    // transport, as Node's does (parser.consume): no stream in between and,
    // on libuv, no buffer allocated per read. The 'data' listener above
    // takes over if anyone else starts listening for the bytes. The method
    // is called on this connection: no closure per connection.
    s._consume?.(ServerConnection.prototype.handleData, onSocketData, this);
    server._connections_http.add(this);
    // headersTimeout counts from the connection, as the first request's head is awaited.
    this.messageStart = Date.now();
  }

  /** No request in flight: safe to close (closeIdleConnections). */
  get idle(): boolean {
    return this.incoming.length === 0 && this.current === null && this.messageStart === 0;
  }

  // ---- socket events --------------------------------------------------

  /** @internal */
  handleData(d: Buffer, shared = false): void {
    const parser = this.parser;
    if (this.dead || parser === null) return;
    // A call nested in a handler (data pushed synchronously) must not clear
    // the flag of the read still being parsed around it.
    const outerShared = this.inputShared;
    this.inputShared = shared || outerShared;
    try {
      this.parse(parser, d);
    } finally {
      this.inputShared = outerShared;
    }
  }

  private parse(parser: HttpParser, d: Buffer): void {
    if (this.keepAliveTimeoutSet) {
      // A new request begins: the keep-alive idle timeout no longer applies
      // (a slow head is headersTimeout's business).
      this.keepAliveTimeoutSet = false;
      this.socket.setTimeout(this.server.timeout || 0);
    }
    nextEpoch();
    let consumed: number;
    this.requestsThisRead = 0;
    try {
      consumed = parser.execute(d);
    } finally {
      this.requestsThisRead = -1;
      const socket = this.socket;
      if (socket._httpCorked) {
        socket._httpCorked = 0;
        socket.uncork();
      }
    }
    const err = parser.error;
    if (err) {
      this.parseError(err, d);
      return;
    }
    // A message began in this data and is not complete yet (possibly after
    // complete, pipelined ones): headersTimeout / requestTimeout count from now.
    if (this.messageStart === 0 && parser.inMessage) this.messageStart = Date.now();
    if (this.upgradeReq !== null) this.upgrade(d, consumed);
  }

  /** @internal */
  handleEnd(): void {
    this.inputShared = false;
    const parser = this.parser;
    const err = parser !== null && !this.dead ? parser.finish() : null;
    if (err) {
      // The input ends inside a message. A peer that reset the connection
      // may have that seen as an end of input first (a hang-up after a read
      // is reported as EOF), before a write of ours made this turn (say, a
      // response to this very request, batched) fails with ECONNRESET:
      // node:http, which writes at once, reports that error, and so do we.
      // The end of input is reported once this turn's writes are done,
      // unless an error came first.
      setImmediate(endInMessage, this, err);
      return;
    }
    this.ended();
  }

  /** @internal The input ended inside a message, with `err` (see handleEnd). */
  endInMessage(err: Error): void {
    if (!this.dead) this.socketError(err);
  }

  /** The input ended between messages: half-close as Node does. */
  private ended(): void {
    const socket = this.socket;
    if (!this.server.httpAllowHalfOpen) {
      if (socket.writable) socket.end();
    } else if (this.outgoing.length > 0) {
      this.outgoing[this.outgoing.length - 1]!._last = true;
    } else if (socket._httpMessage) {
      socket._httpMessage._last = true;
    } else if (socket.writable) {
      socket.end();
    }
  }

  /** @internal */
  handleClose(): void {
    this.server._connections_http.delete(this);
    const parser = this.parser;
    this.parser = null;
    this.socket.parser = null;
    if (parser !== null) releaseParser(parser);
    // As Node's abortIncoming: the requests whose response is not finished
    // are aborted, each with an error of its own (and none is made for a
    // connection that closes idle). One whose response is done, its body
    // unread, is left as it is.
    while (this.incoming.length > 0) this.incoming.shift()!.destroy(connResetException('aborted'));
    while (this.outgoing.length > 0) this.outgoing.shift()!.destroy(connResetException('aborted'));
    this.current = null;
  }

  /** @internal */
  handleDrain(): void {
    const socket = this.socket;
    const needPause = this.outgoingData > socket.writableHighWaterMark;
    if (socket._paused && !needPause) {
      socket._paused = false;
      socket.resume();
    }
    const msg = socket._httpMessage;
    if (msg && !msg.finished && msg._needDrain && msg.writableLength === 0) {
      msg._needDrain = false;
      msg.emit('drain');
    }
  }

  /**
   * Socket errors and parse errors: `'clientError'` (err, socket) when
   * listened for, otherwise a bare error response (if nothing of a response
   * was sent yet) and the socket is destroyed.
   */
  socketError(e: Error): void {
    const socket = this.socket;
    this.dead = true;
    socket.removeListener('error', onSocketError);
    if (socket.listenerCount('error') === 0) socket.on('error', noop);
    if (this.server.emit('clientError', e, socket)) return;
    const msg = socket._httpMessage;
    if (socket.writable && !msg?._headerSent) {
      let response: Buffer;
      switch ((e as { code?: string }).code) {
        case 'HPE_HEADER_OVERFLOW':
          response = HEADER_FIELDS_TOO_LARGE;
          break;
        case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
          response = CONTENT_TOO_LARGE;
          break;
        case 'ERR_HTTP_REQUEST_TIMEOUT':
          response = REQUEST_TIMEOUT;
          break;
        default:
          response = BAD_REQUEST;
      }
      // Destroy once the response has been handed to the transport, so that
      // the peer reads it before the connection goes away.
      socket.write(response, () => socket.destroy(e));
      return;
    }
    socket.destroy(e);
  }

  private parseError(err: HttpParseError, d: Buffer): void {
    err.rawPacket = this.inputShared ? Buffer.from(d) : d;
    this.socketError(err);
  }

  /** headersTimeout / requestTimeout expired (checked by the server's interval). */
  requestTimedOut(): void {
    this.messageStart = 0;
    this.socketError(codedError('ERR_HTTP_REQUEST_TIMEOUT'));
  }

  // ---- parser handlers ------------------------------------------------

  onHeadersComplete(info: HeadersInfo): HeadersResult {
    const server = this.server;
    const socket = this.socket;
    this.headersComplete = true;
    const req = new server._incomingMessageClass(socket);
    setVersion(req, info.versionMajor, info.versionMinor);
    req.rawHeaders = info.rawHeaders;
    req.method = info.method;
    req.url = info.url;
    req.joinDuplicateHeaders = server.joinDuplicateHeaders;
    req._maxHeaderEntries = this.maxHeaderEntries;
    const parser = this.parser;
    if (parser !== null) parser.incoming = req;

    if (this.keepAliveTimeoutSet) {
      socket.setTimeout(server.timeout || 0);
      this.keepAliveTimeoutSet = false;
    }

    if (info.upgrade) {
      if (info.method === 'CONNECT' || server.listenerCount('upgrade') > 0) {
        req.upgrade = true;
        this.upgradeReq = req;
        return HeadersResult.Normal;
      }
      // No 'upgrade' listener: an ordinary request, as in Node. Clearing
      // `info.upgrade` tells the parser to go on with the body.
      info.upgrade = false;
    }
    this.current = req;
    // The parser rejects the requests it knows we serve when their Host is
    // missing or repeated; an upgrade served as a request is checked in
    // onIncoming (HTTP/1.1 only).
    this.onIncoming(req, info.shouldKeepAlive, info.hostCount !== 1 && server.requireHostHeader);
    return HeadersResult.Normal;
  }

  onBody(chunk: Buffer): void {
    const req = this.current;
    if (req === null || req._dumped) return;
    // `chunk` views the read: pushed as is when the read is ours to keep,
    // copied when it is the shared read buffer.
    if (!req.push(this.inputShared ? Buffer.from(chunk) : chunk)) this.socket.pause();
  }

  onMessageComplete(rawTrailers: string[]): void {
    const req = this.current;
    this.current = null;
    this.messageStart = 0;
    this.headersComplete = false;
    if (req === null) return;
    req.complete = true;
    if (rawTrailers.length > 0) req.rawTrailers = rawTrailers;
    pushEnd(req);
    // The body is done: read on (the next pipelined request) unless paused on purpose.
    const socket = this.socket;
    if (!socket._paused && socket.readable && socket.isPaused()) socket.resume();
  }

  // ---- requests -------------------------------------------------------

  private onIncoming(req: IncomingMessage, keepAlive: boolean, badHost: boolean): void {
    const server = this.server;
    const socket = this.socket;
    this.incoming.push(req);

    // Stop reading while responses pile up unsent (pipelining flood).
    if (!socket._paused) {
      if (socket.writableNeedDrain || this.outgoingData >= socket.writableHighWaterMark) {
        socket._paused = true;
        socket.pause();
      }
    }

    // Pipelining (RFC 9112 §9.3.2): this read holds a second request. The
    // socket stays corked until the read is parsed, so the responses that
    // handlers give synchronously leave together, in order, within this
    // tick. A lone request is never corked: its response is written at once,
    // as Node writes it. `_httpCorked` tells OutgoingMessage.end() to leave
    // this cork alone.
    if (this.requestsThisRead >= 0 && ++this.requestsThisRead === 2 && !socket._httpCorked) {
      socket.cork();
      socket._httpCorked = 1;
    }

    let options = this.responseOptions;
    if (
      options === null ||
      options.rejectNonStandardBodyWrites !== server.rejectNonStandardBodyWrites
    ) {
      options = this.responseOptions = {
        highWaterMark: socket.writableHighWaterMark,
        rejectNonStandardBodyWrites: server.rejectNonStandardBodyWrites,
      };
    }
    const res = new server._serverResponseClass(req, options);
    res._keepAliveTimeout = server.keepAliveTimeout;
    res._maxRequestsPerSocket = server.maxRequestsPerSocket;
    res._onPendingData = updateOutgoingData;
    res._uniqueHeaders = server._uniqueHeaders;
    res.shouldKeepAlive = keepAlive;

    // The response before may have ended already, waiting only for its
    // write to complete ('finish'): this one may write behind it now.
    const current = socket._httpMessage as ServerResponse | null | undefined;
    if (current && this.outgoing.length === 0 && this.endedOnSocket(current)) {
      releaseSocket(current, socket);
    }
    if (socket._httpMessage) this.outgoing.push(res);
    else res.assignSocket(socket);
    res._finishHook = onServedResponseFinish;

    if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
      // RFC 9112 §3.2 (an upgrade request answered as a request): 400, as Node.
      if (badHost) {
        res.writeHead(400, ['Connection', 'close']);
        res.end();
        return;
      }
      const max = server.maxRequestsPerSocket;
      if (typeof max === 'number' && max > 0) {
        this.requestsCount++;
        res.maxRequestsOnConnectionReached = max <= this.requestsCount;
        if (max < this.requestsCount) {
          server.emit('dropRequest', req, socket);
          res.writeHead(503);
          res.end();
          return;
        }
      }
      if (findRawHeader(req.rawHeaders, 'expect') !== undefined) {
        const expect = req.headers.expect as string;
        if (RE_CONTINUE.test(expect)) {
          res._expect_continue = true;
          if (server.listenerCount('checkContinue') > 0) {
            server.emit('checkContinue', req, res);
          } else {
            res.writeContinue();
            server.emit('request', req, res);
          }
        } else if (server.listenerCount('checkExpectation') > 0) {
          server.emit('checkExpectation', req, res);
        } else {
          res.writeHead(417);
          res.end();
        }
        return;
      }
    }
    server.emit('request', req, res);
  }

  /** Whether `msg` has handed all of itself to the socket and the connection goes on after it. */
  private endedOnSocket(msg: OutgoingMessageLike): boolean {
    return msg.finished && msg.outputData.length === 0 && !msg._last && !this.dead;
  }

  /**
   * @internal `res` has handed all its bytes to the socket (its 'finish'
   * comes when they are written). The next response in line takes the
   * socket now, so pipelined responses are written back to back — in order,
   * since the socket keeps its writes in order — and leave in one write
   * while the socket is corked. The rest of the bookkeeping waits for
   * 'finish' (responseFinished).
   */
  responseEnded(res: ServerResponse): void {
    const socket = this.socket;
    if (socket._httpMessage !== res || this.outgoing.length === 0) return;
    if (!this.endedOnSocket(res)) return;
    releaseSocket(res, socket);
    this.outgoing.shift()!.assignSocket(socket);
  }

  /** @internal A response finished: release the socket to the next one, or close / idle. */
  responseFinished(res: ServerResponse): void {
    const socket = this.socket;
    const req = res.req;
    if (this.incoming[0] === req) this.incoming.shift();
    else {
      const i = this.incoming.indexOf(req);
      if (i >= 0) this.incoming.splice(i, 1);
    }
    // Nobody read the body: discard it so the connection can move on. (A
    // request whose stream state was never built was never read or listened to.)
    if (
      !req._consuming &&
      (!req._stateReady ||
        !(req as unknown as { _readableState: { resumeScheduled: boolean } })._readableState
          .resumeScheduled)
    ) {
      req._dump();
    }

    res.detachSocket(socket);
    // Let go of the request once its body has been read (parser.incoming).
    const parser = this.parser;
    if (parser !== null && parser.incoming === req) {
      if (!req._stateReady || req.readableEnded) parser.incoming = null;
      else req.once('end', clearIncoming);
    }
    process.nextTick(emitCloseNT, res);

    if (res._last) {
      // Any Duplex may be handed to 'connection'; only sockets have destroySoon.
      if (typeof socket.destroySoon === 'function') socket.destroySoon();
      else socket.end();
    } else if (socket._httpMessage) {
      // A later response took the socket when this one ended (responseEnded).
    } else if (this.outgoing.length === 0) {
      const timeout = this.server.keepAliveTimeout;
      if (timeout > 0 && Number.isFinite(timeout) && typeof socket.setTimeout === 'function') {
        socket.setTimeout(timeout);
        this.keepAliveTimeoutSet = true;
      }
    } else {
      const next = this.outgoing.shift();
      next?.assignSocket(socket);
    }
  }

  // ---- upgrade / CONNECT ------------------------------------------------

  /** Detaches HTTP from the socket. */
  private detach(): void {
    const socket = this.socket;
    socket._unconsume?.();
    socket.removeListener('data', onSocketData);
    socket.removeListener('end', onSocketEnd);
    socket.removeListener('close', onSocketCloseConn);
    socket.removeListener('drain', onSocketDrain);
    socket.removeListener('error', onSocketError);
    socket.removeListener('timeout', onSocketTimeout);
    unwatchResponseClose(socket);
    const parser = this.parser;
    this.parser = null;
    socket.parser = null;
    if (parser !== null) releaseParser(parser);
    this.dead = true;
    this.server._connections_http.delete(this);
  }

  /**
   * Upgrade (RFC 9110 §7.8) or CONNECT (RFC 9110 §9.3.6): the socket is
   * handed over as a plain socket with the bytes after the header section
   * as `head`. CONNECT without a listener closes the connection.
   */
  private upgrade(d: Buffer, consumed: number): void {
    const req = this.upgradeReq!;
    this.upgradeReq = null;
    this.detach();
    req.complete = true;
    pushEnd(req);
    const event = req.method === 'CONNECT' ? 'connect' : 'upgrade';
    const socket = this.socket;
    if (this.server.listenerCount(event) > 0) {
      const head = this.inputShared ? Buffer.from(d.subarray(consumed)) : d.subarray(consumed);
      // No 'data' listener is left: the new owner attaches its own.
      socket.pause();
      (socket as unknown as { readableFlowing: boolean | null }).readableFlowing = null;
      this.server.emit(event, req, socket, head);
    } else {
      socket.destroy();
    }
  }
}
