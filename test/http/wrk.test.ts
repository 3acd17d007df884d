import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import * as http from '../../src/http/index.js';
import { requirePeer } from '../helpers/peers.js';

// A bounded load run (2 s, 20 connections) must finish without a single
// socket error or non-2xx answer. It checks correctness under load, not speed.
test('wrk against our server: no socket errors, no non-2xx responses', async (t) => {
  const wrk = requirePeer(t, 'wrk');
  if (!wrk) return;
  const body = Buffer.from('hello under load\n');
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  t.after(() => {
    server.close();
    server.closeAllConnections();
  });
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      wrk,
      ['-t1', '-c20', '-d2s', '--timeout', '5s', `http://127.0.0.1:${port}/`],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
  assert.ok(requests > 0, output);
  assert.doesNotMatch(output, /Socket errors/, output);
  assert.doesNotMatch(output, /Non-2xx/, output);
});
