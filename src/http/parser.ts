/**
 * The sans-IO HTTP/1.1 message parser (RFC 9112). See `parser-types.ts` for
 * the contract. Bytes go in through `execute`, events come out through
 * `handlers`; the parser owns no socket, timer or clock.
 *
 * How it works, and why (this is the hottest path of the project):
 *
 * - The header section (start line + field lines + empty line, RFC 9112 §2.1)
 *   is parsed line by line in place, in the input Buffer. Each field line is
 *   one pass of table-driven byte loops (`parser-chars.ts`) that validates and
 *   finds the delimiters at once; the parser records offsets only. When the
 *   section is complete it decodes the whole section into ONE latin1 string
 *   and `slice`s names and values out of it: one native call per message
 *   instead of one per field, and V8 makes slices cheaply.
 * - When a header section spans several `execute` calls, its bytes so far are
 *   copied into a growable scratch buffer (bounded by `maxHeaderSize`) and
 *   parsing resumes there at the start of the unfinished line. A line is only
 *   re-scanned once new input contains an LF (or the size limit is reached),
 *   so feeding one byte at a time stays linear.
 * - Errors inside a line are reported once that line's LF has arrived (or the
 *   size limit is reached). This makes the outcome — error code and
 *   `bytesParsed` — independent of how the input is split into chunks.
 * - Bodies are never copied: `onBody` gets `subarray` views of the input.
 *   Chunked framing (§7.1) is a small per-byte state machine over the
 *   chunk-size lines only; chunk data is skipped over by length.
 * - All state is integer fields on the instance, set in the constructor so
 *   the hidden class never changes.
 */
// Imported rather than global: Node's global Buffer and process are accessors (slow in hot paths).
import { Buffer } from 'node:buffer';
import { latin1 } from '../util/latin1.js';
import * as chars from './parser-chars.js';
import { createParseError, type HttpParseErrorCode } from './parser-error.js';
import * as fields from './parser-fields.js';
import { METHOD_NAMES as METHOD_NAMES_, METHOD_TRIE as METHOD_TRIE_ } from './parser-methods.js';
import {
  type HeadersInfo,
  HeadersResult,
  type HttpParseError,
  type HttpParserHandlers,
} from './parser-types.js';

/**
 * The field-offset table (four Int32 per field line) shared by all parsers:
 * a section parsed within one input never meets another parser's, so only
 * a section left unfinished at the end of an input gets a private copy
 * (until it completes). Idle keep-alive connections then hold no table at
 * all. Grows (and is replaced) for sections with more than 32 fields.
 */
let sharedOffsets = new Int32Array(128);

// Imported tables, byte values and helpers, bound once to module-local
// constants. Why: when this file is compiled to CommonJS (tsx / esbuild),
// every use of an imported binding becomes a getter call on the module
// object, which in the byte loops below cost more than the parsing itself;
// a local `const` is a plain slot that the JIT constant-folds.
const {
  BACKSLASH,
  COLON,
  CR,
  DQUOTE,
  EQUALS,
  FIELD_VALUE,
  FIELD_VALUE_LAX,
  HEX_VALUE,
  HTAB,
  LF,
  QDTEXT,
  QUOTED_PAIR,
  REASON,
  SEMI,
  SP,
  TARGET,
  TOKEN,
} = chars;
const METHOD_TRIE = METHOD_TRIE_;
const METHOD_NAMES = METHOD_NAMES_;
const {
  CL_EMPTY,
  CL_MISMATCH,
  CL_OVERFLOW,
  CONN_CLOSE,
  CONN_KEEP_ALIVE,
  CONN_UPGRADE,
  classifyFieldName,
  FIELD_CONNECTION,
  FIELD_CONTENT_LENGTH,
  FIELD_OTHER,
  FIELD_TRANSFER_ENCODING,
  FIELD_HOST,
  FIELD_UPGRADE,
  parseContentLength,
  scanConnection,
  scanTransferEncoding,
  TE_CHUNKED_FINAL,
  TE_CHUNKED_TWICE,
} = fields;
const RESULT_SKIP_BODY: number = HeadersResult.SkipBody;
const RESULT_UPGRADE: number = HeadersResult.Upgrade;

/** Options of `new HttpParser(kind, handlers, options)`. */
export interface HttpParserOptions {
  /**
   * Largest header section accepted, in bytes: start line + field lines +
   * the final CRLF (the trailer section of a chunked message is bounded by
   * the same number). Above it: `HPE_HEADER_OVERFLOW`. Default 16384 (Node's
   * default `--max-http-header-size`).
   */
  maxHeaderSize?: number;
  /**
   * Node's `insecureHTTPParser`: accept any byte but CR / LF in field
   * values, bare LF as a line ending, whitespace before a field's colon,
   * `Transfer-Encoding` with `Content-Length` (Transfer-Encoding wins and
   * the connection closes after the message), obs-fold (joined with one
   * space), whitespace lines after the start line (ignored), any
   * `HTTP/d.d` version, spaces after a chunk-size, a missing CRLF after
   * chunk data, a request whose final transfer coding is not chunked (read
   * until close), and data after a `Connection: close` message.
   * Default false.
   */
  lenient?: boolean;
  /**
   * Requests: an HTTP/1.1 request with no `Host` field line or with more
   * than one fails with `HPE_STRICT` once its header section is complete
   * (RFC 9112 §3.2: a server answers it 400), before `onHeadersComplete`.
   * Upgrade and CONNECT requests are left to the handler (`hostCount`), as
   * Node's server checks Host only on requests it serves itself. The
   * server's `requireHostHeader`. Default false.
   */
  requireHost?: boolean;
}

/** Default for `maxHeaderSize`, in bytes. */
export const DEFAULT_MAX_HEADER_SIZE = 16384;
/** Largest total size of the chunk extensions of one chunk, in bytes (as Node). */
export const MAX_CHUNK_EXTENSIONS_SIZE = 16384;

