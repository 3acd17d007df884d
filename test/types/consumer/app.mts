/** The same package from an ES module: the default import is the CommonJS module object. */
import type * as nodeHttp from 'node:http';
import express from 'express';
import http, { createServer } from 'wirestack/http';
import type WebSocket from 'wirestack/ws';
import { WebSocketServer } from 'wirestack/ws';

declare function takesServer(server: nodeHttp.Server): void;

takesServer(http.createServer(express()));
takesServer(createServer());
new WebSocketServer({ noServer: true }).on('connection', (ws: WebSocket) => ws.close());
// @ts-expect-error createServer takes no string
createServer('8080');
