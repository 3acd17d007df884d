/**
 * wirestack's WebSocket (RFC 6455, RFC 7692), `wirestack/ws`: the `ws`
 * package's API — `WebSocket` (client and server side, also with the WHATWG
 * `onmessage` / `addEventListener` shape), `WebSocketServer`,
 * `createWebSocketStream` — on wirestack's own http and net.
 *
 * The module has the `ws` package's shape in both module systems:
 *
 * ```ts
 * // ESM
 * import WebSocket, { WebSocketServer } from 'wirestack/ws';
 * // CommonJS
 * const WebSocket = require('wirestack/ws');
 * const { WebSocketServer } = require('wirestack/ws');
 *
 * const wss = new WebSocketServer({ port: 8080 });
 * wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
 * ```
 *
 * Besides the API, the sans-IO codec is public: `FrameParser` (bytes in,
 * messages out) and `encodeFrame` (a frame out).
 */
import { CloseCode, isValidCloseCode, Opcode, ReadyState } from './constants.js';
import { isProtocolError } from './errors.js';
import { CloseEvent, ErrorEvent, Event, MessageEvent } from './event-target.js';
import { encodeFrame } from './frame-encoder.js';
import { FrameParser } from './frame-parser.js';
import { createWebSocketStream } from './stream.js';
import { WebSocket } from './websocket.js';
import { WebSocketServer } from './websocket-server.js';

export type { ClientOptions } from './client-handshake.js';
export type { BinaryType } from './constants.js';
export type { WebSocketErrorCode, WebSocketProtocolError } from './errors.js';
export type { FrameParserHandlers, FrameParserOptions } from './frame-parser.js';
export type { PerMessageDeflateOptions } from './permessage-deflate.js';
export type { RawData, SendData, WebSocketEvents, WebSocketSendOptions } from './websocket.js';
export type {
  ServerOptions,
  VerifyClientAsync,
  VerifyClientInfo,
  VerifyClientSync,
  WebSocketServerEvents,
} from './websocket-server.js';
export {
  CloseCode,
  CloseEvent,
  createWebSocketStream,
  ErrorEvent,
  Event,
  encodeFrame,
  FrameParser,
  isProtocolError,
  isValidCloseCode,
  MessageEvent,
  Opcode,
  ReadyState,
  WebSocket,
  WebSocketServer as Server,
  WebSocketServer,
};
export default WebSocket;

// The CommonJS shape of the `ws` package: `require('wirestack/ws')` is the
// WebSocket class itself, carrying every export as a property. Node's
// detection of CommonJS exports reads these `module.exports.NAME =` lines,
// so ESM `import WebSocket, { WebSocketServer } from 'wirestack/ws'` works
// too (the default export being module.exports, the class).
module.exports = WebSocket;
module.exports.default = WebSocket;
module.exports.WebSocket = WebSocket;
module.exports.WebSocketServer = WebSocketServer;
module.exports.Server = WebSocketServer;
module.exports.createWebSocketStream = createWebSocketStream;
module.exports.CloseCode = CloseCode;
module.exports.CloseEvent = CloseEvent;
module.exports.ErrorEvent = ErrorEvent;
module.exports.Event = Event;
module.exports.MessageEvent = MessageEvent;
module.exports.FrameParser = FrameParser;
module.exports.encodeFrame = encodeFrame;
module.exports.isProtocolError = isProtocolError;
module.exports.isValidCloseCode = isValidCloseCode;
module.exports.Opcode = Opcode;
module.exports.ReadyState = ReadyState;
