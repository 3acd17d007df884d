/**
 * `https.Agent` (Node's https doc, "Class: https.Agent"): wirestack's
 * `http.Agent` whose connections are TLS over a wirestack `net.Socket`
 * (`tls.connect({ socket })`), with Node's TLS session cache so that a new
 * connection to the same origin resumes the last session (RFC 8446 §2.2,
 * RFC 5077) instead of a full handshake.
 *
 * Sockets are pooled per `getName(options)`, which adds every TLS option
 * that changes what a connection is (ca, cert, ciphers, servername, ...) to
 * http's `host:port:localAddress`.
 */
import * as tls from 'node:tls';
import { codedError } from '../errors/index.js';
import {
  type AgentRequest,
  type AgentRequestOptions,
  GLOBAL_AGENT_OPTIONS,
  Agent as HttpAgent,
  type AgentOptions as HttpAgentOptions,
} from '../http/agent.js';
import { createConnection as netConnect } from '../net/connect.js';
import type { ConnectOptions } from '../net/normalize-args.js';
import type { Socket } from '../net/socket.js';
import { isIP } from '../wire/ip-address.js';
import { SecureSocket } from './secure-socket.js';

/**
 * Options of `new https.Agent([options])`: http.Agent's (`keepAlive`,
 * `maxSockets`, `timeout` in ms, ...) plus `tls.connect` options applied to
 * every connection (`ca`, `cert`, `key`, `rejectUnauthorized`, `servername`,
 * `ALPNProtocols`, `minVersion`, `ciphers`, ...).
 */
export interface AgentOptions extends HttpAgentOptions, TlsConnectOptions {
  /** Most TLS sessions cached for resumption, one per origin name (default 100; 0 disables). */
  maxCachedSessions?: number;
}

/**
 * The `tls.connect` options a request or an agent may carry (Node's tls doc,
 * "tls.connect(options)"), less the TCP ones that wirestack's net handles.
 */
export type TlsConnectOptions = Omit<
  tls.ConnectionOptions,
  'timeout' | 'host' | 'port' | 'path' | 'lookup' | 'socket'
>;

/** Options of `agent.createConnection()`: `tls.connect` options plus the TCP ones. */
export type SecureConnectOptions = AgentRequestOptions &
  TlsConnectOptions & {
    /** The pool's key for this origin; enables the session cache. */
    _agentKey?: string;
  };

/**
 * TLS options that make a connection different, in the order Node's
 * `https.Agent.prototype.getName` appends them (after host:port:localAddress).
 */
const NAME_FIELDS = [
  'ca',
  'cert',
  'clientCertEngine',
  'ciphers',
  'key',
  'pfx',
  'rejectUnauthorized',
  'servername',
  'minVersion',
  'maxVersion',
  'secureProtocol',
  'crl',
  'honorCipherOrder',
  'ecdhCurve',
  'dhparam',
  'secureOptions',
  'sessionIdContext',
  'sigalgs',
  'privateKeyIdentifier',
  'privateKeyEngine',
] as const;

/** Fields that count even when falsy (false, 0). */
const DEFINED_FIELDS = new Set(['rejectUnauthorized', 'honorCipherOrder', 'secureOptions']);

/** The socket-level options `tls.connect` must not see: the transport socket has them. */
const TRANSPORT_ONLY = ['timeout', 'path', 'lookup', 'transport'] as const;
/** The options the transport socket must not see: the TLS socket has them. */
const TLS_ONLY = ['timeout', 'socket', 'signal'] as const;

function nameField(options: Record<string, unknown>, field: (typeof NAME_FIELDS)[number]): string {
  const value = options[field];
  if (field === 'servername') {
    return value && value !== options.host ? String(value) : '';
  }
  if (field === 'sigalgs') return value ? JSON.stringify(value) : '';
  if (DEFINED_FIELDS.has(field)) return value === undefined ? '' : String(value);
  return value ? String(value) : '';
}

/**
 * The SNI name (RFC 6066 §3) for a request: the Host header's name if set,
 * else `options.host`; empty for an IP address, which SNI may not carry.
 */
