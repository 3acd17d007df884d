/**
 * wirestack's `net`: Node's TCP and IPC API (https://nodejs.org/api/net.html)
 * on any transport — the host's sockets by default.
 */
export { isIP, isIPv4, isIPv6 } from '../wire/ip-address.js';
export { connect, createConnection } from './connect.js';
export { createServer } from './create-server.js';
export type { ConnectOptions } from './normalize-args.js';
export { Server, type ServerListenOptions, type ServerOpts } from './server.js';
export { Socket, Socket as Stream, type SocketConstructorOpts } from './socket.js';
