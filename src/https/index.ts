/**
 * wirestack's `https`: Node's HTTPS API (https://nodejs.org/api/https.html) —
 * wirestack's http over TLS. TLS itself is node:tls, wrapped around
 * wirestack's own `net.Socket` (DESIGN.md, `https/`), so it runs on any
 * transport.
 *
 * Besides re-exports, this module holds `globalAgent` itself: as in Node,
 * user code may assign `https.globalAgent = new https.Agent(...)`, and
 * `request` / `get` use whatever it holds at the time of the call.
 */
import type { ClientRequest, ResponseListener } from '../http/client-request.js';
import { callableClass } from '../util/callable-class.js';
import { Agent as AgentClass, createGlobalAgent } from './agent.js';
import { type RequestOptions, requestWith } from './client.js';
import { Server as ServerClass } from './server.js';

export type { AgentOptions, SecureConnectOptions, TlsConnectOptions } from './agent.js';
export type { RequestOptions } from './client.js';
export { SecureSocket } from './secure-socket.js';
export { createServer, type ServerOptions } from './server.js';

/** `https.Agent` (callable without `new`, as in Node). */
export const Agent = callableClass(AgentClass);
export type Agent = AgentClass;
/** `https.Server` (callable without `new`, as in Node). */
export const Server = callableClass(ServerClass);
export type Server = ServerClass;

/**
 * The agent `https.request` / `https.get` use when the options name none:
 * keep-alive, LIFO scheduling, 5000 ms idle timeout. Assignable.
 */
export const globalAgent: AgentClass = createGlobalAgent();

/**
 * `https.request(url[, options][, callback])` / `https.request(options[,
 * callback])`: an `http.ClientRequest` over TLS (see client.ts for the TLS
 * options and error codes). Call `end()` to send it.
 */
export function request(
  url: string | URL | RequestOptions,
  options?: RequestOptions | ResponseListener,
  callback?: ResponseListener,
): ClientRequest {
  return requestWith(globalAgent, url, options, callback);
}

/** `https.get(...)`: `request` with method GET, already ended. */
export function get(
  url: string | URL | RequestOptions,
  options?: RequestOptions | ResponseListener,
  callback?: ResponseListener,
): ClientRequest {
  const req = requestWith(globalAgent, url, options, callback);
  req.end();
  return req;
}
