/**
 * The receiving half of the frame codec (RFC 6455 §5): bytes in, in any
 * splits, messages and control frames out. Sans-IO: no sockets, no timers;
 * the owner feeds `push(chunk)` and gets handler calls back synchronously.
 *
 * What it enforces (each violation fails the connection, §7.1.7, with the
 * close code in parentheses; see errors.ts for the `WS_ERR_*` codes):
 * - masking (§5.1, §5.3): frames from a client are masked, frames from a
 *   server are not (1002);
 * - opcodes (§5.2): 0x3–0x7 and 0xB–0xF are reserved (1002); a continuation
 *   frame needs a message in progress, a new text/binary frame needs none
 *   (§5.4) (1002);
 * - RSV bits: RSV2/RSV3 are never allowed; RSV1 only on the first frame of a
 *   data message and only with permessage-deflate (RFC 7692 §6) (1002);
 * - control frames (§5.5): FIN set, payload ≤ 125 bytes (1002); they may
 *   arrive between the fragments of a message (§5.4);
 * - close frames (§5.5.1): empty (reported as 1005), or a code that is
 *   allowed on the wire (§7.4) followed by a UTF-8 reason (1002 / 1007);
 * - lengths: 7-bit, 16-bit and 64-bit big-endian encodings; a 64-bit length
 *   with the top bit set (1002) or beyond 2^53 − 1 (1009);
 * - `maxPayload`: the sum of a message's frame payloads (1009);
 * - UTF-8 (§5.6, §8.1): text messages that are not compressed are validated
 *   here when complete (1007); compressed ones by the owner after inflating.
 *
 * Performance: a payload that lies in one received chunk is unmasked in
 * place and handed on as a view of that chunk (no copy); a payload spread
 * over chunks is kept as views too, and a message's pieces are concatenated
 * once, when the message is complete (or not at all, for `fragments`).
 * The parser owns the chunks given to it: it XORs masked payloads in place.
 */
