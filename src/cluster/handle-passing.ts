/**
 * wirestack's sockets and servers passed between processes as Node's are
 * (Node's child_process doc, "subprocess.send(message[, sendHandle[,
 * options]][, callback])"; cluster's `worker.send`; `process.send`).
 *
 * Node's child_process carries the libuv handle under a `net.Socket`,
 * `net.Server` or `dgram.Socket` over the IPC channel and rebuilds one of
 * its own on the other side. It recognises only its own classes, so:
 *
 * - sending: a wirestack socket or server (net or dgram) on libuv handles is
 *   handed to Node's machinery as a stand-in of Node's class that exposes
 *   the libuv handle (`_handle`), the server that accepted the socket (for
 *   Node's count of connections across processes) and `setTimeout`. When
 *   Node lets go of the handle (`_handle = null`, unless `keepOpen`), the
 *   wirestack socket releases it, as Node's own socket does;
 * - receiving: in a process that loaded wirestack's net, the Node socket or
 *   server (net or dgram) built around the received handle is replaced, in
 *   the `'message'` event, by a wirestack one on the same handle.
 *
 * Both are installed on `process` (the IPC channel to the parent) and on
 * every child process spawned afterwards, once per process.
 */
import { ChildProcess } from 'node:child_process';
import * as nodeDgram from 'node:dgram';
import * as nodeNet from 'node:net';
import process from 'node:process';
import type { Socket as DgramSocket } from '../dgram/socket.js';
import { hostTransport } from '../handle/host.js';
import type { LibuvStream } from '../handle/libuv.js';
import { libuvAvailable } from '../handle/libuv-available.js';
import type { Server } from '../net/server.js';
import type { Socket } from '../net/socket.js';

type LibuvPassing = typeof import('../handle/host-libuv-passing.js');
let passing: LibuvPassing | undefined;

/**
 * The libuv side of handle passing, loaded on first use: loading it reaches
 * for libuv's bindings, which runtimes without them (Bun) refuse outright,
 * and it is only used where `libuvAvailable()` holds.
 */
function libuvPassing(): LibuvPassing {
  passing ??= require('../handle/host-libuv-passing.js') as LibuvPassing;
  return passing;
}

/** Node's `target._send(message, handle, options, callback)` on an IPC channel's owner. */
type SendFunction = (
  this: unknown,
  message: unknown,
  handle: unknown,
  options: { keepOpen?: boolean } | undefined,
  callback: unknown,
) => boolean;

