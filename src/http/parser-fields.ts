/**
 * The field lines that decide message framing and connection persistence
 * (RFC 9112 §6, §9), read straight from the bytes of a field value: no strings
 * are made for them. Every function takes `buf[start, end)` = the field value
 * with its surrounding OWS already removed.
 */
import * as chars from './parser-chars.js';

// Module-local copies: imported bindings compiled to CommonJS are getter
// calls, too slow for byte loops (see parser.ts).
const { COMMA, DQUOTE, EQUALS, HTAB, QDTEXT, QUOTED_PAIR, SEMI, SP, TOKEN } = chars;

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
const UPGRADE = lower('upgrade');
const CONNECTION = lower('connection');
const CONTENT_LENGTH = lower('content-length');
const PROXY_CONNECTION = lower('proxy-connection');
const TRANSFER_ENCODING = lower('transfer-encoding');
const CHUNKED = lower('chunked');
const CLOSE = lower('close');
const KEEP_ALIVE = lower('keep-alive');

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

/** `parseContentLength` failures (negative, so any length is >= 0). */
export const CL_EMPTY = -1;
export const CL_INVALID = -2;
export const CL_OVERFLOW = -3;
export const CL_MISMATCH = -4;

/**
 * Parses a Content-Length value (RFC 9110 §8.6): `1*DIGIT`, no sign, no inner
 * space, at most 2^53 - 1. A comma-separated list of identical values
 * (`42, 42`, what a proxy makes of two identical field lines) is accepted as
 * RFC 9112 §6.3 allows; differing values are `CL_MISMATCH`.
 * Returns the length in bytes or a negative `CL_*` code.
 */
export function parseContentLength(buf: Uint8Array, start: number, end: number): number {
  if (start === end) return CL_EMPTY;
  let result = -1;
  let p = start;
  for (;;) {
    const digits = p;
    let v = 0;
    while (p < end) {
      const c = buf[p]!;
      if (c < 0x30 || c > 0x39) break;
      // Exact while <= 2^53 - 1; the first step past it is caught here.
      v = v * 10 + (c - 0x30);
      if (v > Number.MAX_SAFE_INTEGER) return CL_OVERFLOW;
      p++;
    }
    if (p === digits) return CL_INVALID;
    if (result === -1) result = v;
    else if (result !== v) return CL_MISMATCH;
    while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++;
    if (p === end) return result;
    if (buf[p] !== COMMA) return CL_INVALID;
    p++;
    while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++;
    if (p === end) return CL_INVALID;
  }
}

/** Transfer-Encoding state, accumulated over every field line of a message. */
export const TE_PRESENT = 1;
/** The last coding seen so far is `chunked`. */
export const TE_CHUNKED_FINAL = 2;
/** `chunked` was seen (a second one is an error, RFC 9112 §6.1). */
export const TE_CHUNKED_SEEN = 4;
/** `scanTransferEncoding` failures. */
export const TE_BAD_SYNTAX = -1;
export const TE_CHUNKED_TWICE = -2;
export const TE_CHUNKED_PARAMS = -3;

/** Skips OWS; returns the first position that is not SP / HTAB. */
function skipOws(buf: Uint8Array, p: number, end: number): number {
  while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++;
  return p;
}

/** Skips a quoted-string starting at the `"` at `p`; returns the position after it, or -1. */
function skipQuoted(buf: Uint8Array, p: number, end: number): number {
  p++;
  while (p < end) {
    const c = buf[p]!;
    if (c === DQUOTE) return p + 1;
    if (c === 0x5c) {
      if (p + 1 >= end || QUOTED_PAIR[buf[p + 1]!] !== 1) return -1;
      p += 2;
    } else if (QDTEXT[c] === 1) p++;
    else return -1;
  }
  return -1;
}

/**
 * Skips `*( OWS ";" OWS token BWS "=" BWS ( token / quoted-string ) )` (the
 * transfer-parameters of RFC 9112 §7.3), starting at a `;`. Returns the
 * position after the last parameter, or -1 when malformed.
 */
function skipParameters(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] === SEMI) {
    p = skipOws(buf, p + 1, end);
    const name = p;
    while (p < end && TOKEN[buf[p]!] === 1) p++;
    if (p === name) return -1;
    p = skipOws(buf, p, end);
    if (p >= end || buf[p] !== EQUALS) return -1;
    p = skipOws(buf, p + 1, end);
    if (p < end && buf[p] === DQUOTE) {
      p = skipQuoted(buf, p, end);
      if (p < 0) return -1;
    } else {
      const value = p;
      while (p < end && TOKEN[buf[p]!] === 1) p++;
      if (p === value) return -1;
    }
    p = skipOws(buf, p, end);
  }
  return p;
}

/**
 * Folds one Transfer-Encoding field line into `flags` (RFC 9112 §6.1): a
 * comma-separated list of transfer-codings, each a token with optional
 * parameters; empty list elements are ignored (RFC 9110 §5.6.1).
 * `chunked` (case-insensitive) must come at most once, take no parameters,
 * and is final only if nothing follows it. Returns the new flags (always with
 * `TE_PRESENT`) or a negative `TE_*` code.
 */
export function scanTransferEncoding(
  buf: Uint8Array,
  start: number,
  end: number,
  flags: number,
): number {
  flags |= TE_PRESENT;
  let p = start;
  for (;;) {
    while (p < end) {
      const c = buf[p];
      if (c !== SP && c !== HTAB && c !== COMMA) break;
      p++;
    }
    if (p === end) return flags;
    const name = p;
    while (p < end && TOKEN[buf[p]!] === 1) p++;
    if (p === name) return TE_BAD_SYNTAX;
    const chunked = p - name === 7 && equalsLower(buf, name, CHUNKED);
    if (chunked) {
      if ((flags & TE_CHUNKED_SEEN) !== 0) return TE_CHUNKED_TWICE;
      flags |= TE_CHUNKED_SEEN | TE_CHUNKED_FINAL;
    } else {
      flags &= ~TE_CHUNKED_FINAL;
    }
    p = skipOws(buf, p, end);
    if (p < end && buf[p] === SEMI) {
      if (chunked) return TE_CHUNKED_PARAMS;
      p = skipParameters(buf, p, end);
      if (p < 0) return TE_BAD_SYNTAX;
    }
    if (p === end) return flags;
    if (buf[p] !== COMMA) return TE_BAD_SYNTAX;
  }
}

/** Connection options that matter to the parser (RFC 9110 §7.6.1). */
export const CONN_CLOSE = 1;
export const CONN_KEEP_ALIVE = 2;
export const CONN_UPGRADE = 4;

/**
 * Reads the connection options of one Connection field line: a
 * comma-separated list of tokens, compared case-insensitively. Unknown or
 * malformed elements are ignored. Returns `CONN_*` bits.
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