import { isUtf8 } from 'node:buffer';
import { EMPTY_BUFFER, isValidCloseCode, MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import {
  invalidUtf8,
  maxPayloadExceeded,
  protocolError,
  type WebSocketErrorCode,
  type WebSocketProtocolError,
} from './errors.js';
import { applyMask } from './masking.js';

export interface FrameParserOptions {
  /** True on the server side: every received frame must be masked. */
  isServer: boolean;
  /** Largest message (sum of its frame payloads) in bytes; 0 = no limit. Default 0. */
  maxPayload?: number;
  /** permessage-deflate was negotiated: RSV1 may mark a compressed message. Default false. */
  perMessageDeflate?: boolean;
  /** Do not validate UTF-8 in text messages and close reasons. Default false. */
  skipUTF8Validation?: boolean;
  /** Hand binary messages over as their list of fragments, unconcatenated. Default false. */
  fragments?: boolean;
}

export interface FrameParserHandlers {
  /**
   * A complete, uncompressed data message. Text is always one Buffer
   * (validated UTF-8); binary is one Buffer, or the list of frame payloads
   * when the `fragments` option is set.
   */
  onMessage(data: Buffer | Buffer[], isBinary: boolean): void;
  /**
   * A complete message whose first frame had RSV1 set: `fragments` are the
   * still-compressed frame payloads, `length` their total. The owner
   * inflates it (RFC 7692 §7.2.2), usually after calling `pause()` so that
   * later frames wait for it.
   */
  onCompressedMessage(fragments: Buffer[], length: number, isBinary: boolean): void;
  onPing(data: Buffer): void;
  onPong(data: Buffer): void;
  /** A close frame: `code` 1005 when it carried none. Nothing is parsed after it. */
  onClose(code: number, reason: Buffer): void;
  /** A protocol violation: the connection must be failed with `err.closeCode`. Nothing is parsed after it. */
  onError(err: WebSocketProtocolError): void;
}

enum State {
  Header = 0,
  Payload = 1,
  Done = 2,
}

/** Header length from its second byte: 2, + 2 or 8 for extended lengths, + 4 for the key. */
function headerLengthFrom(b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}

/** Frame payloads kept apart before being joined into one buffer. */
const MAX_LOOSE_PIECES = 1024;

function concat(pieces: Buffer[], length: number): Buffer {
  if (pieces.length === 1) return pieces[0]!;
  if (pieces.length === 0) return EMPTY_BUFFER;
  return Buffer.concat(pieces, length);
}

export class FrameParser {
  readonly isServer: boolean;
  maxPayload: number;
  perMessageDeflate: boolean;
  skipUTF8Validation: boolean;
  /** Binary messages as fragment lists (binaryType 'fragments'); may change at any time. */
  fragments: boolean;
  private readonly handlers: FrameParserHandlers;
  private state = State.Header;

  // Header bytes split across chunks are gathered here (at most 14).
  private readonly scratch = Buffer.allocUnsafe(14);
  private scratchLen = 0;

  // The frame being read.
  private fin = false;
  private opcode = 0;
  private masked = false;
  private readonly maskKey = Buffer.allocUnsafe(4);
  private payloadRead = 0;
  private payloadRemaining = 0;

  // The data message being read: its opcode (-1 when none), pieces, total.
  private messageOpcode = -1;
  private compressed = false;
  private pieces: Buffer[] = [];
  private messageLength = 0;
  // pieces[0, joined) are already joined batches (see joinLoosePieces).
  private joined = 0;
  // The control frame being read (its payload may be split across chunks).
  private readonly controlPieces: Buffer[] = [];

  // Flow control: chunks waiting while paused.
  private paused = false;
  private running = false;
  private readonly pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(options: FrameParserOptions, handlers: FrameParserHandlers) {
    this.isServer = options.isServer;
    this.maxPayload = options.maxPayload ?? 0;
    this.perMessageDeflate = options.perMessageDeflate ?? false;
    this.skipUTF8Validation = options.skipUTF8Validation ?? false;
    this.fragments = options.fragments ?? false;
    this.handlers = handlers;
  }

  /** True once a close frame or a protocol error has ended parsing. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** True while `pause()` holds delivery. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Bytes received but not parsed yet (held while paused). */
  get bufferedLength(): number {
    return this.pendingLength;
  }

  /**
   * Feeds received bytes. Handlers run synchronously for every complete
   * message / control frame; while paused, the bytes are kept for `resume()`.
   * The parser may modify `chunk` (unmasking in place) and keep views of it.
   */
  push(chunk: Buffer): void {
    if (this.done || chunk.length === 0) return;
    if (this.paused || this.running || this.pending.length > 0) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      if (!this.paused && !this.running) this.drain();
      return;
    }
    this.running = true;
    try {
      const stop = this.consume(chunk);
      if (stop < chunk.length && !this.done) {
        this.pending.unshift(chunk.subarray(stop));
        this.pendingLength += chunk.length - stop;
      }
      if (!this.paused && this.pending.length > 0) this.drainLocked();
    } finally {
      this.running = false;
    }
  }

  /** Ends parsing for good: held and later bytes are dropped (the connection is being failed). */
  stop(): void {
    this.state = State.Done;
    this.pending.length = 0;
    this.pendingLength = 0;
    this.pieces = [];
    this.joined = 0;
    this.controlPieces.length = 0;
  }

  /** Stops delivering after the current frame; later bytes are kept. Call from a handler. */
  pause(): void {
    this.paused = true;
  }

  /** Delivers what was held back, then goes on as normal. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.running) this.drain();
  }

  private drain(): void {
    this.running = true;
    try {
      this.drainLocked();
    } finally {
      this.running = false;
    }
  }

  private drainLocked(): void {
    while (!this.paused && !this.done && this.pending.length > 0) {
      const chunk = this.pending.shift()!;
      this.pendingLength -= chunk.length;
      const stop = this.consume(chunk);
      if (stop < chunk.length && !this.done) {
        this.pending.unshift(chunk.subarray(stop));
        this.pendingLength += chunk.length - stop;
      }
    }
    if (this.done) {
      this.pending.length = 0;
      this.pendingLength = 0;
    }
  }

  /** Parses `buf` from the start; returns how far it got (less than the length only when paused or done). */
  private consume(buf: Buffer): number {
    let pos = 0;
    const end = buf.length;
    while (pos < end) {
      if (this.state === State.Header) {
        let hb: Buffer;
        let at: number;
        if (this.scratchLen === 0 && end - pos >= 2) {
          const need = headerLengthFrom(buf[pos + 1]!);
          if (end - pos >= need) {
            hb = buf;
            at = pos;
            pos += need;
          } else {
            buf.copy(this.scratch, 0, pos, end);
            this.scratchLen = end - pos;
            return end;
          }
        } else {
          // Gather the header across chunks.
          if (this.scratchLen === 0) {
            this.scratch[0] = buf[pos++]!;
            this.scratchLen = 1;
            if (pos === end) return end;
          }
          if (this.scratchLen === 1) {
            this.scratch[1] = buf[pos++]!;
            this.scratchLen = 2;
          }
          const need = headerLengthFrom(this.scratch[1]!);
          const take = Math.min(need - this.scratchLen, end - pos);
          buf.copy(this.scratch, this.scratchLen, pos, pos + take);
          this.scratchLen += take;
          pos += take;
          if (this.scratchLen < need) return end;
          hb = this.scratch;
          at = 0;
          this.scratchLen = 0;
        }
        if (!this.readHeader(hb, at)) return end;
        if (this.payloadRemaining === 0) {
          this.frameComplete();
          if (this.paused || this.done) return pos;
        } else {
          this.state = State.Payload;
        }
      } else if (this.state === State.Payload) {
        const n = Math.min(this.payloadRemaining, end - pos);
        const piece = pos === 0 && n === end ? buf : buf.subarray(pos, pos + n);
        pos += n;
        if (this.masked) applyMask(piece, this.maskKey, this.payloadRead);
        this.payloadRead += n;
        this.payloadRemaining -= n;
        if (this.opcode < 0x8) {
          this.pieces.push(piece);
          // Many tiny fragments: join each batch of them, so the list (and
          // its memory) stays small however a message is cut up.
          if (this.pieces.length - this.joined >= MAX_LOOSE_PIECES) this.joinLoosePieces();
        } else {
          this.controlPieces.push(piece);
        }
        if (this.payloadRemaining === 0) {
          this.frameComplete();
          if (this.paused || this.done) return pos;
        }
      } else {
        return end;
      }
    }
    return pos;
  }

  /** Replaces the pieces after `joined` by one buffer (linear: each byte is copied once more at most). */
  private joinLoosePieces(): void {
    const loose = this.pieces.splice(this.joined);
    let length = 0;
    for (const p of loose) length += p.length;
    this.pieces.push(Buffer.concat(loose, length));
    this.joined = this.pieces.length;
  }

  private fail(err: WebSocketProtocolError): false {
    this.state = State.Done;
    this.pieces = [];
    this.controlPieces.length = 0;
    this.handlers.onError(err);
    return false;
  }

  /** Fails on a malformed frame: close code 1002 (protocol error), a RangeError as `ws` gives. */
  private failFrame(code: WebSocketErrorCode, message: string): false {
    return this.fail(protocolError(code, 1002, message, true));
  }

  /** Validates and records a complete header at `hb[at]`; false after a protocol error. */
  private readHeader(hb: Buffer, at: number): boolean {
    const b0 = hb[at]!;
    const b1 = hb[at + 1]!;
    if ((b0 & 0x30) !== 0) {
      return this.failFrame(
        'WS_ERR_UNEXPECTED_RSV_2_3',
        'Invalid WebSocket frame: RSV2 and RSV3 must be clear',
      );
    }
    const fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    const opcode = b0 & 0x0f;
    const len7 = b1 & 0x7f;

    if (opcode === Opcode.Continuation) {
      if (this.messageOpcode === -1) {
        return this.failFrame(
          'WS_ERR_INVALID_OPCODE',
          'Invalid WebSocket frame: continuation frame without a message to continue',
        );
      }
      if (rsv1) {
        return this.failFrame(
          'WS_ERR_UNEXPECTED_RSV_1',
          'Invalid WebSocket frame: RSV1 must be clear on a continuation frame',
        );
      }
    } else if (opcode === Opcode.Text || opcode === Opcode.Binary) {
      if (this.messageOpcode !== -1) {
        return this.failFrame(
          'WS_ERR_INVALID_OPCODE',
          `Invalid WebSocket frame: opcode ${opcode} in the middle of a fragmented message`,
        );
      }
      if (rsv1 && !this.perMessageDeflate) {
        return this.failFrame(
          'WS_ERR_UNEXPECTED_RSV_1',
          'Invalid WebSocket frame: RSV1 must be clear',
        );
      }
    } else if (opcode === Opcode.Close || opcode === Opcode.Ping || opcode === Opcode.Pong) {
      if (!fin) {
        return this.failFrame(
          'WS_ERR_EXPECTED_FIN',
          'Invalid WebSocket frame: FIN must be set on a control frame',
        );
      }
      if (rsv1) {
        return this.failFrame(
          'WS_ERR_UNEXPECTED_RSV_1',
          'Invalid WebSocket frame: RSV1 must be clear on a control frame',
        );
      }
      if (len7 > MAX_CONTROL_PAYLOAD) {
        return this.failFrame(
          'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
          `Invalid WebSocket frame: control frame payload length ${len7} > 125`,
        );
      }
    } else {
      return this.failFrame(
        'WS_ERR_INVALID_OPCODE',
        `Invalid WebSocket frame: invalid opcode ${opcode}`,
      );
    }

    const masked = (b1 & 0x80) !== 0;
    if (masked !== this.isServer) {
      return this.fail(
        this.isServer
          ? protocolError('WS_ERR_EXPECTED_MASK', 1002, 'Invalid WebSocket frame: MASK must be set')
          : protocolError(
              'WS_ERR_UNEXPECTED_MASK',
              1002,
              'Invalid WebSocket frame: MASK must be clear',
            ),
      );
    }

    let length: number;
    let p = at + 2;
    if (len7 < 126) {
      length = len7;
    } else if (len7 === 126) {
      length = (hb[p]! << 8) | hb[p + 1]!;
      p += 2;
    } else {
      const high = hb.readUInt32BE(p);
      const low = hb.readUInt32BE(p + 4);
      p += 8;
      if (high & 0x8000_0000) {
        return this.failFrame(
          'WS_ERR_INVALID_FRAME_LENGTH',
          'Invalid WebSocket frame: the most significant bit of a 64-bit length must be 0',
        );
      }
      if (high > 0x1f_ffff) {
        return this.fail(
          protocolError(
            'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
            1009,
            'Unsupported WebSocket frame: payload length > 2^53 - 1',
            true,
          ),
        );
      }
      length = high * 0x1_0000_0000 + low;
    }

    if (opcode < 0x8) {
      const total = this.messageLength + length;
      if (this.maxPayload > 0 && total > this.maxPayload) {
        return this.fail(maxPayloadExceeded());
      }
      this.messageLength = total;
      if (opcode !== Opcode.Continuation) {
        this.messageOpcode = opcode;
        this.compressed = rsv1;
      }
    }

    if (masked) {
      this.maskKey[0] = hb[p]!;
      this.maskKey[1] = hb[p + 1]!;
      this.maskKey[2] = hb[p + 2]!;
      this.maskKey[3] = hb[p + 3]!;
    }
    this.fin = fin;
    this.opcode = opcode;
    this.masked = masked;
    this.payloadRead = 0;
    this.payloadRemaining = length;
    return true;
  }

  private frameComplete(): void {
    this.state = State.Header;
    const opcode = this.opcode;
    if (opcode >= 0x8) {
      this.controlComplete(opcode);
      return;
    }
    if (!this.fin) return;

    const isBinary = this.messageOpcode === Opcode.Binary;
    const length = this.messageLength;
    const pieces = this.pieces;
    this.messageOpcode = -1;
    this.messageLength = 0;
    this.joined = 0;

    if (this.compressed) {
      this.compressed = false;
      this.pieces = [];
      this.handlers.onCompressedMessage(pieces, length, isBinary);
      return;
    }
    if (isBinary && this.fragments) {
      this.pieces = [];
      this.handlers.onMessage(pieces, true);
      return;
    }
    const data = concat(pieces, length);
    pieces.length = 0;
    if (!isBinary && !this.skipUTF8Validation && !isUtf8(data)) {
      this.fail(invalidUtf8());
      return;
    }
    this.handlers.onMessage(data, isBinary);
  }

  private controlComplete(opcode: number): void {
    const data = concat(this.controlPieces, this.payloadRead);
    this.controlPieces.length = 0;
    if (opcode === Opcode.Ping) {
      this.handlers.onPing(data);
    } else if (opcode === Opcode.Pong) {
      this.handlers.onPong(data);
    } else {
      // Close (§5.5.1).
      if (data.length === 0) {
        this.state = State.Done;
        this.handlers.onClose(1005, EMPTY_BUFFER);
        return;
      }
      if (data.length === 1) {
        this.failFrame(
          'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
          'Invalid WebSocket frame: close frame payload length 1',
        );
        return;
      }
      const code = data.readUInt16BE(0);
      if (!isValidCloseCode(code)) {
        this.failFrame(
          'WS_ERR_INVALID_CLOSE_CODE',
          `Invalid WebSocket frame: invalid status code ${code}`,
        );
        return;
      }
      const reason = data.subarray(2);
      if (!this.skipUTF8Validation && !isUtf8(reason)) {
        this.fail(invalidUtf8());
        return;
      }
      this.state = State.Done;
      this.handlers.onClose(code, reason);
    }
  }
}
