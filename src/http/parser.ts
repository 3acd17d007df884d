/**
 * The sans-IO HTTP/1.1 message parser (RFC 9112). See `parser-types.ts` for
 * the contract. Bytes go in through `execute`, events come out through
 * `handlers`; the parser owns no socket, timer or clock.
 *
 * How it works, and why (this is the hottest path of the project):
 *
 * - The header section (start line + field lines + empty line, RFC 9112
 *   §2.1) and the trailer section are scanned by `HeadParser`
 *   (parser-head.ts), which this class extends: in place, table-driven,
 *   resumable at any byte; decoded into one latin1 string when complete.
 * - Every error is reported at the byte that makes the message invalid, as
 *   soon as that byte arrives (never later, when a line ends or the peer
 *   closes), with the code, reason and offset Node's parser (llhttp)
 *   reports for the same input. Nothing depends on how the input is split,
 *   except what Node's own size accounting depends on (see `maxHeaderSize`
 *   and `MAX_CHUNK_EXTENSIONS_SIZE`). Where we are stricter than llhttp, it
 *   is on purpose (RFC 9112; docs/node-compat-http.md, "Parser strictness").
 * - Every framing error of a header section (RFC 9112 §6.1, §6.3) is found
 *   before `onHeadersComplete`: a message that cannot be framed never reaches
 *   the application.
 * - Bodies are never copied: `onBody` gets `subarray` views of the input.
 *   Chunked framing (§7.1) is a small per-byte state machine over the
 *   chunk-size lines only; chunk data is skipped over by length.
 * - All state is integer fields on the instance, set in the constructors so
 *   the hidden class never changes.
 */
import * as chars from './parser-chars.js';
import { createParseError } from './parser-error.js';
import * as fields from './parser-fields.js';
import * as head from './parser-head.js';
import { HeadParser, type HttpParserOptions } from './parser-head.js';
import * as methods from './parser-methods.js';
import {
  type HeadersInfo,
  HeadersResult,
  type HttpParseError,
  type HttpParserHandlers,
} from './parser-types.js';

export { DEFAULT_MAX_HEADER_SIZE, type HttpParserOptions } from './parser-head.js';

// Imported tables, byte values and helpers, bound once to module-local
// constants. Why: when this file is compiled to CommonJS (tsx / esbuild),
// every use of an imported binding becomes a getter call on the module
// object, which in the byte loops below cost more than the parsing itself;
// a local `const` is a plain slot that the JIT constant-folds.
const { BACKSLASH, CR, DQUOTE, EQUALS, HEX_VALUE, HTAB, LF, QDTEXT, QUOTED_PAIR, SEMI, SP, TOKEN } =
  chars;
const { METHOD_FLAGS, METHOD_NAMES, M_CONNECT } = methods;
const { CONN_CLOSE, CONN_KEEP_ALIVE, CONN_UPGRADE, TE_CHUNKED } = fields;
const {
  S_BODY_CL,
  S_BODY_EOF,
  S_CHUNK_DATA,
  S_CHUNK_DATA_CR,
  S_CHUNK_DATA_LF,
  S_CHUNK_SIZE,
  S_CHUNK_SIZE_LF,
  S_CHUNK_SIZE_OWS,
  S_CHUNK_SIZE_START,
  S_CLOSED,
  S_ERROR,
  S_EXT_NAME,
  S_EXT_QUOTED,
  S_EXT_QUOTED_DONE,
  S_EXT_QUOTED_PAIR,
  S_EXT_START,
  S_EXT_VALUE,
  S_HEAD,
  S_IDLE,
  S_UPGRADED,
} = head;
const RESULT_SKIP_BODY: number = HeadersResult.SkipBody;
const RESULT_UPGRADE: number = HeadersResult.Upgrade;

/** Largest total size of the chunk extensions of one chunk, in bytes (as Node). */
export const MAX_CHUNK_EXTENSIONS_SIZE = 16384;

