import { type ConnectOptions, normalizeConnectArgs } from './normalize-args.js';
import { Socket, type SocketConstructorOpts } from './socket.js';

/**
 * `net.createConnection()` / `net.connect()`: a new `Socket` already connecting
 * (Node's net doc, "net.createConnection()"): `(options[, connectListener])`,
 * `(path[, connectListener])` for IPC, `(port[, host][, connectListener])` for TCP.
 * `options.timeout` (milliseconds) sets the idle timeout.
 * @throws ERR_MISSING_ARGS, ERR_SOCKET_BAD_PORT, ERR_INVALID_ARG_TYPE
 */
export function createConnection(
  options: ConnectOptions & SocketConstructorOpts,
  connectListener?: () => void,
): Socket;
export function createConnection(path: string, connectListener?: () => void): Socket;
export function createConnection(
  port: number | string,
  host?: string,
  connectListener?: () => void,
): Socket;
export function createConnection(port: number | string, connectListener?: () => void): Socket;
export function createConnection(...args: unknown[]): Socket {
  return connectWith(Socket, args);
}

/**
 * @internal `createConnection(...args)` with sockets of class `SocketClass`
 * (a Socket bound to a transport, say).
 */
export function connectWith(
  SocketClass: new (options: SocketConstructorOpts) => Socket,
  args: unknown[],
): Socket {
  const normalized = normalizeConnectArgs(args);
  const options = normalized[0];
  const socket = new SocketClass(options as SocketConstructorOpts);
  if (options.timeout) socket.setTimeout(options.timeout);
  // One argument, the normalized list, as Node's createConnection passes it.
  return (socket.connect as (...a: unknown[]) => Socket)(normalized);
}

export { createConnection as connect };
