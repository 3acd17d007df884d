/**
 * wirestack's http client against wirestack's http server, and the
 * ServerResponse / OutgoingMessage API seen through both.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import * as http from '../../src/http/index.js';
import type { ServerResponse as ServerResponseImpl } from '../../src/http/server-response.js';
import { close, collect, listen, pattern, rawExchange } from './helpers.js';

function get(
  options: http.RequestOptions,
  body?: string | Buffer,
): Promise<{ res: http.IncomingMessage; body: Buffer; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.request(options, async (res) => {
      resolve({ res, body: await collect(res), req });
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else req.end(body);
  });
}

/**
 * Answers `count` requests, one after another on one kept-alive connection,
 * with `answer(res, i)`; an error it throws is recorded by code and the
 * response given `refused(res)` instead. Returns `read(res)` of each response
 * (client side) and the codes.
 */
async function oneByOne<T>(
  t: TestContext,
  count: number,
  answer: (res: http.ServerResponse, i: number) => void,
  refused: (res: http.ServerResponse) => void,
  read: (res: http.IncomingMessage) => T,
): Promise<{ seen: T[]; errors: string[] }> {
  const errors: string[] = [];
  let n = 0;
  const server = http.createServer((_req, res) => {
    try {
      answer(res, n++);
    } catch (err) {
      errors.push((err as { code: string }).code);
      refused(res);
    }
    res.end();
  });
  const port = await listen(server);
  t.after(() => close(server));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const seen: T[] = [];
  for (let i = 0; i < count; i++)
    seen.push(read((await get({ port, host: '127.0.0.1', agent })).res));
  return { seen, errors };
}

