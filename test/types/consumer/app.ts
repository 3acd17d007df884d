/**
 * A consumer's program, compiled by test/types/consumer.test.ts against the
 * built package (dist/), as installed in a consumer's node_modules: every
 * entry point has types, and they fit Node's and Express's.
 */
import type * as nodeHttp from 'node:http';
import type * as nodeNet from 'node:net';
import express from 'express';
import { bindTransport } from 'wirestack';
import * as dgram from 'wirestack/dgram';
import * as http from 'wirestack/http';
import * as https from 'wirestack/https';
import * as net from 'wirestack/net';
import { Simulation } from 'wirestack/sim';
import WebSocket, { WebSocketServer } from 'wirestack/ws';

declare function takesServer(server: nodeHttp.Server): void;
declare function takesSocket(socket: nodeNet.Socket): void;

const app = express();
app.get('/', (_req, res) => {
  res.send('hello');
});
const server = http.createServer(app);
takesServer(server);
server.on('connection', (socket) => takesSocket(socket));
server.on('request', (req) => {
  const type: string | undefined = req.headers['content-type'];
  // @ts-expect-error a request's method may be undefined
  const method: string = req.method;
  return [type, method];
});
takesServer(https.createServer({}, app));

const sim = new Simulation({ seed: 1 });
const beta = sim.addHost('beta');
takesServer(beta.http.createServer(app));
takesServer(bindTransport(beta.transport).http.createServer());
net.connect({ port: 80, transport: beta.transport }).on('data', (data) => data.readUInt8(0));
dgram.createSocket('udp4').on('message', (msg, rinfo) => msg.toString('utf8', 0, rinfo.size));

new WebSocketServer({ server }).on('connection', (ws, req) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  return req.headers.origin;
});
new WebSocket('ws://127.0.0.1/').on('open', () => {});
// @ts-expect-error a transport is an object, not a name
http.createServer({ transport: 'sim' });
