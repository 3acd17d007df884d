/**
 * Differential test: the same bytes go to our parser and to Node's own
 * (llhttp, through `process.binding('http_parser')`, as bench/parser.ts
 * loads it), whole and cut into pieces, and both must reach the same
 * decisions: the same messages with the same fields (method, target,
 * version, field lines, upgrade, persistence, body, trailers), the same
 * error code and reason at the same offset (`bytesParsed`), the same end of
 * input. Inputs: the project's smuggling corpus, RFC 9112's examples, and
 * fast-check-generated requests, valid and hostile, and mutations of them.
 *
 * Where the two differ, we must be the stricter one, for a reason listed in
 * docs/node-compat-http.md ("Parser strictness"): `DELIBERATE` names each
 * such difference, recognises it, and the test checks that the document
 * names it too. Anything else that differs fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FeedOptions, llhttp, loadBinding, type Outcome, ours } from './llhttp.js';
import { cut } from './parser-helpers.js';
import { SMUGGLING_CORPUS } from './smuggling-corpus.js';

const binding = loadBinding();
const theirs = binding ? llhttp(binding) : null;

const RUNS = Number(process.env.DIFF_RUNS ?? 1500);
const SEED = Number(process.env.DIFF_SEED ?? 9112);

type Kind = 'request' | 'response';
type Fail = Extract<Outcome, { t: 'error' }>;

/** What a deliberate difference is given to recognise itself. */
interface Divergence {
  kind: Kind;
  input: string;
  /** Our error, where llhttp went on or failed otherwise. */
  error: Fail;
  /** What llhttp reported from the same point on. */
  rest: Outcome[];
}

/**
 * Each place where our parser is deliberately stricter than Node's: `doc`
 * is how docs/node-compat-http.md names it; `test` recognises it at the
 * point where our outcome stops following llhttp's.
 */
const DELIBERATE: { doc: string; test: (d: Divergence) => boolean }[] = [
  {
    doc: 'Rejected before dispatch',
    // llhttp reports the head, then the same error at the same offset; or,
    // for an upgrade, hands the connection over without looking at its framing.
    test: (d) => {
      if (d.error.reason !== 'Request has invalid `Transfer-Encoding`') return false;
      const [head, next] = d.rest;
      if (head?.t !== 'headers') return false;
      return (
        (d.rest.length === 2 && isDeepEqual(next, d.error)) ||
        (head.upgrade && next?.t === 'complete')
      );
    },
  },
  {
    doc: 'Empty Transfer-Encoding',
    test: (d) =>
      /\ntransfer-encoding:[ \t]*\r?\n/i.test(d.input) &&
      (d.error.code === 'HPE_INVALID_TRANSFER_ENCODING' ||
        d.error.reason === "Content-Length can't be present with Transfer-Encoding"),
  },
  {
    doc: 'HTTP-version',
    test: (d) =>
      d.error.reason === 'Invalid HTTP version' &&
      ['0.9', '2.0'].includes(d.input.slice(d.error.at - 3, d.error.at)),
  },
  { doc: 'No HTTP-version', test: (d) => d.error.reason === 'Missing HTTP version' },
  {
    doc: 'One space',
    test: (d) =>
      d.error.reason === 'Unexpected space before url' ||
      (d.error.code === 'HPE_INVALID_CONSTANT' &&
        d.input[d.error.at] === ' ' &&
        d.input[d.error.at - 1] === ' '),
  },
  { doc: 'HTTP-name', test: (d) => d.error.reason === 'Expected HTTP/' },
  { doc: 'Content-Length range', test: (d) => d.error.reason === 'Content-Length overflow' },
  { doc: 'chunk-size range', test: (d) => d.error.reason === 'Chunk size overflow' },
  { doc: 'Header section bound', test: (d) => d.error.reason === 'Header section overflow' },
  {
    doc: 'Status code range',
    test: (d) =>
      d.kind === 'response' &&
      d.error.reason === 'Invalid status code' &&
      d.input[d.error.at] === '0',
  },
  {
    doc: 'Reason phrase',
    test: (d) =>
      d.kind === 'response' &&
      d.error.reason === 'Invalid response status' &&
      d.input.charCodeAt(d.error.at) < 0x20 &&
      d.input[d.error.at] !== '\r' &&
      d.input[d.error.at] !== '\n',
  },
  {
    doc: 'Bare CR',
    test: (d) =>
      d.kind === 'response' &&
      d.error.reason === 'Expected LF after CR' &&
      d.input[d.error.at] === '\r',
  },
];

