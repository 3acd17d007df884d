/**
 * Node-compatibility behaviours of wirestack's http that Node's own test
 * suite exercises: legacy callable classes, an assignable globalAgent,
 * maxHeadersCount, uniqueHeaders, strictContentLength, the socket-encoding
 * guard, Agent scheduling and socket limits, the parser pool, llhttp-style
 * method errors, request timeouts and keep-alive. Peers: Node's own
 * node:http client / server and raw TCP.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import { describe, test } from 'node:test';
import * as util from 'node:util';
import type { Agent as AgentImpl } from '../../src/http/agent.js';
import type { ClientRequest as ClientRequestImpl } from '../../src/http/client-request.js';
import * as http from '../../src/http/index.js';
import { idleParserCount } from '../../src/http/parser-pool.js';
import { requirePeer } from '../helpers/peers.js';
import { close, collect, curl, listen, rawExchange } from './helpers.js';

/** An agent under its implementation's type: these tests check members @types/node does not declare. */
const implementation = (agent: http.Agent): AgentImpl => agent as unknown as AgentImpl;

/** GET with node:http; resolves with the response and its body. */
function nodeGet(
  port: number,
  path = '/',
  headers: Record<string, string> = {},
): Promise<{ res: nodeHttp.IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    nodeHttp
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        collect(res).then((b) => resolve({ res, body: b.toString() }), reject);
      })
      .on('error', reject);
  });
}

/** GET with our client; resolves with the response and its body. */
function ourGet(options: http.RequestOptions): Promise<{
  res: http.IncomingMessage;
  body: string;
  req: http.ClientRequest;
  socket: unknown;
}> {
  return new Promise((resolve, reject) => {
    const req = http.get(options, (res) => {
      const socket = res.socket;
      collect(res).then((b) => resolve({ res, body: b.toString(), req, socket }), reject);
    });
    req.on('error', reject);
  });
}

describe('legacy classes and module surface', () => {
  test('Server, Agent, ... are callable without new; .call(this) initialises a subclass', async (t) => {
    const agent = http.Agent({ keepAlive: true });
    assert.ok(agent instanceof http.Agent);
    agent.destroy();
    const server = http.Server({}, (_req, res) => res.end('plain call'));
    assert.ok(server instanceof http.Server);

    function Legacy(this: http.Server) {
      (http.Server as unknown as (this: unknown, l: http.RequestListener) => void).call(
        this,
        (_req, res) => res.end('legacy'),
      );
    }
    util.inherits(Legacy, http.Server as unknown as new () => unknown);
    const legacy = new (Legacy as unknown as new () => http.Server)();
    assert.ok(legacy instanceof http.Server);
    const port = await listen(legacy);
    t.after(() => close(legacy));
    assert.equal((await nodeGet(port)).body, 'legacy');
  });

  test('http.globalAgent is assignable and then used by http.request', async (t) => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const port = await listen(server);
    t.after(() => close(server));
    // The module object itself (an `import * as` namespace is a read-only copy).
    const httpModule = require('../../src/http/index.js') as { globalAgent: http.Agent };
    const previous = httpModule.globalAgent;
    const mine = new http.Agent();
    httpModule.globalAgent = mine;
    t.after(() => {
      httpModule.globalAgent = previous;
    });
    assert.equal(httpModule.globalAgent, mine);
    const { req } = await ourGet({ host: '127.0.0.1', port });
    assert.equal((req as unknown as ClientRequestImpl).agent, mine);
  });

  test('ERR_INVALID_ARG_TYPE messages name the expected kinds as Node does', () => {
    assert.throws(() => http.request({ agent: true as never }), {
      message:
        'The "options.agent" property must be one of Agent-like Object, undefined, or false. Received type boolean (true)',
    });
    assert.throws(() => http.request({ hostname: {} as never }), {
      message:
        'The "options.hostname" property must be of type string or one of undefined or null. Received an instance of Object',
    });
  });
});

