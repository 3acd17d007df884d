/**
 * The TCP header (RFC 9293 §3.1) and its options: MSS (§3.2), window scale
 * and timestamps (RFC 7323 §2, §3), SACK-permitted and SACK (RFC 2018 §2,
 * §3). Formats only: the state machine is in `stack/`.
 */
import { finishChecksum, sumBytes } from './checksum.js';
import { WireError } from './errors.js';

export const TCP_HEADER_LEN = 20;
export const TCP_MAX_HEADER_LEN = 60;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WINDOW_SCALE = 3;
const OPT_SACK_PERMITTED = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMPS = 8;

/** The options wirestack reads and writes; absent ones are undefined. */
export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** Up to four [left, right) edges. */
  sack?: Array<[number, number]>;
  timestamps?: { value: number; echo: number };
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Header length in bytes (data offset × 4). */
  headerLength: number;
  /** The 8 flag bits (CWR..FIN). */
  flags: number;
  window: number;
  checksum: number;
  urgent: number;
  options: TcpOptions;
  payload: Uint8Array;
}

/**
 * Parses a TCP segment (`bytes` is the IP payload); `pseudoSum` (computed
 * with length `bytes.length`) verifies the checksum, or null skips it.
 */
export function parseTcp(bytes: Uint8Array, pseudoSum: number | null): TcpSegment | WireError {
  if (bytes.length < TCP_HEADER_LEN)
    return new WireError('tcp', 'truncated', `${bytes.length} bytes`);
  const headerLength = (bytes[12]! >>> 4) * 4;
  if (headerLength < TCP_HEADER_LEN) {
    return new WireError('tcp', 'malformed', `data offset ${headerLength / 4}`);
  }
  if (headerLength > bytes.length) {
    return new WireError('tcp', 'truncated', `header of ${headerLength} in ${bytes.length} bytes`);
  }
  if (pseudoSum !== null && finishChecksum(sumBytes(bytes, 0, bytes.length, pseudoSum)) !== 0) {
    return new WireError('tcp', 'checksum', 'checksum does not verify');
  }
  const options = parseTcpOptions(bytes, TCP_HEADER_LEN, headerLength);
  if (options instanceof WireError) return options;
  return {
    srcPort: (bytes[0]! << 8) | bytes[1]!,
    dstPort: (bytes[2]! << 8) | bytes[3]!,
    seq: readU32(bytes, 4),
    ack: readU32(bytes, 8),
    headerLength,
    flags: bytes[13]!,
    window: (bytes[14]! << 8) | bytes[15]!,
    checksum: (bytes[16]! << 8) | bytes[17]!,
    urgent: (bytes[18]! << 8) | bytes[19]!,
    options,
    payload: bytes.subarray(headerLength),
  };
}

/** Whether a known option has its fixed (or, for SACK, a valid) length; unknown ones always fit. */
function optionLengthFits(kind: number, len: number): boolean {
  switch (kind) {
    case OPT_MSS:
      return len === 4;
    case OPT_WINDOW_SCALE:
      return len === 3;
    case OPT_SACK_PERMITTED:
      return len === 2;
    case OPT_SACK:
      return len >= 10 && (len - 2) % 8 === 0;
    case OPT_TIMESTAMPS:
      return len === 10;
    default:
      return true;
  }
}

function readU32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 24) & 0xff;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

/**
 * Parses the option bytes `bytes[start, end)` (default: all of `bytes`);
 * known options with a wrong length are `malformed`.
 */
export function parseTcpOptions(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): TcpOptions | WireError {
  const out: TcpOptions = {};
  let i = start;
  while (i < end) {
    const kind = bytes[i]!;
    if (kind === OPT_EOL) break;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) return new WireError('tcp', 'malformed', `option ${kind} without length`);
    const len = bytes[i + 1]!;
    if (len < 2 || i + len > end || !optionLengthFits(kind, len)) {
      return new WireError('tcp', 'malformed', `option ${kind} of length ${len}`);
    }
    switch (kind) {
      case OPT_MSS:
        out.mss = (bytes[i + 2]! << 8) | bytes[i + 3]!;
        break;
      case OPT_WINDOW_SCALE:
        // RFC 7323 §2.3: a shift above 14 is used as 14.
        out.windowScale = Math.min(bytes[i + 2]!, 14);
        break;
      case OPT_SACK_PERMITTED:
        out.sackPermitted = true;
        break;
      case OPT_SACK: {
        const blocks: Array<[number, number]> = [];
        for (let j = i + 2; j < i + len; j += 8) {
          blocks.push([readU32(bytes, j), readU32(bytes, j + 4)]);
        }
        out.sack = blocks;
        break;
      }
      case OPT_TIMESTAMPS:
        out.timestamps = { value: readU32(bytes, i + 2), echo: readU32(bytes, i + 6) };
        break;
      default:
        break; // unknown options are skipped (RFC 9293 §3.2)
    }
    i += len;
  }
  return out;
}

