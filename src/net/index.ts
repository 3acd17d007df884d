/**
 * wirestack's `net`: Node's TCP and IPC API (https://nodejs.org/api/net.html)
 * on any transport — the host's sockets by default.
 */
export { isIP, isIPv4, isIPv6 } from '../wire/ip-address.js';
export {
  getDefaultAutoSelectFamily,
  getDefaultAutoSelectFamilyAttemptTimeout,
  setDefaultAutoSelectFamily,
  setDefaultAutoSelectFamilyAttemptTimeout,
} from './auto-select-family.js';
export { BlockList } from './block-list.js';
export { connect, createConnection } from './connect.js';
export { createServer } from './create-server.js';
export { _setSimultaneousAccepts } from './deprecated.js';
export type { ConnectOptions } from './normalize-args.js';
export type { ServerListenOptions, ServerOpts } from './server.js';
export type { SocketConstructorOpts } from './socket.js';
export { SocketAddress, type SocketAddressInitOptions } from './socket-address.js';

import { callableClass } from '../util/callable-class.js';
import { Server as ServerClass } from './server.js';
import { Socket as SocketClass } from './socket.js';

/** `net.Server` (callable without `new`, as in Node). */
export const Server = callableClass(ServerClass);
export type Server = ServerClass;
/** `net.Socket` (callable without `new`, as in Node); `net.Stream` is the same class. */
export const Socket = callableClass(SocketClass);
export type Socket = SocketClass;
export { Socket as Stream };
