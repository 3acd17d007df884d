/**
 * HttpParser properties (fast-check):
 * - arbitrary bytes, and valid messages with random corruption, never make
 *   `execute` / `finish` throw, and give the same events and error however
 *   the input is split;
 * - generated valid messages parse to exactly what was generated, however
 *   split.
 * (Agreement with Node's own parser: parser-differential.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HttpParser } from '../../src/http/parser.js';
import { HeadersResult } from '../../src/http/parser-types.js';
import {
  assertSameOutcome,
  body,
  complete,
  cut,
  type ParserEvent,
  type RunOptions,
  request,
  response,
  run,
} from './parser-helpers.js';

const RUNS = Number(process.env.FC_RUNS ?? 300);

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = (max = 12): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: max });

/** field-vchar / obs-text, with inner spaces; never starts or ends with whitespace. */
const fieldValue: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(' ', '\t', '  '),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join('').replace(/^[ \t]+|[ \t]+$/g, ''));

const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t');

const FRAMING = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'proxy-connection',
]);
const fieldName = token(16).filter((n) => !FRAMING.has(n.toLowerCase()));
const fields = fc.array(fc.tuple(fieldName, fieldValue, ows, ows), { maxLength: 8 });

const target = fc
  .string({
    unit: fc.constantFrom(..."abcXYZ0189-._~%!$&'()*+,;=:@/?#".split('')),
    maxLength: 20,
  })
  .map((s) => `/${s}`);

const payload = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1'));

type Framing = 'length' | 'chunked';

interface Generated {
  wire: string;
  events: ParserEvent[];
  options?: RunOptions;
}

/** Chunk extensions to generate (RFC 9112 §7.1.1), without BWS: Node's parser rejects it, and so do we. */
const EXTENSIONS = ['', ';a', ';a=b', ';x="q \\" y"', ';n=1;m', ';Q="v"'];

/** Serializes a chunked body: random chunk sizes, extensions, trailers. */
const chunkedBody = (
  data: string,
  extensions: string[],
): fc.Arbitrary<{ wire: string; trailers: string[] }> =>
  fc
    .record({
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, data.length - 1) }), {
        maxLength: 4,
      }),
      exts: fc.array(fc.constantFrom(...extensions), { minLength: 6, maxLength: 6 }),
      upper: fc.boolean(),
      trailers: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 3 }),
    })
    .map(({ cuts, exts, upper, trailers }) => {
      const points = [...new Set(cuts.filter((c) => c < data.length))].sort((a, b) => a - b);
      const parts: string[] = [];
      let prev = 0;
      for (const p of [...points, data.length]) {
        if (p > prev) parts.push(data.slice(prev, p));
        prev = p;
      }
      let wire = '';
      parts.forEach((part, i) => {
        const size = part.length.toString(16);
        wire += `${upper ? size.toUpperCase() : size}${exts[i % exts.length]}\r\n${part}\r\n`;
      });
      wire += `0${exts[5]}\r\n`;
      for (const [n, v] of trailers) wire += `${n}: ${v}\r\n`;
      wire += '\r\n';
      return { wire, trailers: trailers.flat() };
    });

interface StartLine {
  m: string;
  t: string;
  status: number;
  reason: string;
}

interface MessageSpec {
  start: StartLine;
  headers: [string, string, string, string][];
  framing: Framing;
  data: string;
  minor: 0 | 1;
  position: number;
}

/** One request or response with a body framed by Content-Length or chunked. */
function message(
  kind: 'request' | 'response',
  keepAlive: boolean,
  extensions: string[],
): fc.Arbitrary<Generated> {
  const start: fc.Arbitrary<StartLine> =
    kind === 'request'
      ? fc
          .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), target)
          .map(([m, t]) => ({ m, t, status: 0, reason: '' }))
      : fc
          .tuple(
            fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
            fc.constantFrom('OK', '', 'Not Found', 'Weird \t reason'),
          )
          .map(([status, reason]) => ({ m: '', t: '', status, reason }));
  return fc
    .record({
      start,
      headers: fields,
      framing: fc.constantFrom<Framing>('length', 'chunked'),
      data: payload,
      minor: fc.constantFrom<0 | 1>(0, 1),
      position: fc.nat(),
    })
    .chain((spec) =>
      (spec.framing === 'chunked'
        ? chunkedBody(spec.data, extensions)
        : fc.constant({ wire: spec.data, trailers: [] as string[] })
      ).map((b) => build(kind, keepAlive, spec, b)),
    );
}