// Parser states. Everything before S_CLOSED is "inside or between messages".
const S_IDLE = 0; // before a message; empty lines (CRLF) are skipped (§2.2)
const S_IDLE_CR = 1; // saw the CR of an empty line before a message
const S_HEAD = 2; // header or trailer section, see `hPhase`
const S_BODY_CL = 3; // body of `remaining` bytes (Content-Length)
const S_BODY_EOF = 4; // body until the connection closes (responses)
const S_CHUNK_SIZE_START = 5; // first HEXDIG of a chunk-size
const S_CHUNK_SIZE = 6; // more HEXDIG
const S_CHUNK_SIZE_BWS = 7; // whitespace after the chunk-size
const S_EXT_BEFORE_NAME = 8; // after `;`
const S_EXT_NAME = 9;
const S_EXT_AFTER_NAME = 10; // BWS after a chunk-ext-name
const S_EXT_BEFORE_VALUE = 11; // after `=`
const S_EXT_VALUE = 12; // token value
const S_EXT_QUOTED = 13; // quoted-string value
const S_EXT_QUOTED_ESCAPE = 14; // after `\` in a quoted-string
const S_EXT_AFTER_VALUE = 15;
const S_CHUNK_SIZE_LF = 16; // saw the CR ending the chunk-size line
const S_CHUNK_DATA = 17; // `remaining` bytes of chunk data
const S_CHUNK_DATA_CR = 18; // expecting the CR after chunk data
const S_CHUNK_DATA_LF = 19; // expecting the LF after chunk data
const S_CLOSED = 20; // after a message that does not keep the connection alive
const S_UPGRADED = 21; // the connection now speaks another protocol
const S_ERROR = 22;

// What `hPhase` says the next line of a header section is.
const PH_START_LINE = 0;
const PH_FIELDS = 1;
const PH_TRAILERS = 2;

// Results of the line parsers.
const R_MORE = -1; // need more input
const R_ERROR = -2; // `error` is set
// (R_DONE: a non-negative position.)

// How the body of a message is delimited (RFC 9112 §6.3).
const BODY_NONE = 0;
const BODY_LENGTH = 1;
const BODY_CHUNKED = 2;
const BODY_EOF = 3;

/** The bytes of "HTTP/". */
const HTTP_SLASH = new Uint8Array([0x48, 0x54, 0x54, 0x50, 0x2f]);

/** Largest chunk-size (in bytes) that can take one more hex digit within 2^53 - 1. */
const CHUNK_SIZE_SHIFT_LIMIT = 2 ** 49;

const EMPTY = Buffer.alloc(0);

/**
 * An incremental HTTP/1.1 parser for one connection: requests (server side)
 * or responses (client side), any number of messages in a row (keep-alive,
 * pipelining). Strict by default (RFC 9112 §11 request-smuggling defences);
 * `lenient` relaxes what Node's `insecureHTTPParser` relaxes.
 */
export class HttpParser {
  /** Receives the events. May be replaced at any time between callbacks. */
  handlers: HttpParserHandlers;
  /** The message being received, as its owner tracks it (Node's `parser.incoming`); null when freed. */
  incoming: unknown = null;
  /** The error that stopped the parser, or null. Set by `execute` / `finish`. */
  error: HttpParseError | null = null;

  private isRequest: boolean;
  private maxHeaderSize: number;
  private lenient: boolean;
  private requireHost: boolean;
  private state = S_IDLE;
  /** Bumped by `reset()`; lets `execute` notice a reset done by a handler. */
  private generation = 0;
  /** What `execute` returns after stopping early (error, upgrade, reset). */
  private stopOffset = 0;

  // Byte accounting, as absolute offsets in the connection's byte stream.
  /** Bytes consumed by earlier `execute` calls. */
  private consumed = 0;
  /** Offset of the current message's first byte (for `bytesParsed`). */
  private messageStart = 0;

  // Header / trailer section in progress.
  /** Buffer holding the section: the input Buffer, or `scratch` once it spans inputs. */
  private hBuf: Buffer = EMPTY;
  private hInScratch = false;
  private scratch: Buffer = EMPTY;
  /** Index in `hBuf` of the section's first byte; offsets below are relative to it. */
  private hBase = 0;
  /** Index in `hBuf` of the first line not parsed yet. */
  private hLine = 0;
  /** Bytes of the section held in `scratch`. */
  private hLen = 0;
  /** Absolute offset of the section's first byte. */
  private hAbs = 0;
  private hPhase = PH_START_LINE;
  /** Field lines so far: [nameStart, nameEnd, valueStart, valueEnd] per field, relative to `hBase`. */
  private offsets: Int32Array = sharedOffsets;
  private fieldCount = 0;
  /** Values rebuilt from obs-fold continuation lines (lenient only), by field index. */
  private folded: string[] | null = null;
  /** Framing kind (`FIELD_*`) of the last field line, for obs-fold. */
  private lastField = FIELD_OTHER;

  // Start line, offsets relative to `hBase`.
  /** The method of the current request line (interned). */
  private methodName = '';
  private targetStart = 0;
  private targetEnd = 0;
  private reasonStart = 0;
  private reasonEnd = 0;
  private versionMajor = 0;
  private versionMinor = 0;
  private statusCode = 0;

  // Framing fields of the current message.
  /** Content-Length value in bytes, or -1. */
  private contentLength = -1;
  private teFlags = 0;
  private connFlags = 0;
  private hasUpgrade = false;
  /** `Host` field lines of the current request's header section. */
  private hostCount = 0;

  // Body.
  /** Bytes left in the Content-Length body or the current chunk; the chunk-size while reading it. */
  private remaining = 0;
  private chunkExtSize = 0;
  /** Whether the connection persists after the current message (§9.3). */
  private keepAlive = true;
  /** The current message is an interim (1xx) response: another response follows. */
  private interim = false;

  constructor(
    kind: 'request' | 'response',
    handlers: HttpParserHandlers,
    options?: HttpParserOptions,
  ) {
    this.isRequest = kind === 'request';
    this.handlers = handlers;
    const max = options?.maxHeaderSize;
    this.maxHeaderSize =
      typeof max === 'number' && max > 0 ? Math.floor(max) : DEFAULT_MAX_HEADER_SIZE;
    this.lenient = options?.lenient === true;
    this.requireHost = options?.requireHost === true;
  }

  /**
   * Makes a used parser (from a pool) as good as `new HttpParser(kind,
   * handlers, options)`, keeping its buffers.
   */
  initialize(
    kind: 'request' | 'response',
    handlers: HttpParserHandlers,
    options?: HttpParserOptions,
  ): void {
    this.handlers = handlers;
    const max = options?.maxHeaderSize;
    this.maxHeaderSize =
      typeof max === 'number' && max > 0 ? Math.floor(max) : DEFAULT_MAX_HEADER_SIZE;
    this.lenient = options?.lenient === true;
    this.requireHost = options?.requireHost === true;
    this.reset(kind);
  }

  /** True while a message is partly parsed (its first bytes arrived, its end not yet). */
  get inMessage(): boolean {
    const state = this.state;
    return state >= S_HEAD && state < S_CLOSED;
  }

