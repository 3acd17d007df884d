/**
 * wirestack's `https`: Node's HTTPS API (https://nodejs.org/api/https.html) —
 * wirestack's http over TLS. TLS itself is node:tls, wrapped around
 * wirestack's own `net.Socket` (DESIGN.md, `https/`), so it runs on any
 * transport. Typed with `@types/node`'s `node:https` declarations
 * (docs/types.md).
 *
 * Besides re-exports, this module holds `globalAgent` itself: as in Node,
 * user code may assign `https.globalAgent = new https.Agent(...)`, and
 * `request` / `get` use whatever it holds at the time of the call.
 */
import type * as node from 'node:https';
import type { ClientRequest, ResponseListener } from '../http/client-request.js';
import type {
  CreateServer,
  DefaultResponseClass,
  RequestClass,
  ResponseClass,
  ServerConstructor,
} from '../http/public-types.js';
import { callableClass } from '../util/callable-class.js';
import { type NodeClass, nodeTyped } from '../util/node-typed.js';
import { Agent as AgentClass, createGlobalAgent } from './agent.js';
import { type RequestOptions as ClientRequestOptions, requestWith } from './client.js';
import type { AgentOptions, Request } from './public-types.js';
import { createServer as createServerImpl, Server as ServerClass } from './server.js';

export type { ServerOptions } from 'node:https';
export type { SecureConnectOptions, TlsConnectOptions } from './agent.js';
export type { AgentOptions, Request, RequestOptions } from './public-types.js';
export { SecureSocket } from './secure-socket.js';

/** `https.createServer([options][, requestListener])`: an `https.Server`. */
export const createServer = nodeTyped<CreateServer<'https'>>(createServerImpl);

/** `https.Agent` (callable without `new`, as in Node). */
export const Agent = nodeTyped<NodeClass<typeof node.Agent, node.Agent, [options?: AgentOptions]>>(
  callableClass(AgentClass),
);
export type Agent = node.Agent;
/** `https.Server` (callable without `new`, as in Node). */
export const Server = nodeTyped<ServerConstructor<'https'>>(callableClass(ServerClass));
export type Server<
  Request extends RequestClass = RequestClass,
  Response extends ResponseClass<Request> = DefaultResponseClass,
> = node.Server<Request, Response>;

/**
 * The agent `https.request` / `https.get` use when the options name none:
 * keep-alive, LIFO scheduling, 5000 ms idle timeout. Assignable.
 */
export const globalAgent: node.Agent = nodeTyped<node.Agent>(createGlobalAgent());

/** The request `https.request` makes, with the agent `globalAgent` holds at the call. */
function requestNow(
  url: string | URL | ClientRequestOptions,
  options?: ClientRequestOptions | ResponseListener,
  callback?: ResponseListener,
): ClientRequest {
  return requestWith(nodeTyped<AgentClass>(globalAgent), url, options, callback);
}

/**
 * `https.request(url[, options][, callback])` / `https.request(options[,
 * callback])`: an `http.ClientRequest` over TLS (see client.ts for the TLS
 * options and error codes). Call `end()` to send it.
 */
export const request = nodeTyped<Request>(requestNow);

/** `https.get(...)`: `request` with method GET, already ended. */
export const get = nodeTyped<Request>((...args: Parameters<typeof requestNow>): ClientRequest => {
  const req = requestNow(...args);
  req.end();
  return req;
});