describe('messages as event emitters', () => {
  test('a fresh message answers every EventEmitter question, then takes listeners as usual', () => {
    const req = new http.IncomingMessage(null as never);
    const res = new http.ServerResponse(req);
    const nodeRes = new nodeHttp.ServerResponse(new nodeHttp.IncomingMessage(null as never));
    for (const msg of [req, res]) {
      // As node:http's messages answer them.
      assert.deepEqual(msg.eventNames(), nodeRes.eventNames());
      assert.equal(msg.listenerCount('finish'), 0);
      assert.deepEqual(msg.listeners('close'), []);
      assert.equal(msg.getMaxListeners(), nodeRes.getMaxListeners());
      assert.equal(msg.emit('nothing'), false);
      assert.throws(() => msg.emit('error', new Error('unheard')), /unheard/);
      msg.removeAllListeners();
      const seen: string[] = [];
      msg.on('custom', (v: string) => seen.push(v));
      msg.once('custom', (v: string) => seen.push(`once ${v}`));
      assert.deepEqual(msg.eventNames(), ['custom']);
      assert.equal(msg.emit('custom', 'a'), true);
      msg.emit('custom', 'b');
      assert.deepEqual(seen, ['a', 'once a', 'b']);
      msg.removeAllListeners('custom');
      assert.deepEqual(msg.eventNames(), []);
      assert.ok(msg instanceof EventEmitter);
    }
  });
});

