/**
 * `WebSocketServer`: the server side of the opening handshake (RFC 6455
 * §4.2) on an http server's `'upgrade'` event, with the `ws` package's API.
 *
 * Modes — exactly one of:
 * - `{ port }`: creates a wirestack http server on that port (ordinary
 *   requests get `426 Upgrade Required`);
 * - `{ server }`: attaches to an existing http server's `'upgrade'`;
 * - `{ noServer: true }`: the caller routes upgrades with `handleUpgrade`.
 *
 * A request is refused with an HTTP error and the connection closed when:
 * the method is not GET (405); `Upgrade` is not `websocket` (400);
 * `Sec-WebSocket-Key` is missing or not 16 bytes of base64 (400);
 * `Sec-WebSocket-Version` is missing or malformed (400) or not 13 (426 with
 * `Sec-WebSocket-Version: 13`, §4.4); `Sec-WebSocket-Protocol` or
 * `Sec-WebSocket-Extensions` is malformed (400); the path does not match /
 * `shouldHandle` says no (400); `verifyClient` says no (401 or its code);
 * the server is closing (503). A valid request gets
 *
 * ```
 * HTTP/1.1 101 Switching Protocols
 * Upgrade: websocket
 * Connection: Upgrade
 * Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
 * Sec-WebSocket-Protocol: chat                      (if one was selected)
 * Sec-WebSocket-Extensions: permessage-deflate      (if agreed)
 * ```
 *
 * Events: `connection` (ws, req), `listening`, `headers` (lines, req) —
 * lines of the 101 response, which listeners may add to —, `error`,
 * `wsClientError` (err, socket, req) — when listened for, handshake errors go
 * there instead of an automatic HTTP error —, `close`.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Transport } from '../handle/types.js';
import { createServer, type Server as HttpServer } from '../http/index.js';
import { STATUS_CODES } from '../http/status-codes.js';
import { DEFAULT_CLOSE_TIMEOUT, DEFAULT_MAX_PAYLOAD, PROTOCOL_VERSION } from './constants.js';
import { formatExtensions, parseExtensions, parseProtocolList } from './extension-header.js';
import { acceptKey, isValidKey } from './handshake.js';
import {
  acceptOffer,
  EXTENSION_NAME,
  PerMessageDeflate,
  type PerMessageDeflateOptions,
} from './permessage-deflate.js';
import { TypedEmitter } from './typed-emitter.js';
import { WebSocket } from './websocket.js';

/** What `verifyClient` is told about a request. */
export interface VerifyClientInfo {
  /** The Origin header field (browsers send it). */
  origin: string | undefined;
  /** True when the connection is TLS. */
  secure: boolean;
  req: IncomingMessage;
}

/** Synchronous form: return whether to accept. */
export type VerifyClientSync = (info: VerifyClientInfo) => boolean;
/** Asynchronous form: call `done(accept[, code, message, headers])`. */
export type VerifyClientAsync = (
  info: VerifyClientInfo,
  done: (
    result: boolean,
    code?: number,
    message?: string,
    headers?: Record<string, string | number>,
  ) => void,
) => void;

/** The part of an http(s) server the WebSocket server uses. */
export interface UpgradeServer extends EventEmitter {
  address(): ReturnType<HttpServer['address']>;
}

export interface ServerOptions {
  /** Port for a server created here (`{ port }` mode). */
  port?: number;
  /** Host to bind in `{ port }` mode. */
  host?: string;
  backlog?: number;
  /** An existing http / https server (`{ server }` mode). */
  server?: UpgradeServer;
  /** No server: the caller calls `handleUpgrade` (`{ noServer: true }` mode). */
  noServer?: boolean;
  /** Only accept requests for this path (the query string is ignored). */
  path?: string;
  /** Accept or refuse each request (see VerifyClientSync / VerifyClientAsync). */
  verifyClient?: VerifyClientSync | VerifyClientAsync;
  /** Picks the subprotocol from the offered set; `false` selects none. Default: the first offered. */
  handleProtocols?: (protocols: Set<string>, req: IncomingMessage) => string | false;
  /** Accept permessage-deflate (default false), optionally with parameters. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Largest message accepted, bytes (default 100 MiB); larger ones fail with 1009. */
  maxPayload?: number;
  /** Keep connected clients in `clients` (default true). */
  clientTracking?: boolean;
  /** Do not validate UTF-8 of text messages and close reasons (default false). */
  skipUTF8Validation?: boolean;
  /** Answer pings automatically (default true). */
  autoPong?: boolean;
  /** Time allowed for a closing handshake before the socket is destroyed, ms (default 30000). */
  closeTimeout?: number;
  /** The class of the WebSocket objects made (WebSocket or a subclass). */
  WebSocket?: typeof WebSocket;
  /** wirestack: the transport of the server made in `{ port }` mode (default: that of wirestack's `net`). */
  transport?: Transport;
}

