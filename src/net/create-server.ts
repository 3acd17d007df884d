import { Server, type ServerOpts } from './server.js';
import type { Socket } from './socket.js';

/**
 * `net.createServer([options][, connectionListener])` (Node's net doc): a new
 * `Server`; `connectionListener` is added to `'connection'`.
 */
export function createServer(connectionListener?: (socket: Socket) => void): Server;
export function createServer(
  options?: ServerOpts,
  connectionListener?: (socket: Socket) => void,
): Server;
export function createServer(
  options?: ServerOpts | ((socket: Socket) => void),
  connectionListener?: (socket: Socket) => void,
): Server {
  return new Server(options as ServerOpts, connectionListener);
}
