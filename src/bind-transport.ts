/**
 * Node's network modules bound to one transport: `bindTransport(transport)`
 * gives `net`, `dgram`, `http`, `https` and `ws` objects with the surface of
 * `wirestack/net`, ... whose classes and functions make their sockets on
 * `transport` unless told otherwise (a `transport` option still wins). Each
 * `http` / `https` has its own `globalAgent`, so connections made on one
 * transport are never pooled with another's.
 *
 * ```js
 * const { http } = bindTransport(beta.transport);
 * http.createServer((req, res) => res.end('hi')).listen(80);
 * ```
 *
 * Nothing here knows a socket: the modules below take a `transport` option
 * (net.Socket, net.Server, http.Server, http.Agent, https.Agent,
 * WebSocket, WebSocketServer), and the classes here only fill it in. A
 * top-level module, like sim.ts: it assembles the layers below it.
 */
import type { Buffer } from 'node:buffer';
import type * as dgramModule from './dgram/index.js';
import {
  Socket as DgramSocket,
  type SocketOptions as DgramSocketOptions,
  type RemoteInfo,
  type SocketType,
} from './dgram/socket.js';
import type { Transport } from './handle/types.js';
import {
  GLOBAL_AGENT_OPTIONS,
  Agent as HttpAgent,
  type AgentOptions as HttpAgentOptions,
} from './http/agent.js';
import {
  ClientRequest,
  type RequestOptions,
  type ResponseListener,
} from './http/client-request.js';
import * as httpModule from './http/index.js';
import {
  Server as HttpServer,
  type ServerOptions as HttpServerOptions,
  type RequestListener,
} from './http/server.js';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from './https/agent.js';
import { type RequestOptions as HttpsRequestOptions, requestWith } from './https/client.js';
import * as httpsModule from './https/index.js';
import { Server as HttpsServer, type ServerOptions as HttpsServerOptions } from './https/server.js';
import { connectWith } from './net/connect.js';
import * as netModule from './net/index.js';
import { Server as NetServer, type ServerOpts } from './net/server.js';
import { kLayeredOver, Socket as NetSocket, type SocketConstructorOpts } from './net/socket.js';
import { callableClass } from './util/callable-class.js';
import { nodeTyped } from './util/node-typed.js';
import type { ClientOptions } from './ws/client-handshake.js';
import { createWebSocketStream } from './ws/stream.js';
import { type ServerSideOptions, WebSocket } from './ws/websocket.js';
import { WebSocketServer, type ServerOptions as WsServerOptions } from './ws/websocket-server.js';

/** `net` on one transport: the whole of `wirestack/net`. */
export type BoundNet = typeof netModule;
/** `dgram` on one transport: `createSocket` and `Socket`. */
export type BoundDgram = typeof dgramModule;
/** `http` on one transport, with its own `globalAgent`. */
export type BoundHttp = typeof httpModule;
/** `https` on one transport, with its own `globalAgent`. */
export type BoundHttps = typeof httpsModule;
/** The WebSocket module (`ws`'s API) on one transport. */
export interface BoundWs {
  WebSocket: typeof WebSocket;
  WebSocketServer: typeof WebSocketServer;
  /** `WebSocketServer`, as the `ws` package also names it. */
  Server: typeof WebSocketServer;
  createWebSocketStream: typeof createWebSocketStream;
}

/** Every module, bound to one transport. */
export interface TransportModules {
  net: BoundNet;
  dgram: BoundDgram;
  http: BoundHttp;
  https: BoundHttps;
  ws: BoundWs;
}

/** `instanceof`'s own test (the prototype chain). */
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/**
 * `options` with `transport` filled in unless it names one. Anything but an
 * options object passes as it is: the class it goes to validates it.
 */
function withTransport<T>(options: T, transport: Transport): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return options;
  if ((options as { transport?: Transport }).transport !== undefined) return options;
  return { ...options, transport };
}

/** A server constructor's `(options?, listener?)` / `(listener?)`, as `(options, listener)` on `transport`. */
function serverArgs<O extends object, L extends Function>(
  transport: Transport,
  options: O | L | null | undefined,
  listener: L | undefined,
): [O, L | undefined] {
  if (typeof options === 'function') return [{ transport } as unknown as O, options];
  if (options === null || options === undefined) return [{ transport } as unknown as O, listener];
  return [withTransport(options, transport), listener];
}

