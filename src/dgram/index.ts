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

import { installHandlePassing } from '../cluster/handle-passing.js';
import { Socket as SocketClass } from './socket.js';

// Sockets of this module can be sent to other processes, and arrive as its own.
installHandlePassing({ DgramSocket: SocketClass });
