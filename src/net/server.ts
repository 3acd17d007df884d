import { EventEmitter } from 'node:events';
import { codedError } from '../errors/index.js';
import type {
  AddressInfo,
  ListenOptions,
  ServerHandle,
  StreamHandle,
  Transport,
} from '../handle/types.js';
import {
  isPipeName,
  validateAbortSignal,
  validateFunction,
  validatePort,
} from '../util/validators.js';
import { isIP } from '../wire/ip-address.js';
import { Socket } from './socket.js';
import { refuseListenTransport, transportOption } from './transport-option.js';

/** Options of `net.createServer([options])` (Node's net doc, "net.createServer()"). */
export interface ServerOpts {
  /** Keep the writable side open after the client's FIN (default false). */
  allowHalfOpen?: boolean;
  /** Accepted sockets start paused; nothing is read until `resume()` (default false). */
  pauseOnConnect?: boolean;
  /** TCP_NODELAY on accepted sockets (default false). */
  noDelay?: boolean;
  /** SO_KEEPALIVE on accepted sockets (default false). */
  keepAlive?: boolean;
  /** Milliseconds idle before the first keep-alive probe. */
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
  /**
   * wirestack: the transport to listen on (default: the host's sockets,
   * or as `WIRESTACK_TRANSPORT` says).
   */
  transport?: Transport;
}

/** Options of `server.listen(options)` (Node's net doc, "server.listen(options)"). */
export interface ServerListenOptions {
  port?: number | string | null;
  host?: string;
  path?: string;
  backlog?: number;
  exclusive?: boolean;
  ipv6Only?: boolean;
  readableAll?: boolean;
  writableAll?: boolean;
  signal?: AbortSignal;
  fd?: number;
  handle?: unknown;
}

type ConnectionListener = (socket: Socket) => void;

/** Node's record of one child process's share of a server's connections (child_process's `SocketListSend`). */
interface ChildSocketList {
  once(event: 'exit', listener: () => void): unknown;
  close(cb: () => void): void;
  getConnections(cb: (err: Error | null, count: number) => void): void;
}

/**
 * `net.Server`: a TCP or IPC (Unix domain socket) server (Node's net doc,
 * "Class: net.Server"). Events: `listening`, `connection(socket)`,
 * `error` (`EADDRINUSE`, `EACCES`, ...), `close` (after every connection has
 * closed), `drop` (a connection refused because `maxConnections` was reached).
 */
export class Server extends EventEmitter {
  /** Refuse connections beyond this many (Node's `server.maxConnections`). */
  maxConnections: number | undefined = undefined;
  readonly allowHalfOpen: boolean;
  readonly pauseOnConnect: boolean;
  noDelay: boolean;
  keepAlive: boolean;
  /** Seconds (Node stores the option's milliseconds divided by 1000). */
  keepAliveInitialDelay: number;
  highWaterMark: number | undefined;
  /** @internal Open connections accepted by this server. */
  _connections = 0;
  /** @internal The listening handle; null when not listening. */
  _handle: ServerHandle | null = null;
  private readonly transport: Transport;
  /**
   * @internal Node's `addressType:address:port` of the listen request
   * (`6::::0`, `4:127.0.0.1:8124`, `-1:/tmp/sock:-1`); set while listening.
   */
  _connectionKey: string | undefined = undefined;
  private unrefed = false;
  /**
   * Node's lists of this server's connections sent to child processes
   * (child_process's handle passing): `getConnections` and `close` ask them.
   */
  private childSocketLists: ChildSocketList[] = [];

  constructor(connectionListener?: ConnectionListener);
  constructor(options?: ServerOpts, connectionListener?: ConnectionListener);
  constructor(options?: ServerOpts | ConnectionListener, connectionListener?: ConnectionListener) {
    super();
    let opts: ServerOpts = {};
    if (typeof options === 'function') {
      connectionListener = options;
    } else if (options === undefined || options === null) {
      opts = {};
    } else if (typeof options === 'object') {
      opts = options;
    } else {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options', 'object', options);
    }
    if (connectionListener) this.on('connection', connectionListener);
    this.allowHalfOpen = Boolean(opts.allowHalfOpen);
    this.pauseOnConnect = Boolean(opts.pauseOnConnect);
    this.noDelay = Boolean(opts.noDelay);
    this.keepAlive = Boolean(opts.keepAlive);
    this.keepAliveInitialDelay = Math.trunc((opts.keepAliveInitialDelay ?? 0) / 1000) || 0;
    this.highWaterMark = opts.highWaterMark;
    this.transport = transportOption(opts);
  }