function build(
  kind: 'request' | 'response',
  keepAlive: boolean,
  spec: MessageSpec,
  b: { wire: string; trailers: string[] },
): Generated {
  const { start, framing, data, minor } = spec;
  // HTTP/1.0 + Transfer-Encoding never persists (RFC 9112 §6.1); keep those as 1.1.
  const effectiveMinor = framing === 'chunked' ? 1 : minor;
  const raw: string[] = [];
  let head =
    kind === 'request'
      ? `${start.m} ${start.t} HTTP/1.${effectiveMinor}\r\n`
      : `HTTP/1.${effectiveMinor} ${start.status}${start.reason === '' && spec.position % 2 ? '' : ` ${start.reason}`}\r\n`;
  const lines: [string, string, string, string][] = [...spec.headers];
  const framingLine: [string, string, string, string] =
    framing === 'chunked'
      ? ['Transfer-Encoding', 'chunked', ' ', '']
      : ['Content-Length', String(data.length), '', ' '];
  lines.splice(spec.position % (lines.length + 1), 0, framingLine);
  if (effectiveMinor === 0 && keepAlive) lines.push(['Connection', 'keep-alive', ' ', '']);
  if (effectiveMinor === 1 && !keepAlive) lines.push(['Connection', 'close', ' ', '']);
  for (const [n, v, pre, post] of lines) {
    head += `${n}:${pre}${v}${post}\r\n`;
    raw.push(n, v);
  }
  head += '\r\n';
  const info = {
    versionMinor: effectiveMinor,
    rawHeaders: raw,
    shouldKeepAlive: keepAlive,
    contentLength: framing === 'length' ? data.length : -1,
    chunked: framing === 'chunked',
  };
  const events: ParserEvent[] = [
    kind === 'request'
      ? request({ ...info, method: start.m, url: start.t })
      : response({ ...info, statusCode: start.status, statusMessage: start.reason }),
  ];
  if (data.length > 0) events.push(body(data));
  events.push(complete(b.trailers));
  return { wire: head + b.wire, events };
}

/** 1-3 messages on one connection; only the last may close it. */
const conversation = (
  kind: 'request' | 'response',
  extensions = EXTENSIONS,
): fc.Arbitrary<Generated> =>
  fc
    .tuple(fc.array(message(kind, true, extensions), { maxLength: 2 }), fc.boolean())
    .chain(([first, lastKeepAlive]) =>
      message(kind, lastKeepAlive, extensions).map((last) => {
        const all = [...first, last];
        return { wire: all.map((m) => m.wire).join(''), events: all.flatMap((m) => m.events) };
      }),
    );

/** Random cut points for an input of `n` bytes. */
const cutsFor = (n: number): fc.Arbitrary<number[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: 8 })
    .map((c) => c.filter((x) => x < n).sort((a, b) => a - b));

const BYTES_OF_INTEREST = [
  0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x3d, 0x22, 0x5c, 0x30, 0x31, 0x66, 0x00, 0x7f, 0xff,
  0x41, 0x2d,
];

