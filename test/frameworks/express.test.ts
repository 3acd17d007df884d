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
import { test } from 'node:test';
import * as http from '../../src/http/index.js';
import { close, listen, rawExchange } from '../http/helpers.js';
import { checkApp, describeFramework, requireCurl } from './helpers.js';

const { createApp } = require('./fixtures/express-app.cjs') as {
  createApp(): nodeHttp.RequestListener;
};

describeFramework(
  'Express',
  async () => {
    const server = http.createServer(createApp() as unknown as http.RequestListener);
    return { server, base: `http://127.0.0.1:${await listen(server)}`, stop: () => close(server) };
  },
  { fixture: 'express-app.cjs', flag: '--require', listens: 'app.listen()' },
  (app) => {
    const port = () => Number(new URL(app().base).port);

    test("res.status(101).end(): Node's client and ours get the response and its end", async () => {
      for (const client of [nodeHttp, http] as const) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = (client as typeof nodeHttp).get({
            host: '127.0.0.1',
            port: port(),
            path: '/switch',
          });
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
      const raw = await rawExchange(
        port(),
        'GET /switch HTTP/1.1\r\nHost: x\r\n\r\nGET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      assert.match(raw, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(raw, /\r\n\r\nHTTP\/1\.1 200 OK\r\n[\s\S]*"id":"7"/);
    });

    test('Node’s own servers keep working with Express beside ours', async (t) => {
      const curlPath = requireCurl(t);
      if (!curlPath) return;
      const nodeServer = nodeHttp.createServer(createApp());
      const nodePort = await listen(nodeServer);
      try {
        await checkApp(curlPath, `http://127.0.0.1:${nodePort}`);
      } finally {
        await close(nodeServer);
      }
    });
  },
);