  /**
   * Starts listening (Node's net doc, "server.listen()"):
   * `listen([port[, host[, backlog]]][, cb])`, `listen(path[, backlog][, cb])`,
   * `listen(options[, cb])`, `listen(handle[, backlog][, cb])` where a handle
   * is a wirestack or Node server/socket or `{ fd }`. No port means a random
   * port; no host means every interface (`::`, dual-stack, where IPv6 exists).
   * Bind errors (`EADDRINUSE`, ...) are emitted as `'error'`.
   * @throws ERR_SERVER_ALREADY_LISTEN, ERR_SOCKET_BAD_PORT, ERR_INVALID_ARG_VALUE
   */
  listen(
    port?: number | string | null,
    host?: string,
    backlog?: number,
    listener?: () => void,
  ): this;
  listen(port?: number | string | null, host?: string, listener?: () => void): this;
  listen(port?: number | string | null, backlog?: number, listener?: () => void): this;
  listen(port?: number | string | null, listener?: () => void): this;
  listen(path: string, backlog?: number, listener?: () => void): this;
  listen(path: string, listener?: () => void): this;
  listen(options: ServerListenOptions, listener?: () => void): this;
  listen(handle: unknown, backlog?: number, listener?: () => void): this;
  listen(handle: unknown, listener?: () => void): this;
  listen(...args: unknown[]): this {
    const last = args[args.length - 1];
    const cb = typeof last === 'function' ? (last as () => void) : null;
    const arg0 = args[0];
    let options: ServerListenOptions & { _handle?: unknown } = {};
    if (arg0 !== null && typeof arg0 === 'object') {
      options = arg0 as ServerListenOptions;
    } else if (isPipeName(arg0)) {
      options = { path: arg0 };
    } else if (args.length > 0 && typeof arg0 !== 'function') {
      options = { port: arg0 as number | string | null };
      if (typeof args[1] === 'string') options.host = args[1];
    }
    if (this._handle) throw codedError('ERR_SERVER_ALREADY_LISTEN');
    if (cb) this.once('listening', cb);
    const backlogFromArgs = toNumber(args[1]) || toNumber(args[2]) || undefined;

    const handle = options._handle ?? options.handle;
    if (handle !== undefined && handle !== null) {
      return this.startListening({ handle, backlog: backlogFromArgs });
    }
    if (typeof options.fd === 'number' && options.fd >= 0) {
      return this.startListening({ fd: options.fd, backlog: backlogFromArgs });
    }
    refuseListenTransport(options);
    if (
      args.length === 0 ||
      typeof arg0 === 'function' ||
      (options.port === undefined && 'port' in options) ||
      options.port === null
    ) {
      options.port = 0;
    }
    if (options.signal !== undefined) {
      validateAbortSignal(options.signal, 'options.signal');
      this.watchSignal(options.signal);
    }
    const backlog = options.backlog || backlogFromArgs;
    if (typeof options.port === 'number' || typeof options.port === 'string') {
      const port = validatePort(options.port, 'options.port');
      const listenOptions: ListenOptions = {
        port,
        backlog,
        exclusive: options.exclusive,
        ipv6Only: options.ipv6Only,
      };
      if (options.host) this.lookupAndListen(options.host, listenOptions);
      else this.startListening(listenOptions);
      return this;
    }
    if (typeof options.path === 'string' && options.path !== '') {
      return this.startListening({
        path: options.path,
        backlog,
        exclusive: options.exclusive,
        readableAll: options.readableAll,
        writableAll: options.writableAll,
      });
    }
    if (!('port' in options || 'path' in options)) {
      throw codedError(
        'ERR_INVALID_ARG_VALUE',
        'options',
        options,
        'must have the property "port" or "path"',
      );
    }
    throw codedError('ERR_INVALID_ARG_VALUE', 'options', options);
  }

  private lookupAndListen(host: string, options: ListenOptions): void {
    if (isIP(host)) {
      this.startListening({ ...options, address: host });
      return;
    }
    this.transport.lookup(host, { all: true }, (err, addresses) => {
      if (err) {
        this.emit('error', err);
        return;
      }
      this.startListening({ ...options, address: addresses[0]?.address });
    });
  }

  private startListening(options: ListenOptions): this {
    const done = (err: Error | null) => {
      if (this._handle !== handle) return;
      if (err) {
        this._handle = null;
        this._connectionKey = undefined;
        this.emit('error', err);
        return;
      }
      this._connectionKey ??= connectionKey(options, handle.address());
      this.emit('listening');
    };
    // In a cluster worker, through the primary (as Node's `listenInCluster`).
    const clustered = this.transport.listenInCluster?.(options, this, done) ?? null;
    const handle = clustered ?? this.transport.listen(options, done);
    this._handle = handle;
    // A worker's server is listening only once the primary has answered, as Node's.
    if (clustered === null) this._connectionKey = connectionKey(options, handle.address());
    handle.onconnection = (err, client) => {
      if (err || !client) this.emit('error', err);
      else this.onConnection(client);
    };
    handle.onerror = (err) => this.emit('error', err);
    if (this.unrefed) handle.unref();
    return this;
  }

  private onConnection(client: StreamHandle): void {
    if (this.maxConnections !== undefined && this._connections >= this.maxConnections) {
      const local = client.getsockname();
      const remote = client.getpeername();
      this.emit('drop', {
        localAddress: local?.address,
        localPort: local?.port,
        localFamily: local?.family,
        remoteAddress: remote?.address,
        remotePort: remote?.port,
        remoteFamily: remote?.family,
      });
      client.close();
      return;
    }
    const socket = new Socket({
      handle: client,
      transport: this.transport,
      allowHalfOpen: this.allowHalfOpen,
      pauseOnCreate: this.pauseOnConnect,
      highWaterMark: this.highWaterMark,
      readable: true,
      writable: true,
    });
    if (this.noDelay) client.setNoDelay(true);
    if (this.keepAlive) client.setKeepAlive(true, this.keepAliveInitialDelay);
    socket._markApplied(this.noDelay, this.keepAlive, this.keepAliveInitialDelay);
    this._connections++;
    socket.server = this;
    socket._server = this;
    this.emit('connection', socket);
  }