describe('our client against our server', () => {
  test('keep-alive reuse through the agent; headers and body both ways', async (t) => {
    const sockets = new Set<unknown>();
    const server = http.createServer(async (req, res) => {
      sockets.add(req.socket);
      const body = await collect(req);
      res.writeHead(201, { 'X-Echo': req.headers['x-in'] as string });
      res.end(body);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const agent = new http.Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    const a = await get(
      { port, host: '127.0.0.1', agent, method: 'POST', headers: { 'X-In': '1' } },
      'one',
    );
    await new Promise((r) => setImmediate(r));
    const b = await get(
      { port, host: '127.0.0.1', agent, method: 'POST', headers: { 'X-In': '2' } },
      'two',
    );
    assert.equal(a.res.statusCode, 201);
    assert.equal(a.res.statusMessage, 'Created');
    assert.equal(a.res.headers['x-echo'], '1');
    assert.equal(b.res.headers['x-echo'], '2');
    assert.equal(a.body.toString(), 'one');
    assert.equal(b.body.toString(), 'two');
    assert.equal(b.req.reusedSocket, true);
    assert.equal(sockets.size, 1);
  });

  test('header lines: each response its own values; a bad one throws every time', async (t) => {
    // Given to writeHead as objects, one response after another on one
    // connection: a repeated line may be reused, never a refused one.
    const heads: http.OutgoingHttpHeaders[] = [
      { 'X-A': 'one', 'Content-Length': 0 },
      { 'X-A': 'one', 'Content-Length': 0 },
      { 'X-A': 'two', 'Content-Length': 0 },
      { 'X-A': 'two\r\nInjected: 1', 'Content-Length': 0 },
      { 'X-A': 'two', 'Content-Length': 0 },
      { 'X-A': 'two', 'Bad Name': 'x', 'Content-Length': 0 },
      { 'X-A': 'two\r\nInjected: 1', 'Content-Length': 0 },
      { 'X-A': 7, 'Content-Length': 0 },
    ];
    const { seen, errors } = await oneByOne(
      t,
      heads.length,
      (res, i) => res.writeHead(200, heads[i]),
      (res) => res.writeHead(200, { 'X-A': 'refused', 'Content-Length': 0 }),
      (res) => {
        assert.equal(res.headers.injected, undefined);
        return res.headers['x-a'];
      },
    );
    assert.deepEqual(seen, ['one', 'one', 'two', 'refused', 'two', 'refused', 'refused', '7']);
    assert.deepEqual(errors, ['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_INVALID_CHAR']);
  });

  test('status lines: each response its own code and reason, STATUS_CODES changes seen', async (t) => {
    const reasons = ['OK', 'Fine', 'OK', '', 'OK\r\nX: y', 'OK'];
    const { seen, errors } = await oneByOne(
      t,
      reasons.length,
      (res, i) => res.writeHead(200, reasons[i]),
      (res) => {
        res.statusMessage = 'Refused';
      },
      (res) => `${res.statusCode} ${res.statusMessage}`,
    );
    assert.deepEqual(seen, ['200 OK', '200 Fine', '200 OK', '200 ', '200 Refused', '200 OK']);
    assert.deepEqual(errors, ['ERR_INVALID_CHAR']);

    // The default reason is read from STATUS_CODES at each response.
    const saved = http.STATUS_CODES[202];
    t.after(() => {
      http.STATUS_CODES[202] = saved;
    });
    const implicit = http.createServer((_req, res) => {
      res.statusCode = 202;
      res.end();
    });
    const port2 = await listen(implicit);
    t.after(() => close(implicit));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const first = await get({ port: port2, host: '127.0.0.1', agent });
    http.STATUS_CODES[202] = 'Taken';
    const second = await get({ port: port2, host: '127.0.0.1', agent });
    assert.equal(first.res.statusMessage, 'Accepted');
    assert.equal(second.res.statusMessage, 'Taken');
  });

  test('10 MiB both ways, chunked upload', async (t) => {
    const big = pattern(10 * 1024 * 1024);
    const server = http.createServer((req, res) => req.pipe(res));
    const port = await listen(server);
    t.after(() => close(server));
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = http.request({ port, host: '127.0.0.1', method: 'PUT' }, async (res) => {
        assert.equal(res.headers['transfer-encoding'], 'chunked');
        resolve(await collect(res));
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 1 << 20) req.write(big.subarray(i, i + (1 << 20)));
      req.end();
    });
    assert.ok(body.equals(big));
  });

  test('agent: false uses Connection: close and a fresh socket', async (t) => {
    let connection: string | undefined;
    const server = http.createServer((req, res) => {
      connection = req.headers.connection as string;
      res.end('x');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { res } = await get({ port, host: '127.0.0.1', agent: false });
    assert.equal(connection, 'close');
    assert.equal(res.headers.connection, 'close');
  });
});

describe('ServerResponse API', () => {
  test('header methods: set/get/has/remove/append/getHeaders/getHeaderNames/getRawHeaderNames', async (t) => {
    const server = http.createServer((_req, res) => {
      res.setHeader('X-One', '1');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.appendHeader('x-one', '2');
      assert.deepEqual(res.getHeader('x-ONE'), ['1', '2']);
      assert.equal(res.hasHeader('set-cookie'), true);
      assert.deepEqual(res.getHeaderNames(), ['x-one', 'set-cookie']);
      assert.deepEqual((res as unknown as ServerResponseImpl).getRawHeaderNames(), [
        'X-One',
        'Set-Cookie',
      ]);
      res.setHeader('X-Gone', 'g');
      res.removeHeader('x-gone');
      assert.equal(res.getHeader('x-gone'), undefined);
      assert.deepEqual(
        { ...res.getHeaders() },
        { 'x-one': ['1', '2'], 'set-cookie': ['a=1', 'b=2'] },
      );
      res.setHeaders(new Map([['X-Map', 'm']]));
      assert.equal(res.headersSent, false);
      res.end('done');
      assert.equal(res.headersSent, true);
      assert.equal(res.writableEnded, true);
      assert.throws(() => res.setHeader('a', 'b'), { code: 'ERR_HTTP_HEADERS_SENT' });
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(
      out,
      /\r\nX-One: 1\r\nX-One: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Map: m\r\n/,
    );
    assert.ok(!out.includes('X-Gone'));
  });

  test('writeHead validation: status code range, CR/LF in values and reason', async (t) => {
    const errors: string[] = [];
    const server = http.createServer((_req, res) => {
      for (const fn of [
        () => res.writeHead(99),
        () => res.writeHead(1000),
        () => res.setHeader('X', 'a\nb'),
        () => res.writeHead(200, 'OK\r\nX: y'),
      ]) {
        try {
          fn();
        } catch (err) {
          errors.push((err as { code: string }).code);
        }
      }
      // As in Node, the refused reason phrase was stored: replace it.
      res.statusMessage = 'OK';
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.deepEqual(errors, [
      'ERR_HTTP_INVALID_STATUS_CODE',
      'ERR_HTTP_INVALID_STATUS_CODE',
      'ERR_INVALID_CHAR',
      'ERR_INVALID_CHAR',
    ]);
  });

  test('write/end callbacks, finish then close, writableFinished', async (t) => {
    const order: string[] = [];
    const server = http.createServer((_req, res) => {
      res.write('a', () => order.push('write cb'));
      res.end('b', () => order.push('end cb'));
      res.on('finish', () => {
        order.push('finish');
        assert.equal(res.writableFinished, true);
      });
      res.on('close', () => order.push('close'));
    });
    const port = await listen(server);
    t.after(() => close(server));
    await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.deepEqual(order, ['write cb', 'end cb', 'finish', 'close']);
  });

  test('write after end: ERR_STREAM_WRITE_AFTER_END to callback and error event', async (t) => {
    let code: string | undefined;
    const server = http.createServer((_req, res) => {
      res.end();
      res.on('error', () => {});
      res.write('late', (err) => {
        code = (err as { code?: string } | null | undefined)?.code;
      });
    });
    const port = await listen(server);
    t.after(() => close(server));
    await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(code, 'ERR_STREAM_WRITE_AFTER_END');
  });

  test('writeEarlyHints and flushHeaders', async (t) => {
    const server = http.createServer((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.flushHeaders();
      setTimeout(() => res.end('late body'), 10);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(
      out,
      /^HTTP\/1\.1 103 Early Hints\r\nLink: <\/style\.css>; rel=preload; as=style\r\n\r\nHTTP\/1\.1 200 OK\r\n/,
    );
    assert.match(out, /Transfer-Encoding: chunked/);
    assert.ok(out.endsWith('9\r\nlate body\r\n0\r\n\r\n'));
  });

  test('custom IncomingMessage / ServerResponse classes', async (t) => {
    class MyRequest extends http.IncomingMessage {
      mine = true;
    }
    class MyResponse extends http.ServerResponse<MyRequest> {
      hello(): void {
        this.end('hello from subclass');
      }
    }
    const server = http.createServer(
      { IncomingMessage: MyRequest, ServerResponse: MyResponse },
      (req, res) => {
        assert.equal(req.mine, true);
        res.hello();
      },
    );
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.ok(out.endsWith('hello from subclass'));
  });
});