/** Persistence: llhttp keeps a connection we close (its head is otherwise the same). */
const PERSISTENCE = 'Persistence';
/** (What `explain` says of two outcomes that do not differ.) */
const SAME = '';

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** Counts, per deliberate difference, how often the inputs met it (reported at the end). */
const met = new Map<string, number>();
let compared = 0;

/**
 * Parses `pieces` with both and requires the same outcome, or a listed
 * deliberate difference. Returns the difference's name, or null.
 */
function compare(kind: Kind, pieces: Buffer[], options: FeedOptions = {}): string | null {
  compared++;
  const a = ours(kind, pieces, options);
  const b = theirs!(kind, pieces, options);
  if (isDeepEqual(a, b)) return null;
  const input = Buffer.concat(pieces).toString('latin1');
  const name = explain(kind, input, a, b);
  if (name === null) {
    assert.deepEqual(
      a,
      b,
      `ours vs llhttp on ${JSON.stringify(input)} in ${pieces.length} piece(s)`,
    );
  }
  met.set(name!, (met.get(name!) ?? 0) + 1);
  return name;
}

/**
 * Why `a` (ours) differs from `b` (llhttp's): the name of the deliberate
 * difference (of the first, when a message meets two), `SAME` when they do
 * not differ, or null when nothing explains it.
 */
function explain(kind: Kind, input: string, a: Outcome[], b: Outcome[]): string | null {
  let d = 0;
  while (d < a.length && d < b.length && isDeepEqual(a[d], b[d])) d++;
  if (d === a.length && d === b.length) return SAME;
  const ea = a[d];
  const eb = b[d];
  if (ea?.t === 'error' && d === a.length - 1) {
    const found = DELIBERATE.find((x) => x.test({ kind, input, error: ea, rest: b.slice(d) }));
    if (found) return found.doc;
    // Persistence decided by a trailer section: we refuse the next message.
    const done = a[d - 1];
    const head = a
      .slice(0, d)
      .reverse()
      .find((e) => e.t === 'headers');
    if (
      ea.code === 'HPE_CLOSED_CONNECTION' &&
      done?.t === 'complete' &&
      head?.t === 'headers' &&
      persistenceDiffers(head, done.trailers)
    ) {
      return PERSISTENCE;
    }
    return null;
  }
  if (
    ea?.t === 'headers' &&
    eb?.t === 'headers' &&
    !ea.keepAlive &&
    eb.keepAlive &&
    isDeepEqual({ ...ea, keepAlive: true }, eb)
  ) {
    // Persistence decided by the head: the rest must agree, or differ for
    // a reason of its own (we close where llhttp reads on, say).
    const done = a.slice(d).find((e) => e.t === 'complete');
    const trailers = done?.t === 'complete' ? done.trailers : [];
    if (!persistenceDiffers(ea, trailers)) return null;
    const rest = explain(kind, input, [...a.slice(0, d), eb, ...a.slice(d + 1)], b);
    return rest === null ? null : PERSISTENCE;
  }
  return null;
}

/**
 * HTTP/1.0 with Transfer-Encoding, or "close" with "keep-alive" (in the
 * head or the trailers): we close, llhttp may keep the connection.
 */
function persistenceDiffers(h: Extract<Outcome, { t: 'headers' }>, trailers: string[]): boolean {
  const fields = [...h.raw, ...trailers];
  const names = fields.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  const values = fields
    .filter((_, i) => i % 2 === 1)
    .join(',')
    .toLowerCase();
  const te = names.includes('transfer-encoding');
  return (h.version === '1.0' && te) || (/\bclose\b/.test(values) && /keep-alive/.test(values));
}

const latin = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Whole, and at a few cut points (both parsers get the same pieces). */
function compareSplits(kind: Kind, input: Buffer, cuts: number[], options: FeedOptions = {}): void {
  compare(kind, [input], options);
  if (input.length > 1) compare(kind, cut(input, cuts), options);
}

// ------------------------------------------------------------ RFC 9112 examples

