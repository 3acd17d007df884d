/**
 * The field lines that decide message framing and connection persistence
 * (RFC 9112 §6, §9): recognising their names, and the words the parser
 * matches in their values (it scans those values byte by byte itself, see
 * parser.ts). No strings are made for them.
 */
import * as chars from './parser-chars.js';

// Module-local copies: imported bindings compiled to CommonJS are getter
// calls, too slow for byte loops (see parser.ts).
const { COMMA, HTAB, SP, TOKEN } = chars;

/** Which framing-relevant field a field-name names (case-insensitive). */
export const FIELD_OTHER = 0;
export const FIELD_CONTENT_LENGTH = 1;
export const FIELD_TRANSFER_ENCODING = 2;
export const FIELD_CONNECTION = 3;
export const FIELD_UPGRADE = 4;
/** `Host` (RFC 9112 §3.2): counted, for servers that require exactly one. */
export const FIELD_HOST = 5;

/** The bytes of a lower-case ASCII literal. */
const lower = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

const HOST = lower('host');
const CONNECTION = lower('connection');
const CONTENT_LENGTH = lower('content-length');
const PROXY_CONNECTION = lower('proxy-connection');
const TRANSFER_ENCODING = lower('transfer-encoding');
/** The transfer coding that frames a body (RFC 9112 §7). */
export const CHUNKED = lower('chunked');
export const CLOSE = lower('close');
export const KEEP_ALIVE = lower('keep-alive');
export const UPGRADE = lower('upgrade');

/**
 * True when `buf[start, start + lit.length)` equals `lit`, ASCII
 * case-insensitively. `lit` holds lower-case letters and `-`; `| 0x20`
 * lowers a letter and leaves `-` alone, and no other tchar maps onto those.
 */
export function equalsLower(buf: Uint8Array, start: number, lit: Uint8Array): boolean {
  for (let i = 0; i < lit.length; i++) {
    if ((buf[start + i]! | 0x20) !== lit[i]) return false;
  }
  return true;
}

/**
 * Classifies the field-name `buf[start, end)` (already known to be a token).
 * Switches on the length first so that ordinary names cost one comparison.
 * `Proxy-Connection` counts as `Connection`, as in Node.
 */
export function classifyFieldName(buf: Uint8Array, start: number, end: number): number {
  // Length, then first letter, before comparing: most names fail in two tests
  // (User-Agent has Connection's length; Content-Type nearly Content-Length's).
  const first = buf[start]! | 0x20;
  switch (end - start) {
    case 4:
      return first === 0x68 && equalsLower(buf, start, HOST) ? FIELD_HOST : FIELD_OTHER;
    case 7:
      return first === 0x75 && equalsLower(buf, start, UPGRADE) ? FIELD_UPGRADE : FIELD_OTHER;
    case 10:
      return first === 0x63 && equalsLower(buf, start, CONNECTION) ? FIELD_CONNECTION : FIELD_OTHER;
    case 14:
      return first === 0x63 && equalsLower(buf, start, CONTENT_LENGTH)
        ? FIELD_CONTENT_LENGTH
        : FIELD_OTHER;
    case 16:
      return first === 0x70 && equalsLower(buf, start, PROXY_CONNECTION)
        ? FIELD_CONNECTION
        : FIELD_OTHER;
    case 17:
      return first === 0x74 && equalsLower(buf, start, TRANSFER_ENCODING)
        ? FIELD_TRANSFER_ENCODING
        : FIELD_OTHER;
    default:
      return FIELD_OTHER;
  }
}

/** Transfer-Encoding state (llhttp's flags), over every field line of a message. */
export const TE_PRESENT = 1;
/** The final transfer coding so far is `chunked` (RFC 9112 §6.1). */
export const TE_CHUNKED = 2;

/** Skips OWS; returns the first position that is not SP / HTAB. */
function skipOws(buf: Uint8Array, p: number, end: number): number {
  while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++;
  return p;
}

/** Connection options that matter to the parser (RFC 9110 §7.6.1). */
export const CONN_CLOSE = 1;
export const CONN_KEEP_ALIVE = 2;
export const CONN_UPGRADE = 4;

/**
 * Reads the connection options of a piece of a Connection value (the
 * parser scans values itself; this reads an obs-fold continuation line,
 * which only the lenient parser takes): a comma-separated list of tokens,
 * compared case-insensitively. Unknown or malformed elements are ignored.
 * Returns `CONN_*` bits.
 */
export function scanConnection(buf: Uint8Array, start: number, end: number): number {
  // The usual values, alone: no list to scan.
  const length = end - start;
  if (length === 10 && equalsLower(buf, start, KEEP_ALIVE)) return CONN_KEEP_ALIVE;
  if (length === 5 && equalsLower(buf, start, CLOSE)) return CONN_CLOSE;
  let flags = 0;
  let p = start;
  while (p < end) {
    const c = buf[p];
    if (c === SP || c === HTAB || c === COMMA) {
      p++;
      continue;
    }
    const name = p;
    while (p < end && TOKEN[buf[p]!] === 1) p++;
    const after = skipOws(buf, p, end);
    if (after === end || buf[after] === COMMA) {
      const len = p - name;
      if (len === 5 && equalsLower(buf, name, CLOSE)) flags |= CONN_CLOSE;
      else if (len === 10 && equalsLower(buf, name, KEEP_ALIVE)) flags |= CONN_KEEP_ALIVE;
      else if (len === 7 && equalsLower(buf, name, UPGRADE)) flags |= CONN_UPGRADE;
      p = after;
    } else {
      // Not a bare token: skip this element.
      while (p < end && buf[p] !== COMMA) p++;
    }
  }
  return flags;
}
