/**
 * wirestack's http.Server against real clients: curl and Node's own
 * node:http client, plus raw bytes for pipelining and malformed input.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import { describe, test } from 'node:test';
import * as http from '../../src/http/index.js';
import type * as net from '../../src/net/index.js';
import { requirePeer } from '../helpers/peers.js';
import {
  close,
  collect,
  curl,
  listen,
  pattern,
  rawExchange,
  untilServerCloses,
} from './helpers.js';

/**
 * A node:net connection to `port` that sends one request at a time:
 * `send(data, last)` writes `data` and resolves with what arrived once it
 * ends with `last`.
 */
async function conversation(
  port: number,
): Promise<{ send(data: string, last: string): Promise<string>; socket: nodeNet.Socket }> {
  const socket = nodeNet.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let waiting: { last: string; resolve(text: string): void } | null = null;
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    if (waiting && text.endsWith(waiting.last)) {
      const { resolve } = waiting;
      waiting = null;
      resolve(text);
      text = '';
    }
  });
  return {
    socket,
    send(data, last) {
      return new Promise((resolve) => {
        waiting = { last, resolve };
        socket.write(data);
      });
    },
  };
}

/** A server answering `METHOD URL LENGTH` with the body length it received. */
function echoServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/chunked') {
        res.write('part1,');
        res.write(Buffer.from('part2'));
        res.end();
        return;
      }
      res.setHeader('Content-Type', 'text/plain');
      res.end(`${req.method} ${req.url} ${body.length}`);
    });
  });
}

describe('http.Server with curl', () => {
  test('GET: status, Date, keep-alive headers, body', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    const server = echoServer();
    const port = await listen(server);
    t.after(() => close(server));
    const out = await curl(bin, ['-i', `http://127.0.0.1:${port}/hello?x=1`]);
    const split = out.indexOf('\r\n\r\n');
    const head = out.slice(0, split + 2);
    const body = out.slice(split + 4);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
    assert.match(head, /\r\nConnection: keep-alive\r\n/);
    assert.match(head, /\r\nKeep-Alive: timeout=5\r\n/);
    assert.match(head, /\r\nContent-Length: 16\r\n/);
    assert.equal(body, 'GET /hello?x=1 0');
  });

  test('POST with a body', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    const server = echoServer();
    const port = await listen(server);
    t.after(() => close(server));
    const out = await curl(bin, [
      '-X',
      'POST',
      '--data-binary',
      'hello world',
      `http://127.0.0.1:${port}/p`,
    ]);
    assert.equal(out, 'POST /p 11');
  });

  test('chunked upload (Transfer-Encoding: chunked)', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    let te: string | undefined;
    const server = http.createServer(async (req, res) => {
      te = req.headers['transfer-encoding'] as string;
      const body = await collect(req);
      res.end(body.toString('hex'));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await curl(bin, [
      '-H',
      'Transfer-Encoding: chunked',
      '--data-binary',
      'chunky payload',
      `http://127.0.0.1:${port}/up`,
    ]);
    assert.equal(te, 'chunked');
    assert.equal(Buffer.from(out, 'hex').toString(), 'chunky payload');
  });

  test('two requests on one kept-alive connection (curl reuses it)', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    const server = echoServer();
    let connections = 0;
    server.on('connection', () => connections++);
    const port = await listen(server);
    t.after(() => close(server));
    const out = await curl(bin, [
      '-w',
      ' [%{num_connects}]\n',
      `http://127.0.0.1:${port}/one`,
      `http://127.0.0.1:${port}/chunked`,
    ]);
    assert.equal(out, 'GET /one 0 [1]\npart1,part2 [0]\n');
    assert.equal(connections, 1);
  });

  test('HEAD (-I): headers only, no body', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    const server = http.createServer((_req, res) => {
      res.setHeader('X-Thing', 'a');
      res.end('this body is not sent');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await curl(bin, ['-I', `http://127.0.0.1:${port}/`]);
    assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(out, /\r\nX-Thing: a\r\n/);
    assert.ok(out.endsWith('\r\n\r\n'));
    assert.ok(!out.includes('this body'));
  });

  test('Expect: 100-continue is answered automatically', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    const server = echoServer();
    const port = await listen(server);
    t.after(() => close(server));
    const out = await curl(bin, [
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      'abc',
      '-i',
      `http://127.0.0.1:${port}/e`,
    ]);
    assert.match(out, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.ok(out.endsWith('POST /e 3'));
  });
});

