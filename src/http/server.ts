/**
 * `http.Server` and `http.createServer` (Node's http doc, "Class:
 * http.Server"): a `net.Server` whose connections speak HTTP/1.1.
 *
 * Events (besides net.Server's): `'request'` (req, res), `'checkContinue'`
 * (req, res), `'checkExpectation'` (req, res), `'clientError'` (err, socket),
 * `'connect'` (req, socket, head), `'upgrade'` (req, socket, head),
 * `'dropRequest'` (req, socket), `'timeout'` (socket).
 */
import { captureRejectionSymbol } from 'node:events';
import { codedError } from '../errors/index.js';
import type { Transport } from '../handle/types.js';
import { Server as NetServer } from '../net/server.js';
import type { Socket } from '../net/socket.js';
import { validateBoolean } from '../util/validators.js';
import { ConnectionList } from './connection-list.js';
import { IncomingMessage } from './incoming-message.js';
import { OutgoingMessage, parseUniqueHeadersOption } from './outgoing-message.js';
import { ServerConnection } from './server-connection.js';
import { bridgeNodePrototypes } from './server-node-prototypes.js';
import { ServerResponse } from './server-response.js';
import { STATUS_CODES } from './status-codes.js';

const BRIDGED = { IncomingMessage, OutgoingMessage, ServerResponse };

