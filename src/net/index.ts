/**
 * wirestack's `net`: Node's TCP and IPC API (https://nodejs.org/api/net.html)
 * on any transport — the host's sockets by default. Typed with
 * `@types/node`'s `node:net` declarations (docs/types.md).
 */
import type * as node from 'node:net';
import { installHandlePassing } from '../cluster/handle-passing.js';
import { callableClass } from '../util/callable-class.js';
import { type NodeClass, nodeTyped } from '../util/node-typed.js';
import { createConnection as createConnectionImpl } from './connect.js';
import { createServer as createServerImpl } from './create-server.js';
import type { Connect, CreateServer, ServerArgs, SocketConstructorOpts } from './public-types.js';
import { Server as ServerClass } from './server.js';
import { Socket as SocketClass } from './socket.js';

export { isIP, isIPv4, isIPv6 } from '../wire/ip-address.js';
export {
  getDefaultAutoSelectFamily,
  getDefaultAutoSelectFamilyAttemptTimeout,
  setDefaultAutoSelectFamily,
  setDefaultAutoSelectFamilyAttemptTimeout,
} from './auto-select-family.js';
export { BlockList } from './block-list.js';
export { _setSimultaneousAccepts } from './deprecated.js';
export type {
  Connect,
  ConnectOptions,
  CreateServer,
  ServerListenOptions,
  ServerOpts,
  SocketConstructorOpts,
  TransportOption,
} from './public-types.js';
export { SocketAddress, type SocketAddressInitOptions } from './socket-address.js';

/** `net.createConnection(...)`: a `net.Socket`, connecting (Node's net doc). */
export const createConnection = nodeTyped<Connect>(createConnectionImpl);
/** `net.connect(...)`: the same as `createConnection`. */
export const connect = createConnection;
/** `net.createServer([options][, connectionListener])`. */
export const createServer = nodeTyped<CreateServer>(createServerImpl);

// Sockets and servers of this module can be sent to other processes, and arrive as its own.
installHandlePassing({ Socket: SocketClass, Server: ServerClass });

/** `net.Server` (callable without `new`, as in Node). */
export const Server = nodeTyped<NodeClass<typeof node.Server, node.Server, ServerArgs>>(
  callableClass(ServerClass),
);
export type Server = node.Server;
/** `net.Socket` (callable without `new`, as in Node); `net.Stream` is the same class. */
export const Socket = nodeTyped<
  NodeClass<typeof node.Socket, node.Socket, [options?: SocketConstructorOpts]>
>(callableClass(SocketClass));
export type Socket = node.Socket;
export { Socket as Stream };
