/**
 * `http.Agent` and `http.globalAgent` (Node's http doc, "Class: http.Agent"):
 * a pool of client connections per origin. With `keepAlive`, a socket whose
 * response completed (and whose server agreed to persist, RFC 9112 §9.3) is
 * kept in `freeSockets` and reused by the next request to the same origin.
 *
 * Events: `'free'` (socket, options) — emitted by a request when its socket
 * may be reused.
 */
import { EventEmitter } from 'node:events';
import { codedError } from '../errors/index.js';
import { createConnection } from '../net/connect.js';
import type { ConnectOptions } from '../net/normalize-args.js';
import type { Socket } from '../net/socket.js';
import { isIP } from '../wire/ip-address.js';
import type { HttpSocket } from './outgoing-message.js';

/** Options of `new http.Agent([options])`. Times are milliseconds. */
export interface AgentOptions {
  /** Keep idle sockets for reuse (default false; `globalAgent` uses true, as Node ≥ 19). */
  keepAlive?: boolean;
  /** Initial delay of TCP keep-alive probes on kept sockets, ms (default 1000). */
  keepAliveMsecs?: number;
  /** Most sockets per origin (default Infinity). */
  maxSockets?: number;
  /** Most sockets in total (default Infinity). */
  maxTotalSockets?: number;
  /** Most idle sockets kept per origin (default 256). */
  maxFreeSockets?: number;
  /** Which free socket is reused first: `'lifo'` (default) or `'fifo'`. */
  scheduling?: 'fifo' | 'lifo';
  /** Socket idle timeout, ms. */
  timeout?: number;
  [option: string]: unknown;
}

/** The connection options a request passes to its agent. */
export interface AgentRequestOptions extends ConnectOptions {
  host?: string;
  port?: number | string;
  localAddress?: string;
  family?: number;
  socketPath?: string;
  servername?: string;
  _agentKey?: string;
}

/** What the agent needs from a request (ClientRequest implements it). */
export interface AgentRequest {
  onSocket(socket: Socket, err?: Error): void;
  getHeader?(name: string): unknown;
  timeout?: number | undefined;
  shouldKeepAlive: boolean;
  reusedSocket: boolean;
  destroyed: boolean;
  /**
   * @internal The request's own options, kept while it waits in the queue:
   * merged with the agent's only if a socket must be opened for it later.
   */
  _agentOptions?: AgentRequestOptions | undefined;
}

type AgentSocket = Socket & { _httpMessage?: AgentRequest | null; _agentKey?: string };

type CreateCallback = (err: Error | null, socket?: Socket) => void;

function freeSocketErrorListener(this: Socket): void {
  this.destroy();
  this.emit('agentRemove');
}

/** The listeners an agent puts on each of its sockets. */
interface SocketHooks {
  onFree(): void;
  onClose(): void;
  onTimeout(): void;
  onRemove(): void;
}

/**
 * Fills in `options.servername` (unless given, even as ''): the Host
 * header's name, else `options.host`; '' for an IP address. Used by TLS
 * (SNI); for http it is only checked: a Host header that is not a string
 * throws `ERR_INVALID_ARG_TYPE`, as in Node.
 */
function normalizeServerName(options: AgentRequestOptions, req: AgentRequest): void {
  if (options.servername || options.servername === '') return;
  let servername = options.host ?? '';
  const hostHeader = validHostHeader(req);
  if (hostHeader) {
    if (hostHeader.charCodeAt(0) === 0x5b /* [ */) {
      const end = hostHeader.indexOf(']');
      servername = end === -1 ? hostHeader : hostHeader.slice(1, end);
    } else {
      const colon = hostHeader.indexOf(':');
      servername = colon === -1 ? hostHeader : hostHeader.slice(0, colon);
    }
  }
  options.servername = isIP(servername) ? '' : servername;
}

