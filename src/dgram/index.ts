/**
 * wirestack's `dgram`: the public surface of Node's `require('dgram')`
 * (`createSocket`, `Socket`), on the host's sockets by default (see
 * `WIRESTACK_TRANSPORT` in the README).
 * `createSocketOn(transport, ...)` in `./create-socket.js` picks another transport.
 */
export { createSocket } from './create-socket.js';
export type {
  AddressInfo,
  BindOptions,
  LookupFunction,
  MessageData,
  RemoteInfo,
  SendCallback,
  SocketEventMap,
  SocketOptions,
  SocketType,
} from './socket.js';
export { Socket } from './socket.js';
