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
import { type ConnectOptions, createConnection, type Socket } from '../net/index.js';

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
  timeout?: number | undefined;
  shouldKeepAlive: boolean;
  reusedSocket: boolean;
  destroyed: boolean;
}

type AgentSocket = Socket & { _httpMessage?: AgentRequest | null; _agentKey?: string };

type CreateCallback = (err: Error | null, socket?: Socket) => void;

function validatePositive(value: unknown, name: string): void {
  if (typeof value !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', name, 'number', value);
  if (!(value > 0)) throw codedError('ERR_OUT_OF_RANGE', name, '> 0', value);
}

function freeSocketErrorListener(this: Socket, err: Error): void {
  this.destroy();
  this.emit('agentRemove', err);
}

export class Agent extends EventEmitter {
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
  totalSocketCount = 0;
  readonly scheduling: 'fifo' | 'lifo';

  constructor(options?: AgentOptions) {
    super();
    this.options = { __proto__: null, ...options, path: null } as unknown as AgentOptions & {
      path: null;
    };
    if (this.options.noDelay === undefined) this.options.noDelay = true;
    this.keepAliveMsecs = this.options.keepAliveMsecs ?? 1000;
    this.keepAlive = this.options.keepAlive ?? false;
    this.maxSockets = this.options.maxSockets ?? Number.POSITIVE_INFINITY;
    this.maxFreeSockets = this.options.maxFreeSockets ?? 256;
    const scheduling = this.options.scheduling ?? 'lifo';
    if (scheduling !== 'fifo' && scheduling !== 'lifo') {
      throw codedError(
        'ERR_INVALID_ARG_VALUE',
        'scheduling',
        scheduling,
        "must be 'fifo' or 'lifo'",
      );
    }
    this.scheduling = scheduling;
    if (this.options.maxTotalSockets !== undefined) {
      validatePositive(this.options.maxTotalSockets, 'maxTotalSockets');
      this.maxTotalSockets = this.options.maxTotalSockets;
    } else {
      this.maxTotalSockets = Number.POSITIVE_INFINITY;
    }
    this.on('free', this.onFree);
  }

  /** `host:port:localAddress[:family]`: sockets are shared between requests with the same name. */
  getName(options: AgentRequestOptions = {}): string {
    let name = options.host || 'localhost';
    name += ':';
    if (options.port) name += options.port;
    name += ':';
    if (options.localAddress) name += options.localAddress;
    if (options.family === 4 || options.family === 6) name += `:${options.family}`;
    if (options.socketPath) name += `:${options.socketPath}`;
    return name;
  }

  /** Opens a connection (default: our `net.createConnection`). */
  createConnection(options: AgentRequestOptions, callback?: CreateCallback): Socket | undefined {
    void callback;
    // Node's net ignores `path: null` (the agent's options carry it to force
    // TCP); pass it only when it names a socket.
    if (options.path === null || options.path === undefined) {
      const { path: _path, ...tcp } = options;
      return createConnection(tcp as ConnectOptions);
    }
    return createConnection(options as ConnectOptions);
  }

  /** @internal Gives `req` a socket: a free one, a new one, or a place in the queue. */
  addRequest(req: AgentRequest, options: AgentRequestOptions): void {
    options = { __proto__: null, ...options, ...this.options } as unknown as AgentRequestOptions;
    if (options.socketPath) options.path = options.socketPath;
    const name = this.getName(options);
    this.sockets[name] ??= [];
    const free = this.freeSockets[name];
    let socket: Socket | undefined;
    if (free) {
      while (free.length > 0 && socket === undefined) {
        const s = this.scheduling === 'lifo' ? free.pop()! : free.shift()!;
        // A destroyed one leaves the pool on its own 'close'.
        if (!s.destroyed) socket = s;
      }
      if (free.length === 0) delete this.freeSockets[name];
    }
    const inUse = this.sockets[name]!.length;
    if (socket) {
      this.reuseSocket(socket, req);
      this.setRequestSocket(req, socket);
      this.sockets[name]!.push(socket);
    } else if (inUse < this.maxSockets && this.totalSocketCount < this.maxTotalSockets) {
      this.createSocket(req, options, (err, s) => {
        if (err) req.onSocket(s as Socket, err);
        else this.setRequestSocket(req, s!);
      });
    } else {
      (this.requests[name] ??= []).push(req);
    }
  }

  /** @internal Opens a socket for `req` and tracks it. */
  createSocket(req: AgentRequest, options: AgentRequestOptions, cb: CreateCallback): void {
    void req;
    const opts = { __proto__: null, ...options, ...this.options } as unknown as AgentRequestOptions;
    if (opts.socketPath) opts.path = opts.socketPath;
    const name = this.getName(opts);
    opts._agentKey = name;
    let done = false;
    const oncreate: CreateCallback = (err, s) => {
      if (done) return;
      done = true;
      if (err) {
        cb(err);
        return;
      }
      const socket = s as AgentSocket;
      (this.sockets[name] ??= []).push(socket);
      this.totalSocketCount++;
      socket._agentKey = name;
      this.installListeners(socket, opts);
      cb(null, socket);
    };
    try {
      const created = this.createConnection(opts, oncreate);
      if (created) oncreate(null, created);
    } catch (err) {
      oncreate(err as Error);
    }
  }

  private installListeners(s: AgentSocket, options: AgentRequestOptions): void {
    const onFree = () => this.emit('free', s, options);
    const onClose = () => {
      this.totalSocketCount--;
      this.removeSocket(s, options);
    };
    const onTimeout = () => {
      // An idle kept socket timed out: close it (a busy one is its request's business).
      const free = this.freeSockets[options._agentKey ?? this.getName(options)];
      if (free?.includes(s)) s.destroy();
    };
    const onRemove = () => {
      // The socket was taken over (upgrade / CONNECT): forget it without closing it.
      this.totalSocketCount--;
      this.removeSocket(s, options);
      s.removeListener('close', onClose);
      s.removeListener('free', onFree);
      s.removeListener('timeout', onTimeout);
      s.removeListener('agentRemove', onRemove);
    };
    s.on('free', onFree);
    s.on('close', onClose);
    s.on('timeout', onTimeout);
    s.on('agentRemove', onRemove);
  }

  /** The socket is done with its request: hand it to the next queued request, keep it, or close it. */
  private onFree(socket: Socket, options: AgentRequestOptions): void {
    const s = socket as AgentSocket;
    const name = s._agentKey ?? this.getName(options);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const queue = this.requests[name];
    if (queue && queue.length > 0) {
      const next = queue.shift()!;
      if (queue.length === 0) delete this.requests[name];
      this.reuseSocket(socket, next);
      this.setRequestSocket(next, socket);
      return;
    }
    const req = s._httpMessage;
    if (!req?.shouldKeepAlive || !this.keepAlive) {
      socket.destroy();
      return;
    }
    const free = this.freeSockets[name] ?? [];
    const inUse = this.sockets[name]?.length ?? 0;
    if (
      this.totalSocketCount > this.maxTotalSockets ||
      free.length + inUse > this.maxSockets ||
      free.length >= this.maxFreeSockets ||
      !this.keepSocketAlive(socket)
    ) {
      socket.destroy();
      return;
    }
    this.freeSockets[name] = free;
    s._httpMessage = null;
    this.removeSocket(socket, options);
    socket.once('error', freeSocketErrorListener);
    free.push(socket);
  }

  /**
   * Called when a socket goes idle in the pool: enables TCP keep-alive,
   * unrefs it (an idle pool does not keep the process alive) and applies the
   * agent timeout, shortened to the server's `Keep-Alive: timeout=` hint.
   * Return false to close it instead.
   */
  keepSocketAlive(socket: Socket): boolean {
    socket.setKeepAlive(true, this.keepAliveMsecs);
    socket.unref();
    let timeout = this.options.timeout ?? 0;
    const req = (socket as AgentSocket)._httpMessage as
      | (AgentRequest & { res?: { headers: Record<string, unknown> } | null })
      | null
      | undefined;
    const hint = req?.res?.headers['keep-alive'];
    if (typeof hint === 'string') {
      const m = /^timeout=(\d+)/.exec(hint);
      if (m) {
        const serverMs = Number.parseInt(m[1]!, 10) * 1000;
        // Stop reusing a little before the server closes its end.
        const limit = Math.max(serverMs - 1000, 1);
        if (timeout === 0 || limit < timeout) timeout = limit;
      }
    }
    if (socket.timeout !== timeout) socket.setTimeout(timeout);
    return true;
  }

  /** Prepares a pooled socket for `req` (sets `req.reusedSocket`). */
  reuseSocket(socket: Socket, req: AgentRequest): void {
    socket.removeListener('error', freeSocketErrorListener);
    req.reusedSocket = true;
    socket.ref();
  }

  private setRequestSocket(req: AgentRequest, socket: Socket): void {
    req.onSocket(socket);
    const agentTimeout = this.options.timeout ?? 0;
    if (req.timeout === undefined || req.timeout === agentTimeout) return;
    socket.setTimeout(req.timeout);
  }

  /** @internal Forgets `socket`; opens a new socket for a queued request if there is room. */
  removeSocket(socket: Socket, options: AgentRequestOptions): void {
    const name = (socket as AgentSocket)._agentKey ?? this.getName(options);
    for (const sets of [this.sockets, this.freeSockets]) {
      const list = sets[name];
      if (!list) continue;
      const i = list.indexOf(socket);
      if (i !== -1) {
        list.splice(i, 1);
        if (list.length === 0) delete sets[name];
      }
    }
    const queue = this.requests[name];
    if (queue && queue.length > 0) {
      const inUse = this.sockets[name]?.length ?? 0;
      if (inUse < this.maxSockets && this.totalSocketCount < this.maxTotalSockets) {
        const req = queue.shift()!;
        if (queue.length === 0) delete this.requests[name];
        this.createSocket(req, options, (err, s) => {
          if (err) req.onSocket(s as Socket, err);
          else this.setRequestSocket(req, s!);
        });
      }
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

/** The agent used by `http.request` when none is given: keep-alive, 5 s idle timeout (as Node ≥ 19). */
export const globalAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