describe('http.Server with node:http client', () => {
  test('keep-alive reuse, chunked response, event order', async (t) => {
    const events: string[] = [];
    const server = http.createServer((req, res) => {
      res.on('finish', () => events.push('res finish'));
      res.on('close', () => events.push('res close'));
      req.on('close', () => events.push('req close'));
      res.write('a');
      res.end('b');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const get = () =>
      new Promise<{ body: string; reused: boolean; te: string | undefined }>((resolve, reject) => {
        const req = nodeHttp.get({ port, host: '127.0.0.1', agent }, async (res) => {
          const body = (await collect(res)).toString();
          resolve({ body, reused: req.reusedSocket, te: res.headers['transfer-encoding'] });
        });
        req.on('error', reject);
      });
    const first = await get();
    await new Promise((r) => setImmediate(r));
    const second = await get();
    assert.deepEqual(first, { body: 'ab', reused: false, te: 'chunked' });
    assert.deepEqual(second, { body: 'ab', reused: true, te: 'chunked' });
    assert.deepEqual(events.slice(0, 3), ['res finish', 'res close', 'req close']);
  });

  test('Buffer bodies of every byte value, small and large, arrive intact', async (t) => {
    // Every byte 0..255, in bodies that join the head (small) and that leave
    // in a write of their own (large), sent by end() and by a first write().
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bodies: Record<string, Buffer> = {
      '/small': bytes,
      '/large': Buffer.concat(Array(100).fill(bytes)),
    };
    const server = http.createServer((req, res) => {
      const [path, how] = (req.url ?? '').split('?');
      const body = bodies[path!]!;
      res.setHeader('Content-Length', body.length);
      if (how === 'write') {
        res.write(body);
        res.end();
      } else {
        res.end(body);
      }
    });
    const port = await listen(server);
    t.after(() => close(server));
    for (const url of ['/small', '/small?write', '/large', '/large?write']) {
      const got = await new Promise<Buffer>((resolve, reject) => {
        nodeHttp.get({ port, host: '127.0.0.1', path: url }, (res) => {
          collect(res).then(resolve, reject);
        });
      });
      assert.ok(got.equals(bodies[url.split('?')[0]!]!), url);
    }
  });

  test('10 MiB body both ways', async (t) => {
    const big = pattern(10 * 1024 * 1024);
    const server = http.createServer(async (req, res) => {
      const body = await collect(req);
      assert.equal(body.length, big.length);
      assert.ok(body.equals(big));
      // Send it back in 64 KiB writes honouring backpressure.
      let offset = 0;
      const pump = () => {
        while (offset < body.length) {
          const piece = body.subarray(offset, offset + 65536);
          offset += piece.length;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const port = await listen(server);
    t.after(() => close(server));
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      const req = nodeHttp.request(
        { port, host: '127.0.0.1', method: 'PUT', agent: false },
        async (res) => resolve(await collect(res)),
      );
      req.on('error', reject);
      req.end(big);
    });
    assert.equal(echoed.length, big.length);
    assert.ok(echoed.equals(big));
  });

  test('request fields: method, url, httpVersion, rawHeaders, duplicate folding', async (t) => {
    let seen: http.IncomingMessage | undefined;
    const server = http.createServer((req, res) => {
      seen = req;
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    await new Promise<void>((resolve, reject) => {
      const req = nodeHttp.request(
        {
          port,
          host: '127.0.0.1',
          path: '/p?q=1',
          method: 'DELETE',
          agent: false,
          headers: [
            'Host',
            'x',
            'X-A',
            '1',
            'x-a',
            '2',
            'Cookie',
            'a=1',
            'cookie',
            'b=2',
            'Set-Cookie',
            's=1',
            'set-cookie',
            's=2',
            'Content-Type',
            'text/a',
            'content-type',
            'text/b',
          ],
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.ok(seen);
    assert.equal(seen.method, 'DELETE');
    assert.equal(seen.url, '/p?q=1');
    assert.equal(seen.httpVersion, '1.1');
    assert.equal(seen.httpVersionMajor, 1);
    assert.equal(seen.httpVersionMinor, 1);
    assert.equal(seen.headers['x-a'], '1, 2');
    assert.equal(seen.headers.cookie, 'a=1; b=2');
    assert.deepEqual(seen.headers['set-cookie'], ['s=1', 's=2']);
    assert.equal(seen.headers['content-type'], 'text/a');
    assert.deepEqual(seen.headersDistinct['content-type'], ['text/a', 'text/b']);
    assert.ok(seen.rawHeaders.includes('X-A'));
    assert.equal(seen.complete, true);
  });
});

describe('http.Server wire behaviour (raw bytes)', () => {
  test('pipelined requests are answered in order', async (t) => {
    const server = http.createServer((req, res) => {
      // The first response is slow: the second must still come after it.
      const delay = req.url === '/slow' ? 50 : 0;
      setTimeout(() => res.end(req.url), delay);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const bodies = [...out.matchAll(/\r\n\r\n(\/[a-z]+)/g)].map((m) => m[1]);
    assert.deepEqual(bodies, ['/slow', '/fast', '/last']);
    assert.match(out, /Connection: close\r\n/);
  });

  test('pipelined requests answered synchronously leave in few socket writes, in order', async (t) => {
    const writes: number[] = [];
    const corked: number[] = [];
    const server = http.createServer((req, res) => {
      corked.push(res.writableCorked);
      res.end(req.url);
    });
    server.on('connection', (socket: net.Socket) => {
      // Count what reaches the transport: each write of the socket's handle
      // (a writev of N chunks counts N; a string write, 1).
      const handle = (socket as unknown as { _handle: Record<string, unknown> })._handle;
      for (const method of ['writev', 'writeString'] as const) {
        const original = handle[method] as ((...a: unknown[]) => void) | undefined;
        if (original === undefined) continue;
        handle[method] = (data: unknown, ...rest: unknown[]) => {
          writes.push(Array.isArray(data) ? data.length : 1);
          original.call(handle, data, ...rest);
        };
      }
    });
    const port = await listen(server);
    t.after(() => close(server));
    const urls = Array.from({ length: 8 }, (_, i) => `/r${i}`);
    const out = await rawExchange(
      port,
      urls.map((u) => `GET ${u} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''),
    );
    const bodies = [...out.matchAll(/\r\n\r\n(\/r\d)/g)].map((m) => m[1]);
    assert.deepEqual(bodies, urls);
    // The first response goes at once; the seven after it, batched, in one write.
    assert.deepEqual(writes, [1, 7]);
    // The connection's own cork is not the response's.
    assert.deepEqual(corked, Array(8).fill(0));
  });

  test('pipelined: a later response ended first waits, then follows in order', async (t) => {
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('/slow'), 30);
      else res.end(req.url);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const bodies = [...out.matchAll(/\r\n\r\n(\/[a-z]+)/g)].map((m) => m[1]);
    assert.deepEqual(bodies, ['/a', '/slow', '/b', '/c']);
  });

  test('malformed request: 400 Bad Request and close', async (t) => {
    const server = http.createServer((_req, res) => res.end('no'));
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GARBAGE\r\n\r\n');
    assert.equal(out, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  test('header section too large: 431', async (t) => {
    const server = http.createServer({ maxHeaderSize: 1024 }, (_req, res) => res.end('no'));
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`,
    );
    assert.equal(out, 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  });

  test("'clientError' gets err (code, bytesParsed, rawPacket) and the socket", async (t) => {
    const server = http.createServer((_req, res) => res.end('no'));
    let info: { code: string; bytesParsed: number; raw: string } | undefined;
    server.on(
      'clientError',
      (err: Error & { code: string; bytesParsed: number; rawPacket: Buffer }, socket) => {
        info = { code: err.code, bytesParsed: err.bytesParsed, raw: err.rawPacket.toString() };
        socket.end('HTTP/1.1 400 Bad Request\r\nX-Custom: 1\r\n\r\n');
      },
    );
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n');
    assert.equal(out, 'HTTP/1.1 400 Bad Request\r\nX-Custom: 1\r\n\r\n');
    assert.ok(info);
    assert.match(info.code, /^HPE_/);
    assert.equal(typeof info.bytesParsed, 'number');
    assert.equal(info.raw, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n');
  });

  test('HTTP/1.1 request without Host, or with two: 400 and clientError (RFC 9112 §3.2)', async (t) => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`request ${req.headers.host}`);
      res.end('ok');
    });
    const errors: { code: string; reason: string; bytesParsed: number; raw: string }[] = [];
    server.on(
      'clientError',
      (
        err: Error & { code: string; reason: string; bytesParsed: number; rawPacket: Buffer },
        socket,
      ) => {
        errors.push({
          code: err.code,
          reason: err.reason,
          bytesParsed: err.bytesParsed,
          raw: err.rawPacket.toString(),
        });
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      },
    );
    const port = await listen(server);
    t.after(() => close(server));
    const missing = 'GET / HTTP/1.1\r\n\r\n';
    const twice = 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n';
    for (const request of [missing, twice]) {
      assert.match(await rawExchange(port, request), /^HTTP\/1\.1 400 Bad Request\r\n/);
    }
    assert.deepEqual(errors, [
      {
        code: 'HPE_STRICT',
        reason: 'Missing Host header',
        bytesParsed: missing.length,
        raw: missing,
      },
      {
        code: 'HPE_STRICT',
        reason: 'Duplicate Host header',
        bytesParsed: twice.length,
        raw: twice,
      },
    ]);
    // One Host, or HTTP/1.0 without one, is served.
    assert.match(
      await rawExchange(port, 'GET / HTTP/1.1\r\nhost: a\r\nConnection: close\r\n\r\n'),
      /ok$/,
    );
    assert.match(await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n'), /ok$/);
    assert.deepEqual(seen, ['request a', 'request undefined']);
  });

  test("an upgrade without Host goes to 'upgrade'; with no 'upgrade' listener it gets 400", async (t) => {
    const upgrade = 'GET / HTTP/1.1\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n';
    const events: string[] = [];
    const server = http.createServer(() => events.push('request'));
    server.on('clientError', () => events.push('clientError'));
    const port = await listen(server);
    t.after(() => close(server));
    const answered = await rawExchange(port, upgrade);
    assert.match(answered, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answered, /\r\nConnection: close\r\n/);
    server.on('upgrade', (_req, socket: net.Socket) => {
      events.push('upgrade');
      socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    });
    assert.match(await rawExchange(port, upgrade), /^HTTP\/1\.1 101 /);
    assert.deepEqual(events, ['upgrade']);
  });

  test('without a clientError listener a request without Host gets 400 with Connection: close', async (t) => {
    const server = http.createServer((_req, res) => res.end('no'));
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(out, /\r\nConnection: close\r\n/);
  });

  test('requireHostHeader: false serves HTTP/1.1 requests without Host or with two', async (t) => {
    const server = http.createServer({ requireHostHeader: false }, (req, res) =>
      res.end(`host ${req.headers.host}`),
    );
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n',
    );
    assert.match(out, /host undefined[\s\S]*host a$/);
  });

  test('HTTP/1.0 request: no chunked, Connection: close, body until close', async (t) => {
    const server = http.createServer((_req, res) => {
      res.write('x');
      res.end('y');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(!/Transfer-Encoding/.test(out));
    assert.match(out, /\r\nConnection: close\r\n/);
    assert.ok(out.endsWith('\r\n\r\nxy'));
  });

  test("'checkContinue' replaces 'request'; writeContinue sends 100", async (t) => {
    const server = http.createServer(() => assert.fail('request must not be emitted'));
    server.on('checkContinue', (req, res) => {
      res.writeContinue();
      req.resume();
      req.on('end', () => res.end('done'));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab',
    );
    assert.match(out, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.ok(out.endsWith('done'));
  });

  test('unknown Expect: 417, or checkExpectation', async (t) => {
    const server = http.createServer(() => assert.fail('request must not be emitted'));
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nExpect: something\r\nConnection: close\r\n\r\n',
    );
    assert.match(out, /^HTTP\/1\.1 417 Expectation Failed\r\n/);

    server.on('checkExpectation', (_req, res) => res.end('checked'));
    const out2 = await rawExchange(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nExpect: something\r\nConnection: close\r\n\r\n',
    );
    assert.ok(out2.endsWith('checked'));
  });

  test("'upgrade' hands over the socket with the bytes after the head", async (t) => {
    const server = http.createServer(() => assert.fail('request must not be emitted'));
    server.on('upgrade', (req, socket, head) => {
      assert.equal(req.headers.upgrade, 'echo');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.write(`head=${head.toString()};`);
      socket.on('data', (d: Buffer) => socket.end(`data=${d.toString()}`));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await new Promise<string>((resolve, reject) => {
      const req = nodeHttp.request({
        port,
        host: '127.0.0.1',
        headers: { Connection: 'Upgrade', Upgrade: 'echo' },
      });
      req.on('upgrade', (res, socket, head) => {
        assert.equal(res.statusCode, 101);
        let text = head.toString();
        socket.on('data', (d) => {
          text += d.toString();
          if (text === 'head=;') socket.write('ping');
        });
        socket.on('end', () => resolve(text));
        if (text === 'head=;') socket.write('ping');
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(out, 'head=;data=ping');
  });

  test("upgrade request without an 'upgrade' listener is an ordinary request", async (t) => {
    const server = http.createServer((req, res) => res.end(`plain ${req.headers.upgrade}`));
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n',
    );
    assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(out.endsWith('plain foo'));
  });

  test("'connect' gets (req, socket, head); without a listener the socket closes", async (t) => {
    const server = http.createServer(() => assert.fail('request must not be emitted'));
    const port = await listen(server);
    t.after(() => close(server));
    const none = await rawExchange(
      port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    assert.equal(none, '');

    server.on('connect', (req, socket, head) => {
      assert.equal(req.url, 'example.com:443');
      socket.end(`HTTP/1.1 200 Connection Established\r\n\r\nhead=${head.toString()}`);
    });
    const out = await rawExchange(
      port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\ntunnel-bytes',
    );
    assert.equal(out, 'HTTP/1.1 200 Connection Established\r\n\r\nhead=tunnel-bytes');
  });

  test('Keep-Alive lines follow keepAliveTimeout and maxRequestsPerSocket from one response to the next', async (t) => {
    let n = 0;
    const server = http.createServer((_req, res) => {
      res.end('ok');
      n++;
      if (n === 1) server.keepAliveTimeout = 7000;
      if (n === 2) server.maxRequestsPerSocket = 5;
      if (n === 3) server.keepAliveTimeout = 5000;
    });
    const port = await listen(server);
    t.after(() => close(server));
    const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    const out = await rawExchange(port, get.repeat(4));
    const lines = out.match(/Keep-Alive: [^\r]*/g);
    assert.deepEqual(lines, [
      'Keep-Alive: timeout=5',
      'Keep-Alive: timeout=7',
      'Keep-Alive: timeout=7, max=5',
      'Keep-Alive: timeout=5, max=5',
    ]);
  });

  test('keepAliveTimeout closes an idle connection', async (t) => {
    const server = http.createServer({ keepAliveTimeout: 100 }, (_req, res) => res.end('ok'));
    const port = await listen(server);
    t.after(() => close(server));
    const out = await untilServerCloses(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(out, /Keep-Alive: timeout=0\r\n/);
    assert.ok(out.endsWith('\r\n\r\nok'));
  });

  test('204 and 304 have no body; writeHead with array headers', async (t) => {
    const server = http.createServer((req, res) => {
      if (req.url === '/204') {
        res.writeHead(204, ['X-A', '1', 'X-A', '2']);
        res.end('ignored');
      } else {
        res.writeHead(304, 'Not Changed', { ETag: '"x"' });
        res.end();
      }
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const responses = out.split(/(?=HTTP\/1\.1 )/);
    assert.equal(responses.length, 2);
    assert.match(responses[0]!, /^HTTP\/1\.1 204 No Content\r\nX-A: 1\r\nX-A: 2\r\n/);
    assert.ok(responses[0]!.endsWith('\r\n\r\n'));
    assert.match(responses[1]!, /^HTTP\/1\.1 304 Not Changed\r\nETag: "x"\r\n/);
    assert.ok(responses[1]!.endsWith('\r\n\r\n'));
  });

  test('trailers on a chunked response; request trailers', async (t) => {
    let trailers: unknown;
    const server = http.createServer(async (req, res) => {
      await collect(req);
      trailers = req.trailers;
      res.write('x');
      res.addTrailers({ 'X-Sum': 'abc' });
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1\r\nz\r\n0\r\nX-Req: t\r\n\r\n',
    );
    assert.deepEqual({ ...(trailers as object) }, { 'x-req': 't' });
    assert.ok(out.endsWith('1\r\nx\r\n0\r\nX-Sum: abc\r\n\r\n'), JSON.stringify(out));
  });

  test('headersTimeout: a request head that never completes gets 408', async (t) => {
    const server = http.createServer(
      { headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 20 },
      (_req, res) => res.end('no'),
    );
    const port = await listen(server);
    t.after(() => close(server));
    const out = await untilServerCloses(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    assert.equal(out, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  });

  test("server.setTimeout: 'timeout' listener gets the idle socket", async (t) => {
    const server = http.createServer((_req, res) => {
      // never answers
      void res;
    });
    server.setTimeout(50, (socket) => {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 2000);
    assert.equal(out, 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
  });

  test('closeAllConnections destroys busy connections; req and res get close', async (t) => {
    let closes: Promise<unknown[]> | undefined;
    let serverRef: http.Server | undefined;
    const server = http.createServer((req, res) => {
      // Plain listeners: once() would also listen for req's 'error' (ECONNRESET).
      closes = Promise.all([
        new Promise((resolve) => req.on('close', resolve)),
        new Promise((resolve) => res.on('close', resolve)),
      ]);
      serverRef?.closeAllConnections();
    });
    serverRef = server;
    const port = await listen(server);
    t.after(() => close(server));
    // The server closes the connection (the client never does).
    const out = await untilServerCloses(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(out, '');
    assert.ok(closes, 'the request was not handled');
    // Both 'close' events come; the wait is bounded.
    const limit = new Promise((_, reject) => {
      setTimeout(() => reject(new Error("no 'close' within 10 s")), 10_000).unref();
    });
    await Promise.race([closes, limit]);
  });

  test("every response of a kept-alive connection gets one 'close'; the socket's listeners do not pile up", async (t) => {
    const closeListeners: number[] = [];
    const closes = [0, 0, 0];
    let lastClosed: () => void = () => {};
    const lastClose = new Promise<void>((resolve) => {
      lastClosed = resolve;
    });
    const server = http.createServer((req, res) => {
      const n = Number(req.url?.slice(1));
      closeListeners.push(req.socket!.listenerCount('close'));
      res.on('close', () => {
        closes[n]!++;
        if (n === 2) lastClosed();
      });
      if (n < 2) res.end('ok');
      // The third is never answered: it closes with the connection.
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { send, socket } = await conversation(port);
    await send('GET /0 HTTP/1.1\r\nHost: x\r\n\r\n', 'ok');
    await send('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n', 'ok');
    socket.write('GET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
    while (closeListeners.length < 3) await new Promise((r) => setImmediate(r));
    socket.destroy();
    await lastClose;
    assert.deepEqual(closes, [1, 1, 1]);
    assert.equal(new Set(closeListeners).size, 1, `close listeners: ${closeListeners}`);
  });

  test("a socket upgraded after a kept-alive request carries none of the server's 'close' listeners", async (t) => {
    const server = http.createServer((_req, res) => res.end('ok'));
    server.on('upgrade', (_req, socket) => {
      socket.end(`HTTP/1.1 101 Switching Protocols\r\n\r\nclose=${socket.listenerCount('close')};`);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { send, socket } = await conversation(port);
    t.after(() => socket.destroy());
    await send('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'ok');
    const out = await send(
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
      ';',
    );
    assert.match(out, /^HTTP\/1\.1 101 /);
    assert.ok(out.endsWith('close=0;'), out);
  });

  test('closeIdleConnections / close() end kept-alive connections', async (t) => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const port = await listen(server);
    const agent = new nodeHttp.Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    await new Promise<void>((resolve) => {
      nodeHttp.get({ port, host: '127.0.0.1', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
    });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await closed; // resolves only if the idle keep-alive connection was closed
  });
});
