/**
 * Type tests of wirestack's public modules against `@types/node`, Express's,
 * Fastify's, Koa's, Hono's and `ws`'s declarations. Compiled by
 * `npm run typecheck` (part of `npm test`), never run: every function here
 * only has to compile. A line after `// @ts-expect-error` must fail to
 * compile, else the typecheck fails: that is how the wrong types are proven
 * rejected.
 */
import { Buffer } from 'node:buffer';
import type * as nodeDgram from 'node:dgram';
import type * as nodeHttp from 'node:http';
import type * as nodeHttps from 'node:https';
import type * as nodeNet from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener, serve } from '@hono/node-server';
import express from 'express';
import fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { WebSocketServer as PeerWebSocketServer } from 'ws';
import * as dgram from '../../src/dgram/index.js';
import * as http from '../../src/http/index.js';
import * as https from '../../src/https/index.js';
import * as net from '../../src/net/index.js';
import { Simulation } from '../../src/sim.js';
import { WebSocketServer } from '../../src/ws/index.js';
import { same } from './same.js';

// Libraries typed against Node's modules, as many are.
declare function takesHttpServer(server: nodeHttp.Server): void;
declare function takesHttpsServer(server: nodeHttps.Server): void;
declare function takesNetServer(server: nodeNet.Server): void;
declare function takesSocket(socket: nodeNet.Socket): void;
declare function takesRequest(req: nodeHttp.IncomingMessage): void;
declare function takesResponse(res: nodeHttp.ServerResponse): void;
declare function takesClientRequest(req: nodeHttp.ClientRequest): void;
declare function takesAgent(agent: nodeHttp.Agent): void;
declare function takesHttpsAgent(agent: nodeHttps.Agent): void;
declare function takesDgramSocket(socket: nodeDgram.Socket): void;

/** The public class types are Node's, exactly. */
export function exactTypes(): void {
  same<http.Server, nodeHttp.Server>();
  same<http.IncomingMessage, nodeHttp.IncomingMessage>();
  same<http.ServerResponse, nodeHttp.ServerResponse>();
  same<http.ClientRequest, nodeHttp.ClientRequest>();
  same<http.Agent, nodeHttp.Agent>();
  same<https.Server, nodeHttps.Server>();
  same<https.Agent, nodeHttps.Agent>();
  same<net.Server, nodeNet.Server>();
  same<net.Socket, nodeNet.Socket>();
  const server = http.createServer();
  same<typeof server, nodeHttp.Server>();
  const secure = https.createServer({});
  same<typeof secure, nodeHttps.Server>();
  same<ReturnType<typeof net.connect>, nodeNet.Socket>();
  // @ts-expect-error an http server is no https server
  same<http.Server, nodeHttps.Server>();
}

/** Every public class is accepted where Node's is expected. */
export function acceptedAsNodes(): void {
  const server = http.createServer();
  takesHttpServer(server);
  takesNetServer(server);
  takesHttpServer(new http.Server());
  takesNetServer(net.createServer());
  takesNetServer(new net.Server());
  takesSocket(net.connect(80));
  takesSocket(new net.Socket());
  takesAgent(new http.Agent({ keepAlive: true }));
  takesAgent(http.globalAgent);
  takesHttpsAgent(new https.Agent());
  takesHttpsAgent(https.globalAgent);
  takesHttpsServer(https.createServer({}));
  takesDgramSocket(dgram.createSocket('udp4'));
  const req = http.get('http://127.0.0.1/', (res) => takesRequest(res));
  takesClientRequest(req);
  takesClientRequest(https.request('https://127.0.0.1/'));
  server.on('request', (incoming, res) => {
    takesRequest(incoming);
    takesResponse(res);
    takesSocket(incoming.socket);
  });
  // @ts-expect-error a server is not a socket
  takesSocket(server);
  // @ts-expect-error an http server is not an https server (no TLS members)
  takesHttpsServer(server);
}

/** Frameworks serve on wirestack's http, typed with their own declarations. */
export function frameworks(): void {
  const app = express();
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  takesHttpServer(http.createServer(app));
  http.createServer({ keepAliveTimeout: 1000 }, app).listen(0);
  https.createServer({}, app);

  const koa = new Koa();
  http.createServer(koa.callback());

  // Fastify builds its server with the factory: the server must be Node's type.
  fastify({
    serverFactory: (handler) => http.createServer((req, res) => handler(req, res)),
  });

  // Hono's Node adapter takes the createServer to use, typed as Node's.
  const hono = new Hono();
  serve({ fetch: hono.fetch, createServer: http.createServer });
  serve({ fetch: hono.fetch, createServer: https.createServer, serverOptions: {} });
  http.createServer(getRequestListener(hono.fetch));

  // The `ws` package, given a wirestack http server.
  new PeerWebSocketServer({ server: http.createServer() });
  // @ts-expect-error Express's app is no server options object
  http.createServer(app, app);
}