/** Messages from RFC 9112 and RFC 9110 (examples and the forms their grammar names). */
const RFC_EXAMPLES: { kind: Kind; input: string; name: string }[] = [
  {
    kind: 'request',
    name: 'RFC 9112 §2.1 / RFC 9110 §6.1: a GET',
    input:
      'GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §2.2: an empty line before the request-line',
    input: '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2.1: origin-form',
    input: 'GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2.2: absolute-form',
    input:
      'GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2.3: authority-form',
    input: 'CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2.4: asterisk-form',
    input: 'OPTIONS * HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2.4: absolute-form of an OPTIONS to a server',
    input: 'OPTIONS http://www.example.org:8001 HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2.2: absolute-form with userinfo and query',
    input: 'GET http://user:pw@example.com:8080/a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §3.2: a request-target with whitespace is invalid',
    input: 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §5.1: whitespace before the colon',
    input: 'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §5.2: obs-fold',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §6.1: Transfer-Encoding: gzip, chunked',
    input:
      'POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §6.3: Transfer-Encoding and Content-Length',
    input:
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §6.3: chunked not final in a request',
    input: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9110 §8.6: Content-Length',
    input: 'PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
  },
  {
    kind: 'request',
    name: 'RFC 9110 §8.6: Content-Length: 42, 42',
    input: 'PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §7.1: chunked, with extensions (§7.1.1) and a trailer (§7.1.2)',
    input:
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n' +
      '5;name=value\r\nhello\r\n6;q="quoted \\" pair"\r\n world\r\n0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §7.1.1: BWS around a chunk extension',
    input:
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 ; a = b\r\nhello\r\n0\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §9.3: HTTP/1.0 keep-alive, pipelined',
    input:
      'GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9112 §9.6: Connection: close, then data',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9110 §7.8: Upgrade',
    input:
      'GET /hello HTTP/1.1\r\nHost: www.example.com\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello',
  },
  {
    kind: 'request',
    name: 'RFC 9110 §10.1.1: Expect: 100-continue',
    input: 'PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello',
  },
  {
    kind: 'request',
    name: 'RFC 9110 §5.6.1.2: empty list elements',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nConnection: ,, keep-alive ,,\r\nAccept: ,a,,b,\r\n\r\n',
  },
  {
    kind: 'request',
    name: 'RFC 9113 §3.4: the HTTP/2 connection preface',
    input: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  },
  {
    kind: 'response',
    name: 'RFC 9112 §4: a status line',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  },
  { kind: 'response', name: 'RFC 9112 §4: an empty reason', input: 'HTTP/1.1 204 \r\n\r\n' },
  {
    kind: 'response',
    name: 'RFC 9110 §15.2.1: 100 Continue, then the final response',
    input: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
  },
  {
    kind: 'response',
    name: 'RFC 9110 §15.2.2: 101 Switching Protocols',
    input:
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nxyz',
  },
  {
    kind: 'response',
    name: 'RFC 9112 §6.3: a body delimited by close',
    input: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end',
  },
  {
    kind: 'response',
    name: 'RFC 9112 §7: chunked response',
    input: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\n\r\n',
  },
];

// ------------------------------------------------------------ generated requests

const pick = <T>(...xs: [number, T][]): fc.Arbitrary<T> =>
  fc.oneof(...xs.map(([weight, x]) => ({ weight, arbitrary: fc.constant(x) })));
const either = <T>(
  common: fc.Arbitrary<T>,
  rare: fc.Arbitrary<T>,
  rareWeight = 1,
): fc.Arbitrary<T> =>
  fc.oneof({ weight: 6, arbitrary: common }, { weight: rareWeight, arbitrary: rare });

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = (max = 10): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: max });
const bytesOf = (chars: string, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength: max });
/** Any byte, as a latin1 char. */
const anyByte = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const caseOf = (s: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => s.replace(/./g, (ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())));

const method = either(
  fc.constantFrom(
    'GET',
    'POST',
    'PUT',
    'HEAD',
    'DELETE',
    'OPTIONS',
    'PATCH',
    'M-SEARCH',
    'QUERY',
    'SOURCE',
  ),
  fc.oneof(
    fc.constantFrom(
      'get',
      'GETX',
      'G',
      'GET_PARAMETER',
      'DESCRIBE',
      'SETUP',
      'PRI',
      'CONNECT',
      'PROPFIND',
      'UNLINK',
      '',
    ),
    token(8),
  ),
  2,
);