  /** Called when the parser goes back to its pool (a hook; nothing to release here). */
  free(): void {}

  /** Called when the parser is dropped for good (a hook; nothing to release here). */
  close(): void {}

  /**
   * Prepares the parser for a new connection: forgets all state and the
   * error, keeps the handlers and options. `kind` switches between parsing
   * requests and responses (parser pools).
   */
  reset(kind?: 'request' | 'response'): void {
    if (kind !== undefined) this.isRequest = kind === 'request';
    this.generation++;
    this.error = null;
    this.incoming = null;
    this.state = S_IDLE;
    this.stopOffset = 0;
    this.consumed = 0;
    this.messageStart = 0;
    this.hBuf = EMPTY;
    this.hInScratch = false;
    this.hLen = 0;
    this.fieldCount = 0;
    this.offsets = sharedOffsets;
    this.folded = null;
    this.keepAlive = true;
    this.interim = false;
  }

  /**
   * Parses `data`, calling the handlers synchronously. Returns the number of
   * bytes consumed: `data.length`, except
   * - after an upgrade message (`HeadersInfo.upgrade`, or `onHeadersComplete`
   *   returning `HeadersResult.Upgrade`): the offset just past its header
   *   section; the rest belongs to the new protocol, and later calls return 0
   *   until `reset()`;
   * - on a parse error: the offset of the offending byte in `data` (0 if it
   *   was in an earlier input); `error` is set and later calls return 0.
   */
  execute(data: Buffer): number {
    if (this.state > S_CLOSED) return 0; // upgraded or failed
    const generation = this.generation;
    const end = data.length;
    let pos = 0;
    while (pos < end) {
      switch (this.state) {
        case S_IDLE: {
          const c = data[pos]!;
          if (c === CR) {
            this.state = S_IDLE_CR;
            pos++;
          } else if (c === LF) {
            if (!this.lenient) {
              pos = this.failAt('HPE_CR_EXPECTED', 'Missing expected CR before LF', pos);
              break;
            }
            pos++;
          } else {
            pos = this.headStart(data, pos, end, PH_START_LINE);
          }
          break;
        }
        case S_IDLE_CR:
          if (data[pos] !== LF) {
            pos = this.failAt('HPE_LF_EXPECTED', 'Expected LF after CR', pos);
          } else {
            this.state = S_IDLE;
            pos++;
          }
          break;
        case S_HEAD:
          // A section that started in this input was finished or moved to scratch.
          pos = this.headMore(data, pos, end);
          break;
        case S_BODY_CL:
        case S_CHUNK_DATA:
          pos = this.bodyLength(data, pos, end);
          break;
        case S_BODY_EOF:
          this.handlers.onBody(data.subarray(pos, end));
          pos = end;
          break;
        case S_CLOSED:
          pos = this.afterClose(data, pos, end);
          break;
        case S_UPGRADED:
        case S_ERROR:
          return this.stopOffset;
        default:
          pos = this.chunkFraming(data, pos, end);
          break;
      }
      if (pos < 0) return this.stopOffset;
      // A handler called reset(): this input belongs to the old connection.
      if (this.generation !== generation) return pos;
    }
    this.consumed += end;
    return end;
  }

  /**
   * The peer closed the connection (end of input). Completes a response
   * whose body runs until close (calling `onMessageComplete`) and returns
   * null; returns null between messages, after an upgrade or an earlier
   * error; otherwise the message is truncated and it returns (and sets) an
   * `HPE_INVALID_EOF_STATE` error.
   */
  finish(): HttpParseError | null {
    switch (this.state) {
      case S_IDLE:
      case S_IDLE_CR:
      case S_CLOSED:
      case S_UPGRADED:
      case S_ERROR:
        return null;
      case S_BODY_EOF:
        this.state = S_CLOSED;
        this.handlers.onMessageComplete([]);
        return null;
      default:
        this.fail('HPE_INVALID_EOF_STATE', 'Invalid EOF state', this.consumed);
        return this.error;
    }
  }

  // ---------------------------------------------------------------- errors

  /**
   * Stops the parser with an error at absolute offset `abs`. Returns -1 so
   * that callers can `return this.fail(...)`.
   */
  private fail(code: HttpParseErrorCode, reason: string, abs: number): number {
    this.error = createParseError(code, reason, abs - this.messageStart);
    this.state = S_ERROR;
    const offset = abs - this.consumed;
    this.stopOffset = Math.max(offset, 0);
    this.hBuf = EMPTY;
    return -1;
  }

  /** `fail` at `data[pos]` of the current input. */
  private failAt(code: HttpParseErrorCode, reason: string, pos: number): number {
    return this.fail(code, reason, this.consumed + pos);
  }

  /**
   * An error found at `hBuf[q]` while parsing a line of the header section.
   * It is reported only once the line is complete (an LF follows within
   * `end`) or the section has reached its size limit (`final`); until then
   * the line counts as incomplete. This keeps errors independent of how the
   * input is split.
   */
  private lineError(
    code: HttpParseErrorCode,
    reason: string,
    q: number,
    end: number,
    final: boolean,
  ): number {
    if (!final) {
      const buf = this.hBuf;
      let i = q;
      while (i < end && buf[i] !== LF) i++;
      if (i >= end) return R_MORE;
    }
    this.fail(code, reason, this.hAbs + (q - this.hBase));
    return R_ERROR;
  }

  // -------------------------------------------------------- header section

  /** Starts a header (or trailer) section at `data[pos]`. */
  private headStart(data: Buffer, pos: number, end: number, phase: number): number {
    this.state = S_HEAD;
    this.hPhase = phase;
    this.hAbs = this.consumed + pos;
    this.hBuf = data;
    this.hBase = pos;
    this.hLine = pos;
    this.hInScratch = false;
    this.fieldCount = 0;
    this.offsets = sharedOffsets;
    this.folded = null;
    this.lastField = FIELD_OTHER;
    if (phase === PH_START_LINE) {
      this.contentLength = -1;
      this.teFlags = 0;
      this.connFlags = 0;
      this.hasUpgrade = false;
      this.hostCount = 0;
      this.statusCode = 0;
    }
    return this.headFirst(data, end);
  }

