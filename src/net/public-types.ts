/**
 * The public types of `wirestack/net`: `@types/node`'s `node:net`
 * declarations (see src/util/node-typed.ts and docs/types.md), whose options
 * also take wirestack's `transport`.
 */
import type * as node from 'node:net';
import type { Transport } from '../handle/types.js';

/** wirestack's option on every socket and server: the transport it runs on. */
export interface TransportOption {
  /**
   * The transport to run on (default: the host's sockets, or as
   * `WIRESTACK_TRANSPORT` says); a simulated host's `transport`, say.
   */
  transport?: Transport;
}

/** Options of `new net.Socket([options])`: Node's, and `transport`. */
export type SocketConstructorOpts = node.SocketConstructorOpts &
  Pick<node.TcpSocketConnectOpts, 'onread'> &
  TransportOption;
/** Options of `net.connect(options)` / `net.createConnection(options)`: Node's, and `transport`. */
export type ConnectOptions = node.NetConnectOpts & TransportOption;
/** Options of `net.createServer([options])`: Node's, and `transport`. */
export type ServerOpts = node.ServerOpts & TransportOption;
/** Options of `server.listen(options)`: Node's. */
export type ServerListenOptions = node.ListenOptions;

type ConnectionListener = (socket: node.Socket) => void;

/** `net.connect` / `net.createConnection`: Node's three forms (Node's net doc, "net.connect()"). */
export interface Connect {
  (options: ConnectOptions, connectionListener?: () => void): node.Socket;
  (port: number, host?: string, connectionListener?: () => void): node.Socket;
  (path: string, connectionListener?: () => void): node.Socket;
}

/** `net.createServer([options][, connectionListener])`. */
export interface CreateServer {
  (connectionListener?: ConnectionListener): node.Server;
  (options?: ServerOpts, connectionListener?: ConnectionListener): node.Server;
}

/** The constructor arguments of `net.Server`. */
export type ServerArgs = [options?: ServerOpts | ConnectionListener, listener?: ConnectionListener];
