/**
 * The part of node:cluster a worker's listening socket goes through (Node's
 * lib/internal/cluster/child.js), typed once for the host transport.
 *
 * A worker's non-exclusive `listen()` / `bind()` sends the primary a query
 * with `cluster._getServer(owner, query, cb)`. The reply is either a real
 * libuv handle the primary bound (shared: SCHED_NONE, and every UDP bind),
 * or, under round-robin (SCHED_RR), a stand-in `{ close, listen, ref, unref,
 * getsockname? }` whose `onconnection(0, client)` the worker's cluster code
 * calls with each libuv connection the primary hands over.
 *
 * The cluster code finds the server behind such a handle through a symbol
 * Node keeps private (`owner_symbol`): to refuse connections beyond the
 * server's `maxConnections` and to `close()` the server when the worker
 * disconnects. Node's own net.Socket sets that symbol on the handle it is
 * given, which is how it is learnt here (`ownerSymbol`).
 */
import { Socket as NodeSocket } from 'node:net';

/** The query a worker sends the primary (the fields of Node's `listenInCluster`). */
export interface ClusterQuery {
  address: string | null;
  port: number | null;
  /** 4 or 6 (TCP), -1 (IPC), `'udp4'` / `'udp6'`, or null for an fd. */
  addressType: number | string | null;
  fd: number | undefined;
  flags: number | null | undefined;
  backlog?: number;
  readableAll?: boolean;
  writableAll?: boolean;
}

/** node:cluster as seen from a worker process. */
export interface ClusterWorkerApi {
  readonly isWorker: boolean;
  /** `owner`: the net.Server or dgram.Socket listening (cluster reads `once`, `address`, ...). */
  _getServer(
    owner: object,
    query: ClusterQuery,
    cb: (errno: number | null, handle: unknown) => void,
  ): void;
}

let cluster: ClusterWorkerApi | undefined;

/** node:cluster when this process is a cluster worker, else null (loaded on first use). */
export function clusterWorker(): ClusterWorkerApi | null {
  cluster ??= require('node:cluster') as ClusterWorkerApi;
  return cluster.isWorker ? cluster : null;
}

let owner: symbol | undefined;

/**
 * Node's `owner_symbol`: the key under which Node's net and dgram record the
 * object (server, socket) that owns a handle. Learnt from a Node socket built
 * around a plain object, which reads nothing from it and starts nothing.
 */
export function ownerSymbol(): symbol {
  if (owner === undefined) {
    const probe = { readStart: noop, readStop: noop, close: noop };
    new NodeSocket({ handle: probe, manualStart: true, readable: false, writable: false } as never);
    const found = Object.getOwnPropertySymbols(probe).find(
      (key) => key.description === 'owner_symbol',
    );
    owner = found ?? Symbol('owner_symbol');
  }
  return owner;
}

function noop(): number {
  return 0;
}
