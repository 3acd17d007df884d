/**
 * The header (and trailer) section of an HTTP/1.1 message (RFC 9112 §2.1:
 * start line, field lines, the empty line; §7.1.2), as `HttpParser`
 * (parser.ts, which extends this class) scans it:
 *
 * - in place, in the input Buffer, by a resumable state machine whose busy
 *   states are table-driven byte loops (`parser-chars.ts`) that validate and
 *   find the delimiters at once, recording offsets only. The common lines (a
 *   request line in origin-form, field lines that frame nothing) take two
 *   small, hot methods (`requestLine`, `fieldLines`); everything else the
 *   general machine (`scanSlow`), which can stop and resume at any byte;
 * - when a section spans inputs, its bytes so far are copied into a scratch
 *   buffer and scanning resumes there at the exact byte and state it stopped
 *   at, so feeding one byte at a time stays linear;
 * - every error is found at the byte that makes the message invalid, with
 *   the code, reason and offset Node's parser (llhttp) reports for the same
 *   input, and every framing error (RFC 9112 §6) before the section is
 *   reported; where we are stricter than llhttp, on purpose (see
 *   docs/node-compat-http.md, "Parser strictness");
 * - once complete, the section is decoded into ONE latin1 string and names
 *   and values are `slice`s of it (`headDone`).
 */
// Imported rather than global: Node's global Buffer is an accessor (slow in hot paths).
import { Buffer } from 'node:buffer';
import { latin1 } from '../util/latin1.js';
import * as chars from './parser-chars.js';
import { createParseError, type HttpParseErrorCode } from './parser-error.js';
import * as fields from './parser-fields.js';
import * as methods from './parser-methods.js';
import type { HttpParseError } from './parser-types.js';

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
  ALPHA,
  AT,
  COLON,
  COMMA,
  CR,
  DOT,
  FF,
  FIELD_VALUE,
  FIELD_VALUE_LAX,
  HASH,
  HTAB,
  LF,
  LIST_ELEMENT,
  LOWER,
  QUESTION,
  REASON,
  SLASH,
  SP,
  STAR,
  TOKEN,
  URL_FRAGMENT,
  URL_PATH,
  URL_QUERY,
  URL_SERVER,
} = chars;
const { METHOD_FLAGS, METHOD_TRIE, M_CONNECT, M_HTTP, M_ICE, M_PRI, M_RTSP } = methods;
const {
  CHUNKED,
  CLOSE,
  CONN_CLOSE,
  CONN_KEEP_ALIVE,
  CONN_UPGRADE,
  classifyFieldName,
  equalsLower,
  FIELD_CONNECTION,
  FIELD_CONTENT_LENGTH,
  FIELD_HOST,
  FIELD_OTHER,
  FIELD_TRANSFER_ENCODING,
  FIELD_UPGRADE,
  KEEP_ALIVE,
  scanConnection,
  TE_CHUNKED,
  TE_PRESENT,
  UPGRADE,
} = fields;

