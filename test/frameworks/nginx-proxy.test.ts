/**
 * wirestack's http server behind nginx as a reverse proxy with upstream
 * keep-alive — the usual deployment: `proxy_http_version 1.1`,
 * `proxy_set_header Connection ""` and an upstream block with `keepalive`.
 * curl → nginx → wirestack: every request arrives, bodies pass both ways,
 * and nginx carries them all over one upstream connection, counted on our
 * server (a server that closed after each response would see one per
 * request). nginx runs as a child process (one process, no daemon) with a
 * temporary prefix and configuration, on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeNet from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as http from '../../src/http/index.js';
import { nginxConfig } from '../helpers/nginx.js';
import { requirePeer, startPeer } from '../helpers/peers.js';
import { close, curl, listen } from '../http/helpers.js';

/** A port free on 127.0.0.1 a moment ago (nginx is given it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = nodeNet.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as nodeNet.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:`port` (bounded: about 5 s). */
async function waitForPort(port: number, why: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = nodeNet.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`nothing listens on port ${port}: ${why()}`);
}

/** The proxy: 127.0.0.1:`listenPort` → wirestack on `upstreamPort`, upstream connections kept alive. */
function proxyConfig(prefix: string, listenPort: number, upstreamPort: number): string {
  return nginxConfig(
    prefix,
    `  upstream wirestack {
    server 127.0.0.1:${upstreamPort};
    keepalive 4;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://wirestack;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
`,
  );
}

test('curl → nginx (upstream keep-alive) → wirestack http: one upstream connection', async (t) => {
  const nginxPath = requirePeer(t, 'nginx');
  if (!nginxPath) return;
  const curlPath = requirePeer(t, 'curl');
  if (!curlPath) return;

  const seen: { method: string; url: string; version: string; connection: unknown }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      version: req.httpVersion,
      connection: req.headers.connection,
    });
    if (req.url === '/stream') {
      // Length unknown: chunked to nginx, which may re-frame it for curl.
      res.setHeader('Content-Type', 'text/plain');
      res.write('part one\n');
      setImmediate(() => res.end('part two\n'));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body,
          forwardedFor: req.headers['x-forwarded-for'],
        }),
      );
    });
  });
  let upstreamConnections = 0;
  server.on('connection', () => {
    upstreamConnections++;
  });
  const upstreamPort = await listen(server);
  t.after(() => close(server));

  const prefix = mkdtempSync(join(tmpdir(), 'wirestack-nginx-proxy-'));
  t.after(() => rmSync(prefix, { recursive: true, force: true }));
  const proxyPort = await freePort();
  writeFileSync(join(prefix, 'nginx.conf'), proxyConfig(prefix, proxyPort, upstreamPort));
  const nginx = startPeer(t, nginxPath, [
    '-p',
    prefix,
    '-c',
    join(prefix, 'nginx.conf'),
    '-e',
    'stderr',
  ]);
  await waitForPort(proxyPort, () => nginx.stderr());

  const base = `http://127.0.0.1:${proxyPort}`;
  // Separate curl runs: a new client connection to nginx each time.
  const requests = 6;
  for (let i = 0; i < requests - 2; i++) {
    const answer = JSON.parse(await curl(curlPath, [`${base}/item/${i}?q=${i}`]));
    assert.deepEqual(answer, {
      method: 'GET',
      url: `/item/${i}?q=${i}`,
      body: '',
      forwardedFor: '127.0.0.1',
    });
  }
  const posted = JSON.parse(
    await curl(curlPath, ['--data-binary', 'hello through nginx', `${base}/submit`]),
  );
  assert.deepEqual(posted, {
    method: 'POST',
    url: '/submit',
    body: 'hello through nginx',
    forwardedFor: '127.0.0.1',
  });
  assert.equal(await curl(curlPath, [`${base}/stream`]), 'part one\npart two\n');

  assert.equal(seen.length, requests);
  for (const request of seen) {
    // HTTP/1.1 with no Connection field: persistent by default (RFC 9112 §9.3).
    assert.equal(request.version, '1.1');
    assert.equal(request.connection, undefined);
  }
  assert.equal(upstreamConnections, 1, `nginx opened ${upstreamConnections} upstream connections`);
});
