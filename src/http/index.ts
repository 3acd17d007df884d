/**
 * wirestack's `http`: Node's HTTP/1.1 API (https://nodejs.org/api/http.html)
 * over wirestack's `net` — the same surface as `require('http')`.
 */
import { debuglog } from 'node:util';
import { callableClass } from '../util/callable-class.js';
import { Agent as AgentClass, getGlobalAgent, setGlobalAgent } from './agent.js';
import { ClientRequest as ClientRequestClass } from './client-request.js';
import { IncomingMessage as IncomingMessageClass } from './incoming-message.js';
import { nodeOptions } from './node-options.js';
import { OutgoingMessage as OutgoingMessageClass } from './outgoing-message.js';
import { Server as ServerClass } from './server.js';
import { ServerResponse as ServerResponseClass } from './server-response.js';

export type { AgentOptions } from './agent.js';
export {
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
export { METHODS } from './methods.js';
export { createServer, type RequestListener, type ServerOptions } from './server.js';
export { STATUS_CODES } from './status-codes.js';

// The public classes are callable without `new`, as Node's are.
/** `http.Agent`. */
export const Agent = callableClass(AgentClass);
export type Agent = AgentClass;
/** `http.ClientRequest`. */
export const ClientRequest = callableClass(ClientRequestClass);
export type ClientRequest = ClientRequestClass;
/** `http.IncomingMessage`. */
export const IncomingMessage = callableClass(IncomingMessageClass);
export type IncomingMessage = IncomingMessageClass;
/** `http.OutgoingMessage`. */
export const OutgoingMessage = callableClass(OutgoingMessageClass);
export type OutgoingMessage = OutgoingMessageClass;
/** `http.Server`. */
export const Server = callableClass(ServerClass);
export type Server = ServerClass;
/** `http.ServerResponse`. */
export const ServerResponse = callableClass(ServerResponseClass);
export type ServerResponse = ServerResponseClass;

/**
 * `http.globalAgent`: the agent of requests that name none (keep-alive, 5 s
 * idle timeout). Assignable, as in Node: `http.request` then uses the new one.
 */
export declare const globalAgent: AgentClass;
// An accessor on the module's exports (the final object, also when a
// bundler rewrites this module): the binding above is for types only.
Object.defineProperty(module.exports, 'globalAgent', {
  get: getGlobalAgent,
  set: setGlobalAgent,
  enumerable: true,
  configurable: true,
});

/** Default largest header section accepted, in bytes (16 KiB, or node's `--max-http-header-size`). */
export const maxHeaderSize = nodeOptions.maxHeaderSize;

export { setMaxIdleHTTPParsers } from './parser-pool.js';

// NODE_DEBUG=http: node's debug log for 'http' (its first line comes with
// node's warning that the log may expose credentials).
const debug = debuglog('http');
if (debug.enabled) debug('wirestack http loaded');
