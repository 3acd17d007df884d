/**
 * The two list-valued handshake header fields (RFC 6455 §4.3, §9.1, §11.3):
 *
 * ```
 * Sec-WebSocket-Protocol   = 1#token
 * Sec-WebSocket-Extensions = 1#extension
 * extension       = extension-token *( ";" extension-param )
 * extension-param = token [ "=" ( token | quoted-string ) ]
 * ```
 *
 * with optional whitespace (OWS) around `,`, `;` and `=`. A quoted-string
 * value must unescape to a token (§9.1). Several field lines of the same name
 * are one list joined with ", " (RFC 9110 §5.3), which is what
 * `IncomingMessage.headers` holds.
 */

/** tchar (RFC 9110 §5.6.2): visible ASCII except delimiters. Indexed by char code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** True when `value` is a non-empty token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isTchar(value.charCodeAt(i))) return false;
  return true;
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Parses `Sec-WebSocket-Protocol` into its tokens, in order.
 * @throws SyntaxError on an empty element, a non-token, or a duplicate.
 */
export function parseProtocolList(header: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of header.split(',')) {
    const item = raw.trim();
    if (!isToken(item) || seen.has(item)) {
      throw new SyntaxError(`Invalid Sec-WebSocket-Protocol header: ${JSON.stringify(header)}`);
    }
    seen.add(item);
    out.push(item);
  }
  return out;
}

/** One extension of a Sec-WebSocket-Extensions list: its name and parameters in order. */
export interface ExtensionOffer {
  name: string;
  /** `[name, value]`; value `true` for a parameter without `=`. Duplicates are kept. */
  params: Array<[string, string | true]>;
}

/**
 * Parses `Sec-WebSocket-Extensions` (RFC 6455 §9.1).
 * @throws SyntaxError naming the offending position.
 */
export function parseExtensions(header: string): ExtensionOffer[] {
  const out: ExtensionOffer[] = [];
  const n = header.length;
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError(`Invalid Sec-WebSocket-Extensions header at index ${i}`);
  };
  const skipOws = () => {
    while (i < n && isOws(header.charCodeAt(i))) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && isTchar(header.charCodeAt(i))) i++;
    if (i === start) fail();
    return header.slice(start, i);
  };
  const quoted = (): string => {
    // At the opening DQUOTE.
    i++;
    let value = '';
    for (;;) {
      if (i >= n) fail();
      const c = header.charCodeAt(i);
      if (c === 0x22) {
        i++;
        break;
      }
      if (c === 0x5c) {
        i++;
        if (i >= n) fail();
      }
      value += header[i];
      i++;
    }
    if (!isToken(value)) fail();
    return value;
  };

  for (;;) {
    skipOws();
    const name = token();
    const params: Array<[string, string | true]> = [];
    skipOws();
    while (i < n && header.charCodeAt(i) === 0x3b /* ; */) {
      i++;
      skipOws();
      const key = token();
      skipOws();
      let value: string | true = true;
      if (i < n && header.charCodeAt(i) === 0x3d /* = */) {
        i++;
        skipOws();
        value = i < n && header.charCodeAt(i) === 0x22 ? quoted() : token();
        skipOws();
      }
      params.push([key, value]);
    }
    out.push({ name, params });
    if (i >= n) break;
    if (header.charCodeAt(i) !== 0x2c /* , */) fail();
    i++;
  }
  return out;
}

/** Formats extensions for Sec-WebSocket-Extensions: `name; a; b=1, other`. */
export function formatExtensions(list: readonly ExtensionOffer[]): string {
  return list
    .map(({ name, params }) =>
      [name, ...params.map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; '),
    )
    .join(', ');
}
