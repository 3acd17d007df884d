import process from 'node:process';
import { uvError } from '../errors/index.js';
import { isIP } from '../wire/ip-address.js';
import { LibuvServerHandle, type ListeningUv } from './host-stream-libuv.js';
import { pipeWrap, tcpWrap } from './libuv.js';
import { type ClusterQuery, clusterWorker, ownerSymbol } from './node-cluster.js';
import type {
  AddressInfo,
  ClusterServerOwner,
  ErrorCallback,
  ListenOptions,
  ServerHandle,
  StreamHandle,
} from './types.js';

/** libuv's EADDRINUSE: what Node reports when the primary's socket is bound elsewhere. */
const UV_EADDRINUSE = -98;
const noop = () => {};

/** What the primary answers a listen query with: a libuv server handle or the round-robin stand-in. */
type ReceivedUv = ListeningUv & { listen(backlog: number): number };

/**
 * A server in a cluster worker, listening through the primary. It exists at
 * once (as `Transport.listen`'s handles do); the primary's handle arrives
 * with the reply, and a close before that drops the reply's handle.
 */
export class ClusterServerHandle implements ServerHandle {
  onconnection: (err: Error | null, handle?: StreamHandle) => void = noop;
  onerror: (err: Error) => void = noop;
  closed = false;
  /** The handle listening, once the primary has answered. */
  inner: LibuvServerHandle | null = null;
  private unrefed = false;

  attach(inner: LibuvServerHandle): void {
    this.inner = inner;
    inner.onconnection = (err, client) => this.onconnection(err, client);
    inner.onerror = (err) => this.onerror(err);
    if (this.unrefed) inner.unref();
  }

  get fd(): number {
    return this.inner?.fd ?? -1;
  }

  address(): AddressInfo | string | null {
    return this.inner?.address() ?? null;
  }

  close(cb?: () => void): void {
    this.closed = true;
    const inner = this.inner;
    this.inner = null;
    if (inner !== null) inner.close(cb);
    else if (cb) process.nextTick(cb);
  }

  ref(): void {
    this.unrefed = false;
    this.inner?.ref();
  }

  unref(): void {
    this.unrefed = true;
    this.inner?.unref();
  }
}

/**
 * The query Node's net sends for this listen (Node's `listenInCluster`
 * arguments): a path with port and address type -1; an fd with neither
 * address nor port; a port with the looked-up address and its family, or
 * with no address and type 4 (the primary then binds `::`, falling back
 * to `0.0.0.0`). Node passes `ipv6Only` only when a host was named.
 */
function clusterQuery(options: ListenOptions): ClusterQuery {
  const backlog = options.backlog;
  if (options.path !== undefined) {
    return {
      address: options.path,
      port: -1,
      addressType: -1,
      fd: undefined,
      flags: undefined,
      backlog,
      readableAll: options.readableAll,
      writableAll: options.writableAll,
    };
  }
  if (options.fd !== undefined) {
    return {
      address: null,
      port: null,
      addressType: null,
      fd: options.fd,
      flags: undefined,
      backlog,
    };
  }
  const address = options.address ?? null;
  return {
    address,
    port: options.port ?? 0,
    addressType: address === null ? 4 : isIP(address),
    fd: undefined,
    flags: address === null ? undefined : options.ipv6Only ? tcpWrap.constants.UV_TCP_IPV6ONLY : 0,
    backlog,
  };
}

/**
 * Node's `checkBindError`: a shared socket bound to another port than the
 * one asked for means the asked-for port was taken.
 */
function boundElsewhere(uv: ReceivedUv, port: number | null): boolean {
  if (port === null || port <= 0 || uv.getsockname === undefined) return false;
  const out: { port?: number } = {};
  return uv.getsockname(out) === 0 && out.port !== port;
}

/**
 * `Transport.listenInCluster` on libuv handles: asks the primary through
 * `cluster._getServer` and listens on what it answers. The server is
 * recorded as the handle's owner, so cluster can refuse connections beyond
 * its `maxConnections` and close it when the worker disconnects.
 */
export function listenInClusterLibuv(
  options: ListenOptions,
  owner: ClusterServerOwner,
  cb: ErrorCallback,
): ServerHandle | null {
  if (options.exclusive || options.handle !== undefined) return null;
  const cluster = clusterWorker();
  if (cluster === null) return null;
  const query = clusterQuery(options);
  const handle = new ClusterServerHandle();
  const fail = (status: number, syscall: string) => {
    handle.closed = true;
    cb(uvError(status, syscall, query.address ?? undefined, query.port ?? undefined));
  };
  cluster._getServer(owner, query, (errno, received) => {
    const uv = received as ReceivedUv | null;
    if (handle.closed) {
      uv?.close();
      return;
    }
    if (errno || !uv) {
      fail(errno || UV_EADDRINUSE, 'bind');
      return;
    }
    if (boundElsewhere(uv, query.port)) {
      uv.close();
      fail(UV_EADDRINUSE, 'bind');
      return;
    }
    (uv as unknown as Record<symbol, unknown>)[ownerSymbol()] = owner;
    const listened = uv.listen(options.backlog || 511);
    if (listened < 0) {
      uv.close();
      fail(listened, 'listen');
      return;
    }
    const isTcp =
      uv instanceof tcpWrap.TCP || (!(uv instanceof pipeWrap.Pipe) && options.path === undefined);
    handle.attach(new LibuvServerHandle(uv, isTcp, options.path ?? null));
    cb(null);
  });
  return handle;
}