  /**
   * The section started in this input: parse it in place (the fast path).
   * If it is incomplete, keep its bytes in `scratch` for the next input.
   */
  private headFirst(data: Buffer, end: number): number {
    const limit = this.hBase + this.maxHeaderSize;
    const final = end >= limit;
    const r = this.parseLines(final ? limit : end, final);
    if (r >= 0) return this.headDone(r, r);
    if (r === R_ERROR) return -1;
    if (final) return this.overflow();
    // Incomplete: move the section's bytes so far to the scratch buffer.
    const base = this.hBase;
    const n = end - base;
    this.reserveScratch(n);
    data.copy(this.scratch, 0, base, end);
    this.hBuf = this.scratch;
    this.hInScratch = true;
    // Other parsers will use the shared table before this section resumes.
    if (this.offsets === sharedOffsets) this.offsets = sharedOffsets.slice();
    this.hLine -= base;
    this.hBase = 0;
    this.hLen = n;
    return end;
  }

  /** The section began in an earlier input and continues at `data[pos]`. */
  private headMore(data: Buffer, pos: number, end: number): number {
    const have = this.hLen;
    const room = this.maxHeaderSize - have;
    const avail = end - pos;
    const take = Math.min(avail, room);
    this.reserveScratch(have + take);
    data.copy(this.scratch, have, pos, pos + take);
    this.hBuf = this.scratch;
    this.hLen = have + take;
    const final = this.hLen >= this.maxHeaderSize;
    if (!final) {
      // Nothing can complete without an LF: don't re-scan the unfinished line
      // (this is what keeps byte-at-a-time input linear).
      let q = pos;
      const qe = pos + take;
      while (q < qe && data[q] !== LF) q++;
      if (q === qe) {
        // An unknown method is an error before its line ends (as in one piece).
        if (this.hPhase === PH_START_LINE && this.isRequest && this.badMethodSoFar()) return -1;
        return end;
      }
    }
    const r = this.parseLines(this.hLen, final);
    if (r >= 0) return this.headDone(r, pos + (r - have));
    if (r === R_ERROR) return -1;
    if (final) return this.overflow();
    return end;
  }

  /**
   * The start of an unfinished request line in `scratch`: fails (and
   * returns true) as soon as it cannot begin with a known method. Looks at
   * most at the longest method's length, so byte-at-a-time input stays linear.
   */
  private badMethodSoFar(): boolean {
    const buf = this.hBuf;
    const end = this.hLen;
    let node = 0;
    for (let p = this.hLine; p < end; p++) {
      const c = buf[p]!;
      if (c === SP) {
        const method = METHOD_NAMES[node];
        if (method !== null && method !== undefined) return false;
      }
      const next = c < 128 ? METHOD_TRIE[(node << 7) | c]! : 0;
      if (next === 0) {
        this.fail('HPE_INVALID_METHOD', 'Invalid method encountered', this.hAbs + (p - this.hBase));
        return true;
      }
      node = next - 1;
    }
    return false;
  }

  private overflow(): number {
    return this.fail('HPE_HEADER_OVERFLOW', 'Header overflow', this.hAbs + this.maxHeaderSize);
  }

  private reserveScratch(size: number): void {
    if (this.scratch.length >= size) return;
    let cap = this.scratch.length === 0 ? 1024 : this.scratch.length * 2;
    while (cap < size) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    if (this.hInScratch) this.scratch.copy(next, 0, 0, this.hLen);
    this.scratch = next;
  }

  /**
   * Parses complete lines of the section in `hBuf` from `hLine` up to `end`.
   * Returns the index just past the section's final CRLF, `R_MORE`, or
   * `R_ERROR`. `final`: no more bytes will be looked at (size limit), so an
   * error in an unfinished line is reported now.
   */
  private parseLines(end: number, final: boolean): number {
    const buf = this.hBuf;
    const base = this.hBase;
    const lenient = this.lenient;
    let p = this.hLine;
    if (this.hPhase === PH_START_LINE) {
      p = this.isRequest
        ? this.parseRequestLine(buf, p, end, final)
        : this.parseStatusLine(buf, p, end, final);
      if (p < 0) return p;
      this.hPhase = PH_FIELDS;
    }
    const values = lenient ? FIELD_VALUE_LAX : FIELD_VALUE;
    const trailers = this.hPhase === PH_TRAILERS;
    for (;;) {
      this.hLine = p;
      if (p >= end) return R_MORE;
      let c = buf[p]!;
      // The empty line ending the section.
      if (c === CR) {
        if (p + 1 >= end) return R_MORE;
        if (buf[p + 1] !== LF) {
          return this.lineError('HPE_LF_EXPECTED', 'Expected LF after headers', p + 1, end, final);
        }
        return p + 2;
      }
      if (c === LF) {
        if (lenient) return p + 1;
        return this.lineError(
          'HPE_CR_EXPECTED',
          'Missing expected CR after headers',
          p,
          end,
          final,
        );
      }
      if (c === SP || c === HTAB) {
        p = this.parseFoldLine(buf, p, end, final);
        if (p < 0) return p;
        continue;
      }
      // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
      const nameStart = p;
      while (p < end && TOKEN[buf[p]!] === 1) p++;
      if (p >= end) return R_MORE;
      const nameEnd = p;
      c = buf[p]!;
      if (c !== COLON || nameEnd === nameStart) {
        // No whitespace is allowed between the name and the colon (§5.1).
        if (lenient && nameEnd !== nameStart && (c === SP || c === HTAB)) {
          while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++;
          if (p >= end) return R_MORE;
        }
        if (buf[p] !== COLON || nameEnd === nameStart) {
          return this.lineError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token', p, end, final);
        }
      }
      p++;
      while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
      const valueStart = p;
      // Values are the bulk of a header section: test four bytes per step
      // (one branch instead of four), then finish byte by byte.
      while (
        p + 4 <= end &&
        (values[buf[p]!]! & values[buf[p + 1]!]! & values[buf[p + 2]!]! & values[buf[p + 3]!]!) ===
          1
      ) {
        p += 4;
      }
      while (p < end && values[buf[p]!] === 1) p++;
      if (p >= end) return R_MORE;
      c = buf[p]!;
      let next: number;
      if (c === CR) {
        if (p + 1 >= end) return R_MORE;
        if (buf[p + 1] !== LF) {
          return this.lineError(
            'HPE_LF_EXPECTED',
            'Missing expected LF after header value',
            p + 1,
            end,
            final,
          );
        }
        next = p + 2;
      } else if (c === LF) {
        if (!lenient) {
          return this.lineError(
            'HPE_CR_EXPECTED',
            'Missing expected CR after header value',
            p,
            end,
            final,
          );
        }
        next = p + 1;
      } else {
        return this.lineError(
          'HPE_INVALID_HEADER_TOKEN',
          'Invalid header value char',
          p,
          end,
          final,
        );
      }
      let valueEnd = p;
      while (valueEnd > valueStart && ((c = buf[valueEnd - 1]!) === SP || c === HTAB)) valueEnd--;
      // Record the field (offsets relative to the section start).
      const k = this.fieldCount << 2;
      if (k + 4 > this.offsets.length) this.growOffsets();
      const o = this.offsets;
      o[k] = nameStart - base;
      o[k + 1] = nameEnd - base;
      o[k + 2] = valueStart - base;
      o[k + 3] = valueEnd - base;
      this.fieldCount++;
      if (!trailers) {
        // Framing fields (RFC 9112 §6); fields in trailers never affect framing (RFC 9110 §6.5.1).
        const kind = classifyFieldName(buf, nameStart, nameEnd);
        this.lastField = kind;
        if (kind !== FIELD_OTHER && !this.framingField(kind, buf, valueStart, valueEnd)) {
          return R_ERROR;
        }
      }
      p = next;
    }
  }

