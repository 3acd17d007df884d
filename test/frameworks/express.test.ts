/**
 * Express 5, unchanged, on wirestack's http server: served by
 * `http.createServer(app)` in this process — Express moves every request
 * and response onto prototypes it built from node:http's (see
 * src/http/server-node-prototypes.ts) — and run as a program under
 * `wirestack/register`. Driven by curl. Also `res.status(101).end()`, whose
 * response completes for Node's client and ours as it does on node:http.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as http from '../../src/http/index.js';
import { close, listen, rawExchange } from '../http/helpers.js';
import { checkApp, countConnections, requireCurl, startRegistered } from './helpers.js';

const { createApp } = require('./fixtures/express-app.cjs') as {
  createApp(): nodeHttp.RequestListener;
};

describe('Express on wirestack http', () => {
  let server: http.Server;
  let base: string;
  let connections: () => number;

  before(async () => {
    server = http.createServer(createApp() as unknown as http.RequestListener);
    connections = countConnections(server);
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(() => close(server));

  test('routing, JSON bodies, static files, streaming and error handlers, by curl', async (t) => {
    const curlPath = requireCurl(t);
    if (!curlPath) return;
    const before = connections();
    await checkApp(curlPath, base);
    // One connection per curl run: 7 runs (the last one with three requests).
    assert.equal(connections() - before, 7);
  });

  test("res.status(101).end(): Node's client and ours get the response and its end", async () => {
    const port = Number(new URL(base).port);
    for (const client of [nodeHttp, http] as const) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = (client as typeof nodeHttp).get({ host: '127.0.0.1', port, path: '/switch' });
        req.on('error', reject);
        req.on('upgrade', () => reject(new Error('a 101 without Upgrade is not an upgrade')));
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
      });
      assert.equal(status, 101);
    }
  });

  test('after a 101 without Upgrade the connection goes on as HTTP, as on node:http', async () => {
    const port = Number(new URL(base).port);
    const raw = await rawExchange(
      port,
      'GET /switch HTTP/1.1\r\nHost: x\r\n\r\nGET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    assert.match(raw, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(raw, /\r\n\r\nHTTP\/1\.1 200 OK\r\n[\s\S]*"id":"7"/);
  });

  test('Node’s own servers keep working with Express beside ours', async (t) => {
    const curlPath = requireCurl(t);
    if (!curlPath) return;
    const nodeServer = nodeHttp.createServer(createApp());
    const port = await listen(nodeServer);
    try {
      await checkApp(curlPath, `http://127.0.0.1:${port}`);
    } finally {
      await close(nodeServer);
    }
  });
});

describe('Express under wirestack/register', () => {
  test('app.listen() in an unchanged program serves on wirestack, by curl', async (t) => {
    const curlPath = requireCurl(t);
    if (!curlPath) return;
    await checkApp(curlPath, await startRegistered(t, 'express-app.cjs', '--require'));
  });
});