const PATH = "abcXYZ019-._~%!$&'()*+,;=:@/";
const target = either(
  fc
    .tuple(bytesOf(PATH, 12), fc.option(bytesOf(`${PATH}?`, 8)), fc.option(bytesOf(`${PATH}?#`, 6)))
    .map(([p, q, f]) => `/${p}${q === null ? '' : `?${q}`}${f === null ? '' : `#${f}`}`),
  fc.oneof(
    pick(
      [1, '*'],
      [1, 'http://example.com/x?y'],
      [1, 'http://u:p@host:80/'],
      [1, 'https://a@@b/'],
      [1, 'example.com:443'],
      [1, 'http:/x'],
      [1, 'ftp://[::1]:21/'],
      [1, 'h2c://x'],
      [1, ''],
    ),
    fc.tuple(bytesOf(PATH, 6), anyByte, bytesOf(PATH, 4)).map(([a, c, b]) => `/${a}${c}${b}`),
    fc
      .tuple(
        bytesOf(PATH, 6),
        fc.constantFrom('\xce\xb4', '\t', '\x0c', '"', '{', '|', '\\', '^', '`', '<', '\x7f'),
      )
      .map(([a, c]) => `/${a}${c}`),
  ),
  2,
);

const version = either(
  fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
  fc.constantFrom(
    'HTTP/0.9',
    'HTTP/2.0',
    'HTTP/1.2',
    'HTTP/3.0',
    'HTTP/11',
    'HTTP/1',
    'HTTPS/1.1',
    'http/1.1',
    'RTSP/1.0',
    'ICE/1.0',
    'HTTP/1.1 ',
    'HTTP/a.1',
    'HTTP/1.x',
    'HTP/1.1',
    '',
  ),
);
const eol = either(fc.constant('\r\n'), fc.constantFrom('\n', '\r', '\r\r\n', '\rx', ' \r\n'), 1);
const sp = either(fc.constant(' '), fc.constantFrom('  ', '\t', ''), 1);

/** A field line's value for the framing fields, valid and not. */
const framingValue: Record<string, fc.Arbitrary<string>> = {
  'content-length': fc.oneof(
    fc.nat({ max: 40 }).map(String),
    fc.constantFrom(
      '05',
      '0',
      '3 ',
      '3\t',
      '3, 3',
      '+3',
      '-1',
      'abc',
      '3 4',
      '',
      '9007199254740991',
      '9007199254740992',
      '18446744073709551616',
      '1e3',
      '0x10',
    ),
  ),
  'transfer-encoding': fc.oneof(
    caseOf('chunked'),
    fc.constantFrom(
      'gzip, chunked',
      'chunked, gzip',
      'chunked ',
      'chunked\t',
      'chunked;q=1',
      '"chunked"',
      'identity',
      '',
      'chunked,',
      ', chunked',
      'gzip,chunked',
      'chunked , x',
      'xchunked',
      'chunkedx',
      'gzip;q="a,b", chunked',
      'chunked, chunked',
    ),
  ),
  connection: fc.oneof(
    caseOf('close'),
    caseOf('keep-alive'),
    fc.constantFrom(
      'Upgrade',
      'close, keep-alive',
      'keep-alive , close',
      'closex',
      'close\t',
      'foo, close',
      'TE, close',
      ',,',
      'upgrade, close',
      'keep-alive\tx',
      'keep-alive,upgrade',
    ),
  ),
  upgrade: fc.constantFrom('websocket', 'h2c', '', 'foo/1, bar'),
  host: fc.constantFrom('example.com', 'a:80', '', '[::1]:8080'),
};

const plainValue = either(
  fc.string({
    unit: fc.oneof(
      bytesOf('abcXYZ019 -=/;,"()', 1),
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    ),
    maxLength: 16,
  }),
  fc.oneof(
    fc.tuple(bytesOf('abc ', 4), anyByte, bytesOf('xyz', 3)).map(([a, c, b]) => a + c + b),
    fc.integer({ min: 0x80, max: 0xff }).map((c) => `caf${String.fromCharCode(c)}`),
    fc.constantFrom('trailing  ', '\ttabbed\t', ''),
  ),
  2,
);

const fieldName = either(
  fc.oneof(
    fc.constantFrom(
      'Host',
      'Accept',
      'User-Agent',
      'X-Id',
      'Cookie',
      'Content-Type',
      'Trailer',
      'Expect',
      'TE',
      'Connection-Foo',
      'Content-Lengthx',
    ),
    caseOf('content-length'),
    caseOf('transfer-encoding'),
    caseOf('connection'),
    caseOf('proxy-connection'),
    caseOf('upgrade'),
    token(12),
  ),
  fc.constantFrom(
    '',
    'Foo Bar',
    'Fo@',
    ' Host',
    'X\x01',
    'Content-Length ',
    'Transfer-Encoding ',
    'Host ',
    'Conn\tection',
    'é',
  ),
);

const fieldLine = fc
  .tuple(
    fieldName,
    either(fc.constant(':'), fc.constantFrom(' :', '', '::')),
    fc.constantFrom('', ' ', '  ', '\t', ' \t'),
    eol,
  )
  .chain(([name, colon, ows, end]) => {
    const framing = framingValue[name.trim().toLowerCase()];
    return (framing ? either(framing, plainValue, 1) : plainValue).chain((value) =>
      either(
        fc.constant(`${name}${colon}${ows}${value}${end}`),
        fc.constant(`${name}${colon}${ows}${value}${end} folded${end}`),
        1,
      ),
    );
  });

const EXTENSIONS = fc.constantFrom(
  '',
  '',
  '',
  ';a=b',
  ';a',
  ';a="x y"',
  ';a="\\"q"',
  ' ;a',
  ';a =b',
  ';',
  ';=x',
  ';a=',
  ';a=b;c',
  ';a=b c',
  ';a="\x01"',
  ';;',
  '; a',
);
const chunkSize = (n: number): fc.Arbitrary<string> =>
  either(
    fc.constantFrom(n.toString(16), n.toString(16).toUpperCase()),
    fc.constantFrom(
      `0${n.toString(16)}`,
      `${n.toString(16)} `,
      `0x${n}`,
      '',
      'g',
      'fffffffffffffffffff',
      '1fffffffffffff',
    ),
    1,
  );

/** A chunked body: chunks (with extensions, size variants), the last chunk, trailers. */
const chunkedBody = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.string({ unit: fc.constantFrom('a', 'b', '\r', '\n', 'z'), minLength: 1, maxLength: 9 }),
        EXTENSIONS,
        either(fc.constant('\r\n'), fc.constantFrom('\n', '', 'x\r\n', '\r'), 1),
      ),
      { maxLength: 3 },
    ),
    EXTENSIONS,
    fc.array(fieldLine, { maxLength: 2 }),
    eol,
  )
  .chain(([chunks, lastExt, trailers, end]) =>
    fc
      .tuple(...chunks.map(([data]) => chunkSize(data.length)))
      .map(
        (sizes) =>
          chunks.map(([data, ext, after], i) => `${sizes[i]}${ext}\r\n${data}${after}`).join('') +
          `0${lastExt}\r\n${trailers.join('')}${end}`,
      ),
  );

