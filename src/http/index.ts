/**
 * wirestack's `http`: Node's HTTP/1.1 API (https://nodejs.org/api/http.html)
 * over wirestack's `net` — the same surface as `require('http')`.
 */
import type * as node from 'node:http';
import { debuglog } from 'node:util';
import { type CallableClass, callableClass } from '../util/callable-class.js';
import { type NodeClass, nodeTyped } from '../util/node-typed.js';
import { Agent as AgentClass, getGlobalAgent, setGlobalAgent } from './agent.js';
import {
  ClientRequest as ClientRequestClass,
  get as getImpl,
  request as requestImpl,
} from './client-request.js';
import { IncomingMessage as IncomingMessageClass } from './incoming-message.js';
import { nodeOptions } from './node-options.js';
import { OutgoingMessage as OutgoingMessageClass } from './outgoing-message.js';
import type {
  AgentOptions,
  CreateServer,
  DefaultResponseClass,
  RequestClass,
  ResponseClass,
  ServerConstructor,
} from './public-types.js';
import { createServer as createServerImpl, Server as ServerClass } from './server.js';
import { ServerResponse as ServerResponseClass } from './server-response.js';

export type {
  ClientRequestArgs,
  IncomingHttpHeaders,
  OutgoingHttpHeader,
  OutgoingHttpHeaders,
  RequestListener,
  RequestOptions,
} from 'node:http';
export {
  type IncomingHttpHeadersDistinct,
  validateHeaderName,
  validateHeaderValue,
} from './headers.js';
export { METHODS } from './methods.js';
export type * from './public-types.js';
export { STATUS_CODES } from './status-codes.js';

/** The callback of `http.request` / `http.get`: called with the response. */
export type ResponseListener = (res: node.IncomingMessage) => void;

/** `http.createServer([options][, requestListener])`: an `http.Server`. */
export const createServer = nodeTyped<CreateServer<'http'>>(createServerImpl);
/** `http.request(url[, options][, callback])` / `http.request(options[, callback])`: a ClientRequest; call `end()` to send it. */
export const request = nodeTyped<typeof node.request>(requestImpl);
/** `http.get(...)`: `request` with method GET, already ended. */
export const get = nodeTyped<typeof node.get>(getImpl);

// The public classes are callable without `new`, as Node's are.
/** `http.Agent`. */
export const Agent = nodeTyped<NodeClass<typeof node.Agent, node.Agent, [options?: AgentOptions]>>(
  callableClass(AgentClass),
);
export type Agent = node.Agent;
/** `http.ClientRequest`. */
export const ClientRequest = nodeTyped<CallableClass<typeof node.ClientRequest>>(
  callableClass(ClientRequestClass),
);
export type ClientRequest = node.ClientRequest;
/** `http.IncomingMessage`. */
export const IncomingMessage = nodeTyped<CallableClass<typeof node.IncomingMessage>>(
  callableClass(IncomingMessageClass),
);
export type IncomingMessage = node.IncomingMessage;
/** `http.OutgoingMessage`. */
export const OutgoingMessage = nodeTyped<CallableClass<typeof node.OutgoingMessage>>(
  callableClass(OutgoingMessageClass),
);
export type OutgoingMessage<Request extends node.IncomingMessage = node.IncomingMessage> =
  node.OutgoingMessage<Request>;
/** `http.Server`. */
export const Server = nodeTyped<ServerConstructor<'http'>>(callableClass(ServerClass));
export type Server<
  Request extends RequestClass = RequestClass,
  Response extends ResponseClass<Request> = DefaultResponseClass,
> = node.Server<Request, Response>;
/** `http.ServerResponse`. */
export const ServerResponse = nodeTyped<CallableClass<typeof node.ServerResponse>>(
  callableClass(ServerResponseClass),
);
export type ServerResponse<Request extends node.IncomingMessage = node.IncomingMessage> =
  node.ServerResponse<Request>;

/**
 * `http.globalAgent`: the agent of requests that name none (keep-alive, 5 s
 * idle timeout). Assignable, as in Node: `http.request` then uses the new one.
 */
export declare const globalAgent: node.Agent;
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
