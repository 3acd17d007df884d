/**
 * Test helpers for the HTTP/1.1 parser: run an input through `HttpParser`
 * fed in given pieces and record what came out, so that runs over different
 * splits of the same bytes can be compared.
 */
import assert from 'node:assert/strict';
import { HttpParser } from '../../src/http/parser.js';
import {
  type HeadersInfo,
  HeadersResult,
  type HttpParseError,
} from '../../src/http/parser-types.js';

/** What the parser reported, in order. Body pieces are merged (their split is not observable). */
export type ParserEvent =
  | { type: 'headers'; info: HeadersInfo }
  | { type: 'body'; data: string }
  | { type: 'complete'; trailers: string[] }
  /** Bytes left to the caller after an upgrade stop (latin1). */
  | { type: 'rest'; data: string }
  /** `at`: where the parser stopped, as an offset in the whole input (the end of it for `finish()`). */
  | { type: 'error'; code: string; reason: string; at: number };

export interface RunOptions {
  lenient?: boolean;
  maxHeaderSize?: number;
  /** The server's requireHostHeader (RFC 9112 §3.2). */
  requireHost?: boolean;
  /** Call `finish()` after the last piece (the peer closed). */
  finish?: boolean;
  /** What `onHeadersComplete` returns; default `Normal`. */
  onHeaders?: (info: HeadersInfo) => HeadersResult;
}

/** Parses `pieces` in order with one parser and returns the events. */
export function run(
  kind: 'request' | 'response',
  pieces: readonly Buffer[],
  options: RunOptions = {},
): ParserEvent[] {
  const events: ParserEvent[] = [];
  const pushBody = (data: string): void => {
    const last = events[events.length - 1];
    if (last?.type === 'body') last.data += data;
    else events.push({ type: 'body', data });
  };
  const parser = new HttpParser(
    kind,
    {
      onHeadersComplete: (info) => {
        events.push({ type: 'headers', info: { ...info, rawHeaders: [...info.rawHeaders] } });
        return options.onHeaders ? options.onHeaders(info) : HeadersResult.Normal;
      },
      onBody: (chunk) => {
        assert.ok(chunk.length > 0, 'onBody with an empty chunk');
        pushBody(chunk.toString('latin1'));
      },
      onMessageComplete: (trailers) => {
        events.push({ type: 'complete', trailers: [...trailers] });
      },
    },
    {
      lenient: options.lenient,
      maxHeaderSize: options.maxHeaderSize,
      requireHost: options.requireHost,
    },
  );
  let rest: string | null = null;
  let start = 0;
  for (const piece of pieces) {
    if (rest !== null) {
      rest += piece.toString('latin1');
      continue;
    }
    if (parser.error) break;
    const n = parser.execute(piece);
    assert.ok(n >= 0 && n <= piece.length, `execute returned ${n} for ${piece.length} bytes`);
    // (Read through a cast: TypeScript cannot see that execute() sets it.)
    const e = parser.error as HttpParseError | null;
    if (e) {
      assert.equal(e.message, `Parse Error: ${e.reason}`);
      assert.equal(n, e.bytesParsed, 'execute returns bytesParsed on an error');
      // bytesParsed counts in this piece (as Node's); the event says where in the whole input.
      events.push({ type: 'error', code: e.code, reason: e.reason, at: start + e.bytesParsed });
      assert.equal(parser.execute(piece), 0, 'execute after an error must return 0');
      break;
    }
    start += piece.length;
    if (n < piece.length) rest = piece.toString('latin1', n);
  }
  if (rest !== null) {
    if (rest.length > 0) events.push({ type: 'rest', data: rest });
  } else if (options.finish && !parser.error) {
    const err = parser.finish();
    if (err) {
      assert.equal(parser.error, err);
      // As Node's: nothing of the input is named (bytesParsed 0), nor a reason in the message.
      assert.equal(err.bytesParsed, 0);
      assert.equal(err.message, 'Parse Error');
      events.push({ type: 'error', code: err.code, reason: err.reason, at: start });
    }
  }
  return events;
}

/** The errors whose offset (and so, in a race with another error, whose code) follow Node's size accounting, which depends on where the input is cut. */
const SIZE_ERRORS = new Set(['HPE_HEADER_OVERFLOW', 'HPE_CHUNK_EXTENSIONS_OVERFLOW']);

/**
 * The same events, however the input was cut: exactly, except that a size
 * limit (counted as Node counts it, at the end of each piece too) may stop
 * the same message at another offset, or before another error.
 */
export function assertSameOutcome(
  actual: ParserEvent[],
  expected: ParserEvent[],
  label: string,
): void {
  const a = actual[actual.length - 1];
  const e = expected[expected.length - 1];
  if (
    a?.type === 'error' &&
    e?.type === 'error' &&
    (SIZE_ERRORS.has(a.code) || SIZE_ERRORS.has(e.code))
  ) {
    assert.deepEqual(actual.slice(0, -1), expected.slice(0, -1), label);
    return;
  }
  assert.deepEqual(actual, expected, label);
}

/** `buf` cut at `cuts` (sorted offsets). */
export function cut(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** Every way to feed `buf` that the tests try: whole, two pieces at each offset, one byte at a time. */
export function* splits(buf: Buffer): Generator<{ label: string; pieces: Buffer[] }> {
  yield { label: 'whole', pieces: [buf] };
  for (let i = 1; i < buf.length; i++) yield { label: `split at ${i}`, pieces: cut(buf, [i]) };
  const bytes: Buffer[] = [];
  for (let i = 0; i < buf.length; i++) bytes.push(buf.subarray(i, i + 1));
  yield { label: 'byte by byte', pieces: bytes };
}

/** latin1 bytes of a string written with `\r\n` explicitly. */
export function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** How many `Host` lines flattened `rawHeaders` holds. */
function hostLines(rawHeaders: readonly string[] = []): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'host') n++;
  return n;
}

/** An expected `headers` event for a request, with defaults for HTTP/1.1 GET. */
export function request(info: Partial<HeadersInfo>): ParserEvent {
  return {
    type: 'headers',
    info: {
      versionMajor: 1,
      versionMinor: 1,
      rawHeaders: [],
      method: 'GET',
      url: '/',
      statusCode: 0,
      statusMessage: '',
      upgrade: false,
      shouldKeepAlive: true,
      contentLength: -1,
      chunked: false,
      hostCount: hostLines(info.rawHeaders),
      ...info,
    },
  };
}

/** An expected `headers` event for a response, with defaults for HTTP/1.1 200 OK. */
export function response(info: Partial<HeadersInfo>): ParserEvent {
  return {
    type: 'headers',
    info: {
      versionMajor: 1,
      versionMinor: 1,
      rawHeaders: [],
      method: '',
      url: '',
      statusCode: 200,
      statusMessage: 'OK',
      upgrade: false,
      shouldKeepAlive: true,
      contentLength: -1,
      chunked: false,
      hostCount: 0,
      ...info,
    },
  };
}

export const body = (data: string): ParserEvent => ({ type: 'body', data });
export const complete = (trailers: string[] = []): ParserEvent => ({ type: 'complete', trailers });
export const rest = (data: string): ParserEvent => ({ type: 'rest', data });
