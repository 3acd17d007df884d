/**
 * wirestack's http client (request / get / Agent) against Node's own
 * node:http server, and against raw TCP servers for edge cases.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import { describe, test } from 'node:test';
import * as http from '../../src/http/index.js';
import { close, collect, listen, pattern } from './helpers.js';

function fetchText(
  options: http.RequestOptions,
  body?: string | Buffer,
): Promise<{ res: http.IncomingMessage; body: Buffer; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.request(options, async (res) => {
      try {
        resolve({ res, body: await collect(res), req });
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else req.end(body);
  });
}

/** A raw TCP server answering each connection with `handler`. */
async function rawServer(
  t: { after(fn: () => unknown): void },
  handler: (socket: nodeNet.Socket, data: string) => void,
): Promise<number> {
  const server = nodeNet.createServer((socket) => {
    let data = '';
    socket.on('data', (d) => {
      data += d.toString('latin1');
      if (data.includes('\r\n\r\n')) handler(socket, data);
    });
    socket.on('error', () => {});
  });
  const port = await listen(server);
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return port;
}

describe('http client against node:http server', () => {
  test('GET: status, headers, body; Host and Connection headers sent', async (t) => {
    let seenHeaders: nodeHttp.IncomingHttpHeaders | undefined;
    const server = nodeHttp.createServer((req, res) => {
      seenHeaders = req.headers;
      res.setHeader('X-Reply', 'yes');
      res.end(`you asked for ${req.url}`);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { res, body } = await fetchText({ host: '127.0.0.1', port, path: '/thing?a=b' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.statusMessage, 'OK');
    assert.equal(res.httpVersion, '1.1');
    assert.equal(res.headers['x-reply'], 'yes');
    assert.equal(body.toString(), 'you asked for /thing?a=b');
    assert.equal(seenHeaders?.host, `127.0.0.1:${port}`);
    assert.equal(seenHeaders?.connection, 'keep-alive');
  });

  test('keep-alive: the agent reuses the socket', async (t) => {
    const remotePorts: number[] = [];
    const server = nodeHttp.createServer((req, res) => {
      remotePorts.push(req.socket.remotePort!);
      res.end('ok');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const first = await fetchText({ host: '127.0.0.1', port, agent });
    await new Promise((r) => setImmediate(r));
    assert.equal(Object.keys(agent.freeSockets).length, 1);
    const second = await fetchText({ host: '127.0.0.1', port, agent });
    assert.equal(first.req.reusedSocket, false);
    assert.equal(second.req.reusedSocket, true);
    assert.equal(remotePorts.length, 2);
    assert.equal(remotePorts[0], remotePorts[1]);
  });

  test('maxSockets queues requests; all complete on one socket', async (t) => {
    const remotePorts = new Set<number>();
    const server = nodeHttp.createServer((req, res) => {
      remotePorts.add(req.socket.remotePort!);
      res.end(req.url);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => fetchText({ host: '127.0.0.1', port, agent, path: `/${i}` })),
    );
    assert.deepEqual(
      results.map((r) => r.body.toString()),
      ['/1', '/2', '/3', '/4'],
    );
    assert.equal(remotePorts.size, 1);
  });

  test('chunked request body (no Content-Length) and chunked response', async (t) => {
    let te: string | undefined;
    const server = nodeHttp.createServer(async (req, res) => {
      te = req.headers['transfer-encoding'];
      const body = await collect(req);
      res.write('got ');
      res.end(body);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { res, body } = await new Promise<{ res: http.IncomingMessage; body: Buffer }>(
      (resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST' }, async (r) =>
          resolve({ res: r, body: await collect(r) }),
        );
        req.on('error', reject);
        req.write('one,');
        req.write(Buffer.from('two,'));
        req.end('three');
      },
    );
    assert.equal(te, 'chunked');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(body.toString(), 'got one,two,three');
  });

  test('10 MiB body both ways', async (t) => {
    const big = pattern(10 * 1024 * 1024);
    const server = nodeHttp.createServer((req, res) => {
      req.pipe(res);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { body } = await fetchText({ host: '127.0.0.1', port, method: 'PUT' }, big);
    assert.equal(body.length, big.length);
    assert.ok(body.equals(big));
  });

  test('slow response consumer: backpressure pauses the socket, data intact', async (t) => {
    const big = pattern(4 * 1024 * 1024);
    const server = nodeHttp.createServer((_req, res) => res.end(big));
    const port = await listen(server);
    t.after(() => close(server));
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port }, resolve).on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 100));
    // Nobody read yet: the response buffer is bounded (the socket was paused).
    assert.ok(res.readableLength < 2 * 1024 * 1024, `buffered ${res.readableLength}`);
    const body = await collect(res);
    assert.ok(body.equals(big));
  });

  test('HEAD and 304 responses have no body', async (t) => {
    const server = nodeHttp.createServer((req, res) => {
      if (req.url === '/304') {
        res.statusCode = 304;
        res.end();
      } else {
        res.setHeader('Content-Length', '1000');
        res.end();
      }
    });
    const port = await listen(server);
    t.after(() => close(server));
    const head = await fetchText({ host: '127.0.0.1', port, method: 'HEAD' });
    assert.equal(head.res.headers['content-length'], '1000');
    assert.equal(head.body.length, 0);
    const notModified = await fetchText({ host: '127.0.0.1', port, path: '/304' });
    assert.equal(notModified.res.statusCode, 304);
    assert.equal(notModified.body.length, 0);
  });

  test("'information' and 'continue' for 1xx; Expect: 100-continue", async (t) => {
    const server = nodeHttp.createServer(async (req, res) => {
      const body = await collect(req);
      res.writeProcessing();
      res.end(`body=${body}`);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const events: string[] = [];
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { Expect: '100-continue', 'Content-Length': '3' },
      });
      req.on('continue', () => {
        events.push('continue');
        req.end('abc');
      });
      req.on('information', (info: { statusCode: number }) =>
        events.push(`info ${info.statusCode}`),
      );
      req.on('response', async (res) => resolve((await collect(res)).toString()));
      req.on('error', reject);
    });
    assert.equal(text, 'body=abc');
    assert.deepEqual(events, ['continue', 'info 100', 'info 102']);
  });

  test("'upgrade' event: 101 response hands over the socket", async (t) => {
    const server = nodeHttp.createServer();
    server.on('upgrade', (_req, socket, _head) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\nhello',
      );
      socket.on('data', (d) => socket.end(`echo:${d}`));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        headers: { Connection: 'Upgrade', Upgrade: 'x' },
      });
      req.on('upgrade', (res, socket, head) => {
        assert.equal(res.statusCode, 101);
        let text = head.toString();
        const onText = () => {
          if (text === 'hello') socket.write('ping');
        };
        socket.on('data', (d: Buffer) => {
          text += d.toString();
          onText();
        });
        socket.on('end', () => resolve(text));
        onText();
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(out, 'helloecho:ping');
  });

  test("'connect' event: CONNECT tunnel", async (t) => {
    const server = nodeHttp.createServer();
    server.on('connect', (req, socket) => {
      socket.write(`HTTP/1.1 200 Connection Established\r\n\r\ntunnel to ${req.url}`);
      socket.on('data', (d) => socket.end(`|${d}`));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'CONNECT',
        path: 'example.com:443',
      });
      req.on('connect', (res, socket, head) => {
        assert.equal(res.statusCode, 200);
        let text = head.toString();
        socket.on('data', (d: Buffer) => {
          text += d.toString();
        });
        socket.on('end', () => resolve(text));
        socket.write('x');
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(out.startsWith('tunnel to example.com:443'));
    assert.ok(out.endsWith('|x'));
  });
});

describe('http client errors and lifecycle', () => {
  test("connection closed before a response: ECONNRESET 'socket hang up', then close", async (t) => {
    const port = await rawServer(t, (socket) => socket.destroy());
    const events: string[] = [];
    let err: (Error & { code?: string }) | undefined;
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, agent: false });
      req.on('error', (e) => {
        events.push('error');
        err = e;
      });
      req.on('close', () => {
        events.push('close');
        resolve();
      });
    });
    assert.ok(err);
    assert.equal(err.code, 'ECONNRESET');
    assert.equal(err.message, 'socket hang up');
    assert.deepEqual(events, ['error', 'close']);
  });

  test('connection refused: ECONNREFUSED on the request', async () => {
    const probe = nodeNet.createServer();
    const port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await new Promise<Error & { code?: string }>((resolve) => {
      http.get({ host: '127.0.0.1', port, agent: false }).on('error', resolve);
    });
    assert.equal(err.code, 'ECONNREFUSED');
  });

  test('malformed response: HPE_* error', async (t) => {
    const port = await rawServer(t, (socket) => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    const err = await new Promise<Error & { code?: string }>((resolve) => {
      http.get({ host: '127.0.0.1', port, agent: false }).on('error', resolve);
    });
    assert.match(err.code ?? '', /^HPE_/);
  });

  test('body delimited by close; events response → end → close', async (t) => {
    const port = await rawServer(t, (socket) =>
      socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end'),
    );
    const events: string[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port }, async (res) => {
        events.push('response');
        res.on('end', () => events.push('res end'));
        res.on('close', () => events.push('res close'));
        const text = (await collect(res)).toString();
        setTimeout(() => resolve(text), 20);
      });
      req.on('close', () => events.push('req close'));
      req.on('error', reject);
    });
    assert.equal(body, 'until the end');
    assert.equal(events[0], 'response');
    assert.ok(events.includes('res end'));
    assert.ok(events.includes('req close'));
  });

  test("timeout option emits 'timeout'; destroy() then errors with socket hang up", async (t) => {
    const port = await rawServer(t, () => {
      /* never answer */
    });
    const events: string[] = [];
    const err = await new Promise<Error & { code?: string }>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, timeout: 50, agent: false });
      req.on('timeout', () => {
        events.push('timeout');
        req.destroy();
      });
      req.on('error', resolve);
    });
    assert.deepEqual(events, ['timeout']);
    assert.equal(err.code, 'ECONNRESET');
  });

  test('AbortSignal aborts the request with AbortError', async (t) => {
    const port = await rawServer(t, () => {});
    const controller = new AbortController();
    const err = await new Promise<Error>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, signal: controller.signal, agent: false })
        .on('error', resolve);
      setTimeout(() => controller.abort(), 20);
    });
    assert.equal(err.name, 'AbortError');
  });

  test('setHeader before send; ERR_HTTP_HEADERS_SENT after; header injection refused', async (t) => {
    let seen: nodeHttp.IncomingHttpHeaders | undefined;
    const server = nodeHttp.createServer((req, res) => {
      seen = req.headers;
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, auth: 'user:pass' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.setHeader('X-Custom', ['a', 'b']);
      assert.throws(() => req.setHeader('X-Bad', 'a\r\nInjected: 1'), { code: 'ERR_INVALID_CHAR' });
      assert.throws(() => req.setHeader('Bad Name', 'x'), { code: 'ERR_INVALID_HTTP_TOKEN' });
      req.on('error', reject);
      req.end();
      assert.throws(() => req.setHeader('X-Late', '1'), { code: 'ERR_HTTP_HEADERS_SENT' });
    });
    assert.equal(seen?.['x-custom'], 'a, b');
    assert.equal(seen?.authorization, `Basic ${Buffer.from('user:pass').toString('base64')}`);
    assert.equal(seen?.['x-bad'], undefined);
  });

  test('the response callback is a once listener, as with node:http', async (t) => {
    const server = nodeHttp.createServer((_req, res) => res.end('ok'));
    const port = await listen(server);
    t.after(() => close(server));
    for (const impl of [http, nodeHttp] as unknown as (typeof nodeHttp)[]) {
      let calls = 0;
      const cb = (res: nodeHttp.IncomingMessage) => {
        calls++;
        res.resume();
      };
      const req = impl.get({ host: '127.0.0.1', port, agent: false }, cb);
      assert.deepEqual(req.listeners('response'), [cb]);
      assert.equal((req.rawListeners('response')[0] as { listener?: unknown }).listener, cb);
      await once(req, 'response');
      assert.equal(calls, 1);
      assert.equal(req.listenerCount('response'), 0);
      // Removed before the response: never called.
      let removedCalls = 0;
      const removed = () => removedCalls++;
      const other = impl.get({ host: '127.0.0.1', port, agent: false }, removed);
      other.removeListener('response', removed);
      assert.equal(other.listenerCount('response'), 0);
      other.on('response', (res) => res.resume());
      await once(other, 'close');
      assert.equal(removedCalls, 0);
    }
  });

  test('a host with CR or LF throws ERR_INVALID_CHAR, every time', () => {
    for (let i = 0; i < 2; i++) {
      assert.throws(() => http.request({ host: 'exa\r\nmple.com', port: 1, agent: false }), {
        code: 'ERR_INVALID_CHAR',
      });
    }
  });

  test('request(url string, options, callback) and get(URL)', async (t) => {
    const server = nodeHttp.createServer((req, res) => res.end(`${req.method} ${req.url}`));
    const port = await listen(server);
    t.after(() => close(server));
    const a = await new Promise<string>((resolve, reject) => {
      const req = http.request(`http://127.0.0.1:${port}/u?x=1`, { method: 'patch' }, async (res) =>
        resolve((await collect(res)).toString()),
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(a, 'PATCH /u?x=1');
    const b = await new Promise<string>((resolve, reject) => {
      http
        .get(new URL(`http://127.0.0.1:${port}/v`), async (res) =>
          resolve((await collect(res)).toString()),
        )
        .on('error', reject);
    });
    assert.equal(b, 'GET /v');
    assert.throws(() => http.request('https://example.com/'), { code: 'ERR_INVALID_PROTOCOL' });
    assert.throws(() => http.request({ path: '/a b' }), { code: 'ERR_UNESCAPED_CHARACTERS' });
  });
});
