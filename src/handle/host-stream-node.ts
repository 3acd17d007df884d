import * as nodeNet from 'node:net';
import type {
  AddressInfo,
  ErrorCallback,
  ListenOptions,
  ServerHandle,
  StreamHandle,
  StreamTarget,
} from './types.js';

const noop = () => {};

type NodeSocketInternals = nodeNet.Socket & { _handle?: { fd?: number } | null };
type NodeServerInternals = nodeNet.Server & { _handle?: { fd?: number } | null };

/**
 * A TCP or IPC connection on the host's sockets, using a `node:net` socket as
 * a plain byte pipe: half-open allowed, reading only between `readStart()` and
 * `readStop()`. Errors are Node's own, so they already carry `code`, `errno`,
 * `syscall`, `address` and `port`. The fallback for runtimes that offer
 * `node:net` but not Node's libuv bindings (see host-stream-libuv.ts).
 */
class NodeStreamHandle implements StreamHandle {
  onread: (chunk: Buffer) => void = noop;
  onend: () => void = noop;
  onerror: (err: Error) => void = noop;
  writeQueueSize = 0;
  private reading = false;

  constructor(private readonly socket: nodeNet.Socket) {
    socket.on('data', (chunk: Buffer) => this.onread(chunk));
    socket.pause();
    socket.on('end', () => this.onend());
    socket.on('error', (err) => this.onerror(err));
  }

  connect(target: StreamTarget, cb: ErrorCallback): void {
    const socket = this.socket;
    const onError = (err: Error) => cb(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      cb(null);
    });
    if ('path' in target) {
      socket.connect({ path: target.path });
      return;
    }
    socket.connect({
      host: target.address,
      port: target.port,
      family: target.family,
      localAddress: target.localAddress,
      localPort: target.localPort,
      autoSelectFamily: false,
    } as nodeNet.NetConnectOpts);
  }

  get fd(): number {
    return (this.socket as NodeSocketInternals)._handle?.fd ?? -1;
  }

  readStart(): void {
    if (this.reading) return;
    this.reading = true;
    this.socket.resume();
  }

  readStop(): void {
    if (!this.reading) return;
    this.reading = false;
    this.socket.pause();
  }

  writev(chunks: Buffer[], cb: ErrorCallback): void {
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    this.writeQueueSize += bytes;
    const done = (err?: Error | null) => {
      this.writeQueueSize -= bytes;
      cb(err ?? null);
    };
    const socket = this.socket;
    if (chunks.length === 1) {
      socket.write(chunks[0]!, done);
      return;
    }
    // One corked batch becomes one writev(2) in libuv.
    socket.cork();
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) socket.write(chunks[i]!);
    socket.write(chunks[last]!, done);
    socket.uncork();
  }

  shutdown(cb: ErrorCallback): void {
    this.socket.end(() => cb(null));
  }

  close(cb?: () => void): void {
    if (cb) this.socket.once('close', () => cb());
    this.socket.destroy();
  }

  reset(cb?: () => void): void {
    if (cb) this.socket.once('close', () => cb());
    this.socket.resetAndDestroy();
  }

  setNoDelay(enable: boolean): void {
    this.socket.setNoDelay(enable);
  }

  setKeepAlive(enable: boolean, initialDelay: number): void {
    this.socket.setKeepAlive(enable, initialDelay * 1000);
  }

  getsockname(): AddressInfo | undefined {
    const s = this.socket;
    if (s.localPort === undefined || s.localAddress === undefined) return undefined;
    return { address: s.localAddress, family: familyOf(s.localAddress), port: s.localPort };
  }

  getpeername(): AddressInfo | undefined {
    const s = this.socket;
    if (s.remotePort === undefined || s.remoteAddress === undefined) return undefined;
    return { address: s.remoteAddress, family: familyOf(s.remoteAddress), port: s.remotePort };
  }

  ref(): void {
    this.socket.ref();
  }

  unref(): void {
    this.socket.unref();
  }
}

function familyOf(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

/** A new unconnected TCP or IPC handle on a node:net socket. */
export function createNodeStream(_kind: 'tcp' | 'pipe'): StreamHandle {
  return new NodeStreamHandle(new nodeNet.Socket({ allowHalfOpen: true }));
}

/** Wraps an open file descriptor as a stream handle. */
export function openNodeStream(fd: number): StreamHandle {
  return new NodeStreamHandle(
    new nodeNet.Socket({ fd, allowHalfOpen: true, readable: true, writable: true }),
  );
}

class NodeServerHandle implements ServerHandle {
  onconnection: (err: Error | null, handle?: StreamHandle) => void = noop;
  onerror: (err: Error) => void = noop;

  constructor(readonly server: nodeNet.Server) {}

  get fd(): number {
    return (this.server as NodeServerInternals)._handle?.fd ?? -1;
  }

  address(): AddressInfo | string | null {
    const a = this.server.address();
    if (a === null || typeof a === 'string') return a;
    return { address: a.address, family: a.family as 'IPv4' | 'IPv6', port: a.port };
  }

  close(cb?: () => void): void {
    // Accepted connections are ours now; closing the listener must not wait for them.
    this.server.close(() => cb?.());
  }

  ref(): void {
    this.server.ref();
  }

  unref(): void {
    this.server.unref();
  }
}

/** Listens for TCP or IPC connections through node:net (see `Transport.listen`). */
export function listenNode(options: ListenOptions, cb: ErrorCallback): ServerHandle {
  const server = nodeNet.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const handle = new NodeServerHandle(server);
  server.on('connection', (socket: nodeNet.Socket) => {
    // Forgotten by node's server at once: our net.Server counts and closes connections.
    const count = server as unknown as { _connections: number };
    count._connections--;
    (socket as unknown as { server: null; _server: null })._server = null;
    handle.onconnection(null, new NodeStreamHandle(socket));
  });
  let listening = false;
  server.on('error', (err) => {
    if (listening) handle.onerror(err);
    else cb(err);
  });
  server.once('listening', () => {
    listening = true;
    cb(null);
  });
  if (options.handle !== undefined) {
    // A wirestack server's handle shares its node server; anything else is Node's own.
    const shared =
      options.handle instanceof NodeServerHandle ? options.handle.server : options.handle;
    server.listen(shared as nodeNet.Server, options.backlog);
  } else if (options.fd !== undefined) {
    server.listen({ fd: options.fd, backlog: options.backlog } as nodeNet.ListenOptions);
  } else if (options.path !== undefined) {
    server.listen({
      path: options.path,
      backlog: options.backlog,
      readableAll: options.readableAll,
      writableAll: options.writableAll,
    });
  } else {
    server.listen({
      port: options.port ?? 0,
      host: options.address,
      backlog: options.backlog,
      exclusive: true,
      ipv6Only: options.ipv6Only,
      reusePort: options.reusePort,
    } as nodeNet.ListenOptions);
  }
  return handle;
}