  private growOffsets(): void {
    const next = new Int32Array(this.offsets.length * 2);
    next.set(this.offsets);
    if (this.offsets === sharedOffsets) sharedOffsets = next;
    this.offsets = next;
  }

  /**
   * A line starting with SP / HTAB. Right after the start line it is
   * whitespace the RFC lets us reject or ignore (RFC 9112 §2.2); after a
   * field line it is obs-fold (§5.2). Strict: `HPE_UNEXPECTED_SPACE` /
   * `HPE_INVALID_HEADER_TOKEN`. Lenient: ignored / joined to the previous
   * value with one SP. Returns the next line's index, `R_MORE` or `R_ERROR`.
   */
  private parseFoldLine(buf: Buffer, p: number, end: number, final: boolean): number {
    const lineStart = p;
    if (this.fieldCount === 0) {
      if (!this.lenient) {
        return this.lineError(
          'HPE_UNEXPECTED_SPACE',
          'Unexpected space after start line',
          p,
          end,
          final,
        );
      }
      while (p < end && buf[p] !== LF) p++;
      return p < end ? p + 1 : R_MORE;
    }
    if (!this.lenient) {
      return this.lineError(
        'HPE_INVALID_HEADER_TOKEN',
        'Unexpected whitespace after header value',
        p,
        end,
        final,
      );
    }
    let c = 0;
    while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
    const start = p;
    while (p < end && FIELD_VALUE_LAX[buf[p]!] === 1) p++;
    if (p >= end) return R_MORE;
    let next = p + 1;
    if (buf[p] === CR) {
      if (p + 1 >= end) return R_MORE;
      if (buf[p + 1] !== LF) {
        return this.lineError(
          'HPE_LF_EXPECTED',
          'Missing expected LF after header value',
          p + 1,
          end,
          final,
        );
      }
      next = p + 2;
    }
    let stop = p;
    while (stop > start && ((c = buf[stop - 1]!) === SP || c === HTAB)) stop--;
    const field = this.fieldCount - 1;
    const kind = this.hPhase === PH_TRAILERS ? FIELD_OTHER : this.lastField;
    if (kind === FIELD_CONTENT_LENGTH || kind === FIELD_TRANSFER_ENCODING) {
      // Folding a framing field is too ambiguous to guess at, even leniently.
      return this.lineError(
        'HPE_INVALID_HEADER_TOKEN',
        'Obsolete line folding in framing header',
        lineStart,
        end,
        final,
      );
    }
    if (kind === FIELD_CONNECTION) this.connFlags |= scanConnection(buf, start, stop);
    if (stop > start) {
      const folded = this.folded ?? (this.folded = []);
      const o = this.offsets;
      const k = field << 2;
      const before = folded[field] ?? latin1(buf, this.hBase + o[k + 2]!, this.hBase + o[k + 3]!);
      folded[field] = `${before} ${latin1(buf, start, stop)}`;
    }
    return next;
  }

  /**
   * request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 §3).
   * Returns the index of the next line, `R_MORE` or `R_ERROR`.
   */
  private parseRequestLine(buf: Buffer, p: number, end: number, final: boolean): number {
    const base = this.hBase;
    // Only the known methods (http.METHODS), matched byte by byte: an
    // unknown one fails where it leaves every known spelling.
    let node = 0;
    while (p < end) {
      const c = buf[p]!;
      const next = c < 128 ? METHOD_TRIE[(node << 7) | c]! : 0;
      if (next === 0) break;
      node = next - 1;
      p++;
    }
    if (p >= end) return R_MORE;
    const method = METHOD_NAMES[node];
    if (method === null || method === undefined || buf[p] !== SP) {
      // Known at this byte, whatever follows: fail now, as llhttp does.
      this.fail('HPE_INVALID_METHOD', 'Invalid method encountered', this.hAbs + (p - base));
      return R_ERROR;
    }
    this.methodName = method;
    p++;
    const targetStart = p;
    while (p < end && TARGET[buf[p]!] === 1) p++;
    if (p >= end) return R_MORE;
    if (buf[p] !== SP || p === targetStart) {
      const c = buf[p];
      if ((c === CR || c === LF) && p !== targetStart) {
        return this.lineError('HPE_INVALID_VERSION', 'Missing HTTP version', p, end, final);
      }
      return this.lineError('HPE_INVALID_URL', 'Invalid char in url path', p, end, final);
    }
    const targetEnd = p++;
    p = this.parseVersion(buf, p, end, final, false);
    if (p < 0) return p;
    p = this.lineEnd(buf, p, end, final, 'Expected CRLF after version', 'HPE_INVALID_VERSION');
    if (p < 0) return p;
    this.targetStart = targetStart - base;
    this.targetEnd = targetEnd - base;
    return p;
  }

