/**
 * Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112), as 256-entry
 * lookup tables indexed by byte value. The parser's inner loops are
 * `while (p < end && TABLE[buf[p]] === 1) p++`: one load and one compare per
 * byte, which V8 compiles to a tight loop (faster than chains of range tests).
 */

/** Bytes, by name, that the parser tests for directly. */
export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const COMMA = 0x2c;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const EQUALS = 0x3d;
export const SLASH = 0x2f;
export const STAR = 0x2a;
export const QUESTION = 0x3f;
export const HASH = 0x23;
export const AT = 0x40;
export const DOT = 0x2e;
export const FF = 0x0c;

function table(pred: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}

const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** VCHAR: visible US-ASCII, 0x21-0x7E (RFC 5234 appendix B.1). */
const isVchar = (c: number): boolean => c >= 0x21 && c <= 0x7e;

/** obs-text: 0x80-0xFF (RFC 9110 §5.5). */
const isObsText = (c: number): boolean => c >= 0x80;

/**
 * tchar (RFC 9110 §5.6.2): the bytes of a token — method, field-name,
 * transfer-coding, chunk-ext-name.
 */
export const TOKEN = table((c) => isAlnum(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)));

/**
 * field-vchar / SP / HTAB (RFC 9110 §5.5): the bytes allowed inside a field
 * value. Everything else (CTLs other than HTAB, DEL) is rejected.
 */
export const FIELD_VALUE = table((c) => c === HTAB || c === SP || isVchar(c) || isObsText(c));

/**
 * Lenient field value bytes (Node's insecureHTTPParser): everything but CR and
 * LF, which end the line.
 */
export const FIELD_VALUE_LAX = table((c) => c !== CR && c !== LF);

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** ALPHA (RFC 5234): the first byte of a scheme. */
export const ALPHA = table(isAlpha);

/**
 * The bytes of a request-target's path (RFC 9112 §3.2, RFC 3986 §3.3),
 * as Node's parser takes them: visible ASCII but `#` and `?`, including
 * the ones RFC 3986 wants percent-encoded (`"`, `<`, `{`, ...) because real
 * clients send them. Never obs-text: RFC 3986 allows only ASCII, so a raw
 * UTF-8 path is rejected (`HPE_INVALID_URL`) as Node rejects it.
 */
export const URL_PATH = table((c) => isVchar(c) && c !== 0x23 && c !== 0x3f);
/** The bytes of a query: the path's and `?`. */
export const URL_QUERY = table((c) => isVchar(c) && c !== 0x23);
/** The bytes of a fragment: the query's and `#`. */
export const URL_FRAGMENT = table(isVchar);
/**
 * The bytes of an authority (absolute-form after `//`, authority-form of
 * CONNECT): RFC 3986's unreserved, sub-delims, `%`, `:` and the IP-literal
 * brackets. `@` is handled apart (one at a time).
 */
export const URL_SERVER = table(
  (c) => isAlnum(c) || "-_.!~*'()%;:&=+$,[]".includes(String.fromCharCode(c)),
);

/**
 * The bytes of one element of a comma-separated list value as the framing
 * fields (Transfer-Encoding, Connection) are scanned: field-vchar, SP and
 * HTAB, but not `,`.
 */
export const LIST_ELEMENT = table(
  (c) => c !== COMMA && (c === HTAB || c === SP || isVchar(c) || isObsText(c)),
);

/** ASCII lower-case of a byte (other bytes unchanged). */
export const LOWER = Uint8Array.from({ length: 256 }, (_, c) =>
  c >= 0x41 && c <= 0x5a ? c | 0x20 : c,
);

/** reason-phrase bytes (RFC 9112 §4): HTAB / SP / VCHAR / obs-text. */
export const REASON = FIELD_VALUE;

/** qdtext (RFC 9110 §5.6.4): inside a quoted-string, other than `"` and `\`. */
export const QDTEXT = table(
  (c) =>
    c === HTAB ||
    c === SP ||
    c === 0x21 ||
    (c >= 0x23 && c <= 0x5b) ||
    (c >= 0x5d && c <= 0x7e) ||
    isObsText(c),
);

/** The byte after `\` in a quoted-pair (RFC 9110 §5.6.4): HTAB / SP / VCHAR / obs-text. */
export const QUOTED_PAIR = FIELD_VALUE;

/** HEXDIG value of a byte, or -1 (RFC 9112 §7.1 chunk-size). */
export const HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[0x41 + c] = 10 + c;
    t[0x61 + c] = 10 + c;
  }
  return t;
})();