export function calculateServerName(
  options: { host?: string | null | undefined },
  req: { getHeader?(name: string): unknown } | undefined,
): string {
  let servername = options.host ?? '';
  const hostHeader = req?.getHeader?.('host');
  if (hostHeader !== undefined && hostHeader !== null) {
    if (typeof hostHeader !== 'string') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options.headers.host', 'string', hostHeader);
    }
    if (hostHeader.startsWith('[')) {
      const end = hostHeader.indexOf(']');
      servername = end === -1 ? hostHeader : hostHeader.slice(1, end);
    } else {
      servername = hostHeader.split(':', 1)[0]!;
    }
  }
  return isIP(servername) ? '' : servername;
}

/** Fills in `options.servername` (unless given, even as '') from the request. */
function normalizeServerName(options: AgentRequestOptions, req: AgentRequest | undefined): void {
  if (!options.servername && options.servername !== '') {
    options.servername = calculateServerName(
      options,
      req as { getHeader?(name: string): unknown } | undefined,
    );
  }
}

export class Agent extends HttpAgent {
  override defaultPort = 443;
  override protocol = 'https:';
  /** Most cached TLS sessions (default 100; 0 disables the cache). */
  maxCachedSessions: number;
  /** @internal The session cache: the latest session per origin name, oldest name first in `list`. */
  readonly _sessionCache: { map: Record<string, Buffer>; list: string[] } = {
    map: {},
    list: [],
  };

  /** `new https.Agent([options])`; see AgentOptions. */
  /** Relays a socket's `'keylog'` as the agent's; set once somebody listens for it. */
  private keylogRelay: ((this: tls.TLSSocket, line: Buffer) => void) | undefined;

  /** `new https.Agent([options])`; see AgentOptions. */
  constructor(options?: AgentOptions) {
    super(options);
    this.maxCachedSessions = (this.options.maxCachedSessions as number | undefined) ?? 100;
    this.on('newListener', this.watchKeylog);
  }

  /**
   * The first `'keylog'` listener turns key logging on for every socket of
   * this agent, open or future: `'keylog'` (line: Buffer, tlsSocket).
   */
  private watchKeylog(this: Agent, event: string | symbol): void {
    if (event !== 'keylog') return;
    this.removeListener('newListener', this.watchKeylog);
    const agent = this;
    const relay = function (this: tls.TLSSocket, line: Buffer): void {
      agent.emit('keylog', line, this);
    };
    this.keylogRelay = relay;
    for (const sets of [this.sockets, this.freeSockets]) {
      for (const list of Object.values(sets)) {
        for (const socket of list) socket.on('keylog', relay);
      }
    }
  }

  /**
   * `host:port:localAddress` as http's, then `:` and each TLS option of
   * NAME_FIELDS that is set (Node's order); `servername` only when it
   * differs from `host`, `sigalgs` as JSON.
   */
  override getName(options: AgentRequestOptions = {}): string {
    let name = super.getName(options);
    const record = options as Record<string, unknown>;
    for (const field of NAME_FIELDS) name += `:${nameField(record, field)}`;
    return name;
  }

  /** @internal Adds the SNI name before the origin's pool is chosen. */
  override addRequest(req: AgentRequest, options: AgentRequestOptions): void {
    const opts = { __proto__: null, ...options, ...this.options } as unknown as AgentRequestOptions;
    normalizeServerName(opts, req);
    if (opts.servername !== undefined) options = { ...options, servername: opts.servername };
    super.addRequest(req, options);
  }

  /** @internal Adds the SNI name, then opens a socket as http's. */
  override createSocket(
    req: AgentRequest,
    options: AgentRequestOptions,
    cb: (err: Error | null, socket?: Socket) => void,
  ): void {
    const opts = { __proto__: null, ...options, ...this.options } as unknown as AgentRequestOptions;
    normalizeServerName(opts, req);
    if (opts.servername !== undefined) options = { ...options, servername: opts.servername };
    super.createSocket(req, options, cb);
  }