/** Binds every module to `transport`. */
export function bindTransport(transport: Transport): TransportModules {
  const net = bindNet(transport);
  return {
    net,
    dgram: bindDgram(transport),
    http: bindHttp(transport),
    https: bindHttps(transport),
    ws: bindWs(transport),
  };
}

/** `net` on `transport`. `instanceof` its Socket / Server is true of any socket / server on `transport`. */
export function bindNet(transport: Transport): BoundNet {
  class Socket extends NetSocket {
    constructor(options: SocketConstructorOpts | number = {}) {
      super(withTransport(options, transport));
    }

    // An accepted socket (made by the server), a TLS socket over one: ours
    // when on this transport. A subclass keeps the ordinary test.
    static override [Symbol.hasInstance](value: unknown): boolean {
      // biome-ignore lint/complexity/noThisInStatic: the class being asked about, not always Socket.
      if (this.prototype !== Socket.prototype) return ordinaryHasInstance.call(this, value);
      if (!(value instanceof NetSocket)) return false;
      const under = (value as { [kLayeredOver]?: NetSocket })[kLayeredOver] ?? value;
      return under._transport === transport;
    }
  }

  class Server extends NetServer {
    constructor(
      options?: ServerOpts | ((socket: NetSocket) => void),
      listener?: (socket: NetSocket) => void,
    ) {
      super(...serverArgs<ServerOpts, (socket: NetSocket) => void>(transport, options, listener));
    }

    // An http or https server on this transport is a net.Server of it too.
    static override [Symbol.hasInstance](value: unknown): boolean {
      // biome-ignore lint/complexity/noThisInStatic: the class being asked about, not always Server.
      if (this.prototype !== Server.prototype) return ordinaryHasInstance.call(this, value);
      return value instanceof NetServer && value._transport === transport;
    }
  }

  const createConnection = (...args: unknown[]): NetSocket => connectWith(Socket, args);
  const BoundSocket = callableClass(Socket);
  return nodeTyped<BoundNet>({
    ...netModule,
    Socket: BoundSocket,
    Stream: BoundSocket,
    Server: callableClass(Server),
    createServer: (
      options?: ServerOpts | ((socket: NetSocket) => void),
      listener?: (socket: NetSocket) => void,
    ): NetServer => new Server(options, listener),
    createConnection,
    connect: createConnection,
  });
}

/** `dgram` on `transport`. */
export function bindDgram(transport: Transport): BoundDgram {
  class Socket extends DgramSocket {
    constructor(
      type: SocketType | DgramSocketOptions,
      listener?: (msg: Buffer, rinfo: RemoteInfo) => void,
    ) {
      super(type, listener, transport);
    }
  }
  return {
    createSocket: (type, callback) => new Socket(type, callback),
    Socket,
  };
}

type RequestArgs = [
  string | URL | RequestOptions,
  (RequestOptions | ResponseListener)?,
  ResponseListener?,
];

/** A request's arguments with `agent` as the default agent (an option `agent` still wins). */
function withDefaultAgent(
  agent: HttpAgent,
  input: string | URL | RequestOptions,
  options: RequestOptions | ResponseListener | undefined,
  cb: ResponseListener | undefined,
): RequestArgs {
  if (typeof input === 'string' || input instanceof URL) {
    if (typeof options === 'function') return [input, { _defaultAgent: agent }, options];
    return [input, { ...options, _defaultAgent: agent }, cb];
  }
  return [{ ...input, _defaultAgent: agent }, options, cb];
}

/** Gives `module` an assignable `globalAgent`, read by its `request` at each call. */
function defineGlobalAgent<A>(module: object, get: () => A, set: (agent: A) => void): void {
  Object.defineProperty(module, 'globalAgent', { get, set, enumerable: true, configurable: true });
}

/** `get` from `request`: the same request, ended at once (as Node's http.get and https.get). */
function endedAtOnce<A extends unknown[]>(
  request: (...args: A) => ClientRequest,
): (...args: A) => ClientRequest {
  return (...args) => {
    const req = request(...args);
    req.end();
    return req;
  };
}

