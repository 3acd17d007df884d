/**
 * Numbers and strings fixed by RFC 6455 (The WebSocket Protocol) and by the
 * WHATWG WebSocket interface: opcodes (§5.2, §11.8), close codes (§7.4,
 * §11.7), the handshake GUID (§1.3, §4.2.2) and the `readyState` values.
 */

/** Appended to Sec-WebSocket-Key before hashing (RFC 6455 §1.3). */
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The only protocol version this implementation speaks (RFC 6455 §4.1, Sec-WebSocket-Version). */
export const PROTOCOL_VERSION = 13;

/** Frame opcodes, the low 4 bits of a frame's first byte (RFC 6455 §5.2). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Close codes (RFC 6455 §7.4.1 and the IANA registry, §11.7). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: never on the wire; reported when a close frame carried no code. */
  NoStatus: 1005,
  /** Reserved: never on the wire; reported when the connection closed without a close frame. */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
} as const;

/**
 * True for a close code that may appear in a close frame (RFC 6455 §7.4):
 * 1000–1003, 1007–1014 (registered), and 3000–4999 (libraries, frameworks,
 * applications). 1004–1006 and 1015 are reserved; everything else is
 * unassigned and so a protocol error when received.
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** Largest payload of a control frame: 125 bytes (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** Largest close reason: 125 bytes minus the 2-byte code (RFC 6455 §5.5.1). */
export const MAX_CLOSE_REASON = 123;

/** `WebSocket.readyState` values (WHATWG WebSocket; same numbers in the `ws` package). */
export const ReadyState = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];

export const READY_STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

/** How binary messages are handed to `'message'` listeners. */
export type BinaryType = 'nodebuffer' | 'arraybuffer' | 'fragments' | 'blob';
export const BINARY_TYPES: readonly BinaryType[] = [
  'nodebuffer',
  'arraybuffer',
  'fragments',
  'blob',
];

/** Default largest accepted message, in bytes (100 MiB, as the `ws` package). */
export const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;

/** Default time allowed for the closing handshake before the socket is destroyed, ms. */
export const DEFAULT_CLOSE_TIMEOUT = 30_000;

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);
