/**
 * A free list of parsers, as Node keeps one (`http.setMaxIdleHTTPParsers`):
 * a connection takes a parser when it starts and gives it back when it
 * closes, so a busy server does not build a parser (and its field-offset
 * table and scratch buffer) per connection.
 */
import { codedError } from '../errors/index.js';
import { HttpParser, type HttpParserOptions } from './parser.js';
import type { HeadersInfo, HttpParserHandlers } from './parser-types.js';

let maxIdleParsers = 1000;
const idle: HttpParser[] = [];

/** Handlers of an idle parser: it must not reach its last connection. */
const DETACHED: HttpParserHandlers = {
  onHeadersComplete(_info: HeadersInfo) {
    return 0;
  },
  onBody() {},
  onMessageComplete() {},
};

/**
 * `http.setMaxIdleHTTPParsers(max)`: how many idle parsers are kept
 * (default 1000). Throws `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` unless
 * an integer >= 1.
 */
export function setMaxIdleHTTPParsers(max: number): void {
  if (typeof max !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', 'max', 'number', max);
  if (!Number.isInteger(max)) throw codedError('ERR_OUT_OF_RANGE', 'max', 'an integer', max);
  if (max < 1) throw codedError('ERR_OUT_OF_RANGE', 'max', '>= 1', max);
  maxIdleParsers = max;
  if (idle.length > max) idle.length = max;
}

/** The value last given to setMaxIdleHTTPParsers. */
export function getMaxIdleHTTPParsers(): number {
  return maxIdleParsers;
}

/** How many parsers wait in the pool (for tests). */
export function idleParserCount(): number {
  return idle.length;
}

/** A parser for a new connection: from the pool when one is idle. */
export function allocParser(
  kind: 'request' | 'response',
  handlers: HttpParserHandlers,
  options?: HttpParserOptions,
): HttpParser {
  const parser = idle.pop();
  if (parser === undefined) return new HttpParser(kind, handlers, options);
  parser.initialize(kind, handlers, options);
  return parser;
}

function closeParser(parser: HttpParser): void {
  parser.close();
}

/** Gives a parser back: kept if the pool has room (then `free()`), else closed once the stack unwinds. */
export function releaseParser(parser: HttpParser): void {
  parser.handlers = DETACHED;
  if (idle.length < maxIdleParsers) {
    parser.reset();
    idle.push(parser);
    parser.free();
  } else {
    setImmediate(closeParser, parser);
  }
}