/** `http` on `transport`, with a `globalAgent` of its own. */
export function bindHttp(transport: Transport): BoundHttp {
  class Agent extends HttpAgent {
    constructor(options?: HttpAgentOptions) {
      super(withTransport(options ?? {}, transport));
    }
  }
  let globalAgent: HttpAgent = new Agent(GLOBAL_AGENT_OPTIONS);

  class BoundClientRequest extends ClientRequest {
    constructor(
      input: string | URL | RequestOptions,
      options?: RequestOptions | ResponseListener,
      cb?: ResponseListener,
    ) {
      super(...withDefaultAgent(globalAgent, input, options, cb));
    }
  }

  class Server extends HttpServer {
    constructor(options?: HttpServerOptions | RequestListener, listener?: RequestListener) {
      super(...serverArgs<HttpServerOptions, RequestListener>(transport, options, listener));
    }
  }

  const request = (
    input: string | URL | RequestOptions,
    options?: RequestOptions | ResponseListener,
    cb?: ResponseListener,
  ): ClientRequest => new BoundClientRequest(input, options, cb);
  const http = nodeTyped<BoundHttp>({
    ...httpModule,
    Agent: callableClass(Agent),
    ClientRequest: callableClass(BoundClientRequest),
    Server: callableClass(Server),
    createServer: (options?: HttpServerOptions | RequestListener, listener?: RequestListener) =>
      new Server(options, listener),
    request,
    get: endedAtOnce(request),
  });
  defineGlobalAgent<HttpAgent>(
    http,
    () => globalAgent,
    (agent) => {
      globalAgent = agent;
    },
  );
  return http;
}

/** `https` on `transport`, with a `globalAgent` of its own. */
export function bindHttps(transport: Transport): BoundHttps {
  class Agent extends HttpsAgent {
    constructor(options?: HttpsAgentOptions) {
      super(withTransport(options ?? {}, transport));
    }
  }
  let globalAgent: HttpsAgent = new Agent(GLOBAL_AGENT_OPTIONS);

  class Server extends HttpsServer {
    constructor(options?: HttpsServerOptions | RequestListener, listener?: RequestListener) {
      super(...serverArgs<HttpsServerOptions, RequestListener>(transport, options, listener));
    }
  }

  const request = (
    input: string | URL | HttpsRequestOptions,
    options?: HttpsRequestOptions | ResponseListener,
    cb?: ResponseListener,
  ): ClientRequest => requestWith(globalAgent, input, options, cb);
  const https = nodeTyped<BoundHttps>({
    ...httpsModule,
    Agent: callableClass(Agent),
    Server: callableClass(Server),
    createServer: (options?: HttpsServerOptions | RequestListener, listener?: RequestListener) =>
      new Server(options, listener),
    request,
    get: endedAtOnce(request),
  });
  defineGlobalAgent<HttpsAgent>(
    https,
    () => globalAgent,
    (agent) => {
      globalAgent = agent;
    },
  );
  return https;
}

type WebSocketArgs = [
  string | URL | null,
  (string | readonly string[] | ClientOptions)?,
  (ClientOptions | ServerSideOptions)?,
];

/** A client WebSocket's arguments with `transport` in its options (wherever they are given). */
function clientArgs(
  transport: Transport,
  address: string | URL | null,
  protocols: string | readonly string[] | ClientOptions | undefined,
  options: ClientOptions | ServerSideOptions | undefined,
): WebSocketArgs {
  if (address === null) return [address, protocols, options];
  if (protocols !== null && typeof protocols === 'object' && !Array.isArray(protocols)) {
    return [address, withTransport(protocols as ClientOptions, transport), options];
  }
  return [address, protocols, withTransport((options ?? {}) as ClientOptions, transport)];
}

/** The WebSocket module on `transport`: clients connect, and `{ port }` servers listen, there. */
export function bindWs(transport: Transport): BoundWs {
  class BoundWebSocket extends WebSocket {
    constructor(
      address: string | URL | null,
      protocols?: string | readonly string[] | ClientOptions,
      options?: ClientOptions | ServerSideOptions,
    ) {
      super(...clientArgs(transport, address, protocols, options));
    }
  }

  class BoundWebSocketServer extends WebSocketServer {
    constructor(options: WsServerOptions, callback?: () => void) {
      // The server's WebSockets are this module's too (`ws instanceof WebSocket`).
      super({ WebSocket: BoundWebSocket, ...withTransport(options, transport) }, callback);
    }
  }

  return {
    WebSocket: BoundWebSocket,
    WebSocketServer: BoundWebSocketServer,
    Server: BoundWebSocketServer,
    createWebSocketStream,
  };
}