/** The request's Host header; throws `ERR_INVALID_ARG_TYPE` when it is set but not a string. */
function validHostHeader(req: AgentRequest): string | undefined {
  const hostHeader = typeof req.getHeader === 'function' ? req.getHeader('host') : undefined;
  if (hostHeader && typeof hostHeader !== 'string') {
    throw codedError('ERR_INVALID_ARG_TYPE', 'options.headers.host', 'string', hostHeader);
  }
  return hostHeader as string | undefined;
}

/**
 * The list of `name` in one of the agent's pools (`requests`, `sockets`,
 * `freeSockets`), created if missing. A function of its own: Node's pools
 * hold no empty lists, so a list is deleted whenever it empties and, under
 * load, re-added for nearly every request; that store's feedback keeps
 * changing, and inside `addRequest` it kept V8 from ever optimizing it.
 */
function listIn<T>(pool: Record<string, T[]>, name: string): T[] {
  const list = pool[name];
  if (list !== undefined) return list;
  const created: T[] = [];
  pool[name] = created;
  return created;
}

/** The last name `originName` built, with what it was built from. */
const lastOrigin = {
  host: undefined as string | undefined,
  port: undefined as number | string | undefined,
  localAddress: undefined as string | undefined,
  family: undefined as number | undefined,
  socketPath: undefined as string | undefined,
  name: '',
};

/**
 * `host:port:localAddress[:family][:socketPath]`, the pool key of
 * `Agent.prototype.getName`. The same origin asked again (the usual case)
 * gets the very same string back: used as a key of the agent's pools, a
 * string V8 has already looked up in its string table costs no hashing.
 */
function originName(
  host: string | undefined,
  port: number | string | undefined,
  localAddress: string | undefined,
  family: number | undefined,
  socketPath: string | undefined,
): string {
  const last = lastOrigin;
  if (
    last.name !== '' &&
    host === last.host &&
    port === last.port &&
    localAddress === last.localAddress &&
    family === last.family &&
    socketPath === last.socketPath
  ) {
    return last.name;
  }
  let name = `${host || 'localhost'}:`;
  if (port) name += port;
  name += ':';
  if (localAddress) name += localAddress;
  if (family === 4 || family === 6) name += `:${family}`;
  if (socketPath) name += `:${socketPath}`;
  last.host = host;
  last.port = port;
  last.localAddress = localAddress;
  last.family = family;
  last.socketPath = socketPath;
  last.name = name;
  return name;
}

export class Agent extends EventEmitter {
  /** `maxSockets` of agents created without one (Infinity). */
  static defaultMaxSockets = Number.POSITIVE_INFINITY;
  /** Port assumed when a request names none. */
  defaultPort = 80;
  /** Protocol this agent speaks. */
  protocol = 'http:';
  /** The options given to the constructor (passed on to `createConnection`). */
  readonly options: AgentOptions & { path: null };
  /** Queued requests per origin name (`getName`), waiting for a socket. */
  readonly requests: Record<string, AgentRequest[]> = Object.create(null);
  /** Sockets in use per origin name. */
  readonly sockets: Record<string, Socket[]> = Object.create(null);
  /** Idle kept-alive sockets per origin name. */
  readonly freeSockets: Record<string, Socket[]> = Object.create(null);
  keepAliveMsecs: number;
  keepAlive: boolean;
  maxSockets: number;
  maxFreeSockets: number;
  maxTotalSockets: number;
  /** Open sockets, busy or idle, counted against `maxTotalSockets`. */
  totalSocketCount = 0;
  scheduling: 'fifo' | 'lifo';