interface IpcTarget {
  _send?: SendFunction;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

/** Marks a process or child already adapted (by any copy of wirestack in this process). */
const kAdapted = Symbol.for('wirestack.handlePassing');
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/** The classes of the modules loaded: only those are sent, and received as wirestack's. */
export interface PassableClasses {
  Socket?: typeof Socket;
  Server?: typeof Server;
  DgramSocket?: typeof DgramSocket;
}

/**
 * Every copy of wirestack loaded in this process registers here (one
 * adaptation serves them all): a socket of any copy is sent, and a received
 * one arrives as the first copy's.
 */
const registry: PassableClasses[] = ((globalThis as Record<symbol, PassableClasses[]>)[
  Symbol.for('wirestack.handlePassing.classes')
] ??= []);

/** The first registered class of a kind. */
function registered<K extends keyof PassableClasses>(kind: K): PassableClasses[K] {
  return registry.find((loaded) => loaded[kind] !== undefined)?.[kind];
}

/**
 * Registers a module's classes, and adapts `process` and every child
 * process spawned from now on (once).
 */
export function installHandlePassing(loaded: PassableClasses): void {
  registry.push(loaded);
  if (!libuvAvailable()) return;
  adapt(process as unknown as IpcTarget);
  // `spawn` (absent from @types/node) sets up the IPC channel of fork()ed children.
  const proto = ChildProcess.prototype as unknown as {
    spawn: (this: ChildProcess, ...args: unknown[]) => unknown;
    [kAdapted]?: true;
  };
  if (Object.hasOwn(proto, kAdapted)) return;
  proto[kAdapted] = true;
  const spawn = proto.spawn;
  proto.spawn = function spawnAdapted(this: ChildProcess, ...args: unknown[]) {
    const result = spawn.apply(this, args);
    adapt(this as unknown as IpcTarget);
    return result;
  };
}

/** Wraps an IPC channel owner's `_send` and `emit`, if it has a channel. */
function adapt(target: IpcTarget & { [kAdapted]?: true }): void {
  const send = target._send;
  if (typeof send !== 'function' || Object.hasOwn(target, kAdapted)) return;
  target[kAdapted] = true;
  // `_send`, not `send`: handles queued while one is in flight are sent again through it.
  target._send = function sendAdapted(message, handle, options, callback) {
    return send.call(this, message, toNodeShape(handle, options), options, callback);
  };
  const emit = target.emit;
  target.emit = function emitAdapted(this: IpcTarget, event, ...args) {
    if (event === 'message' && args.length > 1) args[1] = fromNodeShape(args[1]);
    return emit.call(this, event, ...args);
  };
}

/** A wirestack socket or server as Node's child_process takes it; anything else as it is. */
function toNodeShape(handle: unknown, options: { keepOpen?: boolean } | undefined): unknown {
  if (handle === null || typeof handle !== 'object') return handle;
  for (const { Socket, Server, DgramSocket } of registry) {
    if (Socket && ordinaryHasInstance.call(Socket, handle)) {
      return socketStandIn(handle as Socket, options);
    }
    if (Server && handle instanceof Server) {
      const uv = libuvPassing().libuvHandleOf(handle._handle);
      return uv === null
        ? handle
        : Object.create(nodeNet.Server.prototype, { _handle: { value: uv } });
    }
    if (DgramSocket && handle instanceof DgramSocket) {
      const uv = libuvPassing().libuvHandleOf(handle._transportHandle());
      if (uv === null) return handle;
      // Node's dgram.Socket as child_process reads it: its type, and the handle in its state.
      return Object.create(nodeDgram.Socket.prototype, {
        type: { value: handle.type },
        [libuvPassing().nodeDgramStateSymbol()]: { value: { handle: uv } },
      });
    }
  }
  return handle;
}

/**
 * A stand-in of Node's net.Socket for child_process, read when the message
 * leaves (later than `send()` while another handle is in flight): `_handle`
 * is the socket's libuv handle then, or null if the socket has closed
 * meanwhile (Node then sends the message alone); when Node takes the handle
 * away (`_handle = null`), the socket releases it. `server` is the server
 * that accepted the socket. A socket whose handle no other process could
 * take (userspace stack) is returned as it is, for Node to refuse
 * (`ERR_INVALID_HANDLE_TYPE`).
 */
function socketStandIn(socket: Socket, options: { keepOpen?: boolean } | undefined): unknown {
  if (socket._handle !== null && libuvPassing().libuvHandleOf(socket._handle) === null)
    return socket;
  let taken = false;
  return Object.create(nodeNet.Socket.prototype, {
    _handle: {
      get: () =>
        taken || socket._handle === null ? null : libuvPassing().libuvHandleOf(socket._handle),
      set: (value: unknown) => {
        if (value !== null || taken) return;
        taken = true;
        if (!options?.keepOpen) socket._releaseHandle();
      },
    },
    server: { get: () => socket._server },
    setTimeout: { value: (ms: number) => socket.setTimeout(ms) },
  });
}

/** A Node socket or server child_process built from a received handle, as a wirestack one. */
function fromNodeShape(value: unknown): unknown {
  const Socket = registered('Socket');
  const Server = registered('Server');
  const DgramSocket = registered('DgramSocket');
  if (Socket && value instanceof nodeNet.Socket && !ordinaryHasInstance.call(Socket, value)) {
    return adoptSocket(Socket, value);
  }
  if (Server && value instanceof nodeNet.Server && !(value instanceof Server)) {
    return adoptServer(Server, value);
  }
  if (DgramSocket && value instanceof nodeDgram.Socket && !(value instanceof DgramSocket)) {
    return adoptDgramSocket(DgramSocket, value);
  }
  return value;
}

interface NodeSocketInternals {
  _handle: unknown;
  readableEnded: boolean;
  destroyed: boolean;
  readableLength: number;
  read(): Buffer | null;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * Moves the received connection to a wirestack socket: the Node socket
 * stops reading and lets go of the handle; whatever it had read already is
 * put back in front of the new socket's data. Its `'close'` follows the
 * new socket's, since Node counts received connections through it.
 */
function adoptSocket(
  Socket: typeof import('../net/socket.js').Socket,
  nodeSocket: nodeNet.Socket,
): unknown {
  const node = nodeSocket as unknown as NodeSocketInternals;
  const uv = node._handle;
  if (!libuvPassing().isLibuvHandle(uv) || node.destroyed || node.readableEnded) return nodeSocket;
  (uv as LibuvStream).readStop();
  node._handle = null;
  const buffered: Buffer[] = [];
  while (node.readableLength > 0) {
    const chunk = node.read();
    if (chunk === null) break;
    buffered.push(chunk);
  }
  const socket = new Socket({
    handle: libuvPassing().adoptLibuvStream(uv as LibuvStream),
    transport: hostTransport,
    readable: true,
    writable: true,
  });
  if (buffered.length > 0) socket.unshift(Buffer.concat(buffered));
  socket.once('close', (hadError: boolean) => node.emit('close', hadError));
  return socket;
}

/** Moves the received listening handle to a wirestack server (which listens on it as is). */
function adoptServer(
  Server: typeof import('../net/server.js').Server,
  nodeServer: nodeNet.Server,
): unknown {
  const node = nodeServer as unknown as { _handle: unknown };
  const uv = node._handle;
  if (!libuvPassing().isLibuvHandle(uv)) return nodeServer;
  node._handle = null;
  const server = new Server({ transport: hostTransport });
  server.listen({ _handle: uv } as never);
  return server;
}

/**
 * Moves the received UDP socket to a wirestack dgram socket, which binds to
 * it as is (`'listening'` follows); the Node socket stops receiving and lets
 * go of it.
 */
function adoptDgramSocket(
  DgramSocket: typeof import('../dgram/socket.js').Socket,
  nodeSocket: nodeDgram.Socket,
): unknown {
  const state = (nodeSocket as unknown as Record<symbol, { handle: unknown } | undefined>)[
    libuvPassing().nodeDgramStateSymbol()
  ];
  const uv = state?.handle;
  if (state === undefined || !libuvPassing().isLibuvUdp(uv)) return nodeSocket;
  uv.recvStop();
  state.handle = null;
  const { type } = nodeSocket as unknown as { type: 'udp4' | 'udp6' };
  const socket = new DgramSocket(type, undefined, hostTransport);
  socket.bind(uv as never);
  return socket;
}
