/**
 * Frame encoding (RFC 6455 §5.2). Sans-IO: bytes in, bytes out.
 *
 * ```
 *  byte 0: FIN(1) RSV1(1) RSV2(1) RSV3(1) opcode(4)
 *  byte 1: MASK(1) payload len(7)
 *          len 0–125: that is the length
 *          len 126:   + 2 bytes, unsigned, network byte order (big-endian)
 *          len 127:   + 8 bytes, unsigned, big-endian, top bit 0
 *  then:   masking key, 4 bytes, if MASK (client → server frames only, §5.3)
 *  then:   payload
 * ```
 *
 * The shortest length encoding is always used (§5.2: "the minimal number of
 * bytes MUST be used"). The header is 2 to 14 bytes.
 */
import { MAX_CLOSE_REASON, type Opcode } from './constants.js';
import { maskInto } from './masking.js';

/** Largest header: 2 + 8 (64-bit length) + 4 (masking key). */
export const MAX_HEADER_LENGTH = 14;

/** Header length in bytes for a payload of `payloadLength` bytes. */
export function headerLength(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a frame header at `dst[offset]` and returns the offset just past
 * it. `maskKey` (4 bytes) sets MASK and is written after the length; the
 * payload itself is not touched here.
 */
export function writeHeader(
  dst: Buffer,
  offset: number,
  opcode: Opcode,
  payloadLength: number,
  fin: boolean,
  rsv1: boolean,
  maskKey: Uint8Array | null,
): number {
  dst[offset] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = maskKey === null ? 0 : 0x80;
  if (payloadLength < 126) {
    dst[offset + 1] = maskBit | payloadLength;
    offset += 2;
  } else if (payloadLength < 0x10000) {
    dst[offset + 1] = maskBit | 126;
    dst[offset + 2] = payloadLength >>> 8;
    dst[offset + 3] = payloadLength & 0xff;
    offset += 4;
  } else {
    dst[offset + 1] = maskBit | 127;
    // 64-bit big-endian; JavaScript lengths fit in 53 bits.
    const high = Math.floor(payloadLength / 0x1_0000_0000);
    dst.writeUInt32BE(high, offset + 2);
    dst.writeUInt32BE(payloadLength >>> 0, offset + 6);
    offset += 10;
  }
  if (maskKey !== null) {
    dst[offset] = maskKey[0]!;
    dst[offset + 1] = maskKey[1]!;
    dst[offset + 2] = maskKey[2]!;
    dst[offset + 3] = maskKey[3]!;
    offset += 4;
  }
  return offset;
}

export interface EncodeOptions {
  /** Last frame of the message (default true). */
  fin?: boolean;
  /** RSV1: the message is compressed (permessage-deflate, RFC 7692 §6). Default false. */
  rsv1?: boolean;
  /** Masking key (4 bytes): the payload is masked in the output. Default: unmasked. */
  maskKey?: Uint8Array | null;
}

/**
 * One whole frame in one new Buffer: header, then the payload (masked when
 * `maskKey` is given; `payload` itself is left unchanged).
 */
export function encodeFrame(
  opcode: Opcode,
  payload: Uint8Array,
  options: EncodeOptions = {},
): Buffer {
  const maskKey = options.maskKey ?? null;
  const hl = headerLength(payload.length, maskKey !== null);
  const out = Buffer.allocUnsafe(hl + payload.length);
  writeHeader(out, 0, opcode, payload.length, options.fin ?? true, options.rsv1 ?? false, maskKey);
  if (maskKey !== null) maskInto(payload, maskKey, out, hl);
  else out.set(payload, hl);
  return out;
}

/**
 * The payload of a close frame (RFC 6455 §5.5.1): empty when `code` is
 * undefined, else the code as 2 bytes big-endian followed by `reason` in
 * UTF-8 (at most 123 bytes; the caller validates).
 */
export function encodeClosePayload(code?: number, reason?: string | Uint8Array): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const text =
    reason === undefined ? undefined : typeof reason === 'string' ? Buffer.from(reason) : reason;
  const length = 2 + (text === undefined ? 0 : text.length);
  if (length - 2 > MAX_CLOSE_REASON) {
    throw new RangeError(`The message must not be greater than ${MAX_CLOSE_REASON} bytes`);
  }
  const out = Buffer.allocUnsafe(length);
  out.writeUInt16BE(code, 0);
  if (text !== undefined) out.set(text, 2);
  return out;
}