  constructor(options?: AgentOptions) {
    super();
    this.options = { __proto__: null, ...options } as unknown as AgentOptions & { path: null };
    // Keeps net from taking a request path for a pipe path.
    this.options.path = null;
    if (this.options.noDelay === undefined) this.options.noDelay = true;
    this.keepAliveMsecs = this.options.keepAliveMsecs || 1000;
    this.keepAlive = this.options.keepAlive || false;
    this.maxSockets = this.options.maxSockets || Agent.defaultMaxSockets;
    this.maxFreeSockets = this.options.maxFreeSockets || 256;
    const scheduling = this.options.scheduling || 'lifo';
    if (scheduling !== 'fifo' && scheduling !== 'lifo') {
      throw codedError(
        'ERR_INVALID_ARG_VALUE',
        'scheduling',
        scheduling,
        "must be one of: 'fifo', 'lifo'",
      );
    }
    this.scheduling = scheduling;
    const maxTotal = this.options.maxTotalSockets;
    if (maxTotal !== undefined) {
      if (typeof maxTotal !== 'number') {
        throw codedError('ERR_INVALID_ARG_TYPE', 'maxTotalSockets', 'number', maxTotal);
      }
      if (!(maxTotal > 0)) throw codedError('ERR_OUT_OF_RANGE', 'maxTotalSockets', '> 0', maxTotal);
      this.maxTotalSockets = maxTotal;
    } else {
      this.maxTotalSockets = Number.POSITIVE_INFINITY;
    }
    this.on('free', this.onFree);
  }

  /** `host:port:localAddress[:family]`: sockets are shared between requests with the same name. */
  getName(options: AgentRequestOptions = {}): string {
    return originName(
      options.host,
      options.port,
      options.localAddress,
      options.family,
      options.socketPath,
    );
  }

  /**
   * Opens a connection: our `net.createConnection`, with its signatures
   * (`(options[, cb])`, `(port[, host][, cb])`, `(path[, cb])`).
   */
  createConnection(...args: unknown[]): Socket | undefined {
    return (createConnection as (...a: unknown[]) => Socket)(...args);
  }

  /**
   * @internal Gives `req` a socket: a free one, a new one, or a place in the
   * queue. Also the legacy form `addRequest(req, host, port, localAddress)`.
   */
  addRequest(
    req: AgentRequest,
    options: AgentRequestOptions | string,
    port?: number,
    localAddress?: string,
  ): void {
    if (typeof options === 'string') {
      options = { host: options, port, localAddress } as AgentRequestOptions;
    }
    // Hot path (a keep-alive request finding a free socket): with the
    // built-in getName, the name is read straight from the two option
    // objects, and the merged copy is only built when a socket must be
    // created or the request queued.
    let opts: AgentRequestOptions | null = null;
    let name: string;
    if (this.getName === Agent.prototype.getName) {
      name = this.mergedName(options);
    } else {
      opts = this.mergeOptions(options, req);
      name = this.getName(opts);
    }
    const inUse = listIn(this.sockets, name);

    const free = this.freeSockets[name];
    let socket: Socket | undefined;
    if (free) {
      while (free.length > 0 && free[0]!.destroyed) free.shift();
      socket = this.scheduling === 'fifo' ? free.shift() : free.pop();
      if (free.length === 0) delete this.freeSockets[name];
    }
    const freeLen = free ? free.length : 0;
    const sockLen = freeLen + inUse.length;

    if (socket) {
      this.reuseSocket(socket, req);
      this.setRequestSocket(req, socket);
      inUse.push(socket);
    } else if (sockLen < this.maxSockets && this.totalSocketCount < this.maxTotalSockets) {
      this.createSocket(req, options, (err, s) => {
        if (err) req.onSocket(s as Socket, err);
        else this.setRequestSocket(req, s!);
      });
    } else {
      // Queued (the usual case under load: the previous request's socket is
      // freed a tick after its response ends). The merged copy is built only
      // if a socket is ever opened for this request (removeSocket); the Host
      // header is checked now, as the merge would.
      if (opts === null) validHostHeader(req);
      req._agentOptions = options;
      listIn(this.requests, name).push(req);
    }
  }

  /** The request's options with the agent's over them, as Node merges them. */
  private mergeOptions(options: AgentRequestOptions, req: AgentRequest): AgentRequestOptions {
    const opts = {
      __proto__: null,
      ...options,
      ...this.options,
    } as unknown as AgentRequestOptions;
    if (opts.socketPath) opts.path = opts.socketPath;
    normalizeServerName(opts, req);
    return opts;
  }