/** Options of `new HttpParser(kind, handlers, options)`. */
export interface HttpParserOptions {
  /**
   * The header-size limit, in bytes, counted as Node counts it: the
   * request-target (or reason phrase), field names and field values of a
   * header (or trailer) section together must stay below it; where they
   * reach it, `HPE_HEADER_OVERFLOW`, reported where Node reports it (at the
   * end of the name, value or target that reached it, or at the end of the
   * input if that comes first). The section as a whole, with its line ends
   * and whitespace, may take at most twice this many bytes (what the parser
   * holds while it waits for the rest). Default 16384 (Node's default
   * `--max-http-header-size`).
   */
  maxHeaderSize?: number;
  /**
   * Node's `insecureHTTPParser`: accept any byte but CR / LF in field
   * values, bare LF as a line ending, whitespace before a field's colon,
   * `Transfer-Encoding` with `Content-Length` (Transfer-Encoding wins and
   * the connection closes after the message), `chunked` applied twice,
   * obs-fold (joined with one space), whitespace lines after the start line
   * (ignored), any `HTTP/d.d` version, spaces after a chunk-size, a missing
   * CRLF after chunk data, a request whose final transfer coding is not
   * chunked (read until close), and data after a `Connection: close`
   * message. Default false.
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

// Parser states. Everything before S_CLOSED is "inside or between messages".
export const S_IDLE = 0; // before a message; CR and LF are skipped (RFC 9112 §2.2)
export const S_HEAD = 1; // header or trailer section, see `hState`
export const S_BODY_CL = 2; // body of `remaining` bytes (Content-Length)
export const S_BODY_EOF = 3; // body until the connection closes (responses)
export const S_CHUNK_SIZE_START = 4; // first HEXDIG of a chunk-size
export const S_CHUNK_SIZE = 5; // more HEXDIG
export const S_CHUNK_SIZE_OWS = 6; // whitespace after the chunk-size (lenient)
export const S_EXT_START = 7; // after `;`
export const S_EXT_NAME = 8;
export const S_EXT_VALUE = 9; // after `=`
export const S_EXT_QUOTED = 10; // inside a quoted-string value
export const S_EXT_QUOTED_PAIR = 11; // after `\` in a quoted-string
export const S_EXT_QUOTED_DONE = 12; // after the closing `"`
export const S_CHUNK_SIZE_LF = 13; // saw the CR ending the chunk-size line
export const S_CHUNK_DATA = 14; // `remaining` bytes of chunk data
export const S_CHUNK_DATA_CR = 15; // expecting the CR after chunk data
export const S_CHUNK_DATA_LF = 16; // expecting the LF after chunk data
export const S_CLOSED = 17; // after a message that does not keep the connection alive
export const S_UPGRADED = 18; // the connection now speaks another protocol
export const S_ERROR = 19;

// Header-section states (`hState`), in the order the bytes usually come.
const H_METHOD = 0; // request: method (trie node `hNode`)
const H_TARGET = 1; // the request-target's first byte
const H_PATH = 2;
const H_PROTOCOL = 3; // "HTTP" (`hK` bytes matched of protocol `hProto`)
const H_PROTOCOL_SLASH = 4;
const H_MAJOR = 5;
const H_DOT = 6;
const H_MINOR = 7;
const H_LINE_CR = 8; // CR ending the request line
const H_LINE_LF = 9;
const H_SECTION_START = 10; // first byte after the start line
const H_FIELD_START = 11; // a field line, or the empty line ending the section
const H_NAME = 12;
const H_OWS = 13; // whitespace after the colon
const H_VALUE = 14;
const H_VALUE_END = 15; // CR / LF ending a value
const H_VALUE_LF = 16;
const H_VALUE_NEXT = 17; // first byte after a value's line: obs-fold or the next line
// Request-target forms other than origin-form (RFC 9112 §3.2).
const H_QUERY = 18;
const H_FRAGMENT = 19;
const H_SCHEMA = 20;
const H_SCHEMA_SLASHES = 21; // "//" after "scheme:" (`hK` seen)
const H_SERVER = 22; // authority (`hAt`: the last byte was `@`)
const H_TARGET_CR = 23; // CR right after the target
const H_PREFACE = 24; // rest of the HTTP/2 connection preface (`hK`)
// Status line (RFC 9112 §4); starts at H_PROTOCOL.
const H_STATUS_SP = 25;
const H_STATUS_CODE = 26; // `hK` digits read
const H_STATUS_AFTER = 27; // after the three digits
const H_REASON = 28;
const H_STATUS_LF = 29;
// Framing field values (RFC 9112 §6), scanned as Node's parser scans them.
const H_CL = 30; // Content-Length digits
const H_CL_WS = 31;
const H_TE_CHUNKED = 32; // matching "chunked" (`hK`)
const H_TE_LAST = 33; // after "chunked"
const H_TE_TOKEN = 34; // another transfer-coding
const H_TE_OWS = 35; // after `,`
const H_CONN = 36; // start of a connection option
const H_CONN_WORD = 37; // matching close / keep-alive / upgrade (`hWord`, `hK`)
const H_CONN_WS = 38; // after a whole word
const H_CONN_TOKEN = 39; // another connection option
// Empty values, the section end, lenient extras.
const H_OWS_LF = 40; // CR right after the colon's whitespace
const H_EMPTY_NEXT = 41; // first byte after an empty value's line
const H_SECTION_LF = 42; // CR of the empty line seen
const H_NAME_WS = 43; // lenient: whitespace before the colon
const H_FOLD = 44; // lenient: an obs-fold line, its leading whitespace
const H_FOLD_TEXT = 45;
const H_FOLD_LF = 46;
const H_SKIP_LINE = 47; // lenient: a whitespace line, ignored

// Results of `scanHead` (a non-negative result: the index past the section).
const R_MORE = -1; // need more input
const R_ERROR = -2; // `error` is set
const R_FAST = -3; // (inside scanHead) a fast path takes over

// Protocol names llhttp knows on a start line (only HTTP is accepted here).
const P_HTTP = 1;
const P_RTSP = 2;
const P_ICE = 3;
const PROTOCOLS = [
  new Uint8Array(0),
  Uint8Array.from('HTTP', (ch) => ch.charCodeAt(0)),
  Uint8Array.from('RTSP', (ch) => ch.charCodeAt(0)),
  Uint8Array.from('ICE', (ch) => ch.charCodeAt(0)),
];
const EXPECTED_PROTOCOL = 'Expected HTTP/, RTSP/ or ICE/';

/** The rest of the HTTP/2 connection preface after `PRI * HTTP/2.0` (RFC 9113 §3.4). */
const PREFACE = Uint8Array.from('\r\n\r\nSM\r\n\r\n', (ch) => ch.charCodeAt(0));

/** The connection options the parser acts on, by `hWord`. */
const CONN_WORDS = [CLOSE, KEEP_ALIVE, UPGRADE];
const CONN_WORD_FLAGS = [CONN_CLOSE, CONN_KEEP_ALIVE, CONN_UPGRADE];

const EMPTY = Buffer.alloc(0);
/** Scratch buffers up to this size stay with a parser from one connection to the next. */
const KEPT_SCRATCH = 4096;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** `end` moved back over trailing SP / HTAB of `buf[start, end)`. */
function trimEnd(buf: Uint8Array, start: number, end: number): number {
  let c: number;
  while (end > start && ((c = buf[end - 1]!) === SP || c === HTAB)) end--;
  return end;
}

/**
 * The header-section half of `HttpParser`: its fields (start line, framing
 * fields, the section being scanned) and how a section is scanned, held
 * between inputs, counted and decoded. `HttpParser` adds the events, the
 * bodies and the message's end.
 */
export abstract class HeadParser {
  /** The error that stopped the parser, or null. Set by `execute` / `finish`. */
  error: HttpParseError | null = null;
  protected isRequest: boolean;
  protected maxHeaderSize: number;
  protected lenient: boolean;
  protected requireHost: boolean;
  protected state = S_IDLE;
  /** What `execute` returns after stopping early (error, upgrade, reset). */
  protected stopOffset = 0;
  /** Bytes consumed by earlier `execute` calls (absolute offsets are counted from the connection's start). */
  protected consumed = 0;
  // Header / trailer section in progress.
  /** Buffer holding the section: the input Buffer, or `scratch` once it spans inputs. */
  protected hBuf: Buffer = EMPTY;
  protected hInScratch = false;
  protected scratch: Buffer = EMPTY;
  /** Index in `hBuf` of the section's first byte; the offsets below are relative to it. */
  protected hBase = 0;
  /** Index in `hBuf` where scanning resumes. */
  protected hPos = 0;
  /** Bytes of the section held in `scratch`. */
  protected hLen = 0;
  /** Absolute offset of the section's first byte. */
  protected hAbs = 0;
  /** Where `scanHead` resumes (`H_*`). */
  protected hState = H_METHOD;
  /** The section is a trailer section. */
  protected hTrailers = false;
  /** Field lines so far: [nameStart, nameEnd, valueStart, valueEnd] per field. */
  protected offsets: Int32Array = sharedOffsets;
  /** This parser's own field-offset table, for sections that span inputs (kept for the next). */
  protected ownOffsets: Int32Array | null = null;
  protected fieldCount = 0;
  /** Values rebuilt from obs-fold continuation lines (lenient only), by field index. */
  protected folded: string[] | null = null;
  /** Framing kind (`FIELD_*`) of the current (or last) field line. */
  protected hKind = FIELD_OTHER;
  protected hNameStart = 0;
  protected hNameEnd = 0;
  protected hValueStart = 0;
  protected hValueEnd = 0;
  /** Bytes matched of a literal (protocol, "chunked", a connection option, the preface, digits). */
  protected hK = 0;
  /** Method trie node of the request line. */
  protected hNode = 0;
  /** Protocol name being matched (`P_*`). */
  protected hProto = 0;
  /** Connection option being matched (index in CONN_WORDS). */
  protected hWord = 0;
  /** The last byte of an authority was `@`. */
  protected hAt = false;
  /** Content-Length digits so far. */
  protected hCl = 0;
  /** What the value being scanned will set once its line ends (`CONN_*` bits; 1: chunked is final). */
  protected hPending = 0;
  /**
   * Node's header-size accounting: bytes of request-target, reason phrase,
   * field names and values counted so far, and the start (relative to
   * `hBase`) of the uncounted part of the one being scanned, or -1.
   */
  protected hCount = 0;
  protected hSpan = -1;
  // Start line, offsets relative to `hBase`.
  protected targetStart = 0;
  protected targetEnd = 0;
  protected reasonStart = 0;
  protected reasonEnd = 0;
  protected versionMajor = 0;
  protected versionMinor = 0;
  protected statusCode = 0;
  // Framing fields of the current message.
  /** Content-Length value in bytes, or -1. */
  protected contentLength = -1;
  /** `TE_*` bits. */
  protected teFlags = 0;
  protected connFlags = 0;
  protected hasUpgrade = false;
  /** `Host` field lines of the current request's header section. */
  protected hostCount = 0;

  protected constructor(kind: 'request' | 'response', options: HttpParserOptions | undefined) {
    this.isRequest = kind === 'request';
    this.maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    this.lenient = false;
    this.requireHost = false;
    this.configure(options);
  }

  protected configure(options: HttpParserOptions | undefined): void {
    const max = options?.maxHeaderSize;
    this.maxHeaderSize =
      typeof max === 'number' && max > 0 ? Math.floor(max) : DEFAULT_MAX_HEADER_SIZE;
    this.lenient = options?.lenient === true;
    this.requireHost = options?.requireHost === true;
  }

  // ---------------------------------------------------------------- errors

  /**
   * Stops the parser with an error at absolute offset `abs` (in the current
   * input: `bytesParsed` is its offset there). Returns -1 so that callers
   * can `return this.fail(...)`.
   */
  protected fail(code: HttpParseErrorCode, reason: string, abs: number): number {
    const offset = Math.max(abs - this.consumed, 0);
    this.error = createParseError(code, reason, offset);
    this.stopOffset = offset;
    this.stop();
    return -1;
  }

  /** `fail` at `data[pos]` of the current input. */
  protected failAt(code: HttpParseErrorCode, reason: string, pos: number): number {
    return this.fail(code, reason, this.consumed + pos);
  }

  /** `fail` at `hBuf[q]` of the header section being scanned; returns `R_ERROR`. */
  protected headFail(code: HttpParseErrorCode, reason: string, q: number): number {
    this.fail(code, reason, this.hAbs + (q - this.hBase));
    return R_ERROR;
  }

  // -------------------------------------------------------- header section