  /**
   * status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF
   * (RFC 9112 §4). The SP before an empty reason-phrase may be missing, as
   * many servers omit it. Returns the next line's index, `R_MORE` or `R_ERROR`.
   */
  private parseStatusLine(buf: Buffer, p: number, end: number, final: boolean): number {
    const base = this.hBase;
    p = this.parseVersion(buf, p, end, final, true);
    if (p < 0) return p;
    if (p >= end) return R_MORE;
    if (buf[p] !== SP) {
      return this.lineError('HPE_INVALID_VERSION', 'Expected space after version', p, end, final);
    }
    p++;
    let status = 0;
    for (let i = 0; i < 3; i++, p++) {
      if (p >= end) return R_MORE;
      const d = buf[p]! - 0x30;
      if (d < 0 || d > 9 || (i === 0 && d === 0)) {
        return this.lineError('HPE_INVALID_STATUS', 'Invalid status code', p, end, final);
      }
      status = status * 10 + d;
    }
    if (p >= end) return R_MORE;
    let reasonStart = p;
    if (buf[p] === SP) {
      reasonStart = ++p;
      while (p < end && REASON[buf[p]!] === 1) p++;
      if (p >= end) return R_MORE;
    }
    const reasonEnd = p;
    const c = buf[p];
    if (c !== CR && c !== LF) {
      return this.lineError('HPE_INVALID_STATUS', 'Invalid response status', p, end, final);
    }
    p = this.lineEnd(buf, p, end, final, 'Invalid response status', 'HPE_INVALID_STATUS');
    if (p < 0) return p;
    this.statusCode = status;
    this.reasonStart = reasonStart - base;
    this.reasonEnd = reasonEnd - base;
    return p;
  }

  /**
   * HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). Strict mode takes
   * 1.0 and 1.1 only. Returns the index after it, `R_MORE` or `R_ERROR`.
   */
  private parseVersion(
    buf: Buffer,
    p: number,
    end: number,
    final: boolean,
    response: boolean,
  ): number {
    const start = p;
    for (let i = 0; i < 5; i++) {
      if (p + i >= end) return R_MORE;
      if (buf[p + i] !== HTTP_SLASH[i]) {
        return response
          ? this.lineError('HPE_INVALID_CONSTANT', 'Expected HTTP/', p + i, end, final)
          : this.lineError('HPE_INVALID_VERSION', 'Invalid HTTP version', start, end, final);
      }
    }
    p += 5;
    if (p + 2 >= end) {
      // Validate what is there already, so a bad version is not mistaken for "incomplete".
      for (let i = p; i < end; i++) {
        const c = buf[i]!;
        const ok = i === p + 1 ? c === 0x2e : c >= 0x30 && c <= 0x39;
        if (!ok)
          return this.lineError('HPE_INVALID_VERSION', 'Invalid HTTP version', start, end, final);
      }
      return R_MORE;
    }
    const major = buf[p]! - 0x30;
    const minor = buf[p + 2]! - 0x30;
    if (
      major < 0 ||
      major > 9 ||
      buf[p + 1] !== 0x2e ||
      minor < 0 ||
      minor > 9 ||
      // 1.0 and 1.1; a response may also say 0.9 (as llhttp allows).
      (!this.lenient && (major !== 1 || minor > 1) && !(response && major === 0 && minor === 9))
    ) {
      return this.lineError('HPE_INVALID_VERSION', 'Invalid HTTP version', start, end, final);
    }
    this.versionMajor = major;
    this.versionMinor = minor;
    return p + 3;
  }

  /** CRLF ending a start line at `buf[p]`; a bare LF only when lenient. */
  private lineEnd(
    buf: Buffer,
    p: number,
    end: number,
    final: boolean,
    reason: string,
    code: HttpParseErrorCode,
  ): number {
    if (p >= end) return R_MORE;
    const c = buf[p];
    if (c === CR) {
      if (p + 1 >= end) return R_MORE;
      if (buf[p + 1] !== LF) {
        return this.lineError('HPE_LF_EXPECTED', 'Expected LF after CR', p + 1, end, final);
      }
      return p + 2;
    }
    if (c === LF) {
      if (this.lenient) return p + 1;
      return this.lineError(
        'HPE_CR_EXPECTED',
        'Missing expected CR after start line',
        p,
        end,
        final,
      );
    }
    return this.lineError(code, reason, p, end, final);
  }

  /**
   * Applies a framing field line (RFC 9112 §6.1-§6.3, RFC 9110 §7.6.1):
   * Content-Length, Transfer-Encoding, Connection, Upgrade; counts Host
   * lines (§3.2). Returns false (with `error` set) when the message must be
   * rejected.
   */
  private framingField(kind: number, buf: Buffer, start: number, end: number): boolean {
    const at = this.hAbs + (start - this.hBase);
    switch (kind) {
      case FIELD_CONTENT_LENGTH: {
        const v = parseContentLength(buf, start, end);
        if (v < 0) {
          if (v === CL_MISMATCH) {
            this.fail('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length', at);
          } else {
            const reason =
              v === CL_EMPTY
                ? 'Empty Content-Length'
                : v === CL_OVERFLOW
                  ? 'Content-Length overflow'
                  : 'Invalid character in Content-Length';
            this.fail('HPE_INVALID_CONTENT_LENGTH', reason, at);
          }
          return false;
        }
        if (this.contentLength >= 0 && this.contentLength !== v) {
          this.fail('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length', at);
          return false;
        }
        if (this.teFlags !== 0 && !this.lenient) {
          this.fail(
            'HPE_UNEXPECTED_CONTENT_LENGTH',
            "Content-Length can't be present with Transfer-Encoding",
            at,
          );
          return false;
        }
        this.contentLength = v;
        return true;
      }
      case FIELD_TRANSFER_ENCODING: {
        if (this.contentLength >= 0 && !this.lenient) {
          this.fail(
            'HPE_UNEXPECTED_CONTENT_LENGTH',
            "Transfer-Encoding can't be present with Content-Length",
            at,
          );
          return false;
        }
        const flags = scanTransferEncoding(buf, start, end, this.teFlags);
        if (flags < 0) {
          // Also `chunked` with parameters (none are defined for it, §7).
          const reason =
            flags === TE_CHUNKED_TWICE
              ? 'Transfer-Encoding applies chunked more than once'
              : 'Invalid `Transfer-Encoding` header value';
          this.fail('HPE_INVALID_TRANSFER_ENCODING', reason, at);
          return false;
        }
        this.teFlags = flags;
        return true;
      }
      case FIELD_CONNECTION:
        this.connFlags |= scanConnection(buf, start, end);
        return true;
      case FIELD_UPGRADE:
        if (end > start) this.hasUpgrade = true;
        return true;
      case FIELD_HOST:
        this.hostCount++;
        return true;
      default:
        return true;
    }
  }

