/**
 * The public types of `wirestack/http`: `@types/node`'s `node:http`
 * declarations (see src/util/node-typed.ts and docs/types.md), whose server
 * and agent options also take wirestack's `transport`. The generic parameters
 * are Node's: the classes of requests and responses a server makes (the
 * `IncomingMessage` / `ServerResponse` options).
 */
import type * as node from 'node:http';
import type * as nodeHttps from 'node:https';
import type { TransportOption } from '../net/public-types.js';

/** The class of the requests a server makes (`typeof http.IncomingMessage` or a subclass). */
export type RequestClass = typeof node.IncomingMessage;
/** The class of the responses a server makes for requests of `Request`. */
export type ResponseClass<Request extends RequestClass> = typeof node.ServerResponse<
  InstanceType<Request>
>;

/** The class of the responses a server makes by default, `typeof http.ServerResponse`. */
export type DefaultResponseClass = typeof node.ServerResponse;

/** Options of `http.createServer([options])`: Node's, and `transport`. */
export type ServerOptions<
  Request extends RequestClass = RequestClass,
  Response extends ResponseClass<Request> = DefaultResponseClass,
> = node.ServerOptions<Request, Response> & TransportOption;

/** Options of `new http.Agent([options])`: Node's, and `transport` (of the sockets it makes). */
export type AgentOptions = node.AgentOptions & TransportOption;

/**
 * The servers of `http` and `https`, by module name: one declaration of
 * `createServer` serves both (TypeScript has no type-level functions, so a
 * lookup in this map stands in for one).
 */
interface ServerKinds<Request extends RequestClass, Response extends ResponseClass<Request>> {
  http: { server: node.Server<Request, Response>; options: ServerOptions<Request, Response> };
  https: {
    server: nodeHttps.Server<Request, Response>;
    options: nodeHttps.ServerOptions<Request, Response> & TransportOption;
  };
}
/** `'http'` or `'https'`. */
export type ServerKind = keyof ServerKinds<RequestClass, DefaultResponseClass>;

/** `createServer([options][, requestListener])` of `http` or `https` (Node's http and https docs). */
export interface CreateServer<Kind extends ServerKind> {
  <
    Request extends RequestClass = RequestClass,
    Response extends ResponseClass<Request> = DefaultResponseClass,
  >(
    requestListener?: node.RequestListener<Request, Response>,
  ): ServerKinds<Request, Response>[Kind]['server'];
  <
    Request extends RequestClass = RequestClass,
    Response extends ResponseClass<Request> = DefaultResponseClass,
  >(
    options: ServerKinds<Request, Response>[Kind]['options'],
    requestListener?: node.RequestListener<Request, Response>,
  ): ServerKinds<Request, Response>[Kind]['server'];
}

/** `http.Server` / `https.Server`, constructed as `createServer` is called, with or without `new`. */
export type ServerConstructor<Kind extends ServerKind> = Omit<
  Kind extends 'http' ? typeof node.Server : typeof nodeHttps.Server,
  'prototype'
> &
  CreateServer<Kind> & {
    new <
      Request extends RequestClass = RequestClass,
      Response extends ResponseClass<Request> = DefaultResponseClass,
    >(
      requestListener?: node.RequestListener<Request, Response>,
    ): ServerKinds<Request, Response>[Kind]['server'];
    new <
      Request extends RequestClass = RequestClass,
      Response extends ResponseClass<Request> = DefaultResponseClass,
    >(
      options: ServerKinds<Request, Response>[Kind]['options'],
      requestListener?: node.RequestListener<Request, Response>,
    ): ServerKinds<Request, Response>[Kind]['server'];
    readonly prototype: ServerKinds<RequestClass, DefaultResponseClass>[Kind]['server'];
  };