  /**
   * Opens a TLS connection: a wirestack TCP (or IPC, with `path`) connection
   * and `tls.connect({ socket })` over it. `(options)`, `(port[, host][,
   * options])`; `options` is not modified. With `_agentKey`, a cached
   * session for that origin is offered and new ones are cached.
   * Certificate problems are emitted as `'error'` with Node's codes
   * (`DEPTH_ZERO_SELF_SIGNED_CERT`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
   * `ERR_TLS_CERT_ALTNAME_INVALID`, ...).
   */
  override createConnection(
    port?: number | SecureConnectOptions | null,
    host?: string | SecureConnectOptions | null | ((err: Error | null, s?: Socket) => void),
    connectOptions?: SecureConnectOptions | null,
  ): Socket {
    let options: SecureConnectOptions;
    if (port !== null && typeof port === 'object') options = { ...port };
    else if (host !== null && typeof host === 'object') options = { ...host };
    else if (connectOptions !== null && typeof connectOptions === 'object') {
      options = { ...connectOptions };
    } else options = {};
    if (typeof port === 'number') options.port = port;
    if (typeof host === 'string') options.host = host;

    const key = options._agentKey;
    if (key) {
      const session = this._getSession(key);
      if (session) options = { session, ...options };
    }
    const socket = connectSecure(options);
    if (this.keylogRelay) socket.on('keylog', this.keylogRelay);
    if (key) {
      socket.on('session', (session: Buffer) => this._cacheSession(key, session));
      socket.once('close', (hadError: boolean) => {
        if (hadError) this._evictSession(key);
      });
    }
    return socket as unknown as Socket;
  }

  /** @internal The cached session for origin `key`, if any. */
  _getSession(key: string): Buffer | undefined {
    return this._sessionCache.map[key];
  }

  /** @internal Caches `session` for origin `key`, evicting the oldest origin when full. */
  _cacheSession(key: string, session: Buffer): void {
    if (this.maxCachedSessions === 0) return;
    const cache = this._sessionCache;
    if (cache.map[key]) {
      cache.map[key] = session;
      return;
    }
    if (cache.list.length >= this.maxCachedSessions) {
      const oldest = cache.list.shift();
      if (oldest !== undefined) delete cache.map[oldest];
    }
    cache.list.push(key);
    cache.map[key] = session;
  }

  /** @internal Forgets the session of origin `key` (after a failed connection). */
  _evictSession(key: string): void {
    const cache = this._sessionCache;
    const i = cache.list.indexOf(key);
    if (i === -1) return;
    cache.list.splice(i, 1);
    delete cache.map[key];
  }
}

/**
 * `tls.connect` over a new wirestack socket (or `options.socket`, if given):
 * the TCP options go to the wirestack socket, the TLS ones to node:tls.
 * `options.timeout` (ms) is the TLS socket's idle timeout.
 */
export function connectSecure(options: SecureConnectOptions): SecureSocket {
  const record = options as Record<string, unknown>;
  let transport = record.socket as Socket | undefined;
  if (transport === undefined || transport === null) {
    const tcp: Record<string, unknown> = { ...record };
    for (const name of TLS_ONLY) delete tcp[name];
    if (tcp.path === null || tcp.path === undefined) delete tcp.path;
    transport = netConnect(tcp as ConnectOptions);
  }
  const tlsOptions: Record<string, unknown> = { ...record, socket: transport };
  for (const name of TRANSPORT_ONLY) delete tlsOptions[name];
  const socket = SecureSocket.adopt(tls.connect(tlsOptions as tls.ConnectionOptions), transport);
  const timeout = record.timeout;
  if (typeof timeout === 'number' && timeout > 0) socket.setTimeout(timeout);
  return socket;
}

/** The agent `https.request` uses when none is given: keep-alive, 5 s idle timeout (as Node ≥ 19). */
export function createGlobalAgent(): Agent {
  return new Agent(GLOBAL_AGENT_OPTIONS);
}