  private watchSignal(signal: AbortSignal): void {
    if (signal.aborted) {
      process.nextTick(() => this.close());
      return;
    }
    const onAbort = () => this.close();
    signal.addEventListener('abort', onAbort, { once: true });
    this.once('close', () => signal.removeEventListener('abort', onAbort));
  }

  /** True while listening. */
  get listening(): boolean {
    return this._handle !== null && this._connectionKey !== undefined;
  }

  /**
   * The bound address `{ address, family, port }`, the path for IPC servers,
   * or null when not listening.
   */
  address(): AddressInfo | string | null {
    return this._handle ? this._handle.address() : null;
  }

  /**
   * Stops accepting connections; `'close'` follows once every open connection
   * has closed. `cb` gets `ERR_SERVER_NOT_RUNNING` if the server was not listening.
   */
  close(cb?: (err?: Error) => void): this {
    if (typeof cb === 'function') {
      if (!this._handle) {
        this.once('close', () => cb(codedError('ERR_SERVER_NOT_RUNNING')));
      } else {
        this.once('close', () => cb());
      }
    }
    if (this._handle) {
      this._handle.close();
      this._handle = null;
      this._connectionKey = undefined;
    }
    const lists = this.childSocketLists;
    if (lists.length === 0) {
      this._emitCloseIfDrained();
      return this;
    }
    // As Node: one more connection keeps 'close' back until every child has closed its sockets.
    this._connections++;
    let left = lists.length;
    const onChildClosed = () => {
      if (--left !== 0) return;
      this._connections = 0;
      this._emitCloseIfDrained();
    };
    for (const list of lists) list.close(onChildClosed);
    return this;
  }

  /**
   * @internal Called by Node's child_process when a connection of this
   * server is first sent to a child (Node's `server._setupWorker`).
   */
  _setupWorker(list: ChildSocketList): void {
    this.childSocketLists.push(list);
    list.once('exit', () => {
      const at = this.childSocketLists.indexOf(list);
      if (at !== -1) this.childSocketLists.splice(at, 1);
    });
  }

  /** @internal Emits `'close'` (next tick) once closed and without connections. */
  _emitCloseIfDrained(): void {
    if (this._handle || this._connections > 0) return;
    process.nextTick(() => this.emit('close'));
  }

  /** Calls `cb(null, count)` with the number of open connections. */
  getConnections(cb: (err: Error | null, count: number) => void): this {
    validateFunction(cb, 'cb');
    const lists = this.childSocketLists;
    if (lists.length === 0) {
      process.nextTick(cb, null, this._connections);
      return this;
    }
    // Connections sent to child processes count too: each child is asked.
    let left = lists.length;
    let total = this._connections;
    const onCount = (err: Error | null, count: number) => {
      if (left < 0) return;
      if (err) {
        left = -1;
        process.nextTick(cb, err, 0);
        return;
      }
      total += count;
      if (--left === 0) process.nextTick(cb, null, total);
    };
    for (const list of lists) list.getConnections(onCount);
    return this;
  }

  /** Lets the process exit while this server is listening. */
  unref(): this {
    this.unrefed = true;
    this._handle?.unref();
    return this;
  }

  /** Keeps the process alive while listening (the default). */
  ref(): this {
    this.unrefed = false;
    this._handle?.ref();
    return this;
  }

  /** @internal The transport this server listens on. */
  get _transport(): Transport {
    return this.transport;
  }

  /**
   * With `events.captureRejections`, a rejected async `'connection'` listener
   * destroys that socket with the error; other events re-emit it as `'error'`.
   */
  [Symbol.for('nodejs.rejection')](err: Error, event: string, socket?: Socket): void {
    if (event === 'connection' && socket) socket.destroy(err);
    else this.emit('error', err);
  }

  /** Closes the server (`await using server = ...`). */
  [Symbol.asyncDispose](): Promise<void> {
    if (!this._handle) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.close((err) => (err ? reject(err) : resolve()));
    });
  }
}

function connectionKey(options: ListenOptions, bound: AddressInfo | string | null): string {
  if (options.path !== undefined) return `-1:${options.path}:-1`;
  if (options.port === undefined) return '-1:null:-1';
  if (options.address !== undefined) {
    return `${isIP(options.address)}:${options.address}:${options.port}`;
  }
  const v6 = typeof bound === 'object' && bound?.family === 'IPv6';
  return v6 ? `6::::${options.port}` : `4:0.0.0.0:${options.port}`;
}

/** Node's `toNumber` in net.js: a non-negative number, or false. */
function toNumber(value: unknown): number | false {
  const n = Number(value);
  return n >= 0 ? n : false;
}