  /**
   * `Agent.prototype.getName(mergeOptions(options))` without the copy: an
   * option the agent was given (even as undefined) wins, as in the spread.
   */
  private mergedName(options: AgentRequestOptions): string {
    const own = this.options as Record<string, unknown>;
    const from = options as Record<string, unknown>;
    return originName(
      ('host' in own ? own.host : from.host) as string | undefined,
      ('port' in own ? own.port : from.port) as number | string | undefined,
      ('localAddress' in own ? own.localAddress : from.localAddress) as string | undefined,
      ('family' in own ? own.family : from.family) as number | undefined,
      ('socketPath' in own ? own.socketPath : from.socketPath) as string | undefined,
    );
  }

  /** @internal Opens a socket for `req` and tracks it. */
  createSocket(req: AgentRequest, options: AgentRequestOptions, cb: CreateCallback): void {
    const opts = this.mergeOptions(options, req);
    const name = this.getName(opts);
    opts._agentKey = name;
    (opts as { encoding?: null }).encoding = null;
    let done = false;
    const oncreate: CreateCallback = (err, s) => {
      if (done) return;
      done = true;
      if (err) {
        cb(err);
        return;
      }
      const socket = s as AgentSocket;
      listIn(this.sockets, name).push(socket);
      this.totalSocketCount++;
      socket._agentKey = name;
      this.installListeners(socket, opts);
      cb(null, socket);
    };
    const created = this.createConnection(opts, oncreate);
    if (created) oncreate(null, created);
  }

  private installListeners(s: AgentSocket, options: AgentRequestOptions): void {
    const hooks: SocketHooks = {
      onFree: () => this.emit('free', s, options),
      onClose: () => {
        // Sockets leave the count only here (and on agentRemove): idle ones count too.
        this.totalSocketCount--;
        this.removeSocket(s, options);
      },
      onTimeout: () => {
        // An idle kept socket timed out: close it (a busy one is its request's business).
        const sets = this.freeSockets;
        for (const name in sets) {
          if (sets[name]!.includes(s)) {
            s.destroy();
            return;
          }
        }
      },
      onRemove: () => {
        // The socket was taken over (upgrade / CONNECT): forget it without closing it.
        this.totalSocketCount--;
        this.removeSocket(s, options);
        s.removeListener('close', hooks.onClose);
        s.removeListener('free', hooks.onFree);
        s.removeListener('timeout', hooks.onTimeout);
        s.removeListener('agentRemove', hooks.onRemove);
      },
    };
    s.on('free', hooks.onFree);
    s.on('close', hooks.onClose);
    s.on('timeout', hooks.onTimeout);
    s.on('agentRemove', hooks.onRemove);
  }

  /** The socket is done with its request: hand it to the next queued request, keep it, or close it. */
  private onFree(socket: Socket, options: AgentRequestOptions): void {
    const s = socket as AgentSocket;
    const name = this.getName(options);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const queue = this.requests[name];
    if (queue && queue.length > 0) {
      const next = queue.shift()!;
      next._agentOptions = undefined;
      if (queue.length === 0) delete this.requests[name];
      this.setRequestSocket(next, socket);
      return;
    }
    const req = s._httpMessage;
    if (!req?.shouldKeepAlive || !this.keepAlive) {
      socket.destroy();
      return;
    }
    const free = this.freeSockets[name] ?? [];
    const freeLen = free.length;
    let count = freeLen;
    const inUse = this.sockets[name];
    if (inUse) count += inUse.length;
    if (
      this.totalSocketCount > this.maxTotalSockets ||
      count > this.maxSockets ||
      freeLen >= this.maxFreeSockets ||
      !this.keepSocketAlive(socket)
    ) {
      socket.destroy();
      return;
    }
    this.freeSockets[name] = free;
    s._httpMessage = null;
    this.removeSocket(socket, options);
    // The client's own error listener, kept on the socket, does the same.
    if (!(socket as HttpSocket)._httpListenersKept) socket.once('error', freeSocketErrorListener);
    free.push(socket);
  }