// How the body of a message is delimited (RFC 9112 §6.3).
const BODY_NONE = 0;
const BODY_LENGTH = 1;
const BODY_CHUNKED = 2;
const BODY_EOF = 3;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * An incremental HTTP/1.1 parser for one connection: requests (server side)
 * or responses (client side), any number of messages in a row (keep-alive,
 * pipelining). Strict by default (RFC 9112 §11 request-smuggling defences);
 * `lenient` relaxes what Node's `insecureHTTPParser` relaxes.
 */
export class HttpParser extends HeadParser {
  /** Receives the events. May be replaced at any time between callbacks. */
  handlers: HttpParserHandlers;
  /** The message being received, as its owner tracks it (Node's `parser.incoming`); null when freed. */
  incoming: unknown = null;
  /** Bumped by `reset()`; lets `execute` notice a reset done by a handler. */
  private generation = 0;
  // Body.
  /** Bytes left in the Content-Length body or the current chunk; the chunk-size while reading it. */
  private remaining = 0;
  /** Node's chunk-extension accounting: bytes of extension names and values of this chunk. */
  private extCount = 0;
  /** An extension name or value continues from the previous input. */
  private extOpen = false;
  /** Whether the connection persists after the current message (§9.3). */
  private keepAlive = true;
  /** The current message is an interim (1xx) response: another response follows. */
  private interim = false;

  constructor(
    kind: 'request' | 'response',
    handlers: HttpParserHandlers,
    options?: HttpParserOptions,
  ) {
    super(kind, options);
    this.handlers = handlers;
  }

