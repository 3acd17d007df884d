/**
 * `https.Server` and `https.createServer` (Node's https doc, "Class:
 * https.Server"; the TLS side follows Node's tls doc, "Class: tls.Server"):
 * wirestack's `http.Server` whose accepted connections first complete a TLS
 * handshake — node:tls over the wirestack socket (see SecureSocket) — and
 * only then speak HTTP/1.1.
 *
 * Events, besides http.Server's:
 * - `'secureConnection'` (tlsSocket): the handshake completed; the HTTP
 *   engine is attached by the first listener of this event, as in Node.
 * - `'tlsClientError'` (err, tlsSocket): the handshake failed (or the peer
 *   went away before it completed: `ECONNRESET` "socket hang up"); by
 *   default re-emitted as `'clientError'`, and the socket is destroyed when
 *   nobody listens for that.
 * - `'keylog'` (line: Buffer, tlsSocket), `'newSession'`, `'resumeSession'`,
 *   `'OCSPRequest'`: emitted by node:tls itself, for sockets accepted while a
 *   listener is registered.
 */
import { createHash } from 'node:crypto';
import * as tls from 'node:tls';
import { codedError } from '../errors/index.js';
import {
  Server as HttpServer,
  type ServerOptions as HttpServerOptions,
  type RequestListener,
  serverArgs,
} from '../http/server.js';
import type { Socket } from '../net/socket.js';
import { SecureSocket } from './secure-socket.js';

/**
 * Options of `https.createServer([options])`: every http.Server option, and
 * Node's `tls.createServer` / `tls.createSecureContext` options — `key`,
 * `cert`, `ca`, `pfx`, `passphrase`, `ciphers`, `minVersion`, `maxVersion`,
 * `requestCert`, `rejectUnauthorized`, `SNICallback`, `ALPNProtocols`,
 * `sessionTimeout` (seconds), `ticketKeys` (48 bytes), `handshakeTimeout`
 * (milliseconds, default 120000), ...
 */
export interface ServerOptions extends HttpServerOptions, tls.TlsOptions {}

type SNICallback = (
  servername: string,
  cb: (err: Error | null, ctx?: tls.SecureContext) => void,
) => void;

/** Node-internal parts of tls.TLSSocket used here (stable since Node 12, absent from @types/node). */
interface TLSSocketInternals {
  _controlReleased: boolean;
  _releaseControl(): boolean;
  _requestCert: boolean;
  _rejectUnauthorized: boolean;
  _handle: { verifyError(): (Error & { code?: string }) | null } | null;
  secureConnecting: boolean;
  authorizationError: string | Error | null;
  authorized: boolean;
}

type ServerSocket = Omit<SecureSocket, 'authorizationError' | 'authorized'> &
  TLSSocketInternals & {
    server: Server;
    [kClientErrorEmitted]?: boolean;
  };

const kClientErrorEmitted = Symbol('wirestack.https.clientErrorEmitted');

/** The TLS options that go into the server's secure context (tls.createSecureContext). */
const CONTEXT_OPTIONS = [
  'pfx',
  'key',
  'passphrase',
  'cert',
  'clientCertEngine',
  'ca',
  'minVersion',
  'maxVersion',
  'secureProtocol',
  'crl',
  'sigalgs',
  'ciphers',
  'ecdhCurve',
  'dhparam',
  'secureOptions',
  'sessionTimeout',
  'ticketKeys',
  'privateKeyIdentifier',
  'privateKeyEngine',
] as const;

let defaultSessionIdContext: string | undefined;

/**
 * What distinguishes this program's sessions from another's (OpenSSL's
 * session id context): a digest of the command line, 32 hex digits.
 */
function processSessionIdContext(): string {
  defaultSessionIdContext ??= createHash('sha1')
    .update(process.argv.join(' '))
    .digest('hex')
    .slice(0, 32);
  return defaultSessionIdContext;
}

let secureContextPrototype: object | undefined;

/** True for what `tls.createSecureContext()` returns. */
function isSecureContext(value: unknown): value is tls.SecureContext {
  if (value === null || typeof value !== 'object') return false;
  secureContextPrototype ??= Object.getPrototypeOf(tls.createSecureContext()) as object;
  return Object.getPrototypeOf(value) === secureContextPrototype;
}

/**
 * A server name pattern of `addContext` as a RegExp: `*` stands for one DNS
 * label (or part of one), everything else is literal; names compare without
 * regard to case (RFC 4343).
 */
