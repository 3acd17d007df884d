/**
 * The handle contract: the small surface `net` and `dgram` are written
 * against, with one implementation per transport (host: the OS's sockets;
 * userspace: wirestack's own TCP/IP stack). Modelled on libuv's stream and
 * udp handles, which Node's own net/dgram sit on, so a libuv-backed host
 * implementation (`tcp_wrap`, `pipe_wrap`, `udp_wrap`) can replace the
 * node:net-backed one without touching `net` or `dgram`.
 *
 * Conventions:
 * - Callbacks are plain properties (`onread`, `onconnection`, ...) set once by
 *   the owner, not events: this is a hot path. A handle calls them as its own
 *   methods (`this` is the handle), so an owner may set the same functions
 *   on every handle and find itself as the stream handle's `owner`.
 * - Errors passed to callbacks are Node-shaped system errors (`code`, `errno`,
 *   `syscall`, `address`, `port`) from `src/errors`.
 * - Times are milliseconds.
 */

/** An endpoint address, as `socket.address()` reports it. */
export interface AddressInfo {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

export type ErrorCallback = (err: Error | null) => void;

/** Where a stream handle connects: a TCP endpoint (IP literal) or an IPC path. */
export type StreamTarget = TcpConnectOptions | { path: string };

/**
 * A byte stream: a TCP connection or an IPC (Unix domain socket) connection.
 * Created unconnected by `Transport.createStream` and then `connect`ed, or
 * handed over already connected by a server's `onconnection`.
 */
export interface StreamHandle {
  /** Whatever the callbacks serve (a net.Socket), set by it; the handle only keeps it. */
  owner?: unknown;
  /** Called with each received chunk while reading is started. The chunk is the caller's to keep. */
  onread: (chunk: Buffer) => void;
  /** Called once when the peer has finished sending (TCP FIN / EOF). */
  onend: () => void;
  /** Called once on a fatal transport error (`ECONNRESET`, `ETIMEDOUT`, ...); the handle is then unusable. */
  onerror: (err: Error) => void;
  /** Bytes handed to `writev` whose callback has not yet run. */
  readonly writeQueueSize: number;
  /** The OS file descriptor, or -1 when there is none (userspace stack). */
  readonly fd: number;
  /**
   * Connects an unconnected handle; `cb` runs once connected or failed
   * (`ECONNREFUSED`, `ETIMEDOUT`, `ENOENT` for a missing IPC path, ...).
   * Closing the handle abandons the attempt (`cb` may then never run).
   */
  connect(target: StreamTarget, cb: ErrorCallback): void;
  readStart(): void;
  readStop(): void;
  /**
   * Optional: read into `buffer` from now on (no allocation per read); the
   * chunks given to `onread` are then views of it, valid until the next read.
   */
  useUserBuffer?(buffer: Uint8Array): void;
  /**
   * Queues `chunks` for sending in order. `cb` runs once they have been
   * accepted by the transport (kernel buffer or TCP send buffer), with an error
   * (`EPIPE`, `ECONNRESET`, ...) if they never will be. `cb` may run before
   * `writev` returns when the transport takes everything at once.
   */
  writev(chunks: Buffer[], cb: ErrorCallback): void;
  /**
   * Optional: queues the bytes of `data` in `encoding` (latin1: one byte per
   * char; utf8), as `writev` would a Buffer of them — without the Buffer:
   * the transport encodes while it copies. Same callback contract as `writev`.
   */
  writeString?(data: string, encoding: 'latin1' | 'utf8', cb: ErrorCallback): void;
  /** Sends FIN after every queued write (half-close, RFC 9293 §3.6). */
  shutdown(cb: ErrorCallback): void;
  /** Releases the handle; `cb` runs once it is closed. Unflushed data is discarded. */
  close(cb?: () => void): void;
  /** Aborts the connection with a RST (SO_LINGER 0), then closes. */
  reset(cb?: () => void): void;
  setNoDelay(enable: boolean): void;
  /** `initialDelay` in whole seconds, as the OS (and libuv) take it. */
  setKeepAlive(enable: boolean, initialDelay: number): void;
  /** Local endpoint; undefined for IPC or when not bound. */
  getsockname(): AddressInfo | undefined;
  /** Remote endpoint; undefined for IPC or when not connected. */
  getpeername(): AddressInfo | undefined;
  ref(): void;
  unref(): void;
}

/** A listening TCP or IPC server. */
export interface ServerHandle {
  /**
   * Called with each accepted connection (established, not yet reading), or
   * with an accept error (`EMFILE`, ...) — the shape of libuv's callback.
   */
  onconnection: (err: Error | null, handle?: StreamHandle) => void;
  /** Called on an error after listening started (e.g. `EMFILE` on accept). */
  onerror: (err: Error) => void;
  /** The bound address; a path string for IPC servers. */
  address(): AddressInfo | string | null;
  readonly fd: number;
  close(cb?: () => void): void;
  ref(): void;
  unref(): void;
}

/** Options for a TCP connect, after name resolution (`address` is an IP literal). */
export interface TcpConnectOptions {
  address: string;
  port: number;
  family: 4 | 6;
  localAddress?: string;
  localPort?: number;
}

/** Options for a TCP or IPC listen. Exactly one of `port` (TCP), `path` (IPC) or `fd` is used. */
export interface ListenOptions {
  address?: string;
  port?: number;
  path?: string;
  fd?: number;
  /** An already-listening server handle to share (from `server.listen(handle)`). */
  handle?: unknown;
  backlog?: number;
  exclusive?: boolean;
  ipv6Only?: boolean;
  reusePort?: boolean;
  readableAll?: boolean;
  writableAll?: boolean;
}

/** Options for a UDP bind (`fd`: adopt an open socket instead of binding `address:port`). */
export interface DatagramBindOptions {
  address: string;
  port: number;
  fd?: number;
  exclusive?: boolean;
  reuseAddr?: boolean;
  ipv6Only?: boolean;
  /**
   * The dgram socket bound: in a node:cluster worker, cluster closes it
   * (`close(cb)`) when the worker disconnects, as it closes Node's.
   */
  owner?: { close(cb?: () => void): unknown };
  /** An open UDP socket of the transport to take instead of binding (one received from another process). */
  handle?: unknown;
}

/** The receive info of a datagram, as dgram's `'message'` event gives it. */
export interface RemoteInfo extends AddressInfo {
  size: number;
}

/** A UDP socket. Addresses passed in are IP literals (names are resolved above). */
export interface DatagramHandle {
  /** Called for each datagram received while receiving is started. */
  onmessage: (msg: Buffer, rinfo: RemoteInfo) => void;
  /** Called on an asynchronous error not tied to one send. */
  onerror: (err: Error) => void;
  /**
   * Binds to `address:port` (an IP literal; port 0 picks a free port), or, when
   * `fd` is given, adopts that already-open UDP socket (`address`/`port` are
   * then ignored). `cb` runs asynchronously, with the bind error
   * (`EADDRINUSE`, `EACCES`, `EINVAL`, ...) if any. Throws synchronously only
   * for an unusable `fd` (`ERR_INVALID_FD_TYPE`, `open EBADF`).
   */
  bind(options: DatagramBindOptions, cb: ErrorCallback): void;
  /** Sends one datagram made of `chunks`; `cb(err, bytes)` once it is sent or failed (`EMSGSIZE`, ...). */
  send(
    chunks: Buffer[],
    port: number | undefined,
    address: string | undefined,
    cb: (err: Error | null, bytes: number) => void,
  ): void;
  connect(port: number, address: string, cb: ErrorCallback): void;
  disconnect(): void;
  recvStart(): void;
  recvStop(): void;
  getsockname(): AddressInfo | undefined;
  getpeername(): AddressInfo | undefined;
  setBroadcast(flag: boolean): void;
  setTTL(ttl: number): number;
  setMulticastTTL(ttl: number): number;
  setMulticastLoopback(flag: boolean): boolean;
  setMulticastInterface(interfaceAddress: string): void;
  addMembership(multicastAddress: string, interfaceAddress?: string): void;
  dropMembership(multicastAddress: string, interfaceAddress?: string): void;
  addSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void;
  dropSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void;
  getRecvBufferSize(): number;
  setRecvBufferSize(size: number): void;
  getSendBufferSize(): number;
  setSendBufferSize(size: number): void;
  getSendQueueSize(): number;
  getSendQueueCount(): number;
  readonly fd: number;
  close(cb?: () => void): void;
  ref(): void;
  unref(): void;
}

/** A name lookup result, as dns.lookup gives it. */
export interface LookupAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Name resolution with `dns.lookup`'s contract: with `all: true` the answer
 * is a list of addresses; without it, one address and its family.
 */
export type LookupFunction = (
  hostname: string,
  options: { family?: number; hints?: number; all?: boolean },
  cb: (err: Error | null, addresses: LookupAddress[], family?: number) => void,
) => void;

/**
 * A transport: where sockets come from. `net` and `dgram` take one (default:
 * the host transport) and never look past this interface.
 */
export interface Transport {
  readonly name: string;
  /** Resolves a host name (dns.lookup semantics; errors are `getaddrinfo ENOTFOUND name`). */
  lookup: LookupFunction;
  /** A new, unconnected stream handle: TCP or IPC (`'pipe'`). */
  createStream(kind: 'tcp' | 'pipe'): StreamHandle;
  /** Wraps an existing file descriptor (`new net.Socket({ fd })`). */
  openStream(fd: number, options: { readable: boolean; writable: boolean }): StreamHandle;
  /**
   * Starts listening. The handle is returned at once (bound synchronously where
   * the transport can, so `address()` works right after `listen()`, as in
   * Node); `cb` runs asynchronously once the outcome is known: null when
   * listening, or the bind/listen error (`EADDRINUSE`, `EACCES`, ...), after
   * which the handle is closed.
   */
  listen(options: ListenOptions, cb: ErrorCallback): ServerHandle;
  createDatagram(type: 'udp4' | 'udp6'): DatagramHandle;
  /**
   * Optional: in a node:cluster worker, listens through the primary as Node's
   * net does (`cluster._getServer`): round-robin (SCHED_RR, the default), or
   * on the socket the primary bound (SCHED_NONE). Returns null — and the
   * caller listens itself — where the process is no cluster worker, or the
   * listen is `exclusive` or on a handle. Otherwise the same contract as
   * `listen`; a refusal from the primary reaches `cb` as a `bind` error.
   */
  listenInCluster?(
    options: ListenOptions,
    owner: ClusterServerOwner,
    cb: ErrorCallback,
  ): ServerHandle | null;
}

/**
 * What node:cluster uses of a server listening through the primary (Node's
 * net.Server has all of it): on `'listening'` the worker reports `address()`
 * to the primary; round-robin connections beyond `maxConnections` go to
 * another worker; a disconnecting worker `close(cb)`s the server and waits.
 */
export interface ClusterServerOwner {
  once(event: 'listening', listener: () => void): unknown;
  address(): AddressInfo | string | null;
  close(cb?: (err?: Error) => void): unknown;
  maxConnections: number | undefined;
  _connections: number;
}