  /** Starts a header (or trailer) section at `data[pos]`. */
  protected headStart(data: Buffer, pos: number, end: number, trailers: boolean): number {
    this.state = S_HEAD;
    this.hTrailers = trailers;
    this.hState = trailers ? H_FIELD_START : this.isRequest ? H_METHOD : H_PROTOCOL;
    this.hAbs = this.consumed + pos;
    this.hBuf = data;
    this.hBase = pos;
    this.hPos = pos;
    this.hInScratch = false;
    this.fieldCount = 0;
    this.offsets = sharedOffsets;
    this.folded = null;
    this.hKind = FIELD_OTHER;
    this.hK = 0;
    this.hNode = 0;
    this.hPending = 0;
    this.hCount = 0;
    this.hSpan = -1;
    if (!trailers) {
      this.contentLength = -1;
      this.teFlags = 0;
      this.connFlags = 0;
      this.hasUpgrade = false;
      this.hostCount = 0;
      this.statusCode = 0;
    }
    return this.headFirst(data, end);
  }

  /** Bytes of an unfinished header section (whitespace and line ends included) held between inputs at most. */
  protected get headCap(): number {
    return this.maxHeaderSize * 2;
  }

  /**
   * The section started in this input: scan it in place (the fast path).
   * If it is incomplete, keep its bytes in `scratch` for the next input.
   */
  protected headFirst(data: Buffer, end: number): number {
    const base = this.hBase;
    const r = this.scanHead(end);
    if (r >= 0) return this.headDone(r, r);
    if (r === R_ERROR) return -1;
    if (!this.flushSpan(end)) return -1;
    if (end - base > this.headCap) return this.overflow(end);
    // Incomplete: move the section's bytes so far to the scratch buffer.
    const n = end - base;
    this.reserveScratch(n);
    data.copy(this.scratch, 0, base, end);
    this.hBuf = this.scratch;
    this.hInScratch = true;
    // Other parsers will use the shared table before this section resumes.
    if (this.offsets === sharedOffsets) this.offsets = this.privateOffsets(sharedOffsets);
    this.hPos -= base;
    this.hBase = 0;
    this.hLen = n;
    return end;
  }

  /** The section began in an earlier input and continues at `data[pos]`. */
  protected headMore(data: Buffer, pos: number, end: number): number {
    const have = this.hLen;
    this.reserveScratch(have + end - pos);
    data.copy(this.scratch, have, pos, end);
    this.hBuf = this.scratch;
    this.hLen = have + end - pos;
    const r = this.scanHead(this.hLen);
    if (r >= 0) return this.headDone(r, pos + (r - have));
    if (r === R_ERROR) return -1;
    if (!this.flushSpan(this.hLen)) return -1;
    if (this.hLen > this.headCap) return this.overflow(this.hLen);
    return end;
  }

  /**
   * An input ends at `hBuf[q]` with the section unfinished and longer than
   * the parser holds (twice maxHeaderSize, whitespace and line ends
   * included): rejected there, even where Node's count (names, values and
   * target only) is still below the limit.
   */
  protected overflow(q: number): number {
    this.headFail('HPE_HEADER_OVERFLOW', 'Header section overflow', q);
    return -1;
  }

  protected reserveScratch(size: number): void {
    if (this.scratch.length >= size) return;
    let cap = this.scratch.length === 0 ? 1024 : this.scratch.length * 2;
    while (cap < size) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    if (this.hInScratch) this.scratch.copy(next, 0, 0, this.hLen);
    this.scratch = next;
  }

  /**
   * Node's header-size accounting (its parser counts a target, name, value
   * or reason phrase when it ends, and what it has of one at the end of
   * each input): the one being scanned ends at `hBuf[q]`. False (error
   * set) when the count reaches `maxHeaderSize`.
   */
  protected spanEnd(q: number, past: number): boolean {
    const n = this.hCount + (q - this.hBase - this.hSpan);
    this.hSpan = -1;
    this.hCount = n;
    if (n < this.maxHeaderSize) return true;
    // Node reports it past the delimiter when its parser steps over that next.
    this.headFail('HPE_HEADER_OVERFLOW', 'Header overflow', q + past);
    return false;
  }

  /** The input ends at `hBuf[q]` inside the section: count what it has of the span being scanned. */
  protected flushSpan(q: number): boolean {
    if (this.hSpan < 0) return true;
    if (!this.spanEnd(q, 0)) return false;
    this.hSpan = q - this.hBase;
    return true;
  }

  /**
   * Scans the section in `hBuf` from `hPos` (in state `hState`) up to `end`.
   * Returns the index just past the section's final CRLF, `R_MORE` (state
   * saved), or `R_ERROR`. Every error is found at the byte that makes the
   * message invalid and reported with Node's code and offset; comments name
   * the grammar (RFC 9112) and, where llhttp decides differently from the
   * RFC's letter, what it does.
   */
  protected scanHead(end: number): number {
    // The common lines take small, hot methods (which the JIT compiles
    // well); the general state machine takes over wherever they stop.
    for (;;) {
      const state = this.hState;
      const r =
        state === H_FIELD_START
          ? this.fieldLines(end)
          : state === H_METHOD
            ? this.requestLine(end)
            : this.scanSlow(end);
      if (r !== R_FAST) return r;
    }
  }

  /**
   * request-line (RFC 9112 §3), the common path: the method (only known
   * ones, byte by byte: an unknown one fails where it leaves every known
   * spelling), then an origin-form target and "HTTP/1.x" CRLF in one pass.
   * Anything else is handed to `scanSlow` at the byte reached.
   */
  protected requestLine(end: number): number {
    const buf = this.hBuf;
    const base = this.hBase;
    let p = this.hPos;
    let c = 0;
    // Only known methods, byte by byte: an unknown one fails where it
    // leaves every known spelling.
    let node = this.hNode;
    while (p < end) {
      c = buf[p]!;
      const next = c < 128 ? METHOD_TRIE[(node << 7) | c]! : 0;
      if (next === 0) break;
      node = next - 1;
      p++;
    }
    this.hNode = node;
    if (p >= end) {
      this.hPos = p;
      return R_MORE;
    }
    if (METHOD_FLAGS[node] === 0) {
      return this.headFail('HPE_INVALID_METHOD', 'Invalid method encountered', p);
    }
    if (c !== SP) return this.headFail('HPE_INVALID_METHOD', 'Expected space after method', p);
    p++;
    // The common line, origin-form and "HTTP/1.x" CRLF, in one pass; anything
    // else is handed to the states below at the byte reached.
    if (p < end && buf[p] === SLASH && (METHOD_FLAGS[node]! & (M_CONNECT | M_PRI)) === 0) {
      const targetStart = p++;
      while (p < end && URL_PATH[buf[p]!] === 1) p++;
      if (
        p + 11 <= end &&
        buf[p] === SP &&
        buf[p + 1] === 0x48 &&
        buf[p + 2] === 0x54 &&
        buf[p + 3] === 0x54 &&
        buf[p + 4] === 0x50 &&
        buf[p + 5] === SLASH &&
        buf[p + 6] === 0x31 &&
        buf[p + 7] === DOT &&
        (buf[p + 8] === 0x31 || buf[p + 8] === 0x30) &&
        buf[p + 9] === CR &&
        buf[p + 10] === LF &&
        (METHOD_FLAGS[node]! & M_HTTP) !== 0 &&
        this.hCount + (p - targetStart) < this.maxHeaderSize
      ) {
        this.hCount += p - targetStart;
        this.targetStart = targetStart - base;
        this.targetEnd = p - base;
        this.versionMajor = 1;
        this.versionMinor = buf[p + 8]! - 0x30;
        p += 11;
        // Straight on to the field lines unless whitespace follows (§2.2).
        return this.handOver(
          p < end && buf[p] !== SP && buf[p] !== HTAB ? H_FIELD_START : H_SECTION_START,
          p,
        );
      }
      this.targetStart = this.hSpan = targetStart - base;
      return this.handOver(H_PATH, p);
    }
    return this.handOver(H_TARGET, p);
  }