/** One request: start line, field lines (framing ones included), the empty line, a body. */
const oneRequest = fc
  .record({
    method,
    sp1: sp,
    target,
    sp2: sp,
    version,
    lineEnd: eol,
    fields: fc.array(fieldLine, { maxLength: 6 }),
    framing: pick<'none' | 'length' | 'chunked' | 'upgrade'>(
      [3, 'none'],
      [3, 'length'],
      [3, 'chunked'],
      [1, 'upgrade'],
    ),
    end: eol,
    data: fc.string({ unit: fc.constantFrom('x', 'y', '\r', '\n', 'G'), maxLength: 12 }),
    chunked: chunkedBody,
    extra: fc.integer({ min: -2, max: 2 }),
  })
  .map((r) => {
    let head = `${r.method}${r.sp1}${r.target}${r.sp2}${r.version}${r.lineEnd}${r.fields.join('')}`;
    let body = '';
    if (r.framing === 'length') {
      head += `Content-Length: ${r.data.length}\r\n`;
      body =
        r.data.slice(0, Math.max(0, r.data.length + Math.min(0, r.extra))) +
        (r.extra > 0 ? 'E'.repeat(r.extra) : '');
    } else if (r.framing === 'chunked') {
      head += 'Transfer-Encoding: chunked\r\n';
      body = r.chunked;
    } else if (r.framing === 'upgrade') {
      head += 'Connection: Upgrade\r\nUpgrade: websocket\r\n';
      body = '\x81\x02hi';
    }
    return `${head}${r.end}${body}`;
  });