  /**
   * Called when a socket goes idle in the pool: enables TCP keep-alive,
   * unrefs it (an idle pool does not keep the process alive) and applies the
   * agent timeout, shortened to a second before the server's
   * `Keep-Alive: timeout=` hint. Return false to close it instead (also done
   * when the hint leaves no time to reuse it).
   */
  keepSocketAlive(socket: Socket): boolean {
    socket.setKeepAlive(true, this.keepAliveMsecs);
    socket.unref();
    let timeout = this.options.timeout || 0;
    let keep = true;
    const req = (socket as AgentSocket)._httpMessage as
      | (AgentRequest & { res?: { headers: Record<string, unknown> } | null })
      | null
      | undefined;
    const hint = req?.res?.headers['keep-alive'];
    if (typeof hint === 'string') {
      const m = /^timeout=(\d+)/.exec(hint);
      if (m) {
        const serverMs = Number.parseInt(m[1]!, 10) * 1000 - 1000;
        if (serverMs <= 0) keep = false;
        else if (serverMs < timeout) timeout = serverMs;
      }
    }
    if (socket.timeout !== timeout) socket.setTimeout(timeout);
    return keep;
  }

  /** Prepares a pooled socket for `req` (sets `req.reusedSocket`). */
  reuseSocket(socket: Socket, req: AgentRequest): void {
    if (!(socket as HttpSocket)._httpListenersKept) {
      socket.removeListener('error', freeSocketErrorListener);
    }
    req.reusedSocket = true;
    socket.ref();
  }

  private setRequestSocket(req: AgentRequest, socket: Socket): void {
    req.onSocket(socket);
    const agentTimeout = this.options.timeout || 0;
    if (req.timeout === undefined || req.timeout === agentTimeout) return;
    socket.setTimeout(req.timeout);
  }

  /**
   * @internal Forgets `socket` (from the free pool too when it is closed);
   * then opens a socket for the oldest queued request of its origin — or of
   * another origin, when `maxTotalSockets` held that one back.
   */
  removeSocket(socket: Socket, options: AgentRequestOptions): void {
    const name = this.getName(options);
    const removeFrom = (sets: Record<string, Socket[]>) => {
      const list = sets[name];
      if (!list) return;
      const i = list.indexOf(socket);
      if (i !== -1) {
        list.splice(i, 1);
        if (list.length === 0) delete sets[name];
      }
    };
    removeFrom(this.sockets);
    if (!socket.writable) removeFrom(this.freeSockets);

    let req: AgentRequest | undefined;
    let reqOptions: AgentRequestOptions | undefined = options;
    const queue = this.requests[name];
    if (queue && queue.length > 0) {
      req = queue[0];
    } else {
      for (const other in this.requests) {
        // That origin already has sockets that will serve its queue.
        if (this.sockets[other]?.length) break;
        req = this.requests[other]![0];
        reqOptions = req?._agentOptions; // createSocket merges in the agent's options
        break;
      }
    }
    if (req && reqOptions) {
      req._agentOptions = undefined;
      this.createSocket(req, reqOptions, (err, s) => {
        if (err) req.onSocket(s as Socket, err);
        else s!.emit('free');
      });
    }
  }

  /** Destroys every socket, busy or idle. */
  destroy(): void {
    for (const sets of [this.freeSockets, this.sockets]) {
      for (const name of Object.keys(sets)) {
        for (const s of [...sets[name]!]) s.destroy();
      }
    }
  }
}

/** The options of a module's global agent: keep-alive, 5 s idle timeout (as Node ≥ 19). */
export const GLOBAL_AGENT_OPTIONS: Readonly<AgentOptions> = {
  keepAlive: true,
  scheduling: 'lifo',
  timeout: 5000,
};

/** The agent used by `http.request` when none is given (GLOBAL_AGENT_OPTIONS). */
export let globalAgent = new Agent(GLOBAL_AGENT_OPTIONS);

/** `http.globalAgent = agent`: the agent used from now on by requests that name none. */
export function setGlobalAgent(agent: Agent): void {
  globalAgent = agent;
}

/** The current `http.globalAgent`. */
export function getGlobalAgent(): Agent {
  return globalAgent;
}