  /**
   * Makes a used parser (from a pool) as good as `new HttpParser(kind,
   * handlers, options)`.
   */
  initialize(
    kind: 'request' | 'response',
    handlers: HttpParserHandlers,
    options?: HttpParserOptions,
  ): void {
    this.handlers = handlers;
    this.configure(options);
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
   * requests and responses (parser pools). A small scratch buffer is kept
   * for the next connection; one grown for a large header section is let
   * go, so that idle parsers in a pool hold little memory.
   */
  reset(kind?: 'request' | 'response'): void {
    this.resetHead(kind);
    this.generation++;
    this.incoming = null;
    this.keepAlive = true;
    this.interim = false;
    this.extOpen = false;
  }

  /**
   * Parses `data`, calling the handlers synchronously. Returns the number of
   * bytes consumed: `data.length`, except
   * - after an upgrade message (`HeadersInfo.upgrade`, or `onHeadersComplete`
   *   returning `HeadersResult.Upgrade`): the offset just past its header
   *   section; the rest belongs to the new protocol, and later calls return 0
   *   until `reset()`;
   * - on a parse error: `error.bytesParsed`, the offset in `data` where the
   *   parser stopped (as Node's parser reports it: at the offending byte or
   *   just after it); later calls return 0.
   */
  execute(data: Buffer): number {
    if (this.state > S_CLOSED) return 0; // upgraded or failed
    const generation = this.generation;
    const end = data.length;
    let pos = 0;
    while (pos < end) {
      switch (this.state) {
        case S_IDLE: {
          // Empty lines (and, as llhttp, stray CR or LF) before a message are skipped.
          let c = data[pos]!;
          while (c === CR || c === LF) {
            if (++pos === end) break;
            c = data[pos]!;
          }
          if (pos < end) pos = this.headStart(data, pos, end, false);
          break;
        }
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
   * `HPE_INVALID_EOF_STATE` error, shaped as Node's (`bytesParsed` 0,
   * message `Parse Error`).
   */
  finish(): HttpParseError | null {
    switch (this.state) {
      case S_IDLE:
      case S_CLOSED:
      case S_UPGRADED:
      case S_ERROR:
        return null;
      case S_BODY_EOF:
        this.state = S_CLOSED;
        this.handlers.onMessageComplete([]);
        return null;
      default:
        this.error = createParseError(
          'HPE_INVALID_EOF_STATE',
          'Invalid EOF state',
          0,
          'Parse Error',
        );
        this.stop();
        return this.error;
    }
  }

  /**
   * RFC 9112 §9.3 (and llhttp's reading of it): whether the connection
   * persists after a message with these framing fields. HTTP/1.1 persists
   * unless "close"; HTTP/1.0 only with "keep-alive" (and never with
   * Transfer-Encoding, §6.1); "close" wins over "keep-alive".
   */
  private persists(major: number, minor: number): boolean {
    const conn = this.connFlags;
    if ((conn & CONN_CLOSE) !== 0) return false;
    if (major > 0 && minor > 0) return true;
    return (conn & CONN_KEEP_ALIVE) !== 0 && !(major === 1 && minor === 0 && this.teFlags !== 0);
  }

  /** The header section is complete: report it and set up the body (RFC 9112 §6.3). */
  protected headersComplete(text: string, raw: string[], next: number): number {
    const isRequest = this.isRequest;
    const major = this.versionMajor;
    const minor = this.versionMinor;
    const te = this.teFlags;
    let contentLength = this.contentLength;
    const status = this.statusCode;

    let keepAlive = this.persists(major, minor);
    // §6.3 (3): both fields (lenient only gets here): Transfer-Encoding wins, close after.
    if (te !== 0 && contentLength >= 0) {
      keepAlive = false;
      contentLength = -1;
    }

    let body: number;
    if (!isRequest && (status < 200 || status === 204 || status === 304)) {
      body = BODY_NONE; // §6.3 (1)
    } else if (te !== 0) {
      if ((te & TE_CHUNKED) !== 0) body = BODY_CHUNKED;
      else if (isRequest && !this.lenient) {
        // §6.3 (3): a request whose final coding is not chunked cannot be
        // framed: 400, before anyone sees it (llhttp reports its head first).
        return this.fail(
          'HPE_INVALID_TRANSFER_ENCODING',
          'Request has invalid `Transfer-Encoding`',
          this.consumed + next,
        );
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
      method = METHOD_NAMES[this.hNode]!;
      url = text.slice(this.targetStart, this.targetEnd);
      upgrade =
        (METHOD_FLAGS[this.hNode]! & M_CONNECT) !== 0 ||
        (this.hasUpgrade && (this.connFlags & CONN_UPGRADE) !== 0);
      if (this.requireHost && this.hostCount !== 1 && !upgrade && major === 1 && minor === 1) {
        const reason = this.hostCount === 0 ? 'Missing Host header' : 'Duplicate Host header';
        return this.fail('HPE_STRICT', reason, this.consumed + next);
      }
    } else {
      statusMessage = text.slice(this.reasonStart, this.reasonEnd);
      // A 101 switches protocols only with Upgrade and Connection: upgrade
      // (RFC 9110 §7.8, as llhttp decides); without them it is a final,
      // bodiless response (Node's client emits 'response' for it).
      upgrade = status === 101 && this.hasUpgrade && (this.connFlags & CONN_UPGRADE) !== 0;
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
    this.interim = !isRequest && status < 200 && status !== 101;
    this.keepAlive = keepAlive;
    const generation = this.generation;
    const result = this.handlers.onHeadersComplete(info);
    if (this.generation !== generation) {
      this.stopOffset = next;
      return -1;
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
   * The trailer section ended. Its Connection lines count as llhttp counts
   * them ("close" there ends the connection too); for a response, a
   * Transfer-Encoding there that leaves chunked not final does as well.
   */
  protected trailersDone(next: number, raw: string[]): number {
    if (this.keepAlive) {
      if ((this.connFlags & CONN_CLOSE) !== 0) this.keepAlive = false;
      else if (!this.isRequest && (this.teFlags & TE_CHUNKED) === 0) this.keepAlive = false;
    }
    return this.complete(next, raw);
  }

  /**
   * Ends the current message at `next` (an index in the current input) and
   * calls `onMessageComplete`. Returns `next`, or -1 if a handler reset us.
   */
  private complete(next: number, trailers: string[]): number {
    this.state = this.keepAlive || this.interim || this.lenient ? S_IDLE : S_CLOSED;
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
   * data itself, byte by byte (these lines are short), with llhttp's codes:
   * no whitespace around a chunk-size or inside chunk extensions. Returns to
   * the main loop as soon as the chunk-size line ends.
   */
  private chunkFraming(data: Buffer, pos: number, end: number): number {
    const lenient = this.lenient;
    let state = this.state;
    let size = this.remaining;
    /** Start of the extension name or value being read (Node counts their bytes), or -1. */
    let span = this.extOpen ? pos : -1;
    while (pos < end) {
      const c = data[pos]!;
      switch (state) {
        case S_CHUNK_SIZE_START: {
          const h = HEX_VALUE[c]!;
          if (h < 0) {
            return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size', pos);
          }
          size = h;
          this.extCount = 0;
          state = S_CHUNK_SIZE;
          pos++;
          break;
        }
        case S_CHUNK_SIZE: {
          const h = HEX_VALUE[c]!;
          if (h >= 0) {
            size = size * 16 + h;
            pos++;
            // Exact up to 2^53 - 1; beyond, a size we could not count (§7.1).
            if (size > MAX_SAFE)
              return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Chunk size overflow', pos);
            break;
          }
          if (c === CR) {
            state = S_CHUNK_SIZE_LF;
            pos++;
          } else if (c === SEMI) {
            state = S_EXT_START;
            pos++;
          } else if (c === LF) {
            if (!lenient) {
              return this.failAt(
                'HPE_CR_EXPECTED',
                'Missing expected CR after chunk size',
                pos + 1,
              );
            }
            return this.chunkSizeDone(data, pos + 1, end, size);
          } else if ((c === SP || c === HTAB) && lenient) {
            state = S_CHUNK_SIZE_OWS;
            pos++;
          } else {
            return this.failAt(
              'HPE_INVALID_CHUNK_SIZE',
              'Invalid character in chunk size',
              c === SP || c === HTAB ? pos + 1 : pos,
            );
          }
          break;
        }
        case S_CHUNK_SIZE_OWS:
          if (c === SP || c === HTAB) pos++;
          else if (c === CR || c === SEMI) {
            state = c === CR ? S_CHUNK_SIZE_LF : S_EXT_START;
            pos++;
          } else if (c === LF) return this.chunkSizeDone(data, pos + 1, end, size);
          else return this.failAt('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size', pos);
          break;
        case S_EXT_START:
          if (c === SP || c === CR) {
            return this.failAt('HPE_STRICT', 'Invalid character in chunk extensions', pos + 1);
          }
          span = pos;
          state = S_EXT_NAME;
          break;
        case S_EXT_NAME:
        case S_EXT_VALUE: {
          if (TOKEN[c] === 1) {
            pos++;
            break;
          }
          const name = state === S_EXT_NAME;
          if (c === DQUOTE && !name) {
            state = S_EXT_QUOTED;
            pos++;
            break;
          }
          if (!this.extSpanEnd(span, pos, c === LF ? 0 : 1)) return -1;
          span = -1;
          if (c === EQUALS && name) {
            pos++;
            span = pos;
            state = S_EXT_VALUE;
          } else if (c === SEMI) {
            pos++;
            state = S_EXT_START;
          } else if (c === CR) {
            pos++;
            state = S_CHUNK_SIZE_LF;
          } else if (c === LF) {
            if (!lenient) {
              const what = name ? 'name' : 'value';
              return this.failAt(
                'HPE_CR_EXPECTED',
                `Missing expected CR after chunk extension ${what}`,
                pos,
              );
            }
            return this.chunkSizeDone(data, pos + 1, end, size);
          } else {
            const what = name ? 'name' : 'value';
            return this.failAt(
              'HPE_STRICT',
              `Invalid character in chunk extensions ${what}`,
              pos + 1,
            );
          }
          break;
        }
        case S_EXT_QUOTED:
          if (QDTEXT[c] === 1) pos++;
          else if (c === DQUOTE) {
            pos++;
            if (!this.extSpanEnd(span, pos, 0)) return -1;
            span = -1;
            state = S_EXT_QUOTED_DONE;
          } else if (c === BACKSLASH) {
            pos++;
            state = S_EXT_QUOTED_PAIR;
          } else {
            if (!this.extSpanEnd(span, pos, 1)) return -1;
            return this.failAt(
              'HPE_STRICT',
              'Invalid character in chunk extensions quoted value',
              pos + 1,
            );
          }
          break;
        case S_EXT_QUOTED_PAIR:
          if (QUOTED_PAIR[c] !== 1) {
            if (!this.extSpanEnd(span, pos, 1)) return -1;
            return this.failAt(
              'HPE_STRICT',
              'Invalid quoted-pair in chunk extensions quoted value',
              pos + 1,
            );
          }
          pos++;
          state = S_EXT_QUOTED;
          break;
        case S_EXT_QUOTED_DONE:
          if (c === SEMI) state = S_EXT_START;
          else if (c === CR) state = S_CHUNK_SIZE_LF;
          else if (c === LF) {
            if (!lenient) {
              return this.failAt(
                'HPE_CR_EXPECTED',
                'Missing expected CR after chunk extension value',
                pos,
              );
            }
            return this.chunkSizeDone(data, pos + 1, end, size);
          } else {
            return this.failAt(
              'HPE_STRICT',
              'Invalid character in chunk extensions quote value',
              pos,
            );
          }
          pos++;
          break;
        case S_CHUNK_SIZE_LF:
          if (c === LF) return this.chunkSizeDone(data, pos + 1, end, size);
          if (lenient) return this.chunkSizeDone(data, pos, end, size);
          return this.failAt('HPE_STRICT', 'Expected LF after chunk size', pos);
        case S_CHUNK_DATA_CR:
          if (c === CR) {
            state = S_CHUNK_DATA_LF;
            pos++;
          } else if (c === LF) {
            if (!lenient) {
              return this.failAt(
                'HPE_CR_EXPECTED',
                'Missing expected CR after chunk data',
                pos + 1,
              );
            }
            state = S_CHUNK_SIZE_START;
            pos++;
          } else if (lenient) {
            state = S_CHUNK_SIZE_START; // the next chunk-size starts here
          } else {
            return this.failAt('HPE_STRICT', 'Expected LF after chunk data', pos);
          }
          break;
        default: // S_CHUNK_DATA_LF
          if (c === LF) pos++;
          else if (!lenient) return this.failAt('HPE_STRICT', 'Expected LF after chunk data', pos);
          state = S_CHUNK_SIZE_START;
          break;
      }
    }
    // The input ends inside an extension: Node counts what it has of it.
    this.extOpen = span >= 0;
    if (span >= 0 && !this.extSpanEnd(span, end, 0)) return -1;
    this.state = state;
    this.remaining = size;
    return pos;
  }

  /**
   * Node's chunk-extension accounting: the name or value from `data[span]`
   * ends at `data[pos]` (`past`: 1 when the delimiter there is stepped over).
   */
  private extSpanEnd(span: number, pos: number, past: number): boolean {
    this.extCount += pos - span;
    if (this.extCount <= MAX_CHUNK_EXTENSIONS_SIZE) return true;
    this.failAt('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'Chunk extensions overflow', pos + past);
    return false;
  }

  /**
   * The chunk-size line ended just before `data[pos]`: start the chunk data,
   * or after the last chunk (size 0) the trailer section.
   */
  private chunkSizeDone(data: Buffer, pos: number, end: number, size: number): number {
    this.extOpen = false;
    if (size === 0) return this.headStart(data, pos, end, true);
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
        return this.failAt('HPE_CLOSED_CONNECTION', 'Data after `Connection: close`', pos + 1);
      }
      pos++;
    }
    return pos;
  }
}