export type ConnectionListener = (ws: WebSocket, req: IncomingMessage) => void;

/** The server's events and their arguments. */
export interface WebSocketServerEvents {
  connection: (ws: WebSocket, req: IncomingMessage) => void;
  listening: () => void;
  headers: (lines: string[], req: IncomingMessage) => void;
  error: (err: Error) => void;
  wsClientError: (err: Error, socket: Duplex, req: IncomingMessage) => void;
  close: () => void;
}

enum State {
  Running = 0,
  Closing = 1,
  Closed = 2,
}

const kHandled = Symbol('wsHandled');

function socketOnError(this: Duplex): void {
  this.destroy();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Refuses a handshake with an HTTP response and closes the connection once
 * it is written.
 */
function abortHandshake(
  socket: Duplex,
  code: number,
  message?: string,
  headers: Record<string, string | number> = {},
): void {
  const body = message ?? STATUS_CODES[code] ?? '';
  const fields: Record<string, string | number> = {
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  };
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\n` +
      Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `\r\n${body}`,
  );
}

export class WebSocketServer extends TypedEmitter<WebSocketServerEvents> {
  /** Open connections, when `clientTracking` is on. */
  readonly clients: Set<WebSocket> | undefined;
  readonly options: Readonly<
    Required<
      Pick<
        ServerOptions,
        | 'maxPayload'
        | 'clientTracking'
        | 'skipUTF8Validation'
        | 'autoPong'
        | 'closeTimeout'
        | 'noServer'
      >
    > &
      ServerOptions
  >;
  private server: UpgradeServer | null = null;
  private readonly ownServer: boolean;
  private removeListeners: (() => void) | null = null;
  private state = State.Running;
  private shouldEmitClose = false;
  private readonly pmdOptions: PerMessageDeflateOptions | undefined;

  /**
   * @throws TypeError unless exactly one of `port`, `server`, `noServer` is given.
   */
  constructor(options: ServerOptions, callback?: () => void) {
    super();
    const opts = {
      maxPayload: DEFAULT_MAX_PAYLOAD,
      clientTracking: true,
      skipUTF8Validation: false,
      autoPong: true,
      closeTimeout: DEFAULT_CLOSE_TIMEOUT,
      noServer: false,
      ...options,
    };
    const hasPort = opts.port !== undefined && opts.port !== null;
    if (
      (!hasPort && !opts.server && !opts.noServer) ||
      (hasPort && (opts.server || opts.noServer)) ||
      (opts.server && opts.noServer)
    ) {
      throw new TypeError(
        'One and only one of the "port", "server", or "noServer" options must be specified',
      );
    }
    this.options = opts;
    this.pmdOptions =
      opts.perMessageDeflate === true
        ? {}
        : opts.perMessageDeflate
          ? opts.perMessageDeflate
          : undefined;
    this.clients = opts.clientTracking ? new Set() : undefined;

    this.ownServer = hasPort;
    if (hasPort) {
      const server = createServer({ transport: opts.transport }, (_req, res) => {
        const body = STATUS_CODES[426]!;
        res.writeHead(426, { 'Content-Length': body.length, 'Content-Type': 'text/plain' });
        res.end(body);
      });
      const listenArgs: unknown[] = [opts.port];
      if (opts.host !== undefined) listenArgs.push(opts.host);
      if (opts.backlog !== undefined) {
        if (opts.host === undefined) listenArgs.push(undefined);
        listenArgs.push(opts.backlog);
      }
      if (callback) listenArgs.push(callback);
      (server.listen as (...args: unknown[]) => unknown)(...listenArgs);
      this.server = server;
    } else if (opts.server) {
      this.server = opts.server;
    }

    if (this.server !== null) {
      const server = this.server;
      const onListening = () => this.emit('listening');
      const onError = (err: Error) => this.emit('error', err);
      const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        this.handleUpgrade(req, socket, head, (ws) => this.emit('connection', ws, req));
      };
      server.on('listening', onListening);
      server.on('error', onError);
      server.on('upgrade', onUpgrade);
      this.removeListeners = () => {
        server.removeListener('listening', onListening);
        server.removeListener('error', onError);
        server.removeListener('upgrade', onUpgrade);
      };
    }
  }

  /**
   * The bound address of the underlying server (`server.address()`).
   * @throws Error in noServer mode.
   */
  address(): ReturnType<HttpServer['address']> {
    if (this.options.noServer) throw new Error('The server is operating in "noServer" mode');
    if (this.server === null) return null;
    return this.server.address();
  }

  /**
   * Stops accepting connections. With `{ port }` the http server is closed;
   * existing WebSockets are left open ('close' comes when the last tracked
   * one has closed). `cb` gets an error if the server was already closed.
   */
  close(cb?: (err?: Error) => void): void {
    const closedBefore = this.state === State.Closed;
    if (cb) {
      this.once('close', () => {
        if (closedBefore) cb(new Error('The server is not running'));
        else cb();
      });
    }
    if (closedBefore) {
      process.nextTick(() => this.emit('close'));
      return;
    }
    if (this.state === State.Closing) return;
    this.state = State.Closing;
    const server = this.server;
    this.removeListeners?.();
    this.removeListeners = null;
    this.server = null;
    if (this.ownServer && server !== null) {
      (server as unknown as HttpServer).close(() => this.emitClose());
      return;
    }
    if (this.clients !== undefined && this.clients.size > 0) {
      this.shouldEmitClose = true;
    } else {
      process.nextTick(() => this.emitClose());
    }
  }

  private emitClose(): void {
    this.state = State.Closed;
    this.emit('close');
  }

  /**
   * Whether this server handles `req`: by default, true unless `path` is set
   * and differs from the request's path (query ignored). May be overridden.
   */
  shouldHandle(req: IncomingMessage): boolean {
    const path = this.options.path;
    if (path !== undefined) {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      if ((q === -1 ? url : url.slice(0, q)) !== path) return false;
    }
    return true;
  }

  /**
   * Runs the handshake for an upgrade request (from an http server's
   * 'upgrade' event) and calls `cb(ws, req)` on success; on failure answers
   * with an HTTP error and closes the socket.
   */
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    cb: (ws: WebSocket, req: IncomingMessage) => void,
  ): void {
    socket.on('error', socketOnError);
    const key = header(req, 'sec-websocket-key');
    const upgrade = header(req, 'upgrade');
    const versionHeader = header(req, 'sec-websocket-version');

    if (req.method !== 'GET') {
      this.clientError(req, socket, 405, 'Invalid HTTP method');
      return;
    }
    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') {
      this.clientError(req, socket, 400, 'Invalid Upgrade header');
      return;
    }
    if (key === undefined || !isValidKey(key)) {
      this.clientError(req, socket, 400, 'Missing or invalid Sec-WebSocket-Key header');
      return;
    }
    if (versionHeader === undefined || !/^\d{1,3}$/.test(versionHeader.trim())) {
      this.clientError(req, socket, 400, 'Missing or invalid Sec-WebSocket-Version header');
      return;
    }
    if (Number(versionHeader) !== PROTOCOL_VERSION) {
      // RFC 6455 §4.4: say which versions we speak.
      this.clientError(req, socket, 426, 'Unsupported WebSocket version', {
        'Sec-WebSocket-Version': String(PROTOCOL_VERSION),
      });
      return;
    }
    if (!this.shouldHandle(req)) {
      abortHandshake(socket, 400);
      return;
    }

    const protocolHeader = header(req, 'sec-websocket-protocol');
    let protocols = new Set<string>();
    if (protocolHeader !== undefined) {
      try {
        protocols = new Set(parseProtocolList(protocolHeader));
      } catch {
        this.clientError(req, socket, 400, 'Invalid Sec-WebSocket-Protocol header');
        return;
      }
    }

    const extensionsHeader = header(req, 'sec-websocket-extensions');
    let pmd: PerMessageDeflate | undefined;
    let extensionsResponse: string | undefined;
    if (this.pmdOptions !== undefined && extensionsHeader !== undefined) {
      try {
        const offers = parseExtensions(extensionsHeader);
        const accepted = acceptOffer(offers, this.pmdOptions);
        if (accepted !== undefined) {
          pmd = new PerMessageDeflate(
            accepted.params,
            true,
            this.pmdOptions,
            this.options.maxPayload,
          );
          extensionsResponse = formatExtensions([accepted.response]);
        }
      } catch {
        this.clientError(
          req,
          socket,
          400,
          'Invalid or unacceptable Sec-WebSocket-Extensions header',
        );
        return;
      }
    }

    const verify = this.options.verifyClient;
    if (verify) {
      const reqSocket = req.socket as
        | (Duplex & { encrypted?: boolean; authorized?: boolean })
        | null;
      const info: VerifyClientInfo = {
        origin: header(req, 'origin'),
        secure: Boolean(reqSocket?.authorized || reqSocket?.encrypted),
        req,
      };
      if (verify.length === 2) {
        (verify as VerifyClientAsync)(info, (ok, code, message, headers) => {
          if (!ok) {
            abortHandshake(socket, code ?? 401, message, headers);
            return;
          }
          this.completeUpgrade(pmd, extensionsResponse, key, protocols, req, socket, head, cb);
        });
        return;
      }
      if (!(verify as VerifyClientSync)(info)) {
        abortHandshake(socket, 401);
        return;
      }
    }
    this.completeUpgrade(pmd, extensionsResponse, key, protocols, req, socket, head, cb);
  }

  /** Handshake errors go to 'wsClientError' when listened for, else become an HTTP error. */
  private clientError(
    req: IncomingMessage,
    socket: Duplex,
    code: number,
    message: string,
    headers?: Record<string, string | number>,
  ): void {
    if (this.listenerCount('wsClientError') > 0) {
      const err = new Error(message);
      this.emit('wsClientError', err, socket, req);
      return;
    }
    abortHandshake(socket, code, message, headers);
  }

  private completeUpgrade(
    pmd: PerMessageDeflate | undefined,
    extensionsResponse: string | undefined,
    key: string,
    protocols: Set<string>,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    cb: (ws: WebSocket, req: IncomingMessage) => void,
  ): void {
    // The client may have gone while verifyClient was deciding.
    if (!socket.readable || !socket.writable) {
      socket.destroy();
      return;
    }
    const marked = socket as Duplex & { [kHandled]?: boolean };
    if (marked[kHandled]) {
      throw new Error(
        'server.handleUpgrade() was called more than once with the same socket, possibly due to a misconfiguration',
      );
    }
    if (this.state !== State.Running) {
      abortHandshake(socket, 503);
      return;
    }
    marked[kHandled] = true;

    const lines = [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${acceptKey(key)}`,
    ];
    const Ctor = this.options.WebSocket ?? WebSocket;
    const ws = new Ctor(null, undefined, {
      autoPong: this.options.autoPong,
      closeTimeout: this.options.closeTimeout,
    });
    if (protocols.size > 0) {
      const selected = this.options.handleProtocols
        ? this.options.handleProtocols(protocols, req)
        : (protocols.values().next().value as string);
      if (selected) {
        lines.push(`Sec-WebSocket-Protocol: ${selected}`);
        ws._protocol = selected;
      }
    }
    if (pmd !== undefined && extensionsResponse !== undefined) {
      lines.push(`Sec-WebSocket-Extensions: ${extensionsResponse}`);
      ws._extensions[EXTENSION_NAME] = pmd;
    }
    this.emit('headers', lines, req);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.removeListener('error', socketOnError);

    ws._setSocket(socket, head, {
      maxPayload: this.options.maxPayload,
      skipUTF8Validation: this.options.skipUTF8Validation,
    });

    const clients = this.clients;
    if (clients !== undefined) {
      clients.add(ws);
      ws.on('close', () => {
        clients.delete(ws);
        if (this.shouldEmitClose && clients.size === 0) {
          process.nextTick(() => this.emitClose());
        }
      });
    }
    cb(ws, req);
  }
}
