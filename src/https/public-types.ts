/**
 * The public types of `wirestack/https` besides those it shares with
 * `wirestack/http` (src/http/public-types.ts): `@types/node`'s `node:https`
 * declarations, whose agent options also take wirestack's `transport` and
 * whose request options take every `tls.connect` option.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type * as node from 'node:https';
import type { TransportOption } from '../net/public-types.js';
import type { TlsConnectOptions } from './agent.js';

/**
 * Options of `https.request`: Node's, and every `tls.connect` option (Node's
 * https doc: "any options from tls.connect()"; `@types/node` leaves out a few,
 * `ALPNProtocols` among them).
 */
export type RequestOptions = node.RequestOptions & TlsConnectOptions;

/** `https.request` / `https.get`: Node's two forms. */
export interface Request {
  (
    options: RequestOptions | string | URL,
    callback?: (res: IncomingMessage) => void,
  ): ClientRequest;
  (
    url: string | URL,
    options: RequestOptions,
    callback?: (res: IncomingMessage) => void,
  ): ClientRequest;
}

/** Options of `new https.Agent([options])`: Node's, and `transport` (of the sockets it makes). */
export type AgentOptions = node.AgentOptions & TransportOption;