  /**
   * field-line = field-name ":" OWS field-value OWS (§5), or the empty line
   * ending the section: the common line (a name that frames nothing, a
   * value, CRLF, all in this input) in one pass, with locals. Anything else
   * is handed to `scanSlow` at the byte reached, as if it had scanned the
   * line up to there.
   */
  protected fieldLines(end: number): number {
    const buf = this.hBuf;
    const base = this.hBase;
    const lenient = this.lenient;
    const values = lenient ? FIELD_VALUE_LAX : FIELD_VALUE;
    const max = this.maxHeaderSize;
    // Node's header-size count, kept in a local while lines go by.
    let count = this.hCount;
    let p = this.hPos;
    let c = 0;
    for (;;) {
      if (p >= end) {
        this.hCount = count;
        this.hPos = p;
        return R_MORE;
      }
      c = buf[p]!;
      if (c === CR) {
        this.hCount = count;
        if (p + 1 < end && buf[p + 1] === LF) return p + 2;
        return this.handOver(H_SECTION_LF, p + 1);
      }
      if (c === LF) {
        if (lenient) return p + 1;
        return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header field char', p + 1);
      }
      if (c === COLON) return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header token', p);
      this.hCount = count;
      if (lenient && (c === SP || c === HTAB) && this.fieldCount === 0) {
        return this.handOver(H_SKIP_LINE, p);
      }
      const nameStart = p;
      while (p < end && TOKEN[buf[p]!] === 1) p++;
      const kind = p < end && buf[p] === COLON ? classifyFieldName(buf, nameStart, p) : -1;
      if (
        kind < 0 ||
        count + (p - nameStart) >= max ||
        (kind !== FIELD_OTHER && kind !== FIELD_HOST && !this.framingName(kind))
      ) {
        this.hNameStart = this.hSpan = nameStart - base;
        return this.handOver(H_NAME, p);
      }
      count += p - nameStart;
      const nameEnd = p++;
      while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
      if (p >= end || (c = buf[p]!) === CR || c === LF) {
        this.keepName(nameStart, nameEnd, kind, count);
        return this.handOver(H_OWS, p);
      }
      const valueStart = p;
      while (
        p + 4 <= end &&
        (values[buf[p]!]! & values[buf[p + 1]!]! & values[buf[p + 2]!]! & values[buf[p + 3]!]!) ===
          1
      ) {
        p += 4;
      }
      while (p < end && values[buf[p]!] === 1) p++;
      if (p + 1 >= end || buf[p] !== CR || buf[p + 1] !== LF || count + (p - valueStart) >= max) {
        this.keepName(nameStart, nameEnd, kind, count);
        // A framing field's value is scanned again, by the states that know it.
        if (kind !== FIELD_OTHER && kind !== FIELD_HOST) return this.handOver(H_OWS, valueStart);
        this.hValueStart = this.hSpan = valueStart - base;
        return this.handOver(p >= end ? H_VALUE : H_VALUE_END, p);
      }
      if (kind !== FIELD_OTHER && kind !== FIELD_HOST && !this.framingValue(kind, valueStart, p)) {
        // Anything but the plain values: scanned again by the states that know them.
        this.keepName(nameStart, nameEnd, kind, count);
        return this.handOver(H_OWS, valueStart);
      }
      count += p - valueStart;
      const k = this.fieldCount << 2;
      if (k + 4 > this.offsets.length) this.growOffsets();
      const o = this.offsets;
      o[k] = nameStart - base;
      o[k + 1] = nameEnd - base;
      o[k + 2] = valueStart - base;
      o[k + 3] = p - base;
      this.fieldCount++;
      if (kind === FIELD_HOST && !this.hTrailers) this.hostCount++;
      p += 2;
      // A line starting with whitespace would continue this value (obs-fold).
      if (p >= end || (c = buf[p]!) === SP || c === HTAB) {
        this.keepName(nameStart, nameEnd, kind, count);
        return this.handOver(H_VALUE_NEXT, p);
      }
    }
  }

  /** The fast path hands over after a field-name (`hBuf[start, end)`, of `kind`), `count` counted. */
  protected keepName(start: number, end: number, kind: number, count: number): void {
    this.hNameStart = start - this.hBase;
    this.hNameEnd = end - this.hBase;
    this.hKind = kind;
    this.hCount = count;
  }

  /**
   * The fast path meets the name of a framing field (`kind`): true when it
   * may take the line (no conflict to report at its colon, not lenient).
   */
  protected framingName(kind: number): boolean {
    if (this.lenient) return false;
    if (kind === FIELD_TRANSFER_ENCODING) return this.contentLength < 0;
    if (kind === FIELD_CONTENT_LENGTH) return this.teFlags === 0;
    return true;
  }

  /**
   * The fast path has a framing field's whole value, `hBuf[start, end)`:
   * applies it and returns true when it is one of the plain values (a
   * Content-Length of up to 15 digits, `chunked` alone, one connection
   * option alone); false leaves everything to the states that scan such
   * values byte by byte.
   */
  protected framingValue(kind: number, start: number, end: number): boolean {
    const buf = this.hBuf;
    const n = end - start;
    switch (kind) {
      case FIELD_CONTENT_LENGTH: {
        if (this.contentLength >= 0 || n > 15) return false;
        let v = 0;
        for (let i = start; i < end; i++) {
          const d = buf[i]! - 0x30;
          if (d < 0 || d > 9) return false;
          v = v * 10 + d;
        }
        this.contentLength = v;
        return true;
      }
      case FIELD_TRANSFER_ENCODING:
        if (n !== 7 || !equalsLower(buf, start, CHUNKED)) return false;
        if ((this.teFlags & TE_CHUNKED) !== 0 && this.isRequest) return false;
        this.teFlags = TE_PRESENT | TE_CHUNKED;
        return true;
      case FIELD_CONNECTION:
        if (n === 10 && equalsLower(buf, start, KEEP_ALIVE)) this.connFlags |= CONN_KEEP_ALIVE;
        else if (n === 5 && equalsLower(buf, start, CLOSE)) this.connFlags |= CONN_CLOSE;
        else if (n === 7 && equalsLower(buf, start, UPGRADE)) this.connFlags |= CONN_UPGRADE;
        else return false;
        return true;
      default: // FIELD_UPGRADE
        this.hasUpgrade = true;
        return true;
    }
  }

  /** Where `scanSlow` takes over: state `state` at `hBuf[p]`. */
  protected handOver(state: number, p: number): number {
    this.hState = state;
    this.hPos = p;
    return R_FAST;
  }

