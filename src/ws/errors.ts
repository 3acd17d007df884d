/**
 * Errors of the WebSocket protocol layer. A frame that breaks RFC 6455 fails
 * the connection (§7.1.7) with a close code; the error emitted to the user
 * carries that close code and a `WS_ERR_*` code (the same codes as the `ws`
 * package, so handlers written for it keep working).
 *
 * | code                                    | close | cause                                      |
 * |-----------------------------------------|-------|--------------------------------------------|
 * | WS_ERR_INVALID_OPCODE                   | 1002  | reserved opcode, or continuation misuse    |
 * | WS_ERR_UNEXPECTED_RSV_1                 | 1002  | RSV1 without permessage-deflate / on control or continuation |
 * | WS_ERR_UNEXPECTED_RSV_2_3               | 1002  | RSV2 or RSV3 set                           |
 * | WS_ERR_EXPECTED_FIN                     | 1002  | fragmented control frame                   |
 * | WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH   | 1002  | control payload > 125 bytes, close of 1 byte |
 * | WS_ERR_EXPECTED_MASK                    | 1002  | unmasked frame from a client               |
 * | WS_ERR_UNEXPECTED_MASK                  | 1002  | masked frame from a server                 |
 * | WS_ERR_INVALID_CLOSE_CODE               | 1002  | close code not allowed on the wire         |
 * | WS_ERR_INVALID_FRAME_LENGTH             | 1002  | 64-bit length with the top bit set         |
 * | WS_ERR_INVALID_UTF8                     | 1007  | text message or close reason not UTF-8     |
 * | WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH  | 1009  | 64-bit length beyond 2^53 - 1              |
 * | WS_ERR_UNSUPPORTED_MESSAGE_LENGTH       | 1009  | message larger than `maxPayload`           |
 */

export type WebSocketErrorCode =
  | 'WS_ERR_EXPECTED_FIN'
  | 'WS_ERR_EXPECTED_MASK'
  | 'WS_ERR_INVALID_CLOSE_CODE'
  | 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'
  | 'WS_ERR_INVALID_FRAME_LENGTH'
  | 'WS_ERR_INVALID_OPCODE'
  | 'WS_ERR_INVALID_UTF8'
  | 'WS_ERR_UNEXPECTED_MASK'
  | 'WS_ERR_UNEXPECTED_RSV_1'
  | 'WS_ERR_UNEXPECTED_RSV_2_3'
  | 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'
  | 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** A protocol error: `code` names it, `closeCode` is what the connection is failed with. */
export type WebSocketProtocolError = Error & {
  code: WebSocketErrorCode;
  /** The close code sent to the peer (1002, 1007 or 1009). */
  closeCode: number;
};

/**
 * Builds a protocol error. `RangeError` for values out of range (opcodes,
 * lengths, codes), `Error` otherwise, as the `ws` package does.
 */
export function protocolError(
  code: WebSocketErrorCode,
  closeCode: number,
  message: string,
  range = false,
): WebSocketProtocolError {
  const err = (range ? new RangeError(message) : new Error(message)) as WebSocketProtocolError;
  err.code = code;
  Object.defineProperty(err, 'closeCode', {
    value: closeCode,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return err;
}

/** A text message or close reason that is not UTF-8: close code 1007. */
export function invalidUtf8(): WebSocketProtocolError {
  return protocolError(
    'WS_ERR_INVALID_UTF8',
    1007,
    'Invalid WebSocket frame: invalid UTF-8 sequence',
  );
}

/** A message longer than `maxPayload`: close code 1009. */
export function maxPayloadExceeded(): WebSocketProtocolError {
  return protocolError(
    'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    1009,
    'Max payload size exceeded',
    true,
  );
}

/** True when `err` came from the frame layer and names the close code to fail with. */
export function isProtocolError(err: unknown): err is WebSocketProtocolError {
  return err instanceof Error && typeof (err as { closeCode?: unknown }).closeCode === 'number';
}