/** 1-3 requests on one connection. */
const requests = fc.array(oneRequest, { minLength: 1, maxLength: 3 }).map((rs) => rs.join(''));

const BYTES_OF_INTEREST = [
  0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x3d, 0x22, 0x5c, 0x30, 0x00, 0x7f, 0xff, 0x80, 0x40,
  0x2f, 0x3f, 0x23,
];

/** A generated conversation with a few bytes inserted, deleted or replaced, or cut short. */
const mutated = fc
  .tuple(
    requests,
    fc.array(
      fc.tuple(
        fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
        fc.nat(),
        fc.oneof(fc.constantFrom(...BYTES_OF_INTEREST), fc.integer({ min: 0, max: 255 })),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([wire, edits]) => {
    const b = [...latin(wire)];
    for (const [op, at, byte] of edits) {
      const i = b.length === 0 ? 0 : at % b.length;
      if (op === 'insert') b.splice(i, 0, byte);
      else if (op === 'delete') b.splice(i, 1);
      else if (op === 'replace') b[i] = byte;
      else b.length = i;
    }
    return Buffer.from(b);
  });

const cutsFor = (n: number): fc.Arbitrary<number[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: 6 })
    .map((c) => c.filter((x) => x < n).sort((a, b) => a - b));

const feedOptions: fc.Arbitrary<FeedOptions> = fc.record({
  finish: fc.boolean(),
  maxHeaderSize: pick<number | undefined>([6, undefined], [1, 48], [1, 120], [1, 300]),
});

describe('parser vs Node’s llhttp (differential)', () => {
  if (theirs === null) {
    it('needs Node’s parser binding', (t) => {
      t.skip('process.binding("http_parser") is not available in this Node');
    });
    return;
  }

  it('the smuggling corpus: same outcome, or a listed deliberate difference', () => {
    for (const c of SMUGGLING_CORPUS) {
      if (c.options?.requireHost || c.options?.lenient) continue; // ours only, not Node's parser
      const input = latin(c.input);
      const options = { finish: c.options?.finish, maxHeaderSize: c.options?.maxHeaderSize };
      const n = input.length;
      compareSplits(
        c.kind ?? 'request',
        input,
        [1, n >> 2, n >> 1, n - 1].filter((x) => x > 0 && x < n),
        options,
      );
    }
  });

  it('RFC 9112 examples', () => {
    for (const e of RFC_EXAMPLES) {
      const input = latin(e.input);
      for (const finish of [false, true]) {
        compareSplits(e.kind, input, [3, input.length >> 1], { finish });
      }
    }
  });

  it('generated requests, whole and in pieces', () => {
    fc.assert(
      fc.property(
        requests.chain((wire) =>
          fc.tuple(fc.constant(latin(wire)), cutsFor(wire.length), feedOptions),
        ),
        ([input, cuts, options]) => compareSplits('request', input, cuts, options),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('mutated requests, whole and in pieces', () => {
    fc.assert(
      fc.property(
        mutated.chain((input) => fc.tuple(fc.constant(input), cutsFor(input.length), feedOptions)),
        ([input, cuts, options]) => compareSplits('request', input, cuts, options),
      ),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it('every deliberate difference is documented (docs/node-compat-http.md, "Parser strictness")', (t) => {
    const doc = readFileSync(join(__dirname, '../../docs/node-compat-http.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Parser strictness'));
    assert.ok(
      section.length > 0 && doc.includes('## Parser strictness'),
      'no "Parser strictness" section',
    );
    for (const name of [...DELIBERATE.map((d) => d.doc), PERSISTENCE]) {
      assert.ok(
        section.includes(`**${name}`),
        `"${name}" is not described under "Parser strictness"`,
      );
    }
    assert.ok(compared > 0);
    const seen = [...met].map(([name, n]) => `${name}: ${n}`).join(', ');
    t.diagnostic(`${compared} comparisons; deliberate differences met: ${seen}`);
  });
});
