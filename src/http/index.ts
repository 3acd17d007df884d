/**
 * wirestack's `http`: Node's HTTP/1.1 API (https://nodejs.org/api/http.html)
 * over wirestack's `net` — the same surface as `require('http')`.
 */
import { codedError } from '../errors/index.js';

export { Agent, type AgentOptions, globalAgent } from './agent.js';
export {
  ClientRequest,
  get,
  type RequestOptions,
  type ResponseListener,
  request,
} from './client-request.js';
export {
  type IncomingHttpHeaders,
  type IncomingHttpHeadersDistinct,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  validateHeaderName,
  validateHeaderValue,
} from './headers.js';
export { IncomingMessage } from './incoming-message.js';
export { METHODS } from './methods.js';
export { OutgoingMessage } from './outgoing-message.js';
export { createServer, type RequestListener, Server, type ServerOptions } from './server.js';
export { ServerResponse } from './server-response.js';
export { STATUS_CODES } from './status-codes.js';

/** Default largest header section accepted, in bytes (16 KiB, as Node's `http.maxHeaderSize`). */
export const maxHeaderSize = 16 * 1024;

let maxIdleParsers = 1000;

/**
 * `http.setMaxIdleHTTPParsers(max)`: Node's parser free-list size. Parsers
 * here are per connection and cheap, so the value is only validated and kept.
 * Throws `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` unless an integer >= 1.
 */
export function setMaxIdleHTTPParsers(max: number): void {
  if (typeof max !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', 'max', 'number', max);
  if (!Number.isInteger(max)) throw codedError('ERR_OUT_OF_RANGE', 'max', 'an integer', max);
  if (max < 1) throw codedError('ERR_OUT_OF_RANGE', 'max', '>= 1', max);
  maxIdleParsers = max;
}

/** @internal The value last given to setMaxIdleHTTPParsers. */
export function getMaxIdleHTTPParsers(): number {
  return maxIdleParsers;
}