/** Options of `http.createServer([options])`. Times are milliseconds. */
export interface ServerOptions {
  /**
   * wirestack: the transport to listen on (default: the host's sockets,
   * or as `WIRESTACK_TRANSPORT` says).
   */
  transport?: Transport;
  /** Class used for requests (default `http.IncomingMessage`); called with the socket. */
  IncomingMessage?: new (
    socket: Socket,
  ) => IncomingMessage;
  /** Class used for responses (default `http.ServerResponse`); called with the request. */
  ServerResponse?: new (
    req: IncomingMessage,
    options: { highWaterMark: number; rejectNonStandardBodyWrites: boolean },
  ) => ServerResponse;
  /** Time allowed to receive a whole request, ms (default 300000; 0 disables). */
  requestTimeout?: number;
  /** Time allowed to receive a request's header section, ms (default min(60000, requestTimeout)). */
  headersTimeout?: number;
  /** Idle time after a response before a kept-alive connection is closed, ms (default 5000). */
  keepAliveTimeout?: number;
  /** How often requestTimeout / headersTimeout are checked, ms (default 30000). */
  connectionsCheckingInterval?: number;
  /** Largest accepted header section in bytes (default `http.maxHeaderSize`, 16 KiB). */
  maxHeaderSize?: number;
  /** Accept some malformed messages (lenient parsing). Default false. */
  insecureHTTPParser?: boolean;
  /** Answer 400 to HTTP/1.1 requests without Host (RFC 9112 §3.2). Default true. */
  requireHostHeader?: boolean;
  /** Join duplicates of every field with ', ' in `req.headers`. Default false. */
  joinDuplicateHeaders?: boolean;
  /** Throw when writing a body to a HEAD / 204 / 304 response. Default false. */
  rejectNonStandardBodyWrites?: boolean;
  /** TCP_NODELAY on accepted sockets. Default true. */
  noDelay?: boolean;
  /** SO_KEEPALIVE on accepted sockets. Default false. */
  keepAlive?: boolean;
  /** Idle time before the first TCP keep-alive probe, ms. Default 0. */
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
  /** Response headers sent once: an array value is joined with '; ' on one line. */
  uniqueHeaders?: readonly string[];
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * `createServer([options][, requestListener])` arguments, as http and https
 * take them: a function alone is the listener; options must be a plain object.
 * @throws ERR_INVALID_ARG_TYPE naming `expected` (Node says 'object' for http,
 *   'Object' for https).
 */
export function serverArgs<O extends object>(
  options: O | RequestListener | undefined | null,
  listener: RequestListener | undefined,
  expected: string,
): [O, RequestListener | undefined] {
  if (typeof options === 'function') return [{} as O, options];
  if (options === undefined || options === null) return [{} as O, listener];
  if (typeof options === 'object' && !Array.isArray(options)) return [options, listener];
  throw codedError('ERR_INVALID_ARG_TYPE', 'options', expected, options);
}

function validateTime(value: unknown, name: string): number {
  if (typeof value !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', name, 'number', value);
  if (!Number.isInteger(value) || value < 0) {
    throw codedError('ERR_OUT_OF_RANGE', name, '>= 0 && <= 9007199254740991', value);
  }
  return value;
}

function connectionListener(this: Server, socket: Socket): void {
  this._acceptConnection(socket);
}

function checkConnections(server: Server): void {
  const headersTimeout = server.headersTimeout;
  const requestTimeout = server.requestTimeout;
  if (!(headersTimeout > 0) && !(requestTimeout > 0)) return;
  const now = Date.now();
  for (const conn of server._connections_http) {
    const start = conn.messageStart;
    if (start === 0) continue;
    const age = now - start;
    if (
      (headersTimeout > 0 && !conn.headersComplete && age > headersTimeout) ||
      (requestTimeout > 0 && age > requestTimeout)
    ) {
      conn.requestTimedOut();
    }
  }
}

export class Server extends NetServer {
  /** Socket idle timeout in ms; 0 (default) disables. See `setTimeout`. */
  timeout = 0;
  /** Idle time after a response before closing a kept-alive connection, ms. */
  keepAliveTimeout: number;
  /** Time allowed to receive the header section, ms. */
  headersTimeout: number;
  /** Time allowed to receive a whole request, ms. */
  requestTimeout: number;
  /** Most requests served on one connection; 0 (default) means no limit. */
  maxRequestsPerSocket = 0;
  /** Limit on header count (accepted for compatibility; the parser limits by size). */
  maxHeadersCount: number | null = null;
  readonly maxHeaderSize: number | undefined;
  readonly insecureHTTPParser: boolean | undefined;
  requireHostHeader: boolean;
  joinDuplicateHeaders: boolean;
  rejectNonStandardBodyWrites: boolean;
  /** @internal `uniqueHeaders`, lower-cased (null: none). */
  readonly _uniqueHeaders: Set<string> | null;
  /** Keep the writable side open when the client half-closes (Node's `httpAllowHalfOpen`). */
  httpAllowHalfOpen = false;
  readonly connectionsCheckingInterval: number;
  /** @internal */
  readonly _incomingMessageClass: new (
    socket: Socket,
  ) => IncomingMessage;
  /** @internal */
  readonly _serverResponseClass: new (
    req: IncomingMessage,
    options: { highWaterMark: number; rejectNonStandardBodyWrites: boolean },
  ) => ServerResponse;
  /** @internal Open HTTP connections (for timeouts and closeAll/IdleConnections). */
  readonly _connections_http = new ConnectionList<ServerConnection>();
  private checkTimer: NodeJS.Timeout | null = null;

  constructor(requestListener?: RequestListener);
  constructor(options: ServerOptions, requestListener?: RequestListener);
  constructor(options?: ServerOptions | RequestListener, requestListener?: RequestListener) {
    let opts: ServerOptions;
    [opts, requestListener] = serverArgs(options, requestListener, 'object');
    super({
      // Half-open so a response can still be written after the client's FIN.
      allowHalfOpen: true,
      noDelay: opts.noDelay ?? true,
      keepAlive: opts.keepAlive ?? false,
      keepAliveInitialDelay: opts.keepAliveInitialDelay ?? 0,
      ...(opts.highWaterMark !== undefined ? { highWaterMark: opts.highWaterMark } : {}),
      ...(opts.transport !== undefined ? { transport: opts.transport } : {}),
      // Passed on so net refuses it rather than the server landing on the host.
      ...('stack' in opts ? { stack: (opts as { stack?: unknown }).stack } : {}),
    });
    // Frameworks built on node:http's prototypes (Express) move our messages onto them.
    bridgeNodePrototypes(BRIDGED);
    this._incomingMessageClass = opts.IncomingMessage ?? IncomingMessage;
    this._serverResponseClass = opts.ServerResponse ?? ServerResponse;
    if (opts.maxHeaderSize !== undefined) validateTime(opts.maxHeaderSize, 'maxHeaderSize');
    this.maxHeaderSize = opts.maxHeaderSize;
    if (opts.insecureHTTPParser !== undefined) {
      validateBoolean(opts.insecureHTTPParser, 'options.insecureHTTPParser');
    }
    this.insecureHTTPParser = opts.insecureHTTPParser;
    this.requestTimeout =
      opts.requestTimeout === undefined
        ? 300_000
        : validateTime(opts.requestTimeout, 'requestTimeout');
    this.headersTimeout =
      opts.headersTimeout === undefined
        ? Math.min(60_000, this.requestTimeout || 60_000)
        : validateTime(opts.headersTimeout, 'headersTimeout');
    if (
      this.requestTimeout > 0 &&
      this.headersTimeout > 0 &&
      this.headersTimeout > this.requestTimeout
    ) {
      throw codedError(
        'ERR_OUT_OF_RANGE',
        'headersTimeout',
        '<= requestTimeout',
        this.headersTimeout,
      );
    }
    this.keepAliveTimeout =
      opts.keepAliveTimeout === undefined
        ? 5000
        : validateTime(opts.keepAliveTimeout, 'keepAliveTimeout');
    this.connectionsCheckingInterval =
      opts.connectionsCheckingInterval === undefined
        ? 30_000
        : validateTime(opts.connectionsCheckingInterval, 'connectionsCheckingInterval');
    this.requireHostHeader = opts.requireHostHeader ?? true;
    this.joinDuplicateHeaders = opts.joinDuplicateHeaders ?? false;
    this.rejectNonStandardBodyWrites = opts.rejectNonStandardBodyWrites ?? false;
    this._uniqueHeaders = parseUniqueHeadersOption(opts.uniqueHeaders);

    if (requestListener) this.on('request', requestListener);
    this.on('connection', connectionListener);
    this.on('listening', this.startChecking);
  }

  /**
   * Each accepted connection (`'connection'`) passes through here before the
   * HTTP engine attaches. The default attaches it at once; a subclass may
   * first wrap the socket (https runs the TLS handshake) and then call
   * `_attachHttp` with the stream HTTP should speak over.
   */
  protected _acceptConnection(socket: Socket): void {
    this._attachHttp(socket);
  }

  /**
   * Starts the HTTP/1.1 engine on `socket`: a wirestack `net.Socket` or any
   * Duplex with the same methods (`setTimeout`, `destroySoon`, ...), such as
   * a `tls.TLSSocket`.
   */
  protected _attachHttp(socket: Socket): void {
    new ServerConnection(this, socket);
  }

  private startChecking(this: Server): void {
    if (this.checkTimer !== null || !(this.connectionsCheckingInterval > 0)) return;
    this.checkTimer = setInterval(checkConnections, this.connectionsCheckingInterval, this);
    this.checkTimer.unref();
  }

  /**
   * Stops accepting connections and closes idle ones (as Node ≥ 19 does);
   * `'close'` follows once the rest have closed.
   */
  override close(cb?: (err?: Error) => void): this {
    this.closeIdleConnections();
    if (this.checkTimer !== null) {
      clearInterval(this.checkTimer);
      this.checkTimer = null;
    }
    return super.close(cb);
  }

  /**
   * With `events.captureRejections`, a rejected async `'request'` listener
   * answers `500` (dropping the headers set so far) if nothing was sent
   * yet, and otherwise destroys the response; other events go to
   * net.Server's handling.
   */
  override [captureRejectionSymbol](err: Error, event: string, ...args: unknown[]): void {
    if (event === 'request') {
      const res = args[1] as ServerResponse;
      if (!res.headersSent && !res.writableEnded) {
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        res.statusCode = 500;
        res.end(STATUS_CODES[500] as string);
      } else {
        res.destroy();
      }
      return;
    }
    const base = NetServer.prototype as unknown as Record<
      symbol,
      (this: Server, e: Error, ev: string, ...a: unknown[]) => void
    >;
    base[captureRejectionSymbol]!.call(this, err, event, ...args);
  }

  /** Destroys every HTTP connection of this server, busy or not. */
  closeAllConnections(): void {
    for (const conn of [...this._connections_http]) conn.socket.destroy();
  }

  /** Destroys the connections with no request in flight (kept-alive, idle). */
  closeIdleConnections(): void {
    for (const conn of [...this._connections_http]) {
      if (conn.idle) conn.socket.destroy();
    }
  }

  /**
   * Sets the socket idle timeout (ms) of new connections; `callback` listens
   * for `'timeout'` (then the listener, not the server, closes the socket).
   */
  setTimeout(msecs = 0, callback?: (socket: Socket) => void): this {
    this.timeout = msecs;
    if (callback) this.on('timeout', callback);
    return this;
  }
}

/** `http.createServer([options][, requestListener])`. */
export function createServer(requestListener?: RequestListener): Server;
export function createServer(options: ServerOptions, requestListener?: RequestListener): Server;
export function createServer(
  options?: ServerOptions | RequestListener,
  requestListener?: RequestListener,
): Server {
  return new Server(options as ServerOptions, requestListener);
}