export function serverNamePattern(servername: string): RegExp {
  const literal = servername.replace(/[.^$+?\-\\[\]{}()|]/g, '\\$&').replaceAll('*', '[^.]*');
  return new RegExp(`^${literal}$`, 'i');
}

/**
 * ALPN protocol names in wire form (RFC 7301 §3.1): each name as its length
 * (one byte) then its bytes. A Buffer / TypedArray / DataView is taken as
 * already in that form (copied).
 */
export function alpnWireFormat(
  protocols: readonly (string | Uint8Array)[] | NodeJS.ArrayBufferView,
): Buffer {
  if (ArrayBuffer.isView(protocols)) {
    return Buffer.from(Buffer.from(protocols.buffer, protocols.byteOffset, protocols.byteLength));
  }
  const parts: Buffer[] = [];
  for (const protocol of protocols) {
    const name = typeof protocol === 'string' ? Buffer.from(protocol) : Buffer.from(protocol);
    if (name.length > 255) {
      throw codedError(
        'ERR_OUT_OF_RANGE',
        'The byte length of the protocol',
        '<= 255',
        name.length,
      );
    }
    parts.push(Buffer.from([name.length]), name);
  }
  return Buffer.concat(parts);
}

function connResetError(message: string): Error {
  const err = new Error(message) as Error & { code: string };
  err.code = 'ECONNRESET';
  return err;
}

// Listeners on each accepted SecureSocket (`this` = the socket), module-level
// so that no closure is allocated per connection.

/** The handshake completed: check the client certificate, then hand the socket over. */
function onSecure(this: ServerSocket): void {
  if (this._requestCert) {
    const verifyError = this._handle?.verifyError() ?? null;
    if (verifyError) {
      this.authorizationError = verifyError.code ?? verifyError.message;
      if (this._rejectUnauthorized) this.destroy();
    } else {
      this.authorized = true;
    }
  }
  if (!this.destroyed && this._releaseControl()) {
    this.secureConnecting = false;
    this.server.emit('secureConnection', this);
  }
}

/** A line of TLS key material (NSS key log format): `'keylog'` (line, socket) on the server. */
function onKeylog(this: ServerSocket, line: Buffer): void {
  this.server.emit('keylog', line, this);
}

/** A TLS error before the socket was handed over: `'tlsClientError'`, once. */
function onTLSError(this: ServerSocket, err: Error): void {
  if (this._controlReleased || this[kClientErrorEmitted]) return;
  this[kClientErrorEmitted] = true;
  this.server.emit('tlsClientError', err, this);
}

/** Closed without an error before the handshake completed: the peer hung up. */
function onCloseBeforeSecure(this: ServerSocket, hadError: boolean): void {
  if (hadError || this._controlReleased || this[kClientErrorEmitted]) return;
  this[kClientErrorEmitted] = true;
  this.server.emit('tlsClientError', connResetError('socket hang up'), this);
}

/** The default `'tlsClientError'` handling: `'clientError'`, else destroy. */
function onTLSClientError(this: Server, err: Error, socket: tls.TLSSocket): void {
  if (!this.emit('clientError', err, socket)) socket.destroy(err);
}

export class Server extends HttpServer {
  /** Ask clients for a certificate. Default false. */
  requestCert = false;
  /** With `requestCert`, drop clients whose certificate does not verify. Default true. */
  rejectUnauthorized = true;
  /**
   * Protocols offered through ALPN (RFC 7301), most preferred first, in wire
   * form (each name preceded by its length byte). Default: `http/1.1`.
   */
  ALPNProtocols: Buffer | undefined;
  ALPNCallback: ServerOptions['ALPNCallback'];
  /** Milliseconds a client has to complete the handshake (`ERR_TLS_HANDSHAKE_TIMEOUT`). */
  handshakeTimeout = 120_000;
  /** TLS session lifetime in seconds (default: OpenSSL's, 300). */
  sessionTimeout: number | undefined;
  /** @internal The context used unless SNI picks another (`setSecureContext`). */
  _sharedCreds!: tls.SecureContext;
  /** @internal SNI contexts from `addContext`: [pattern, context]; later ones win. */
  readonly _contexts: [RegExp, tls.SecureContext][] = [];
  private readonly userSNICallback: SNICallback | undefined;
  private readonly tlsOptions: {
    enableTrace?: boolean;
    pskCallback?: unknown;
    pskIdentityHint?: string;
    pauseOnConnect?: boolean;
  };
  private readonly contextSNICallback: SNICallback;