/** Listeners are typed per event, as `@types/node` types them. */
export function eventListeners(): void {
  const socket = net.connect({ port: 80, host: 'localhost' });
  socket.on('data', (data) => same<typeof data, Buffer<ArrayBuffer>>());
  socket.once('data', (data) => data.readUInt8(0));
  socket.addListener('close', (hadError) => same<typeof hadError, boolean>());
  socket.prependListener('error', (err) => same<typeof err, Error>());
  socket.prependOnceListener('lookup', (err, address, family) => {
    same<typeof err, Error>();
    same<typeof address, string>();
    same<typeof family, string | number>();
  });
  socket.off('data', () => {});
  socket.emit('data', Buffer.from('x'));
  socket.on('data', (data) => {
    // @ts-expect-error 'data' gives a Buffer (without setEncoding), not a string
    const text: string = data;
    return text;
  });

  const server = http.createServer();
  server.on('request', (req, res) => {
    same<typeof req, nodeHttp.IncomingMessage>();
    same<typeof res, nodeHttp.ServerResponse & { req: nodeHttp.IncomingMessage }>();
  });
  server.on('connection', (s) => same<typeof s, nodeNet.Socket>());
  server.on('upgrade', (req, s, head) => {
    same<typeof req, nodeHttp.IncomingMessage>();
    same<typeof s, Duplex>();
    same<typeof head, Buffer<ArrayBuffer>>();
  });
  server.on('clientError', (err, s) => {
    same<typeof err, Error>();
    same<typeof s, Duplex>();
  });
  server.once('listening', () => {});
  server.on('request', (req) => {
    // @ts-expect-error a request's method may be undefined
    const method: string = req.method;
    return method;
  });

  net.createServer((s) => same<typeof s, nodeNet.Socket>());
  net.createServer().on('connection', (s) => same<typeof s, nodeNet.Socket>());

  const udp = dgram.createSocket('udp4', (msg, rinfo) => {
    same<typeof msg, Buffer>();
    same<typeof rinfo.port, number>();
  });
  udp.on('message', (msg, rinfo) => {
    same<typeof msg, Buffer>();
    same<typeof rinfo.address, string>();
  });
  // @ts-expect-error 'message' gives a Buffer
  udp.on('message', (msg: string) => msg);

  http
    .get('http://127.0.0.1/')
    .on('response', (res) => same<typeof res, nodeHttp.IncomingMessage>());
}

/** Fields have Node's types. */
export function fieldTypes(req: http.IncomingMessage, res: http.ServerResponse): void {
  same<typeof req.method, string | undefined>();
  same<typeof req.url, string | undefined>();
  same<typeof req.statusCode, number | undefined>();
  same<typeof req.headers, nodeHttp.IncomingHttpHeaders>();
  same<(typeof req.headers)['content-type'], string | undefined>();
  same<(typeof req.headers)['set-cookie'], string[] | undefined>();
  same<typeof req.socket, nodeNet.Socket>();
  same<typeof res.statusCode, number>();
  same<ReturnType<typeof res.getHeader>, number | string | string[] | undefined>();
  // @ts-expect-error a request's method may be undefined
  same<typeof req.method, string>();
  // @ts-expect-error an absent header is undefined
  same<(typeof req.headers)['content-type'], string>();

  http.get('http://127.0.0.1/', (response) => {
    same<typeof response.statusCode, number | undefined>();
    same<typeof response.statusMessage, string | undefined>();
    // @ts-expect-error a client response's status code may be undefined
    const code: number = response.statusCode;
    return code;
  });

  const socket = new net.Socket();
  same<typeof socket.remoteAddress, string | undefined>();
  same<typeof socket.bytesRead, number>();
  same<ReturnType<typeof socket.address>, nodeNet.AddressInfo | {}>();
  same<ReturnType<nodeNet.Server['address']>, ReturnType<net.Server['address']>>();
}

/** wirestack's `transport` option is typed; Node's options keep their types. */
export function options(): void {
  const sim = new Simulation({ seed: 1 });
  const { transport } = sim.addHost('alpha');
  net.createServer({ transport, pauseOnConnect: true });
  new net.Socket({ transport, allowHalfOpen: true });
  net.connect({ transport, port: 80 });
  http.createServer({ transport, requestTimeout: 1000 });
  new http.Server({ transport }, (_req, res) => res.end());
  new http.Agent({ transport, keepAlive: true });
  https.createServer({ transport, key: 'k', cert: 'c' });
  https.request({ host: 'localhost', ALPNProtocols: ['http/1.1'], ca: 'ca' });
  // @ts-expect-error a transport is an object, not a name
  http.createServer({ transport: 'sim' });
  // @ts-expect-error requestTimeout is in milliseconds, a number
  http.createServer({ requestTimeout: '5s' });
  // @ts-expect-error no such option
  net.createServer({ pauseOnConnection: true });
  // @ts-expect-error the port of net.connect is a number
  net.connect({ port: true });
}

/** The subclassing forms of Node's API. */
export function classes(): void {
  class MyRequest extends http.IncomingMessage {
    mine = true;
  }
  class MyResponse extends http.ServerResponse<MyRequest> {
    hello(): void {
      this.end('hello');
    }
  }
  http.createServer({ IncomingMessage: MyRequest, ServerResponse: MyResponse }, (req, res) => {
    same<typeof req.mine, boolean>();
    res.hello();
  });
  // Callable without `new`, as Node's are.
  takesHttpServer(http.Server());
  takesNetServer(net.Server());
  takesSocket(net.Socket());
  takesAgent(http.Agent());
}

/** `wirestack/ws` takes wirestack's and Node's http servers and hands over Node-typed requests. */
export function webSockets(): void {
  const wss = new WebSocketServer({ server: http.createServer() });
  wss.on('connection', (ws, req) => {
    takesRequest(req);
    same<(typeof req.headers)['sec-websocket-protocol'], string | undefined>();
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    // @ts-expect-error `binary` is a boolean
    ws.on('message', (data) => ws.send(data, { binary: 'yes' }));
  });
  new WebSocketServer({ noServer: true }).on('headers', (_lines, req) => takesRequest(req));
}
