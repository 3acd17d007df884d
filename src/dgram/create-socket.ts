import type { Transport } from '../handle/types.js';
import { type RemoteInfo, Socket, type SocketOptions, type SocketType } from './socket.js';

/**
 * Creates a UDP socket on the default transport — the host's sockets unless
 * `WIRESTACK_TRANSPORT` says otherwise (Node v20 docs,
 * `dgram.createSocket(options[, callback])` and `dgram.createSocket(type[, callback])`).
 *
 * @param type `'udp4'`, `'udp6'`, or `SocketOptions` (`type`, `reuseAddr`,
 *   `ipv6Only`, `recvBufferSize`, `sendBufferSize` in bytes, `lookup`, `signal`).
 * @param callback Added as a `'message'` listener.
 * @throws TypeError `ERR_SOCKET_BAD_TYPE` for another type; `ERR_INVALID_ARG_TYPE`
 *   / RangeError `ERR_OUT_OF_RANGE` for bad options.
 */
export function createSocket(
  type: SocketType | SocketOptions,
  callback?: (msg: Buffer, rinfo: RemoteInfo) => void,
): Socket {
  return new Socket(type, callback);
}

/**
 * `createSocket` on a given transport (wirestack-specific): the userspace
 * stack, or any other `Transport`, instead of the host's sockets.
 */
export function createSocketOn(
  transport: Transport,
  type: SocketType | SocketOptions,
  callback?: (msg: Buffer, rinfo: RemoteInfo) => void,
): Socket {
  return new Socket(type, callback, transport);
}
