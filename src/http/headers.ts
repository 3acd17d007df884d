/**
 * Header-field rules shared by the server and the client: token and
 * field-value validation (RFC 9110 §5.1, §5.5), and the way Node folds
 * received field lines into `message.headers` / `message.headersDistinct`.
 */
import { codedError } from '../errors/index.js';

/** `message.headers`: lower-cased names; `set-cookie` is always an array. */
export interface IncomingHttpHeaders {
  [name: string]: string | string[] | undefined;
  'set-cookie'?: string[];
}

/** `message.headersDistinct`: lower-cased names, every value an array in arrival order. */
export type IncomingHttpHeadersDistinct = Record<string, string[]>;

/** A header value accepted by `setHeader` / `writeHead`: numbers are sent in decimal. */
export type OutgoingHttpHeader = number | string | readonly string[];

/** `{ name: value }` as given to `writeHead`, `setHeaders` or `http.request({ headers })`. */
export type OutgoingHttpHeaders = Record<string, OutgoingHttpHeader | undefined>;

// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~" / DIGIT / ALPHA.
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** True when `s` is a non-empty RFC 9110 token (method, field name). */
export function checkIsHttpToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  // A table lookup per char beats a regular expression on the short names
  // that dominate real traffic.
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] === 0) return false;
  }
  return true;
}

// field-value chars (RFC 9110 §5.5): HTAB, SP, VCHAR, obs-text. Everything
// else (CR, LF, NUL, other controls, chars above 0xff) could split or corrupt
// the head, so it is refused (header injection).
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** True when `s` holds a character not allowed in a field value (e.g. CR or LF). */
export function checkInvalidHeaderChar(s: string): boolean {
  return INVALID_VALUE_CHAR.test(s);
}

/**
 * `http.validateHeaderName(name[, label])`: throws `ERR_INVALID_HTTP_TOKEN`
 * (TypeError) unless `name` is a valid token (RFC 9110 §5.1).
 */
export function validateHeaderName(name: string, label = 'Header name'): void {
  if (typeof name !== 'string' || !name || !checkIsHttpToken(name)) {
    throw codedError('ERR_INVALID_HTTP_TOKEN', label, name);
  }
}

/**
 * `http.validateHeaderValue(name, value)`: throws
 * `ERR_HTTP_INVALID_HEADER_VALUE` for `undefined`, `ERR_INVALID_CHAR` when the
 * value (or an element of an array value) holds a character outside
 * RFC 9110 §5.5 field-value (CR and LF in particular).
 */
export function validateHeaderValue(name: string, value: unknown): void {
  if (value === undefined) throw codedError('ERR_HTTP_INVALID_HEADER_VALUE', value, name);
  if (typeof value === 'string') {
    if (INVALID_VALUE_CHAR.test(value))
      throw codedError('ERR_INVALID_CHAR', 'header content', name);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      if (INVALID_VALUE_CHAR.test(String(v))) {
        throw codedError('ERR_INVALID_CHAR', 'header content', name);
      }
    }
    return;
  }
  if (INVALID_VALUE_CHAR.test(String(value))) {
    throw codedError('ERR_INVALID_CHAR', 'header content', name);
  }
}

// How a repeated field is folded into `message.headers` (Node's
// matchKnownFields): 0 keep the first, 1 array (set-cookie), 2 join with '; '
// (cookie); anything else joins with ', ' (RFC 9110 §5.3).
const KEEP_FIRST = 0;
const ARRAY = 1;
const JOIN_SEMI = 2;
const FOLD: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  'content-type': KEEP_FIRST,
  'content-length': KEEP_FIRST,
  'user-agent': KEEP_FIRST,
  referer: KEEP_FIRST,
  host: KEEP_FIRST,
  authorization: KEEP_FIRST,
  'proxy-authorization': KEEP_FIRST,
  'if-modified-since': KEEP_FIRST,
  'if-unmodified-since': KEEP_FIRST,
  from: KEEP_FIRST,
  location: KEEP_FIRST,
  'max-forwards': KEEP_FIRST,
  'retry-after': KEEP_FIRST,
  etag: KEEP_FIRST,
  'last-modified': KEEP_FIRST,
  server: KEEP_FIRST,
  age: KEEP_FIRST,
  expires: KEEP_FIRST,
  'set-cookie': ARRAY,
  cookie: JOIN_SEMI,
});

/**
 * Adds one received field line to a `message.headers`-shaped object, the way
 * Node folds duplicates: `set-cookie` becomes an array, `cookie` is joined
 * with `'; '`, the fields Node keeps once (content-type, content-length,
 * host, authorization, ...) keep the first value — unless `joinDuplicates`
 * (the `joinDuplicateHeaders` option) — and every other field is joined
 * with `', '` (RFC 9110 §5.3). `name` must be lower-cased.
 */
export function addHeaderLine(
  out: Record<string, unknown>,
  name: string,
  value: string,
  joinDuplicates: boolean,
): void {
  const fold = FOLD[name];
  const prev = out[name];
  if (fold === undefined || fold === JOIN_SEMI) {
    // Only a string already there is joined to: a name such as
    // 'constructor' finds the prototype's function, which is replaced.
    if (typeof prev === 'string') out[name] = `${prev}${fold === JOIN_SEMI ? '; ' : ', '}${value}`;
    else out[name] = value;
  } else if (fold === ARRAY) {
    if (prev !== undefined) (prev as string[]).push(value);
    else out[name] = [value];
  } else if (prev === undefined) {
    out[name] = value;
  } else if (joinDuplicates) {
    out[name] = `${prev as string}, ${value}`;
  }
}

/**
 * Folds flattened field lines `[name, value, ...]` into Node's
 * `message.headers` object (see `addHeaderLine`). Only the first `limit`
 * entries of `raw` are used (`maxHeadersCount` × 2; 0 = all).
 */
export function buildHeaders(
  raw: readonly string[],
  joinDuplicates: boolean,
  limit = 0,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const n = limit > 0 && limit < raw.length ? limit : raw.length;
  for (let i = 0; i < n; i += 2) {
    addHeaderLine(out, raw[i]!.toLowerCase(), raw[i + 1]!, joinDuplicates);
  }
  return out;
}

/** `message.headersDistinct`: every field name (lower-cased) maps to all its values in order. */
export function buildHeadersDistinct(raw: readonly string[]): IncomingHttpHeadersDistinct {
  const out: IncomingHttpHeadersDistinct = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const list = out[name];
    if (list === undefined) out[name] = [raw[i + 1]!];
    else list.push(raw[i + 1]!);
  }
  return out;
}

/** The first value of field `lowerName` in flattened field lines, matched case-insensitively. */
export function findRawHeader(raw: readonly string[], lowerName: string): string | undefined {
  const n = lowerName.length;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === n && name.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}

/** `maxHeadersCount` as a `rawHeaders` entry count: 2000 lines by default, 0 = no limit. */
export function headerEntryLimit(maxHeadersCount: unknown): number {
  return typeof maxHeadersCount === 'number' ? maxHeadersCount * 2 : 4000;
}