/** The option bytes `emitTcp` writes for `options`, padded to a multiple of 4. */
export function tcpOptionsLength(options: TcpOptions): number {
  let n = 0;
  if (options.mss !== undefined) n += 4;
  if (options.windowScale !== undefined) n += 4; // NOP + 3
  if (options.sackPermitted) n += options.timestamps ? 2 : 4; // shares a word with TS, else NOP NOP + 2
  if (options.timestamps) n += options.sackPermitted ? 10 : 12; // NOP NOP + 10
  if (options.sack && options.sack.length > 0) n += 4 + 8 * Math.min(options.sack.length, 4);
  return (n + 3) & ~3;
}

function emitOptions(buf: Uint8Array, at: number, options: TcpOptions): number {
  const start = at;
  if (options.mss !== undefined) {
    buf[at++] = OPT_MSS;
    buf[at++] = 4;
    buf[at++] = options.mss >>> 8;
    buf[at++] = options.mss & 0xff;
  }
  if (options.windowScale !== undefined) {
    buf[at++] = OPT_NOP;
    buf[at++] = OPT_WINDOW_SCALE;
    buf[at++] = 3;
    buf[at++] = options.windowScale;
  }
  if (options.sackPermitted && options.timestamps) {
    // SACK-permitted and timestamps in three words, the layout Linux uses.
    buf[at++] = OPT_SACK_PERMITTED;
    buf[at++] = 2;
  } else if (options.sackPermitted) {
    buf[at++] = OPT_NOP;
    buf[at++] = OPT_NOP;
    buf[at++] = OPT_SACK_PERMITTED;
    buf[at++] = 2;
  } else if (options.timestamps) {
    buf[at++] = OPT_NOP;
    buf[at++] = OPT_NOP;
  }
  if (options.timestamps) {
    buf[at++] = OPT_TIMESTAMPS;
    buf[at++] = 10;
    writeU32(buf, at, options.timestamps.value);
    writeU32(buf, at + 4, options.timestamps.echo);
    at += 8;
  }
  if (options.sack && options.sack.length > 0) {
    const blocks = options.sack.slice(0, 4);
    buf[at++] = OPT_NOP;
    buf[at++] = OPT_NOP;
    buf[at++] = OPT_SACK;
    buf[at++] = 2 + 8 * blocks.length;
    for (const [left, right] of blocks) {
      writeU32(buf, at, left);
      writeU32(buf, at + 4, right);
      at += 8;
    }
  }
  while ((at - start) & 3) buf[at++] = OPT_EOL;
  return at - start;
}

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent?: number;
  options?: TcpOptions;
}

/**
 * Writes header and options at `offset`, before the `payloadLength` bytes the
 * caller places at `offset + headerLength` first (see `tcpHeaderLength`),
 * and the checksum with `pseudoSum` (computed with the segment length), or
 * leaves the checksum field zero when `pseudoSum` is null (offloaded:
 * `completeTcpChecksum` fills it in later). Returns the header length.
 */
export function emitTcp(
  buf: Uint8Array,
  offset: number,
  fields: TcpFields,
  payloadLength: number,
  pseudoSum: number | null,
): number {
  const optionLength = fields.options
    ? emitOptions(buf, offset + TCP_HEADER_LEN, fields.options)
    : 0;
  const headerLength = TCP_HEADER_LEN + optionLength;
  if (headerLength > TCP_MAX_HEADER_LEN) throw new RangeError('TCP options exceed 40 bytes');
  buf[offset] = fields.srcPort >>> 8;
  buf[offset + 1] = fields.srcPort & 0xff;
  buf[offset + 2] = fields.dstPort >>> 8;
  buf[offset + 3] = fields.dstPort & 0xff;
  writeU32(buf, offset + 4, fields.seq);
  writeU32(buf, offset + 8, fields.ack);
  buf[offset + 12] = (headerLength / 4) << 4;
  buf[offset + 13] = fields.flags;
  buf[offset + 14] = fields.window >>> 8;
  buf[offset + 15] = fields.window & 0xff;
  buf[offset + 16] = 0;
  buf[offset + 17] = 0;
  buf[offset + 18] = (fields.urgent ?? 0) >>> 8;
  buf[offset + 19] = (fields.urgent ?? 0) & 0xff;
  if (pseudoSum !== null) completeTcpChecksum(buf, offset, headerLength + payloadLength, pseudoSum);
  return headerLength;
}

/**
 * Computes and writes the checksum of the `length`-byte segment at `offset`,
 * whose checksum field is zero, with `pseudoSum` (the pseudo-header's sum,
 * computed with `length`).
 */
export function completeTcpChecksum(
  buf: Uint8Array,
  offset: number,
  length: number,
  pseudoSum: number,
): void {
  const checksum = finishChecksum(sumBytes(buf, offset, offset + length, pseudoSum));
  buf[offset + 16] = checksum >>> 8;
  buf[offset + 17] = checksum & 0xff;
}

/** The header length `emitTcp` writes for `options`. */
export function tcpHeaderLength(options?: TcpOptions): number {
  return TCP_HEADER_LEN + (options ? tcpOptionsLength(options) : 0);
}