  /**
   * `new https.Server([options][, requestListener])`.
   * @throws ERR_INVALID_ARG_TYPE for options of the wrong type (from here and
   *   from `tls.createSecureContext`, e.g. `options.key`).
   */
  constructor(requestListener?: RequestListener);
  constructor(options: ServerOptions, requestListener?: RequestListener);
  constructor(options?: ServerOptions | RequestListener, requestListener?: RequestListener) {
    let opts: ServerOptions;
    [opts, requestListener] = serverArgs(options, requestListener, 'Object');
    super(opts, requestListener);
    this.requestCert = opts.requestCert === true;
    this.rejectUnauthorized = opts.rejectUnauthorized !== false;
    this.ALPNCallback = opts.ALPNCallback;
    if (this.ALPNCallback !== undefined) {
      if (typeof this.ALPNCallback !== 'function') {
        throw codedError(
          'ERR_INVALID_ARG_TYPE',
          'options.ALPNCallback',
          'function',
          opts.ALPNCallback,
        );
      }
      if (opts.ALPNProtocols) throw codedError('ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS');
    } else {
      this.ALPNProtocols = alpnWireFormat(opts.ALPNProtocols ?? ['http/1.1']);
    }
    if (opts.sessionTimeout) this.sessionTimeout = opts.sessionTimeout;
    this.setSecureContext(opts);
    this.handshakeTimeout = opts.handshakeTimeout || 120_000;
    if (typeof this.handshakeTimeout !== 'number') {
      throw codedError(
        'ERR_INVALID_ARG_TYPE',
        'options.handshakeTimeout',
        'number',
        opts.handshakeTimeout,
      );
    }
    if (opts.SNICallback !== undefined && typeof opts.SNICallback !== 'function') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options.SNICallback', 'function', opts.SNICallback);
    }
    this.userSNICallback = opts.SNICallback as SNICallback | undefined;
    this.contextSNICallback = (servername, cb) => cb(null, this.contextFor(servername));
    this.tlsOptions = {
      enableTrace: opts.enableTrace,
      pskCallback: opts.pskCallback,
      pskIdentityHint: opts.pskIdentityHint,
      pauseOnConnect: opts.pauseOnConnect,
    };
    // As Node's https.Server (a tls.Server): a connection whose client
    // half-closed is ended, TCP and TLS alike, unless `allowHalfOpen`.
    (this as { allowHalfOpen: boolean }).allowHalfOpen = opts.allowHalfOpen === true;
    this.httpAllowHalfOpen = false;
    this.on('tlsClientError', onTLSClientError);
    // The first 'secureConnection' listener attaches HTTP (user listeners run after it).
    this.on('secureConnection', (socket: tls.TLSSocket) =>
      this._attachHttp(socket as unknown as Socket),
    );
  }

  /** Wraps each accepted connection in TLS; HTTP attaches on `'secureConnection'`. */
  protected override _acceptConnection(socket: Socket): void {
    const options: tls.TLSSocketOptions & Record<string, unknown> = {
      isServer: true,
      server: this as unknown as tls.TLSSocketOptions['server'],
      secureContext: this._sharedCreds,
      requestCert: this.requestCert,
      rejectUnauthorized: this.rejectUnauthorized,
      handshakeTimeout: this.handshakeTimeout,
      ALPNProtocols: this.ALPNProtocols,
    };
    if (this.ALPNCallback !== undefined) options.ALPNCallback = this.ALPNCallback;
    const sni =
      this.userSNICallback ?? (this._contexts.length > 0 ? this.contextSNICallback : undefined);
    if (sni !== undefined) options.SNICallback = sni;
    const { enableTrace, pskCallback, pskIdentityHint, pauseOnConnect } = this.tlsOptions;
    if (enableTrace) options.enableTrace = enableTrace;
    if (pskCallback !== undefined) options.pskCallback = pskCallback;
    if (pskIdentityHint !== undefined) options.pskIdentityHint = pskIdentityHint;
    if (pauseOnConnect) options.pauseOnConnect = pauseOnConnect;
    const secure = new SecureSocket(socket, options);
    secure.on('secure', onSecure);
    if (this.listenerCount('keylog') > 0) secure.on('keylog', onKeylog);
    secure.on('_tlsError', onTLSError);
    secure.on('close', onCloseBeforeSecure);
  }

  /** The context `addContext` registered for `servername` (the latest match), if any. */
  private contextFor(servername: string): tls.SecureContext | undefined {
    const contexts = this._contexts;
    for (let i = contexts.length - 1; i >= 0; i--) {
      const [pattern, context] = contexts[i]!;
      if (pattern.test(servername)) return context;
    }
    return undefined;
  }

  /**
   * Replaces the certificate, key and other context options for new
   * connections (Node's tls doc, "server.setSecureContext(options)").
   * @throws ERR_INVALID_ARG_TYPE from `tls.createSecureContext`.
   */
  setSecureContext(options: tls.SecureContextOptions): void {
    if (options === null || typeof options !== 'object') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options', 'Object', options);
    }
    const record = options as Record<string, unknown>;
    const contextOptions: Record<string, unknown> = {};
    for (const name of CONTEXT_OPTIONS) {
      const value = record[name];
      if (value !== undefined && value !== null && value !== false) contextOptions[name] = value;
    }
    contextOptions.honorCipherOrder =
      options.honorCipherOrder === undefined ? true : Boolean(options.honorCipherOrder);
    contextOptions.sessionIdContext = options.sessionIdContext || processSessionIdContext();
    // The server's session lifetime (seconds) outlives any one context.
    if (contextOptions.sessionTimeout === undefined && this.sessionTimeout) {
      contextOptions.sessionTimeout = this.sessionTimeout;
    }
    this._sharedCreds = tls.createSecureContext(contextOptions as tls.SecureContextOptions);
  }

  /**
   * Serves `context` to clients that ask for a matching name through SNI
   * (RFC 6066 §3); `servername` may hold `*` wildcards (Node's tls doc,
   * "server.addContext(hostname, context)"). `context` is a SecureContext or
   * the options to make one.
   * @throws ERR_TLS_REQUIRED_SERVER_NAME when `servername` is empty.
   */
  addContext(servername: string, context: tls.SecureContext | tls.SecureContextOptions): void {
    if (!servername) throw codedError('ERR_TLS_REQUIRED_SERVER_NAME');
    const secureContext = isSecureContext(context) ? context : tls.createSecureContext(context);
    this._contexts.push([serverNamePattern(servername), secureContext]);
  }

  /**
   * @internal What a cluster worker sends the primary with its listen, and
   * gets back: the first worker's ticket keys become every worker's, so a
   * session resumes on whichever worker a connection reaches (Node's tls.Server).
   */
  _getServerData(): { ticketKeys: string } {
    return { ticketKeys: this.getTicketKeys().toString('hex') };
  }

  /** @internal See `_getServerData`. */
  _setServerData(data: { ticketKeys: string }): void {
    this.setTicketKeys(Buffer.from(data.ticketKeys, 'hex'));
  }

  /** The 48-byte session ticket keys (RFC 5077) of the default context. */
  getTicketKeys(): Buffer {
    return (this._sharedCreds.context as { getTicketKeys(): Buffer }).getTicketKeys();
  }

  /**
   * Sets the 48-byte session ticket keys; tickets made with other keys no
   * longer resume sessions.
   * @throws ERR_INVALID_ARG_TYPE unless a Buffer, TypedArray or DataView;
   *   ERR_OUT_OF_RANGE unless 48 bytes long.
   */
  setTicketKeys(keys: NodeJS.ArrayBufferView): void {
    if (!ArrayBuffer.isView(keys)) {
      throw codedError(
        'ERR_INVALID_ARG_TYPE',
        'buffer',
        ['Buffer', 'TypedArray', 'DataView'],
        keys,
      );
    }
    if (keys.byteLength !== 48) {
      throw codedError('ERR_OUT_OF_RANGE', 'keys.byteLength', '48', keys.byteLength);
    }
    (
      this._sharedCreds.context as { setTicketKeys(keys: NodeJS.ArrayBufferView): void }
    ).setTicketKeys(keys);
  }
}

/** `https.createServer([options][, requestListener])`. */
export function createServer(requestListener?: RequestListener): Server;
export function createServer(options: ServerOptions, requestListener?: RequestListener): Server;
export function createServer(
  options?: ServerOptions | RequestListener,
  requestListener?: RequestListener,
): Server {
  return new Server(options as ServerOptions, requestListener);
}
