/**
 * Chromium as the peer: Debian's chromium, driven by playwright-core,
 * opens a page served by wirestack http; the page's own script connects
 * with the browser's WebSocket to our WebSocketServer on the same http
 * server and exchanges messages (text, binary, large, fragmented), with the
 * permessage-deflate that Chromium offers. Skipped outside CI when chromium
 * is not installed (test/helpers/peers.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import * as http from '../../src/http/index.js';
import { type WebSocket, WebSocketServer } from '../../src/ws/index.js';
import { requirePeer } from '../helpers/peers.js';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>wirestack ws</title>
<script>
window.result = { done: false, log: [], echoes: [] };
const ws = new WebSocket('ws://' + location.host + '/echo', ['echo.v1']);
ws.binaryType = 'arraybuffer';
const big = 'wirestack '.repeat(20000);
const bytes = new Uint8Array(256).map((_, i) => i);
let expected = 0;
ws.onopen = () => {
  result.log.push('open ' + ws.protocol + ' ' + ws.extensions);
  ws.send('hello from chromium ✓');
  ws.send(bytes);
  ws.send(big);
  expected = 3;
};
ws.onmessage = (ev) => {
  if (typeof ev.data === 'string') {
    result.echoes.push(ev.data.length > 100 ? 'text:' + ev.data.length + ':' + (ev.data === big) : 'text:' + ev.data);
  } else {
    const b = new Uint8Array(ev.data);
    result.echoes.push('binary:' + b.length + ':' + b.every((v, i) => v === (i & 255)));
  }
  if (result.echoes.length === expected + 1) ws.close(1000, 'bye from chromium');
};
ws.onclose = (ev) => {
  result.log.push('close ' + ev.code + ' ' + ev.reason + ' ' + ev.wasClean);
  result.done = true;
};
ws.onerror = () => result.log.push('error');
</script>`;

describe('Chromium', () => {
  test("the browser's own WebSocket against our server, with permessage-deflate", {
    timeout: 90_000,
  }, async (t) => {
    const executablePath = requirePeer(t, 'chromium');
    if (!executablePath) return;

    const server = http.createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(PAGE);
        return;
      }
      res.writeHead(404);
      res.end();
    });
    const wss = new WebSocketServer({
      server,
      path: '/echo',
      perMessageDeflate: { threshold: 64 },
    });
    const serverSide: { extensions?: string; origin?: string; pong?: string; close?: string } = {};
    wss.on('connection', (ws: WebSocket, req) => {
      serverSide.extensions = ws.extensions;
      serverSide.origin = String(req.headers.origin);
      ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
      ws.on('pong', (d) => {
        serverSide.pong = d.toString();
      });
      ws.on('close', (code, reason) => {
        serverSide.close = `${code} ${reason.toString()}`;
      });
      ws.ping('are you there');
      // One message of our own, sent in fragments.
      ws.send('from ', { fin: false });
      ws.send('the ', { fin: false });
      ws.send('server', { fin: true });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;

    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    t.after(() => browser.close());
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => (globalThis as unknown as { result: { done: boolean } }).result.done,
      null,
      {
        timeout: 60_000,
      },
    );
    const result = (await page.evaluate(
      () => (globalThis as unknown as { result: unknown }).result,
    )) as {
      log: string[];
      echoes: string[];
    };

    assert.deepEqual(result.log, [
      'open echo.v1 permessage-deflate',
      'close 1000 bye from chromium true',
    ]);
    assert.deepEqual(result.echoes.sort(), [
      'binary:256:true',
      'text:200000:true',
      'text:from the server',
      'text:hello from chromium ✓',
    ]);
    assert.equal(serverSide.extensions, 'permessage-deflate');
    assert.equal(serverSide.origin, `http://127.0.0.1:${port}`);
    assert.equal(serverSide.pong, 'are you there');
    assert.equal(serverSide.close, '1000 bye from chromium');
  });
});