  /**
   * The header section's state machine, from `hState` at `hPos`: every
   * state, resumable at any byte. Returns like `scanHead`, or `R_FAST`
   * where a fast path takes over.
   */
  protected scanSlow(end: number): number {
    const buf = this.hBuf;
    const base = this.hBase;
    const lenient = this.lenient;
    let p = this.hPos;
    let state = this.hState;
    let c = 0;
    scan: for (;;) {
      switch (state) {
        // ------------------------------------- request-line (RFC 9112 §3)
        case H_METHOD:
        case H_FIELD_START:
          // Taken by the fast paths (see scanHead).
          this.hPos = p;
          this.hState = state;
          return R_FAST;
        case H_TARGET: {
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === SP) {
            // One SP only (§3): llhttp skips more; a request line spaced
            // otherwise than a client writes it is not guessed at.
            return this.headFail('HPE_INVALID_URL', 'Unexpected space before url', p);
          }
          this.targetStart = this.hSpan = p - base;
          if ((METHOD_FLAGS[this.hNode]! & M_CONNECT) !== 0) {
            // authority-form (§3.2.3)
            this.hAt = false;
            state = H_SERVER;
            continue;
          }
          if (c !== SLASH && c !== STAR) {
            if (ALPHA[c] === 1) {
              state = H_SCHEMA; // absolute-form (§3.2.2)
              continue;
            }
            if (c === CR || c === LF || c === HTAB || c === FF) {
              return this.headFail('HPE_INVALID_URL', 'Invalid characters in url', p + 1);
            }
            return this.headFail('HPE_INVALID_URL', 'Unexpected start char in url', p);
          }
          // origin-form (§3.2.1) or asterisk-form (§3.2.4)
          p++;
          state = H_PATH;
          continue;
        }
        case H_PATH: {
          while (p < end && URL_PATH[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== SP) {
            if (c === QUESTION) state = H_QUERY;
            else if (c === HASH) state = H_FRAGMENT;
            else {
              state = this.afterTarget(c, p, 'Invalid char in url path');
              if (state < 0) return R_ERROR;
            }
            p++;
            continue;
          }
          if (!this.spanEnd(p, 0)) return R_ERROR;
          this.targetEnd = p - base;
          p++;
          this.hK = 0;
          state = H_PROTOCOL;
          continue;
        }
        case H_PROTOCOL: {
          // HTTP-name (§2.3). llhttp also knows RTSP and ICE: they are
          // matched here only to fail where llhttp fails, then rejected.
          let k = this.hK;
          if (k === 0 && p + 4 <= end && buf[p] === 0x48) {
            if (buf[p + 1] === 0x54 && buf[p + 2] === 0x54 && buf[p + 3] === 0x50) {
              this.hProto = P_HTTP;
              k = 4;
              p += 4;
            }
          }
          if (k < 4) {
            while (p < end) {
              c = buf[p]!;
              if (k === 0) {
                this.hProto = c === 0x48 ? P_HTTP : c === 0x52 ? P_RTSP : c === 0x49 ? P_ICE : 0;
                if (c === HTAB || c === FF) {
                  // llhttp still checks the byte after the target's SP as part of the target.
                  return this.headFail('HPE_INVALID_URL', 'Invalid characters in url', p + 1);
                }
                if (this.hProto === 0)
                  return this.headFail('HPE_INVALID_CONSTANT', EXPECTED_PROTOCOL, p);
              } else if (c !== PROTOCOLS[this.hProto]![k]) {
                return this.headFail('HPE_INVALID_CONSTANT', EXPECTED_PROTOCOL, p);
              }
              p++;
              if (++k === PROTOCOLS[this.hProto]!.length) break;
            }
            if (k < PROTOCOLS[this.hProto]!.length || k === 0) {
              this.hK = k;
              break scan;
            }
          }
          if (!this.protocolKnown(p)) return R_ERROR;
          state = H_PROTOCOL_SLASH;
          continue;
        }
        case H_PROTOCOL_SLASH:
          if (p >= end) break scan;
          if (buf[p] !== SLASH) return this.headFail('HPE_INVALID_CONSTANT', EXPECTED_PROTOCOL, p);
          p++;
          state = H_MAJOR;
          continue;
        case H_MAJOR:
          if (p >= end) break scan;
          c = buf[p]! - 0x30;
          if (c < 0 || c > 9)
            return this.headFail('HPE_INVALID_VERSION', 'Invalid major version', p);
          this.versionMajor = c;
          p++;
          state = H_DOT;
          continue;
        case H_DOT:
          if (p >= end) break scan;
          if (buf[p] !== DOT) return this.headFail('HPE_INVALID_VERSION', 'Expected dot', p);
          p++;
          state = H_MINOR;
          continue;
        case H_MINOR: {
          if (p >= end) break scan;
          c = buf[p]! - 0x30;
          if (c < 0 || c > 9)
            return this.headFail('HPE_INVALID_VERSION', 'Invalid minor version', p);
          this.versionMinor = c;
          p++;
          // Checked at once, without waiting for the next byte (as llhttp).
          if (!this.versionKnown())
            return this.headFail('HPE_INVALID_VERSION', 'Invalid HTTP version', p);
          if (!this.isRequest) {
            state = H_STATUS_SP;
            continue;
          }
          if ((METHOD_FLAGS[this.hNode]! & M_PRI) !== 0) {
            this.hK = 0;
            state = H_PREFACE;
            continue;
          }
          state = H_LINE_CR;
          continue;
        }
        case H_LINE_CR:
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== CR) {
            if (c !== LF)
              return this.headFail('HPE_INVALID_VERSION', 'Expected CRLF after version', p);
            if (!lenient) {
              return this.headFail('HPE_INVALID_VERSION', 'Expected CRLF after version', p + 1);
            }
            p++;
            state = H_SECTION_START;
            continue;
          }
          p++;
          state = H_LINE_LF;
          continue;
        case H_LINE_LF:
          if (p >= end) break scan;
          if (buf[p] === LF) p++;
          else if (!lenient) return this.headFail('HPE_STRICT', 'Expected CRLF after version', p);
          state = H_SECTION_START;
          continue;
        case H_SECTION_START:
          // Whitespace between the start line and the first field line (§2.2).
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === SP || (c === HTAB && lenient)) {
            if (!lenient) {
              return this.headFail(
                'HPE_UNEXPECTED_SPACE',
                'Unexpected space after start line',
                p + 1,
              );
            }
            state = H_SKIP_LINE;
            continue;
          }
          state = H_FIELD_START;
          continue;
        case H_NAME:
          while (p < end && TOKEN[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== COLON) {
            if (lenient && (c === SP || c === HTAB) && p - base > this.hNameStart) {
              this.hNameEnd = p - base;
              state = H_NAME_WS;
              continue;
            }
            return this.nameFail(c, p);
          }
          this.hNameEnd = p - base;
          if (!this.nameDone(p)) return R_ERROR;
          p++;
          state = H_OWS;
          continue;
        case H_OWS:
          while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === CR || c === LF) {
            // An empty value.
            this.hValueStart = this.hValueEnd = p - base;
            if (c === CR) {
              p++;
              state = H_OWS_LF;
              continue;
            }
            if (!lenient) {
              return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char', p + 1);
            }
            this.recordField();
            p++;
            state = H_EMPTY_NEXT;
            continue;
          }
          this.hValueStart = this.hSpan = p - base;
          if (this.hKind !== FIELD_OTHER) {
            state = this.valueStart(p);
            if (state < 0) return R_ERROR;
            if (state !== H_VALUE) continue;
          }
          state = H_VALUE;
          continue;
        case H_VALUE: {
          // Values are the bulk of a header section: test four bytes per step
          // (one branch instead of four), then finish byte by byte.
          const values = lenient ? FIELD_VALUE_LAX : FIELD_VALUE;
          while (
            p + 4 <= end &&
            (values[buf[p]!]! &
              values[buf[p + 1]!]! &
              values[buf[p + 2]!]! &
              values[buf[p + 3]!]!) ===
              1
          ) {
            p += 4;
          }
          while (p < end && values[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          state = H_VALUE_END;
          continue;
        }
        case H_VALUE_END:
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== CR) {
            if (c !== LF && lenient) {
              state = H_VALUE;
              continue;
            }
            if (!this.spanEnd(p, 0)) return R_ERROR;
            if (c !== LF)
              return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char', p);
            if (!lenient) {
              return this.headFail('HPE_CR_EXPECTED', 'Missing expected CR after header value', p);
            }
            this.hValueEnd = p - base;
            this.recordField();
            p++;
            state = H_VALUE_NEXT;
            continue;
          }
          if (!this.spanEnd(p, 1)) return R_ERROR;
          this.hValueEnd = p - base;
          p++;
          state = H_VALUE_LF;
          continue;
        case H_VALUE_LF:
          if (p >= end) break scan;
          if (buf[p] !== LF) {
            return this.headFail('HPE_LF_EXPECTED', 'Missing expected LF after header value', p);
          }
          this.recordField();
          p++;
          state = H_VALUE_NEXT;
          continue;
        case H_VALUE_NEXT:
          // A line starting with whitespace continues the value: obs-fold (§5.2).
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === SP || c === HTAB) {
            if (!lenient) {
              return this.headFail(
                'HPE_INVALID_HEADER_TOKEN',
                'Unexpected whitespace after header value',
                p,
              );
            }
            state = H_FOLD;
            continue;
          }
          state = H_FIELD_START;
          continue;

        // ------------------------------ other request-target forms (§3.2)
        case H_QUERY:
          while (p < end && URL_QUERY[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === HASH) state = H_FRAGMENT;
          else {
            state = this.afterTarget(c, p, 'Invalid char in url query');
            if (state < 0) return R_ERROR;
          }
          p++;
          continue;
        case H_FRAGMENT:
          while (p < end && URL_FRAGMENT[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          state = this.afterTarget(buf[p]!, p, 'Invalid char in url fragment start');
          if (state < 0) return R_ERROR;
          p++;
          continue;
        case H_SCHEMA:
          while (p < end && ALPHA[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== COLON) {
            if (c === SP || c === CR || c === LF || c === HTAB || c === FF) {
              return this.headFail('HPE_INVALID_URL', 'Invalid characters in url', p + 1);
            }
            return this.headFail('HPE_INVALID_URL', 'Unexpected char in url schema', p);
          }
          p++;
          this.hK = 0;
          state = H_SCHEMA_SLASHES;
          continue;
        case H_SCHEMA_SLASHES:
          while (p < end && this.hK < 2) {
            c = buf[p]!;
            if (c !== SLASH) {
              if (this.hK === 0 && (c === SP || c === CR || c === LF || c === HTAB || c === FF)) {
                return this.headFail('HPE_INVALID_URL', 'Invalid characters in url', p + 1);
              }
              return this.headFail('HPE_INVALID_URL', 'Unexpected char in url schema', p);
            }
            p++;
            this.hK++;
          }
          if (this.hK < 2) break scan;
          this.hAt = false;
          state = H_SERVER;
          continue;
        case H_SERVER: {
          const from = p;
          while (p < end && URL_SERVER[buf[p]!] === 1) p++;
          if (p > from) this.hAt = false;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === AT) {
            if (this.hAt) return this.headFail('HPE_INVALID_URL', 'Double @ in url', p + 1);
            this.hAt = true;
          } else if (c === SLASH) state = H_PATH;
          else if (c === QUESTION) state = H_QUERY;
          else {
            state = this.afterTarget(c, p, 'Unexpected char in url server');
            if (state < 0) return R_ERROR;
          }
          p++;
          continue;
        }
        case H_TARGET_CR:
          // "GET /\r\n": llhttp takes it for HTTP/0.9; no version is not HTTP/1.1 (§3).
          if (p >= end) break scan;
          if (buf[p] !== LF) return this.headFail('HPE_INVALID_URL', 'Expected CRLF', p);
          return this.headFail('HPE_INVALID_VERSION', 'Missing HTTP version', p);
        case H_PREFACE: {
          // PRI * HTTP/2.0 (RFC 9113 §3.4): an HTTP/2 client with prior knowledge.
          let k = this.hK;
          while (p < end && k < PREFACE.length) {
            if (buf[p] !== PREFACE[k]) {
              return this.headFail('HPE_INVALID_VERSION', 'Expected HTTP/2 Connection Preface', p);
            }
            p++;
            k++;
          }
          if (k === PREFACE.length) {
            return this.headFail('HPE_PAUSED_H2_UPGRADE', 'Pause on PRI/Upgrade', p);
          }
          this.hK = k;
          break scan;
        }

        // ----------------------------------------- status-line (RFC 9112 §4)
        case H_STATUS_SP:
          if (p >= end) break scan;
          if (buf[p] !== SP)
            return this.headFail('HPE_INVALID_VERSION', 'Expected space after version', p);
          p++;
          this.hK = 0;
          this.statusCode = 0;
          state = H_STATUS_CODE;
          continue;
        case H_STATUS_CODE:
          // status-code = 3DIGIT, 100-599 (RFC 9110 §15).
          while (p < end && this.hK < 3) {
            c = buf[p]! - 0x30;
            if (c < 0 || c > 9 || (this.hK === 0 && c === 0)) {
              return this.headFail('HPE_INVALID_STATUS', 'Invalid status code', p);
            }
            this.statusCode = this.statusCode * 10 + c;
            this.hK++;
            p++;
          }
          if (this.hK < 3) break scan;
          state = H_STATUS_AFTER;
          continue;
        case H_STATUS_AFTER:
          if (p >= end) break scan;
          c = buf[p]!;
          this.reasonStart = this.reasonEnd = p - base;
          if (c === SP) {
            p++;
            this.reasonStart = this.hSpan = p - base;
            state = H_REASON;
            continue;
          }
          if (c === CR) {
            p++;
            state = H_STATUS_LF;
            continue;
          }
          if (c === LF && lenient) {
            p++;
            state = H_SECTION_START;
            continue;
          }
          return this.headFail(
            'HPE_INVALID_STATUS',
            'Invalid response status',
            c === LF ? p + 1 : p,
          );
        case H_REASON:
          // reason-phrase = *( HTAB / SP / VCHAR / obs-text ); llhttp takes any byte.
          while (p < end && REASON[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== CR && c !== LF)
            return this.headFail('HPE_INVALID_STATUS', 'Invalid response status', p);
          if (!this.spanEnd(p, 1)) return R_ERROR;
          this.reasonEnd = p - base;
          p++;
          if (c === CR) state = H_STATUS_LF;
          else if (lenient) state = H_SECTION_START;
          else
            return this.headFail('HPE_CR_EXPECTED', 'Missing expected CR after response line', p);
          continue;
        case H_STATUS_LF:
          if (p >= end) break scan;
          if (buf[p] === LF) p++;
          else if (!lenient) return this.headFail('HPE_STRICT', 'Expected LF after CR', p);
          state = H_SECTION_START;
          continue;

        // --------------------------------- framing field values (§6, §9.6)
        case H_CL: {
          // Content-Length = 1*DIGIT (RFC 9110 §8.6): one line, one value.
          let v = this.hCl;
          while (p < end) {
            c = buf[p]! - 0x30;
            if (c < 0 || c > 9) break;
            v = v * 10 + c;
            p++;
            // Exact up to 2^53 - 1; beyond, a length we could not count (RFC 9110 §8.6).
            if (v > MAX_SAFE)
              return this.headFail('HPE_INVALID_CONTENT_LENGTH', 'Content-Length overflow', p);
          }
          this.hCl = v;
          if (p >= end) break scan;
          state = H_CL_WS;
          continue;
        }
        case H_CL_WS:
          while (p < end && buf[p] === SP) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c !== CR && c !== LF) {
            if (!this.spanEnd(p, 0)) return R_ERROR;
            return this.headFail(
              'HPE_INVALID_CONTENT_LENGTH',
              'Invalid character in Content-Length',
              p,
            );
          }
          this.contentLength = this.hCl;
          state = H_VALUE_END;
          continue;
        case H_TE_CHUNKED: {
          // transfer-coding list (§6.1): is the final coding exactly "chunked"?
          let k = this.hK;
          while (p < end && k < 7 && LOWER[buf[p]!] === CHUNKED[k]) {
            p++;
            k++;
          }
          if (k === 7) state = H_TE_LAST;
          else if (p < end) state = H_TE_TOKEN;
          else {
            this.hK = k;
            break scan;
          }
          continue;
        }
        case H_TE_LAST:
          while (p < end && buf[p] === SP) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === CR || c === LF) {
            this.hPending = 1;
            state = H_VALUE_END;
            continue;
          }
          if (c === COMMA) {
            // A request's body is chunked once and last (§6.1): nothing may follow.
            if (this.isRequest && !lenient) return this.badTransferEncoding(p);
            p++;
            state = H_TE_OWS;
            continue;
          }
          state = H_TE_TOKEN;
          continue;
        case H_TE_TOKEN:
          while (p < end && LIST_ELEMENT[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          if (buf[p] === COMMA) {
            p++;
            state = H_TE_OWS;
          } else state = H_VALUE;
          continue;
        case H_TE_OWS:
          while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
          if (p >= end) break scan;
          this.hK = 0;
          state = H_TE_CHUNKED;
          continue;
        case H_CONN:
          // connection-option list (RFC 9110 §7.6.1)
          while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
          if (p >= end) break scan;
          c = LOWER[buf[p]!]!;
          this.hWord = c === 0x63 ? 0 : c === 0x6b ? 1 : c === 0x75 ? 2 : -1;
          if (this.hWord < 0) {
            state = H_CONN_TOKEN;
            continue;
          }
          this.hK = 0;
          state = H_CONN_WORD;
          continue;
        case H_CONN_WORD: {
          const word = CONN_WORDS[this.hWord]!;
          let k = this.hK;
          while (p < end && k < word.length && LOWER[buf[p]!] === word[k]) {
            p++;
            k++;
          }
          if (k === word.length) {
            this.hPending = CONN_WORD_FLAGS[this.hWord]!;
            state = H_CONN_WS;
          } else if (p < end) state = H_CONN_TOKEN;
          else {
            this.hK = k;
            break scan;
          }
          continue;
        }
        case H_CONN_WS:
          while (p < end && buf[p] === SP) p++;
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === COMMA) {
            this.connFlags |= this.hPending;
            this.hPending = 0;
            p++;
            state = H_CONN;
          } else if (c === CR || c === LF) {
            state = H_VALUE_END;
          } else {
            this.hPending = 0;
            state = H_CONN_TOKEN;
          }
          continue;
        case H_CONN_TOKEN:
          while (p < end && LIST_ELEMENT[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          if (buf[p] === COMMA) {
            p++;
            state = H_CONN;
          } else state = H_VALUE_END;
          continue;

        // --------------------------------------- empty values, section end
        case H_OWS_LF:
          if (p >= end) break scan;
          if (buf[p] === LF) p++;
          else if (!lenient) return this.headFail('HPE_STRICT', 'Expected LF after CR', p);
          this.recordField();
          state = H_EMPTY_NEXT;
          continue;
        case H_EMPTY_NEXT:
          if (p >= end) break scan;
          c = buf[p]!;
          if (c === SP || c === HTAB) {
            if (!lenient) {
              return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char', p + 1);
            }
            state = H_FOLD;
            continue;
          }
          if (this.hKind === FIELD_CONTENT_LENGTH) {
            return this.headFail('HPE_INVALID_CONTENT_LENGTH', 'Empty Content-Length', p);
          }
          state = H_FIELD_START;
          continue;
        case H_SECTION_LF:
          if (p >= end) break scan;
          if (buf[p] === LF) return p + 1;
          if (lenient) return p;
          return this.headFail('HPE_STRICT', 'Expected LF after headers', p);

        // ---------------------------------------------- lenient extras
        case H_NAME_WS:
          while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
          if (p >= end) break scan;
          if (buf[p] !== COLON)
            return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header token', p);
          if (!this.nameDone(p)) return R_ERROR;
          p++;
          state = H_OWS;
          continue;
        case H_FOLD: {
          // obs-fold: joined to the previous value with one SP. Folding a
          // framing field is too ambiguous to guess at, even leniently.
          const kind = this.hTrailers ? FIELD_OTHER : this.hKind;
          if (kind === FIELD_CONTENT_LENGTH || kind === FIELD_TRANSFER_ENCODING) {
            return this.headFail(
              'HPE_INVALID_HEADER_TOKEN',
              'Obsolete line folding in framing header',
              p,
            );
          }
          while (p < end && ((c = buf[p]!) === SP || c === HTAB)) p++;
          if (p >= end) break scan;
          this.hValueStart = this.hSpan = p - base;
          state = H_FOLD_TEXT;
          continue;
        }
        case H_FOLD_TEXT:
          while (p < end && FIELD_VALUE_LAX[buf[p]!] === 1) p++;
          if (p >= end) break scan;
          if (!this.spanEnd(p, 1)) return R_ERROR;
          this.hValueEnd = p - base;
          if (buf[p] === CR) {
            p++;
            state = H_FOLD_LF;
            continue;
          }
          this.foldInto(buf);
          p++;
          state = H_VALUE_NEXT;
          continue;
        case H_FOLD_LF:
          if (p >= end) break scan;
          if (buf[p] !== LF) {
            return this.headFail('HPE_LF_EXPECTED', 'Missing expected LF after header value', p);
          }
          this.foldInto(buf);
          p++;
          state = H_VALUE_NEXT;
          continue;
        case H_SKIP_LINE:
          while (p < end && buf[p] !== LF) p++;
          if (p >= end) break scan;
          p++;
          state = H_FIELD_START;
          continue;
        default:
          throw new Error(`HttpParser: bad header state ${state}`);
      }
    }
    this.hPos = p;
    this.hState = state;
    return R_MORE;
  }

  /**
   * The byte `c` at `hBuf[p]` ends a request-target. SP: the version comes
   * next; CR: llhttp's HTTP/0.9 form (see H_TARGET_CR). Returns the next
   * state (the caller steps past `c`) or `R_ERROR`.
   */
  protected afterTarget(c: number, p: number, reason: string): number {
    if (c === SP || c === CR || c === LF) {
      if (!this.spanEnd(p, 0)) return R_ERROR;
      this.targetEnd = p - this.hBase;
      if (c === SP) {
        this.hK = 0;
        return H_PROTOCOL;
      }
      if (c === CR) return H_TARGET_CR;
      return this.headFail('HPE_INVALID_VERSION', 'Missing HTTP version', p);
    }
    if (c === HTAB || c === FF)
      return this.headFail('HPE_INVALID_URL', 'Invalid characters in url', p + 1);
    return this.headFail('HPE_INVALID_URL', reason, p);
  }

  /**
   * The protocol name ended just before `hBuf[p]`. As llhttp, a request's
   * method must be one that protocol has; then anything but HTTP is
   * refused (RFC 9112 §2.3: HTTP-name is "HTTP"), where llhttp would go on.
   */
  protected protocolKnown(p: number): boolean {
    const proto = this.hProto;
    if (this.isRequest) {
      const flags = METHOD_FLAGS[this.hNode]!;
      if (proto === P_HTTP && (flags & M_HTTP) === 0) {
        this.headFail('HPE_INVALID_CONSTANT', 'Invalid method for HTTP/x.x request', p);
        return false;
      }
      if (proto === P_RTSP && (flags & M_RTSP) === 0) {
        this.headFail('HPE_INVALID_CONSTANT', 'Invalid method for RTSP/x.x request', p);
        return false;
      }
      if (proto === P_ICE && (flags & M_ICE) === 0) {
        this.headFail('HPE_INVALID_CONSTANT', 'Expected SOURCE method for ICE/x.x request', p);
        return false;
      }
    }
    if (proto === P_HTTP) return true;
    this.headFail('HPE_INVALID_CONSTANT', 'Expected HTTP/', p);
    return false;
  }

  /**
   * HTTP-version (§2.3) just read. Requests: 1.0 and 1.1 (2.0 only to
   * reach the HTTP/2 preface); responses may also say 0.9 (as llhttp
   * allows). llhttp takes 0.9 and 2.0 from anyone. Lenient: any.
   */
  protected versionKnown(): boolean {
    const major = this.versionMajor;
    const minor = this.versionMinor;
    if (this.lenient || (major === 1 && minor <= 1)) return true;
    if (!this.isRequest) return major === 0 && minor === 9;
    return major === 2 && minor === 0 && (METHOD_FLAGS[this.hNode]! & M_PRI) !== 0;
  }

  /**
   * A field-name (`hNameStart` to `hNameEnd`) is followed by `c` at
   * `hBuf[p]`, not the colon. No whitespace is allowed between the name
   * and the colon (§5.1); llhttp reports it one byte later after a name
   * it treats specially.
   */
  protected nameFail(c: number, p: number): number {
    if (c === SP) {
      const kind = classifyFieldName(this.hBuf, this.hBase + this.hNameStart, p);
      if (kind !== FIELD_OTHER && kind !== FIELD_HOST) {
        if (!this.spanEnd(p, 1)) return R_ERROR;
        return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header field char', p + 1);
      }
    }
    return this.headFail('HPE_INVALID_HEADER_TOKEN', 'Invalid header token', p);
  }

  /**
   * The field-name ends at the colon at `hBuf[p]`. Counts it, classifies it
   * and refuses Transfer-Encoding with Content-Length (§6.1, §6.3) as soon
   * as the second of them is named. False when the message is rejected.
   */
  protected nameDone(p: number): boolean {
    const base = this.hBase;
    if (!this.spanEnd(p, 1)) return false;
    const kind = classifyFieldName(this.hBuf, base + this.hNameStart, base + this.hNameEnd);
    this.hKind = kind;
    if (this.lenient) return true;
    if (kind === FIELD_TRANSFER_ENCODING && this.contentLength >= 0) {
      this.headFail(
        'HPE_INVALID_TRANSFER_ENCODING',
        "Transfer-Encoding can't be present with Content-Length",
        p + 1,
      );
      return false;
    }
    if (kind === FIELD_CONTENT_LENGTH && this.teFlags !== 0) {
      this.headFail(
        'HPE_INVALID_CONTENT_LENGTH',
        "Content-Length can't be present with Transfer-Encoding",
        p + 1,
      );
      return false;
    }
    return true;
  }

  /**
   * The value of a framing field (`hKind`) starts at `hBuf[p]`. Returns the
   * state that scans it, or `R_ERROR`.
   */
  protected valueStart(p: number): number {
    switch (this.hKind) {
      case FIELD_CONTENT_LENGTH:
        // One Content-Length line (as llhttp: even the same value twice, which RFC 9110 §8.6 lets us reject).
        if (this.contentLength >= 0) {
          return this.headFail('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length', p);
        }
        this.hCl = 0;
        return H_CL;
      case FIELD_TRANSFER_ENCODING:
        if ((this.teFlags & TE_CHUNKED) !== 0 && this.isRequest && !this.lenient) {
          return this.badTransferEncoding(p);
        }
        this.teFlags = TE_PRESENT;
        this.hK = 0;
        return H_TE_CHUNKED;
      case FIELD_CONNECTION:
        this.hPending = 0;
        return H_CONN;
      case FIELD_UPGRADE:
        this.hasUpgrade = true;
        return H_VALUE;
      default:
        return H_VALUE;
    }
  }

  /**
   * A request's Transfer-Encoding goes on after `chunked` (RFC 9112 §6.1:
   * chunked is applied once, last) at `hBuf[p]`.
   */
  protected badTransferEncoding(p: number): number {
    if (!this.spanEnd(p, 1)) return R_ERROR;
    return this.headFail(
      'HPE_INVALID_TRANSFER_ENCODING',
      'Invalid `Transfer-Encoding` header value',
      p + 1,
    );
  }

  /** A field line is complete: record its offsets and apply what its value says. */
  protected recordField(): void {
    const k = this.fieldCount << 2;
    if (k + 4 > this.offsets.length) this.growOffsets();
    const o = this.offsets;
    o[k] = this.hNameStart;
    o[k + 1] = this.hNameEnd;
    o[k + 2] = this.hValueStart;
    o[k + 3] = this.hValueEnd;
    this.fieldCount++;
    switch (this.hKind) {
      case FIELD_OTHER:
        return;
      case FIELD_TRANSFER_ENCODING:
        // An empty line is an empty list (RFC 9110 §5.6.1): present, no coding.
        this.teFlags |= TE_PRESENT | (this.hPending !== 0 ? TE_CHUNKED : 0);
        break;
      case FIELD_CONNECTION:
        this.connFlags |= this.hPending;
        break;
      case FIELD_HOST:
        if (!this.hTrailers) this.hostCount++;
        break;
    }
    this.hPending = 0;
  }

  /** Lenient obs-fold: the line `hValueStart` to `hValueEnd` continues the last field's value. */
  protected foldInto(buf: Buffer): void {
    const base = this.hBase;
    const start = base + this.hValueStart;
    const stop = trimEnd(buf, start, base + this.hValueEnd);
    if (this.hKind === FIELD_CONNECTION && !this.hTrailers) {
      this.connFlags |= scanConnection(buf, start, stop);
    }
    if (stop === start) return;
    const field = this.fieldCount - 1;
    const folded = this.folded ?? (this.folded = []);
    let before = folded[field];
    if (before === undefined) {
      const k = field << 2;
      const from = base + this.offsets[k + 2]!;
      before = latin1(buf, from, trimEnd(buf, from, base + this.offsets[k + 3]!));
    }
    folded[field] = `${before} ${latin1(buf, start, stop)}`;
  }

  /** The fields so far of `table`, in this parser's own table (made or grown as needed). */
  protected privateOffsets(table: Int32Array): Int32Array {
    const used = this.fieldCount << 2;
    let own = this.ownOffsets;
    if (own === null || own.length <= used) {
      // Room for a few more fields; growOffsets doubles it if the section goes on.
      let size = 32;
      while (size <= used + 4) size *= 2;
      own = this.ownOffsets = new Int32Array(size);
    }
    own.set(table.subarray(0, used));
    return own;
  }

  protected growOffsets(): void {
    const next = new Int32Array(this.offsets.length * 2);
    next.set(this.offsets);
    if (this.offsets === sharedOffsets) sharedOffsets = next;
    else if (this.offsets === this.ownOffsets) this.ownOffsets = next;
    this.offsets = next;
  }

  /**
   * The header or trailer section ended at `hBuf[sectionEnd]`, which is
   * `next` in the current input. Decodes it, reports it, and sets up the body.
   */
  protected headDone(sectionEnd: number, next: number): number {
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
      if (f === undefined) {
        // Trailing whitespace is not part of the value (§5).
        const vs = o[k + 2]!;
        raw[j + 1] = text.slice(vs, trimEnd(buf, base + vs, base + o[k + 3]!) - base);
      } else raw[j + 1] = f;
    }
    this.offsets = sharedOffsets; // a private table (see headFirst) is done with
    this.hBuf = EMPTY;
    this.hInScratch = false;
    if (this.hTrailers) return this.trailersDone(next, raw);
    return this.headersComplete(text, raw, next);
  }

  /** Forgets the connection (see `HttpParser.reset`), keeping small buffers for the next. */
  protected resetHead(kind: 'request' | 'response' | undefined): void {
    if (kind !== undefined) this.isRequest = kind === 'request';
    this.error = null;
    this.state = S_IDLE;
    this.stopOffset = 0;
    this.consumed = 0;
    this.hBuf = EMPTY;
    this.hInScratch = false;
    if (this.scratch.length > KEPT_SCRATCH) this.scratch = EMPTY;
    if (this.ownOffsets !== null && this.ownOffsets.length > 128) this.ownOffsets = null;
    this.hLen = 0;
    this.fieldCount = 0;
    this.offsets = sharedOffsets;
    this.folded = null;
  }

  /** The parser stops for good (an error is set). */
  protected stop(): void {
    this.state = S_ERROR;
    this.hBuf = EMPTY;
  }

  /** A header section is complete: report it and set up the body. Returns like `headDone`. */
  protected abstract headersComplete(text: string, raw: string[], next: number): number;

  /** A trailer section is complete: end the message. Returns like `headDone`. */
  protected abstract trailersDone(next: number, raw: string[]): number;
}
