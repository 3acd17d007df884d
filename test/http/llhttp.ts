/**
 * Node's own HTTP parser (llhttp), through the binding Node's http module
 * and bench/parser.ts use (`process.binding('http_parser')`, loaded by
 * bench/llhttp-binding.ts), driven the way lib/_http_common.js and
 * lib/_http_server.js drive it, next to ours
 * driven the same way: both report what they parsed in one shape
 * (`Outcome`), so that a test can require the same decisions, codes,
 * offsets and fields from both.
 */
import { gatherHeaders, type LlhttpBinding, loadLlhttp } from '../../bench/llhttp-binding.js';
import { HttpParser } from '../../src/http/parser.js';
import { HeadersResult } from '../../src/http/parser-types.js';

/** What a parser reported, in order. Body pieces are merged (their split is not observable). */
export type Outcome =
  | {
      t: 'headers';
      method: string;
      url: string;
      status: number;
      reason: string;
      version: string;
      raw: string[];
      upgrade: boolean;
      keepAlive: boolean;
    }
  | { t: 'body'; data: string }
  | { t: 'complete'; trailers: string[] }
  /** `execute` stopped early (upgrade) at this offset of the whole input. */
  | { t: 'stop'; at: number }
  /** A parse error: `at` = where it stopped, as an offset of the whole input (`bytesParsed` + its piece's start). */
  | { t: 'error'; code: string; reason: string; at: number }
  /** `finish()` (end of input) failed. */
  | { t: 'eof'; code: string; bytesParsed: number; message: string };

export interface FeedOptions {
  /** Call `finish()` after the last piece (the peer closed). */
  finish?: boolean;
  maxHeaderSize?: number;
}

export type Parse = (
  kind: 'request' | 'response',
  pieces: readonly Buffer[],
  options?: FeedOptions,
) => Outcome[];

function pushBody(out: Outcome[], data: string): void {
  const last = out[out.length - 1];
  if (last?.t === 'body') last.data += data;
  else out.push({ t: 'body', data });
}

type ParseError = Error & { code: string; reason: string; bytesParsed: number };

/**
 * Feeds `pieces` to a parser (`execute` answers the bytes consumed or the
 * error) and records where it failed or stopped, then its end of input.
 */
function feed(
  out: Outcome[],
  pieces: readonly Buffer[],
  options: FeedOptions,
  parser: { execute(piece: Buffer): number | ParseError; finish(): ParseError | undefined },
): Outcome[] {
  let start = 0;
  for (const piece of pieces) {
    const r = parser.execute(piece);
    if (typeof r !== 'number') {
      out.push({ t: 'error', code: r.code, reason: r.reason, at: start + r.bytesParsed });
      return out;
    }
    if (r < piece.length || upgraded(out)) {
      out.push({ t: 'stop', at: start + r });
      return out;
    }
    start += piece.length;
  }
  const err = options.finish ? parser.finish() : undefined;
  if (err)
    out.push({ t: 'eof', code: err.code, bytesParsed: err.bytesParsed, message: err.message });
  return out;
}

/** An upgrade's head was reported: what follows is not HTTP (both parsers stop there). */
function upgraded(out: Outcome[]): boolean {
  for (const e of out) if (e.t === 'headers' && e.upgrade) return true;
  return false;
}

/** Our parser, handled as our server and client handle it. */
export const ours: Parse = (kind, pieces, options = {}) => {
  const out: Outcome[] = [];
  const parser = new HttpParser(
    kind,
    {
      onHeadersComplete: (info) => {
        out.push({
          t: 'headers',
          method: info.method,
          url: info.url,
          status: info.statusCode,
          reason: info.statusMessage,
          version: `${info.versionMajor}.${info.versionMinor}`,
          raw: [...info.rawHeaders],
          upgrade: info.upgrade,
          keepAlive: info.shouldKeepAlive,
        });
        // An upgrade's message ends with its head (Node's parser says so).
        if (info.upgrade) out.push({ t: 'complete', trailers: [] });
        return HeadersResult.Normal;
      },
      onBody: (chunk) => pushBody(out, chunk.toString('latin1')),
      onMessageComplete: (trailers) => out.push({ t: 'complete', trailers: [...trailers] }),
    },
    { maxHeaderSize: options.maxHeaderSize },
  );
  return feed(out, pieces, options, {
    execute: (piece) => {
      const n = parser.execute(piece);
      return parser.error ?? n;
    },
    finish: () => parser.finish() ?? undefined,
  });
};

/**
 * Node's parser, strict (the flags Node's server and client use without
 * `insecureHTTPParser`). As Node's server with an 'upgrade' listener, the
 * head of an upgrade is where HTTP ends (onHeadersComplete returns 2).
 */
export function llhttp(binding: LlhttpBinding): Parse {
  const { HTTPParser, allMethods } = binding;
  return (kind, pieces, options = {}) => {
    const out: Outcome[] = [];
    const parser = new HTTPParser();
    parser.initialize(
      kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE,
      {},
      options.maxHeaderSize ?? 16384,
      0,
    );
    const take = gatherHeaders(binding, parser);
    parser[HTTPParser.kOnHeadersComplete] = (
      major: number,
      minor: number,
      headers: string[] | undefined,
      method: number | undefined,
      url: string | undefined,
      status: number | undefined,
      reason: string | undefined,
      upgrade: boolean,
      keepAlive: boolean,
    ) => {
      const head = take(headers, url);
      out.push({
        t: 'headers',
        method: kind === 'request' ? allMethods[method!]! : '',
        url: kind === 'request' ? head.url : '',
        status: kind === 'request' ? 0 : status!,
        reason: kind === 'request' ? '' : (reason ?? ''),
        version: `${major}.${minor}`,
        raw: head.raw,
        upgrade,
        keepAlive,
      });
      return upgrade ? 2 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer) => pushBody(out, chunk.toString('latin1'));
    parser[HTTPParser.kOnMessageComplete] = () => {
      out.push({ t: 'complete', trailers: take().raw });
    };
    return feed(out, pieces, options, parser);
  };
}

/** The binding, or null where this Node has none (its absence is reported by the tests, never passed over). */
export const loadBinding = loadLlhttp;