  /**
   * The header or trailer section ended at `hBuf[sectionEnd]`, which is
   * `next` in the current input. Decodes it, reports it, and sets up the body.
   */
  private headDone(sectionEnd: number, next: number): number {
    const buf = this.hBuf;
    const base = this.hBase;
    // One native decode for the whole section; names and values are slices
    // of it (see the file comment). latin1, as Node decodes header bytes.
    const text = latin1(buf, base, sectionEnd);
    const count = this.fieldCount;
    const o = this.offsets;
    const folded = this.folded;
    // Filled by index: appending at the length is inlined, where push() is
    // a call per element.
    const raw: string[] = [];
    for (let i = 0, k = 0, j = 0; i < count; i++, k += 4, j += 2) {
      raw[j] = text.slice(o[k], o[k + 1]);
      const f = folded === null ? undefined : folded[i];
      raw[j + 1] = f === undefined ? text.slice(o[k + 2], o[k + 3]) : f;
    }
    this.offsets = sharedOffsets; // a private table (see headFirst) is done with
    this.hBuf = EMPTY;
    this.hInScratch = false;
    if (this.hPhase === PH_TRAILERS) return this.complete(next, raw);
    return this.headersComplete(text, raw, next);
  }

  /** The header section is complete: report it and set up the body (RFC 9112 §6.3). */
  private headersComplete(text: string, raw: string[], next: number): number {
    const isRequest = this.isRequest;
    const major = this.versionMajor;
    const minor = this.versionMinor;
    const te = this.teFlags;
    const conn = this.connFlags;
    let contentLength = this.contentLength;
    const status = this.statusCode;

    // Persistence (RFC 9112 §9.3): HTTP/1.1 persists unless "close";
    // HTTP/1.0 only with "keep-alive".
    let keepAlive =
      major > 1 || (major === 1 && minor >= 1)
        ? (conn & CONN_CLOSE) === 0
        : (conn & CONN_KEEP_ALIVE) !== 0 && (conn & CONN_CLOSE) === 0;
    if (te !== 0) {
      // §6.1: HTTP/1.0 with Transfer-Encoding has faulty framing: close after.
      if (major === 1 && minor === 0) keepAlive = false;
      // §6.3 (3): both fields (lenient only gets here): Transfer-Encoding wins, close after.
      if (contentLength >= 0) {
        keepAlive = false;
        contentLength = -1;
      }
    }

    let body: number;
    let unframed = false;
    if (!isRequest && (status < 200 || status === 204 || status === 304)) {
      body = BODY_NONE; // §6.3 (1)
    } else if (te !== 0) {
      if ((te & TE_CHUNKED_FINAL) !== 0) body = BODY_CHUNKED;
      else if (isRequest && !this.lenient) {
        // §6.3 (3): a request whose final coding is not chunked cannot be
        // framed. As llhttp, its head is reported, then the error (no body).
        unframed = true;
        keepAlive = false;
        body = BODY_NONE;
      } else body = BODY_EOF;
    } else if (contentLength >= 0) {
      body = contentLength > 0 ? BODY_LENGTH : BODY_NONE;
    } else {
      body = isRequest ? BODY_NONE : BODY_EOF; // §6.3 (6), (7)
    }
    const keepAliveIfFramed = keepAlive;
    if (body === BODY_EOF) keepAlive = false;

    let method = '';
    let url = '';
    let upgrade: boolean;
    let statusMessage = '';
    if (isRequest) {
      method = this.methodName;
      url = text.slice(this.targetStart, this.targetEnd);
      upgrade = method === 'CONNECT' || (this.hasUpgrade && (conn & CONN_UPGRADE) !== 0);
      if (this.requireHost && this.hostCount !== 1 && !upgrade && major === 1 && minor === 1) {
        const reason = this.hostCount === 0 ? 'Missing Host header' : 'Duplicate Host header';
        return this.fail('HPE_STRICT', reason, this.consumed + next);
      }
    } else {
      statusMessage = text.slice(this.reasonStart, this.reasonEnd);
      upgrade = status === 101;
    }
    const info: HeadersInfo = {
      versionMajor: major,
      versionMinor: minor,
      rawHeaders: raw,
      method,
      url,
      statusCode: status,
      statusMessage,
      upgrade,
      shouldKeepAlive: keepAlive,
      contentLength: te !== 0 ? -1 : contentLength,
      chunked: body === BODY_CHUNKED,
      hostCount: this.hostCount,
    };
    this.interim = !isRequest && status < 200;
    this.keepAlive = keepAlive;
    const generation = this.generation;
    const result = this.handlers.onHeadersComplete(info);
    if (this.generation !== generation) {
      this.stopOffset = next;
      return -1;
    }
    if (unframed) {
      return this.fail(
        'HPE_INVALID_TRANSFER_ENCODING',
        'Request has invalid `Transfer-Encoding`',
        this.consumed + next,
      );
    }
    // A handler may also have cleared `info.upgrade` (see HeadersInfo).
    if (result === RESULT_UPGRADE || info.upgrade) {
      this.state = S_UPGRADED;
      this.stopOffset = next;
      return -1;
    }
    if (result === RESULT_SKIP_BODY || body === BODY_NONE) {
      // SkipBody (response to HEAD, ...): the message ends here, framed or not.
      this.keepAlive = keepAliveIfFramed;
      return this.complete(next, []);
    }
    if (body === BODY_LENGTH) {
      this.state = S_BODY_CL;
      this.remaining = contentLength;
    } else if (body === BODY_CHUNKED) {
      this.state = S_CHUNK_SIZE_START;
    } else {
      this.state = S_BODY_EOF;
    }
    return next;
  }

  /**
   * Ends the current message at `next` (an index in the current input) and
   * calls `onMessageComplete`. Returns `next`, or -1 if a handler reset us.
   */
  private complete(next: number, trailers: string[]): number {
    this.state = this.keepAlive || this.interim || this.lenient ? S_IDLE : S_CLOSED;
    this.messageStart = this.consumed + next;
    const generation = this.generation;
    this.handlers.onMessageComplete(trailers);
    if (this.generation !== generation) {
      this.stopOffset = next;
      return -1;
    }
    return next;
  }

  // ------------------------------------------------------------------ body

  /** Content-Length body or chunk data: pass through up to `remaining` bytes. */
  private bodyLength(data: Buffer, pos: number, end: number): number {
    const avail = end - pos;
    const remaining = this.remaining;
    const generation = this.generation;
    if (avail < remaining) {
      this.remaining = remaining - avail;
      this.handlers.onBody(data.subarray(pos, end));
      return end;
    }
    const stop = pos + remaining;
    this.remaining = 0;
    this.handlers.onBody(data.subarray(pos, stop));
    if (this.generation !== generation) {
      this.stopOffset = stop;
      return -1;
    }
    if (this.state === S_CHUNK_DATA) {
      this.state = S_CHUNK_DATA_CR;
      return stop;
    }
    return this.complete(stop, []);
  }