/** A valid conversation with a few bytes inserted, deleted or replaced. */
const corrupted = (kind: 'request' | 'response'): fc.Arbitrary<Buffer> =>
  fc
    .tuple(
      conversation(kind),
      fc.array(
        fc.tuple(
          fc.constantFrom('insert', 'delete', 'replace'),
          fc.nat(),
          fc.oneof(fc.constantFrom(...BYTES_OF_INTEREST), fc.integer({ min: 0, max: 255 })),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([g, edits]) => {
      const b = [...Buffer.from(g.wire, 'latin1')];
      for (const [op, at, byte] of edits) {
        const i = b.length === 0 ? 0 : at % b.length;
        if (op === 'insert') b.splice(i, 0, byte);
        else if (op === 'delete') b.splice(i, 1);
        else b[i] = byte;
      }
      return Buffer.from(b);
    });

const kinds = fc.constantFrom<'request' | 'response'>('request', 'response');
const modes = fc.record({
  lenient: fc.boolean(),
  finish: fc.boolean(),
  maxHeaderSize: fc.constantFrom(undefined, 40, 120, 4096),
  skip: fc.boolean(),
});

function optionsOf(m: {
  lenient: boolean;
  finish: boolean;
  maxHeaderSize: number | undefined;
  skip: boolean;
}): RunOptions {
  return {
    lenient: m.lenient,
    finish: m.finish,
    maxHeaderSize: m.maxHeaderSize,
    onHeaders: m.skip ? () => HeadersResult.SkipBody : undefined,
  };
}

/** Same events whole, cut at random points, and byte by byte. */
function assertSplitInvariant(
  kind: 'request' | 'response',
  input: Buffer,
  cuts: number[],
  options: RunOptions,
): ParserEvent[] {
  const whole = run(kind, [input], options);
  assertSameOutcome(run(kind, cut(input, cuts), options), whole, `cuts ${cuts.join(',')}`);
  const single: Buffer[] = [];
  for (let i = 0; i < input.length; i++) single.push(input.subarray(i, i + 1));
  assertSameOutcome(run(kind, single, options), whole, 'byte by byte');
  return whole;
}

describe('HttpParser properties', () => {
  it('random bytes never throw, and every split gives the same outcome', () => {
    fc.assert(
      fc.property(
        kinds,
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        fc.boolean(),
        modes,
        (kind, raw, prefixed, m) => {
          // Half the time behind a valid start line, so the fuzz reaches deeper states.
          const prefix = kind === 'request' ? 'POST / HTTP/1.1\r\n' : 'HTTP/1.1 200 OK\r\n';
          const input = prefixed ? Buffer.concat([Buffer.from(prefix), raw]) : raw;
          const cuts = [...new Set([1, 7, 19, 33].filter((c) => c < input.length))];
          assertSplitInvariant(kind, input, cuts, optionsOf(m));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('corrupted valid messages never throw, and every split gives the same outcome', () => {
    fc.assert(
      fc.property(
        kinds.chain((kind) =>
          corrupted(kind).chain((input) =>
            fc.tuple(fc.constant(kind), fc.constant(input), cutsFor(input.length), modes),
          ),
        ),
        ([kind, input, cuts, m]) => {
          assertSplitInvariant(kind, input, cuts, optionsOf(m));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('generated valid messages parse to what was generated, however split', () => {
    fc.assert(
      fc.property(
        kinds.chain((kind) =>
          conversation(kind).chain((g) =>
            fc.tuple(
              fc.constant(kind),
              fc.constant(g),
              cutsFor(Buffer.byteLength(g.wire, 'latin1')),
              fc.boolean(),
            ),
          ),
        ),
        ([kind, g, cuts, lenient]) => {
          const input = Buffer.from(g.wire, 'latin1');
          const events = assertSplitInvariant(kind, input, cuts, { lenient });
          assert.deepEqual(events, g.events);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('HttpParser: linear time', () => {
  type HeadScanner = { hPos: number; scanHead(end: number): number };

  /**
   * Feeds `input` one byte at a time and returns the work done: bytes the
   * parser's line scanner covered plus bytes it copied. Quadratic
   * re-scanning or re-copying of the unfinished section would make this
   * ~input² / 2; a linear one does about three times the input (scanned
   * once, copied once into its scratch buffer, once more as that doubles).
   */
  function byteAtATimeWork(input: Buffer, maxHeaderSize: number): number {
    const proto = HttpParser.prototype as unknown as HeadScanner;
    const scanHead = proto.scanHead;
    const copy = Buffer.prototype.copy;
    let work = 0;
    let scanned = 0;
    proto.scanHead = function (this: HeadScanner, end: number): number {
      scanned += end - this.hPos;
      work += end - this.hPos;
      return scanHead.call(this, end);
    };
    Buffer.prototype.copy = function (
      this: Buffer,
      target: Uint8Array,
      targetStart?: number,
      sourceStart?: number,
      sourceEnd?: number,
    ): number {
      work += (sourceEnd ?? this.length) - (sourceStart ?? 0);
      return copy.call(this, target, targetStart, sourceStart, sourceEnd);
    };
    try {
      const p = new HttpParser(
        'request',
        {
          onHeadersComplete: () => HeadersResult.Normal,
          onBody: () => {},
          onMessageComplete: () => {},
        },
        { maxHeaderSize },
      );
      for (let i = 0; i < input.length; i++) p.execute(input.subarray(i, i + 1));
      assert.equal(p.error, null);
    } finally {
      proto.scanHead = scanHead;
      Buffer.prototype.copy = copy;
    }
    assert.ok(scanned >= input.length - 2, `only ${scanned} bytes scanned`);
    return work;
  }

  it('a maximal header line fed one byte at a time is scanned and copied a bounded number of times', () => {
    const input = Buffer.from(`GET / HTTP/1.1\r\nX-Long: ${'v'.repeat(16000)}\r\n\r\n`);
    const work = byteAtATimeWork(input, 20000);
    assert.ok(work > 0, 'the scanner was not observed');
    assert.ok(work < 8 * input.length, `${work} bytes of work for ${input.length} bytes of input`);
  });

  it('a long request line and many short fields fed one byte at a time stay linear too', () => {
    const fields = 'A: b\r\n'.repeat(1000);
    const input = Buffer.from(`GET /${'p'.repeat(8000)} HTTP/1.1\r\nHost: h\r\n${fields}\r\n`);
    const work = byteAtATimeWork(input, 20000);
    assert.ok(work > 0, 'the scanner was not observed');
    assert.ok(work < 8 * input.length, `${work} bytes of work for ${input.length} bytes of input`);
  });
});