describe('server limits and options', () => {
  test('maxHeadersCount limits req.headers (rawHeaders stay whole); 0 = no limit', async (t) => {
    const seen: number[] = [];
    const server = http.createServer((req, res) => {
      seen.push(Object.keys(req.headers).length);
      assert.equal(req.rawHeaders.length, 2 * 12);
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    const headers: Record<string, string> = {};
    for (let i = 0; i < 10; i++) headers[`x-h${i}`] = String(i);
    server.maxHeadersCount = 5;
    await nodeGet(port, '/', headers);
    server.maxHeadersCount = 0;
    await nodeGet(port, '/', headers);
    assert.deepEqual(seen, [5, 12]);
  });

  test('client maxHeadersCount limits res.headers', async (t) => {
    const server = nodeHttp.createServer((_req, res) => {
      for (let i = 0; i < 10; i++) res.setHeader(`x-h${i}`, String(i));
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    const count = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        resolve(Object.keys(res.headers).length);
      });
      req.maxHeadersCount = 3;
      req.on('error', reject);
      req.end();
    });
    assert.equal(count, 3);
  });

  test('uniqueHeaders joins an array value with "; " on one line', async (t) => {
    const server = http.createServer({ uniqueHeaders: ['x-once'] }, (_req, res) => {
      res.setHeader('X-Once', ['a', 'b']);
      res.setHeader('X-Many', ['c', 'd']);
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { res } = await nodeGet(port);
    assert.deepEqual(res.headersDistinct['x-once'], ['a; b']);
    assert.deepEqual(res.headersDistinct['x-many'], ['c', 'd']);
  });

  test('strictContentLength: too many or too few bytes throw ERR_HTTP_CONTENT_LENGTH_MISMATCH', async (t) => {
    const errors: string[] = [];
    const server = http.createServer((_req, res) => {
      res.strictContentLength = true;
      res.setHeader('Content-Length', 5);
      res.write('abc');
      try {
        res.write('xyz');
      } catch (err) {
        errors.push((err as { code: string }).code);
      }
      try {
        res.end('x');
      } catch (err) {
        errors.push((err as { code: string }).code);
      }
      res.end('de');
    });
    const port = await listen(server);
    t.after(() => close(server));
    assert.equal((await nodeGet(port)).body, 'abcde');
    assert.deepEqual(errors, [
      'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
      'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
    ]);
  });

  test('socket.setEncoding on an http connection throws ERR_HTTP_SOCKET_ENCODING', async (t) => {
    const server = http.createServer((req, res) => {
      assert.throws(() => req.socket!.setEncoding('utf8'), { code: 'ERR_HTTP_SOCKET_ENCODING' });
      res.end('ok');
    });
    const port = await listen(server);
    t.after(() => close(server));
    assert.equal((await nodeGet(port)).body, 'ok');
  });

  test('maxRequestsPerSocket: the request over the limit gets 503 and dropRequest', async (t) => {
    const server = http.createServer((_req, res) => res.end('ok'));
    server.maxRequestsPerSocket = 2;
    let dropped = 0;
    server.on('dropRequest', () => dropped++);
    const port = await listen(server);
    t.after(() => close(server));
    const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    const out = await rawExchange(port, get + get + get);
    const statuses = [...out.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['200', '200', '503']);
    assert.match(out, /Keep-Alive: timeout=5, max=2/);
    assert.equal(dropped, 1);
  });

  test('an unknown method is a 400 at once (llhttp position), without waiting for the line end', async (t) => {
    const errors: { code: string; bytesParsed: number }[] = [];
    const server = http.createServer(() => assert.fail('no request'));
    server.on('clientError', (err: { code: string; bytesParsed: number }, socket) => {
      errors.push({ code: err.code, bytesParsed: err.bytesParsed });
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, 'Oopsie');
    assert.equal(out, 'HTTP/1.1 400 Bad Request\r\n\r\n');
    assert.deepEqual(errors, [{ code: 'HPE_INVALID_METHOD', bytesParsed: 1 }]);
  });

  test('a request whose Transfer-Encoding is not chunked: 400, never emitted (RFC 9112 §6.3)', async (t) => {
    let requests = 0;
    const server = http.createServer(() => {
      requests++;
    });
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunkedchunked\r\n\r\n1\r\nA\r\n0\r\n\r\n',
    );
    assert.equal(out, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    assert.equal(requests, 0);
  });

  test('headersTimeout counts from the connection: a silent client gets 408', async (t) => {
    const server = http.createServer(
      { headersTimeout: 200, requestTimeout: 0, connectionsCheckingInterval: 50 },
      () => assert.fail('no request'),
    );
    const port = await listen(server);
    t.after(() => close(server));
    const out = await rawExchange(port, '', 1000);
    assert.equal(out, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  });

  test('a new request on a kept-alive connection cancels the keep-alive timeout', async (t) => {
    const server = http.createServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 100;
    const port = await listen(server);
    t.after(() => close(server));
    const socket = nodeNet.connect(port, '127.0.0.1');
    t.after(() => socket.destroy());
    let received = '';
    socket.on('data', (d) => {
      received += d.toString('latin1');
    });
    const responses = () => received.split('HTTP/1.1 200 OK').length - 1;
    const until = async (n: number) => {
      while (responses() < n) await new Promise((r) => setTimeout(r, 10));
    };
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(1);
    // The head of the second request arrives slowly, past the keep-alive timeout.
    socket.write('GET / HTTP/1.1\r\n');
    await new Promise((r) => setTimeout(r, 300));
    socket.write('Host: x\r\n\r\n');
    await until(2);
  });

  test('a rejected async request listener answers 500 (events.captureRejections)', async (t) => {
    EventEmitter.captureRejections = true;
    let server: http.Server;
    try {
      server = http.createServer(async (_req, res) => {
        res.setHeader('X-Secret', 'leak');
        throw new Error('kaboom');
      });
    } finally {
      EventEmitter.captureRejections = false;
    }
    const port = await listen(server);
    t.after(() => close(server));
    const { res, body } = await nodeGet(port);
    assert.equal(res.statusCode, 500);
    assert.equal(body, 'Internal Server Error');
    assert.equal(res.headers['x-secret'], undefined);
  });
});

describe('client', () => {
  test('a response whose server sends a second response is not a parse error', async (t) => {
    const full = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const server = nodeNet.createServer((s) => {
      s.once('data', () => s.end(full + full));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { body } = await ourGet({ host: '127.0.0.1', port, agent: false });
    assert.equal(body, 'ok');
  });

  test('an HTTP/0.9 status line is read to the end of the connection', async (t) => {
    const server = nodeNet.createServer((s) => {
      s.once('data', () => s.end('HTTP/0.9 200 OK\r\n\r\nold body'));
    });
    const port = await listen(server);
    t.after(() => close(server));
    const { res, body } = await ourGet({ host: '127.0.0.1', port, agent: false });
    assert.equal(res.httpVersion, '0.9');
    assert.equal(body, 'old body');
  });

  test('setTimeout above 2^31-1 ms warns TimeoutOverflowWarning and is clamped', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const req = http.request({ host: '127.0.0.1', port: 9, agent: false });
    req.on('error', () => {});
    req.setTimeout(2 ** 40);
    req.destroy();
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.deepEqual(warnings, ['TimeoutOverflowWarning']);
  });

  test('a request path with characters above 0xff throws ERR_UNESCAPED_CHARACTERS', () => {
    assert.throws(() => http.request({ path: '/\uffe2' }), { code: 'ERR_UNESCAPED_CHARACTERS' });
  });

  test('a Host header that is not a string throws ERR_INVALID_ARG_TYPE', () => {
    assert.throws(() => http.request({ headers: { host: [] as never } }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  test('no agent: the Host header names port 80 explicitly, as Node does', async (t) => {
    let host: string | undefined;
    const server = nodeHttp.createServer((req, res) => {
      host = req.headers.host;
      res.end();
    });
    const port = await listen(server);
    t.after(() => close(server));
    await new Promise<void>((resolve, reject) => {
      http
        .get(
          {
            host: 'example.test',
            createConnection: () => nodeNet.connect(port, '127.0.0.1') as never,
          },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        )
        .on('error', reject);
    });
    assert.equal(host, 'example.test:80');
  });

  test('curl gets answers from a pooled parser after many connections', async (t) => {
    const bin = requirePeer(t, 'curl');
    if (!bin) return;
    const server = http.createServer((req, res) => res.end(req.url));
    const port = await listen(server);
    t.after(() => close(server));
    for (let i = 0; i < 3; i++) {
      assert.equal(await curl(bin, [`http://127.0.0.1:${port}/n${i}`]), `/n${i}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(idleParserCount() >= 1, 'parsers go back to the pool');
  });
});

describe('Agent', () => {
  /** A keep-alive server answering with the id of the connection it was asked on. */
  async function connectionIdServer(t: { after(fn: () => unknown): void }) {
    let next = 0;
    const ids = new WeakMap<object, number>();
    const server = http.createServer((req, res) => {
      const socket = req.socket!;
      if (!ids.has(socket)) ids.set(socket, next++);
      res.end(String(ids.get(socket)));
    });
    const port = await listen(server);
    t.after(() => close(server));
    return port;
  }

  async function idsFor(agent: http.Agent, port: number, n: number): Promise<string[]> {
    const all = await Promise.all(
      Array.from({ length: n }, () => ourGet({ host: '127.0.0.1', port, agent })),
    );
    return all.map((r) => r.body);
  }

  test('scheduling lifo reuses the most recently freed socket, fifo the oldest', async (t) => {
    const port = await connectionIdServer(t);
    for (const scheduling of ['lifo', 'fifo'] as const) {
      const agent = new http.Agent({ keepAlive: true, scheduling });
      t.after(() => agent.destroy());
      const first = await idsFor(agent, port, 3);
      assert.equal(new Set(first).size, 3);
      await new Promise((r) => setImmediate(r));
      const name = Object.keys(agent.freeSockets)[0]!;
      const free = agent.freeSockets[name]!;
      assert.equal(free.length, 3);
      const expected = scheduling === 'lifo' ? free[free.length - 1] : free[0];
      const { req, socket } = await ourGet({ host: '127.0.0.1', port, agent });
      assert.equal(socket, expected);
      assert.equal(req.reusedSocket, true);
    }
    assert.throws(() => new http.Agent({ scheduling: 'filo' as never }), {
      message: "The argument 'scheduling' must be one of: 'fifo', 'lifo'. Received 'filo'",
    });
  });

  test('maxTotalSockets caps sockets across origins; queued requests of another origin proceed', async (t) => {
    const a = await connectionIdServer(t);
    const b = await connectionIdServer(t);
    const agent = new http.Agent({ keepAlive: true, maxTotalSockets: 2 });
    t.after(() => agent.destroy());
    let peak = 0;
    const watch = setInterval(() => {
      let n = 0;
      for (const k of Object.keys(agent.sockets)) n += agent.sockets[k]!.length;
      peak = Math.max(peak, n);
    }, 1);
    t.after(() => clearInterval(watch));
    const results = await Promise.all([idsFor(agent, a, 4), idsFor(agent, b, 4)]);
    assert.equal(results.flat().length, 8);
    assert.ok(peak <= 2, `at most 2 sockets at once (saw ${peak})`);
    assert.deepEqual(Object.keys(agent.requests), []);
  });

  test('a pooled socket: listener counts as in Node; an error while idle takes it out of the pool at once', async (t) => {
    const port = await connectionIdServer(t);
    const agent = new http.Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    const closes = [0, 0, 0];
    /** Request `n`: resolves with the id of its connection once it closed. */
    const get = (n: number) =>
      new Promise<string>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, agent }, (res) => {
          // In use, as Node's test-http-agent-keepalive counts them.
          assert.equal(res.socket!.listenerCount('error'), 1);
          collect(res).then((body) => {
            if (closes[n]! > 0) resolve(body.toString());
            else req.on('close', () => resolve(body.toString()));
          }, reject);
        });
        req.on('close', () => closes[n]!++);
        req.on('error', reject);
      });
    const first = await get(0);
    const second = await get(1);
    assert.equal(second, first); // the same connection, from the pool
    await new Promise((r) => setImmediate(r));
    const name = Object.keys(agent.freeSockets)[0]!;
    const idle = agent.freeSockets[name]![0]!;
    assert.equal(idle.listenerCount('error'), 1);
    assert.equal(idle.listenerCount('data'), 0);
    assert.equal(idle.listenerCount('drain'), 0);
    idle.emit('error', new Error('idle failure'));
    assert.equal(agent.freeSockets[name], undefined);
    assert.equal(implementation(agent).totalSocketCount, 0);
    assert.equal(idle.destroyed, true);
    const third = await get(2);
    assert.notEqual(third, first); // a new connection
    await new Promise((r) => setTimeout(r, 20));
    // One 'close' per request: none again when the pooled socket closed.
    assert.deepEqual(closes, [1, 1, 1]);

    // A socket freed above maxFreeSockets is closed by the agent at once:
    // its request, done, sees no second 'close' either.
    const small = new http.Agent({ keepAlive: true, maxFreeSockets: 1 });
    t.after(() => small.destroy());
    const counts = [0, 0];
    await Promise.all(
      counts.map(
        (_, n) =>
          new Promise<void>((resolve, reject) => {
            const req = http.get({ host: '127.0.0.1', port, agent: small }, (res) => {
              res.resume();
              res.on('end', resolve);
            });
            req.on('close', () => counts[n]!++);
            req.on('error', reject);
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(implementation(small).totalSocketCount, 1);
    assert.deepEqual(counts, [1, 1]);
  });

  test('maxFreeSockets: idle sockets above the limit are closed', async (t) => {
    const port = await connectionIdServer(t);
    const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 1 });
    t.after(() => agent.destroy());
    await idsFor(agent, port, 3);
    await new Promise((r) => setTimeout(r, 20));
    const name = Object.keys(agent.freeSockets)[0]!;
    assert.equal(agent.freeSockets[name]!.length, 1);
    // Idle sockets count until they close.
    assert.equal(implementation(agent).totalSocketCount, 1);
    agent.freeSockets[name]![0]!.destroy();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(implementation(agent).totalSocketCount, 0);
  });

  test('addRequest(req, host, port, localAddress): the legacy form names the pool', () => {
    const agent = new http.Agent({ maxSockets: 0 as never });
    agent.maxSockets = 0;
    const req = { getHeader: () => undefined } as unknown as Parameters<AgentImpl['addRequest']>[0];
    implementation(agent).addRequest(req, 'localhost', 8080, '127.0.0.1');
    assert.deepEqual(Object.keys(agent.requests), ['localhost:8080:127.0.0.1']);
  });
});

describe('abort order, compared with node:http', () => {
  type HttpModule = Pick<typeof nodeHttp, 'createServer' | 'get'>;

  /** Server side: the client sends 3 of 10 body bytes and goes away. */
  async function serverSideAbort(mod: HttpModule): Promise<string[]> {
    const events: string[] = [];
    await new Promise<void>((done) => {
      const server = mod.createServer((req, res) => {
        req.on('aborted', () => events.push(`req aborted ${req.aborted}`));
        req.on('error', (e) => events.push(`req error ${(e as { code?: string }).code}`));
        req.on('close', () => events.push(`req close ${req.aborted} ${req.destroyed}`));
        res.on('close', () => {
          events.push(`res close ${res.writableFinished}`);
          setTimeout(() => server.close(() => done()), 20);
        });
        req.resume();
        res.writeProcessing();
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        const s = nodeNet.connect(port, '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
        });
        s.on('data', (d) => {
          events.push(`client got ${d.toString('latin1')}`);
          s.destroy();
        });
      });
    });
    return events;
  }

  /** Client side: the server sends 3 of 10 body bytes and goes away. */
  async function clientSideAbort(mod: HttpModule): Promise<string[]> {
    const events: string[] = [];
    const server = nodeNet.createServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
        setTimeout(() => s.destroy(), 30);
      });
    });
    const port = await listen(server);
    await new Promise<void>((done) => {
      const req = mod.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.on('aborted', () => events.push(`res aborted ${res.aborted}`));
        res.on('error', (e) => events.push(`res error ${(e as { code?: string }).code}`));
        res.on('close', () => events.push(`res close ${res.complete}`));
        res.on('end', () => events.push('res end'));
        res.resume();
      });
      req.on('error', (e) => events.push(`req error ${(e as { code?: string }).code}`));
      req.on('close', () => {
        events.push('req close');
        setTimeout(done, 30);
      });
    });
    await close(server);
    return events;
  }

  test("server: 'aborted', then res 'close', req 'error' (ECONNRESET), req 'close'; writeProcessing sends 102", async () => {
    const ours = await serverSideAbort(http as unknown as HttpModule);
    assert.deepEqual(ours, await serverSideAbort(nodeHttp));
    assert.equal(ours[0], 'client got HTTP/1.1 102 Processing\r\n\r\n');
  });

  test("client: res 'aborted', req 'close', res 'error' (ECONNRESET), res 'close'", async () => {
    const ours = await clientSideAbort(http as unknown as HttpModule);
    assert.deepEqual(ours, await clientSideAbort(nodeHttp));
    assert.equal(ours[0], 'res aborted true');
  });
});