  /**
   * chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, and the CRLF after
   * chunk data (RFC 9112 §7.1, §7.1.1): everything of chunked framing but the
   * data itself, byte by byte (these lines are short). Returns to the main
   * loop as soon as the chunk-size line ends.
   */
  private chunkFraming(data: Buffer, pos: number, end: number): number {
    const lenient = this.lenient;
    let state = this.state;
    let size = this.remaining;
    for (; pos < end; pos++) {
      const c = data[pos]!;
      switch (state) {
        case S_CHUNK_SIZE_START: {
          const h = HEX_VALUE[c]!;
          if (h < 0)
            return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size', pos);
          size = h;
          state = S_CHUNK_SIZE;
          break;
        }
        case S_CHUNK_SIZE: {
          const h = HEX_VALUE[c]!;
          if (h >= 0) {
            if (size >= CHUNK_SIZE_SHIFT_LIMIT) {
              return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Chunk size overflow', pos);
            }
            size = size * 16 + h;
          } else if (c === CR) {
            state = S_CHUNK_SIZE_LF;
          } else if (c === SEMI) {
            state = S_EXT_BEFORE_NAME;
            this.chunkExtSize = 0;
          } else if (c === SP || c === HTAB) {
            state = S_CHUNK_SIZE_BWS;
          } else if (c === LF) {
            if (!lenient)
              return this.failAt('HPE_CR_EXPECTED', 'Missing expected CR after chunk size', pos);
            return this.chunkSizeDone(data, pos + 1, end, size);
          } else {
            return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size', pos);
          }
          break;
        }
        case S_CHUNK_SIZE_BWS:
          // BWS may precede a chunk-ext's ";" (§7.1.1); trailing spaces only leniently.
          if (c === SEMI) {
            state = S_EXT_BEFORE_NAME;
            this.chunkExtSize = 0;
          } else if (c === CR && lenient) {
            state = S_CHUNK_SIZE_LF;
          } else if (c !== SP && c !== HTAB) {
            return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size', pos);
          }
          break;
        case S_CHUNK_SIZE_LF:
          if (c !== LF) return this.failAt('HPE_LF_EXPECTED', 'Expected LF after chunk size', pos);
          return this.chunkSizeDone(data, pos + 1, end, size);
        case S_CHUNK_DATA_CR:
          if (c === CR) {
            state = S_CHUNK_DATA_LF;
          } else if (lenient) {
            // Missing CR / CRLF after chunk data: the next chunk-size starts here.
            state = S_CHUNK_SIZE_START;
            if (c !== LF) pos--;
          } else if (c === LF) {
            return this.failAt('HPE_CR_EXPECTED', 'Missing expected CR after chunk data', pos);
          } else {
            return this.failAt('HPE_STRICT', 'Expected CRLF after chunk data', pos);
          }
          break;
        case S_CHUNK_DATA_LF:
          if (c === LF) {
            state = S_CHUNK_SIZE_START;
          } else if (lenient) {
            state = S_CHUNK_SIZE_START;
            pos--;
          } else {
            return this.failAt('HPE_LF_EXPECTED', 'Expected LF after chunk data', pos);
          }
          break;
        default: {
          // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): parsed, then ignored.
          if (++this.chunkExtSize > MAX_CHUNK_EXTENSIONS_SIZE) {
            return this.failAt('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'Chunk extensions overflow', pos);
          }
          const next = chunkExtensionStep(state, c);
          if (next >= 0) {
            state = next;
          } else if (c !== LF) {
            return this.failAt('HPE_STRICT', 'Invalid character in chunk extensions', pos);
          } else if (!lenient) {
            return this.failAt('HPE_CR_EXPECTED', 'Missing expected CR after chunk extension', pos);
          } else {
            return this.chunkSizeDone(data, pos + 1, end, size);
          }
          break;
        }
      }
    }
    this.state = state;
    this.remaining = size;
    return pos;
  }

  /**
   * The chunk-size line ended just before `data[pos]`: start the chunk data,
   * or after the last chunk (size 0) the trailer section.
   */
  private chunkSizeDone(data: Buffer, pos: number, end: number, size: number): number {
    if (size === 0) return this.headStart(data, pos, end, PH_TRAILERS);
    this.remaining = size;
    this.state = S_CHUNK_DATA;
    return pos;
  }

  /**
   * After a message that closes the connection (§9.6), no further message
   * may be parsed. Stray CR / LF are ignored (some clients add a CRLF after a
   * body); anything else is `HPE_CLOSED_CONNECTION`.
   */
  private afterClose(data: Buffer, pos: number, end: number): number {
    while (pos < end) {
      const c = data[pos]!;
      if (c !== CR && c !== LF) {
        return this.failAt('HPE_CLOSED_CONNECTION', 'Data after `Connection: close`', pos);
      }
      pos++;
    }
    return pos;
  }
}

/** One byte of a chunk extension: the next state, or -1 if `c` is not allowed there. */
function chunkExtensionStep(state: number, c: number): number {
  const ws = c === SP || c === HTAB;
  const token = TOKEN[c] === 1;
  switch (state) {
    case S_EXT_BEFORE_NAME:
      return ws ? state : token ? S_EXT_NAME : -1;
    case S_EXT_NAME:
    case S_EXT_AFTER_NAME:
      if (token && state === S_EXT_NAME) return state;
      if (ws) return S_EXT_AFTER_NAME;
      if (c === EQUALS) return S_EXT_BEFORE_VALUE;
      if (c === SEMI) return S_EXT_BEFORE_NAME;
      return c === CR ? S_CHUNK_SIZE_LF : -1;
    case S_EXT_BEFORE_VALUE:
      if (ws) return state;
      if (c === DQUOTE) return S_EXT_QUOTED;
      return token ? S_EXT_VALUE : -1;
    case S_EXT_VALUE:
    case S_EXT_AFTER_VALUE:
      if (token && state === S_EXT_VALUE) return state;
      if (ws) return S_EXT_AFTER_VALUE;
      if (c === SEMI) return S_EXT_BEFORE_NAME;
      return c === CR ? S_CHUNK_SIZE_LF : -1;
    case S_EXT_QUOTED:
      if (c === DQUOTE) return S_EXT_AFTER_VALUE;
      if (c === BACKSLASH) return S_EXT_QUOTED_ESCAPE;
      return QDTEXT[c] === 1 ? state : -1;
    case S_EXT_QUOTED_ESCAPE:
      return QUOTED_PAIR[c] === 1 ? S_EXT_QUOTED : -1;
    default:
      return -1;
  }
}
