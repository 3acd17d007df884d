/**
 * The server's parser reads straight from the transport into one buffer
 * shared by every connection (as Node's parser.consume does). These tests
 * keep what the server hands out — body chunks, an upgrade's head, a parse
 * error's rawPacket, chunks seen by a late 'data' listener — past later
 * reads, which reuse that buffer: each must still hold its own bytes.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import { type TestContext, test } from 'node:test';
import * as http from '../../src/http/index.js';
import * as net from '../../src/net/index.js';
import { close, listen, rawExchange } from './helpers.js';

type Http = typeof nodeHttp;
const implementations: Array<[string, Http]> = [
  ['wirestack', http as unknown as Http],
  ['node:http', nodeHttp],
];

function connect(port: number): Promise<nodeNet.Socket> {
  const socket = nodeNet.connect(port, '127.0.0.1');
  return once(socket, 'connect').then(() => socket);
}

/** Resolves with the next chunk `socket` receives. */
function nextData(socket: nodeNet.Socket): Promise<Buffer> {
  return once(socket, 'data').then(([chunk]) => chunk as Buffer);
}

/** Waits (a bounded number of loop turns) for `condition`; resolves with its final value. */
async function until(condition: () => boolean): Promise<boolean> {
  for (let spins = 0; !condition() && spins < 10_000; spins++) {
    await new Promise((r) => setImmediate(r));
  }
  return condition();
}

test('body chunks kept by the handler keep their bytes after later reads', async () => {
  const pieces = ['a', 'b', 'c', 'd'].map((c) => c.repeat(1000));
  const kept: Buffer[] = [];
  let onChunk: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    const server = http.createServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        kept.push(chunk); // kept as handed out, not copied
        onChunk();
      });
      req.on('end', () => {
        res.end('ok');
        resolve();
      });
    });
    void listen(server).then(async (port) => {
      const socket = await connect(port);
      const length = pieces.join('').length;
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`);
      // One piece per read: the next is sent once the server has the last.
      for (const piece of pieces) {
        const received = new Promise<void>((r) => {
          onChunk = r;
        });
        socket.write(piece);
        await received;
      }
      await ended;
      socket.destroy();
      await close(server);
    });
  });
  await ended;
  assert.equal(Buffer.concat(kept).toString('latin1'), pieces.join(''));
});

test("an upgrade's head keeps its bytes after other connections' reads", async () => {
  let head = null as Buffer | null;
  const server = http.createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (_req, socket, h: Buffer) => {
    head = h;
    socket.end();
  });
  const port = await listen(server);
  await rawExchange(
    port,
    'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nHEAD-BYTES-1234',
  );
  // Another connection's request: another read into the shared buffer.
  const other = await rawExchange(port, `GET /${'z'.repeat(200)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.match(other, /^HTTP\/1\.1 200 OK/);
  assert.equal(head?.toString('latin1'), 'HEAD-BYTES-1234');
  await close(server);
});

test("a parse error's rawPacket keeps its bytes after other connections' reads", async () => {
  let rawPacket = null as Buffer | null;
  const server = http.createServer((_req, res) => res.end('plain'));
  server.on('clientError', (err: { rawPacket?: Buffer }, socket: nodeNet.Socket) => {
    rawPacket = err.rawPacket ?? null;
    socket.destroy();
  });
  const port = await listen(server);
  const bad = 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n';
  await rawExchange(port, bad);
  const other = await rawExchange(port, `GET /${'z'.repeat(200)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.match(other, /^HTTP\/1\.1 200 OK/);
  assert.equal(rawPacket?.toString('latin1'), bad);
  await close(server);
});

for (const [name, impl] of implementations) {
  test(`${name}: a 'data' listener added to the socket gets the next bytes, intact, and HTTP goes on`, async () => {
    const seen: Buffer[] = [];
    let requests = 0;
    const server = impl.createServer((req, res) => {
      requests++;
      if (requests === 1) req.socket.on('data', (chunk: Buffer) => seen.push(chunk));
      res.end(`response ${requests}`);
    });
    const port = await listen(server);
    const socket = await connect(port);
    socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match((await nextData(socket)).toString(), /response 1$/);
    // The second request in two reads: the listener keeps the first chunk
    // while the second arrives.
    const first = 'GET /2 HTTP/1.1\r\n';
    const second = 'Host: x\r\n\r\n';
    socket.write(first);
    assert.ok(await until(() => seen.length > 0), "the socket's 'data' listener got nothing");
    const response = nextData(socket);
    socket.write(second);
    assert.match((await response).toString(), /response 2$/);
    assert.equal(Buffer.concat(seen).toString('latin1'), first + second);
    assert.equal(seen[0]!.toString('latin1'), first);
    socket.destroy();
    await close(server);
  });
}

// ---- the client: a kept-alive socket's reads go to the response parser ----

/**
 * A node:net server answering each request head on a connection with the
 * next item of `script` (bytes, or a function writing them), so that every
 * request after the first reuses the agent's socket.
 */
async function scriptedServer(
  script: Array<(socket: nodeNet.Socket) => void>,
): Promise<{ port: number; server: nodeNet.Server }> {
  const server = nodeNet.createServer((socket) => {
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString('latin1');
      while (seen.includes('\r\n\r\n')) {
        seen = seen.slice(seen.indexOf('\r\n\r\n') + 4);
        script.shift()?.(socket);
      }
    });
  });
  const port = await listen(server);
  return { port, server };
}

/** A keep-alive agent holding one socket to `port` in its pool (one GET made and read). */
async function pooledAgent(port: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true });
  (await get(port, agent)).resume();
  await new Promise((r) => setImmediate(r));
  return agent;
}

/** GET / through `agent`; resolves with the response. */
function get(port: number, agent: http.Agent): Promise<nodeHttp.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', agent }, (res) =>
        resolve(res as unknown as nodeHttp.IncomingMessage),
      )
      .on('error', reject);
  });
}

const OK_EMPTY = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';

/** A read into the process's shared read buffer: a request to a wirestack server. */
async function anotherRead(): Promise<void> {
  const server = http.createServer((_req, res) => res.end('ok'));
  const port = await listen(server);
  const reply = await rawExchange(port, `GET /${'z'.repeat(500)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.match(reply, /^HTTP\/1\.1 200 OK/);
  await close(server);
}

/**
 * The client's reads are consumed on a socket from the pool and on a new
 * connection alike (from its first read, once connected): each case runs on both.
 */
const clientSockets: Array<[string, boolean]> = [
  ['a pooled socket', false],
  ['a new connection', true],
];

/**
 * A keep-alive agent for `port`: on `fresh`, empty (the next request opens a
 * connection); else holding one socket in its pool, for which `server`'s
 * script must first answer the warm-up GET (see `pooledAgent`). The agent
 * and the server are closed after the test, even one that fails (open
 * sockets would keep the file running).
 */
async function clientAgent(
  t: TestContext,
  server: nodeNet.Server,
  port: number,
  fresh: boolean,
): Promise<http.Agent> {
  const agent = fresh ? new http.Agent({ keepAlive: true }) : await pooledAgent(port);
  t.after(() => {
    agent.destroy();
    server.close();
  });
  return agent;
}

/** `steps`, after an answer to the warm-up GET unless `fresh`. */
function clientScript(fresh: boolean, steps: Array<(s: nodeNet.Socket) => void>) {
  return fresh ? steps : [(s: nodeNet.Socket) => s.write(OK_EMPTY), ...steps];
}

for (const [label, fresh] of clientSockets) {
  test(`client, ${label}: body chunks kept by the user keep their bytes after later reads`, async (t) => {
    const pieces = ['a', 'b', 'c', 'd'].map((c) => c.repeat(1000));
    let serverSocket: nodeNet.Socket | null = null;
    const { port, server } = await scriptedServer(
      clientScript(fresh, [
        (s) => {
          serverSocket = s;
          s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${pieces.join('').length}\r\n\r\n`);
        },
      ]),
    );
    const agent = await clientAgent(t, server, port, fresh);
    const res = await get(port, agent);
    const kept: Buffer[] = [];
    let next = 0;
    const sendNext = () => serverSocket!.write(pieces[next++]!);
    res.on('data', (chunk: Buffer) => {
      kept.push(chunk); // kept as handed out
      if (next < pieces.length) sendNext();
    });
    sendNext();
    await once(res, 'end');
    await anotherRead();
    assert.equal(Buffer.concat(kept).toString('latin1'), pieces.join(''));
  });

  test(`client, ${label}: an upgrade's head keeps its bytes after later reads`, async (t) => {
    const { port, server } = await scriptedServer(
      clientScript(fresh, [
        (s) =>
          s.write(
            'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nHEAD-BYTES-1234',
          ),
      ]),
    );
    const agent = await clientAgent(t, server, port, fresh);
    const req = http.request({
      port,
      host: '127.0.0.1',
      agent,
      headers: { Connection: 'Upgrade', Upgrade: 'test' },
    });
    req.end();
    const [, socket, head] = (await once(req, 'upgrade')) as [unknown, nodeNet.Socket, Buffer];
    await anotherRead();
    socket.destroy();
    assert.equal(head.toString('latin1'), 'HEAD-BYTES-1234');
  });

  test(`client, ${label}: a parse error's rawPacket keeps its bytes after later reads`, async (t) => {
    const bad = 'HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n';
    const { port, server } = await scriptedServer(clientScript(fresh, [(s) => s.write(bad)]));
    const agent = await clientAgent(t, server, port, fresh);
    const req = http.get({ port, host: '127.0.0.1', agent });
    const [err] = (await once(req, 'error')) as [{ rawPacket?: Buffer }];
    await anotherRead();
    assert.equal(err.rawPacket?.toString('latin1'), bad);
  });
}

// A deliberate difference (docs/node-compat-http.md): node:http takes the
// socket's reads even from a 'data' listener that was there first.
test("wirestack: a 'data' listener on the socket before the server takes it still gets the bytes", async () => {
  const seen: Buffer[] = [];
  const server = http.createServer((_req, res) => res.end('ok'));
  server.prependListener('connection', (socket: nodeNet.Socket) =>
    socket.on('data', (d: Buffer) => seen.push(d)),
  );
  const port = await listen(server);
  const request = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
  const reply = await rawExchange(port, request);
  assert.match(reply, /^HTTP\/1\.1 200 OK/);
  assert.equal(Buffer.concat(seen).toString('latin1'), request);
  await close(server);
});

// ---- ending consumption, and sockets it must not take -------------------

/** `promise`, or a failure naming `what` if it has not settled after `ms` (a hang guard). */
function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting: ${what()}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Resolves once `socket` has been paused (backpressure). */
async function pausedBy(socket: { isPaused(): boolean }): Promise<void> {
  assert.ok(await until(() => socket.isPaused()), 'the socket was never paused');
}

const BIG = 4 * 1024 * 1024;

test("server: a 'data' listener added while backpressure has stopped reading, then the body is read: all of it arrives", async () => {
  let got = 0;
  const done = new Promise<void>((resolve) => {
    const server = http.createServer(async (req, res) => {
      const socket = req.socket!;
      await pausedBy(socket);
      socket.on('data', () => {});
      req.on('data', (c: Buffer) => {
        got += c.length;
      });
      req.on('end', () => res.end('ok'));
    });
    void listen(server).then(async (port) => {
      const socket = await connect(port);
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${BIG}\r\n\r\n`);
      socket.write(Buffer.alloc(BIG, 0x61));
      await nextData(socket);
      socket.destroy();
      await close(server);
      resolve();
    });
  });
  await within(done, 10_000, () => `${got} of ${BIG} body bytes`);
  assert.equal(got, BIG);
});

test("client: a 'data' listener added while backpressure has stopped reading, then the body is read: all of it arrives", async () => {
  const { port, server } = await scriptedServer([
    (s) => s.write(OK_EMPTY),
    (s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BIG}\r\n\r\n`);
      s.write(Buffer.alloc(BIG, 0x61));
    },
  ]);
  const agent = await pooledAgent(port);
  const res = await get(port, agent);
  await pausedBy(res.socket);
  res.socket.on('data', () => {});
  let got = 0;
  res.on('data', (c: Buffer) => {
    got += c.length;
  });
  await within(once(res, 'end'), 10_000, () => `${got} of ${BIG} body bytes`);
  assert.equal(got, BIG);
  agent.destroy();
  server.close();
});

test('an upgrade in a read that flood control paused: the upgraded socket reads on', async () => {
  const server = http.createServer((req, res) => {
    res.end(req.url === '/big' ? Buffer.alloc(8 * 1024 * 1024, 0x62) : 'two');
  });
  const upgraded = new Promise<nodeNet.Socket>((resolve) => {
    server.on('upgrade', (_req, socket: nodeNet.Socket) => resolve(socket));
  });
  const port = await listen(server);
  const client = await connect(port);
  client.pause(); // the big response stays queued: the server stops reading
  client.write(
    'GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n' +
      'GET /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n',
  );
  const socket = await within(upgraded, 10_000, () => "'upgrade'");
  const ping = once(socket, 'data');
  client.write('PING');
  const [data] = (await within(ping, 10_000, () => 'PING on the upgraded socket')) as [Buffer];
  assert.equal(data.toString(), 'PING');
  client.destroy();
  socket.destroy();
  await close(server);
});

test("a socket made on a consumed socket's handle keeps its chunks intact", async () => {
  const server = http.createServer(() => {});
  const kept: Buffer[] = [];
  let onChunk: () => void = () => {};
  const sockets: Array<{ destroy(): void }> = [];
  const upgraded = new Promise<void>((resolve) => {
    server.on('upgrade', (_req, socket: net.Socket & { _handle: unknown }) => {
      const again = new net.Socket({ handle: socket._handle } as never);
      again.on('data', (d: Buffer) => {
        kept.push(d);
        onChunk();
      });
      sockets.push(again, socket);
      resolve();
    });
  });
  const port = await listen(server);
  const client = await connect(port);
  client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n');
  await within(upgraded, 10_000, () => "'upgrade'");
  for (const piece of ['AAAAAAAA', 'BBBB']) {
    const received = new Promise<void>((r) => {
      onChunk = r;
    });
    client.write(piece);
    await within(received, 10_000, () => piece);
  }
  assert.deepEqual(
    kept.map((b) => b.toString()),
    ['AAAAAAAA', 'BBBB'],
  );
  client.destroy();
  for (const socket of sockets) socket.destroy();
  await close(server);
});

test('a socket handed to the server with bytes unshifted into it: they are parsed first', async () => {
  let body = '';
  const httpServer = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => res.end('ok'));
  });
  // Protocol sniffing: the first bytes are read and put back, and the socket
  // goes to the HTTP server paused; the body arrives before it is resumed.
  let handOver: (socket: net.Socket) => void = () => {};
  const handedOver = new Promise<net.Socket>((r) => {
    handOver = r;
  });
  const front = net.createServer((socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      httpServer.emit('connection', socket);
      handOver(socket);
    });
  });
  const port = await listen(front);
  const client = await connect(port);
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n';
  client.write(head);
  const serverSocket = await handedOver;
  client.write('hello');
  await until(() => serverSocket.bytesRead >= head.length + 5);
  const reply = nextData(client);
  serverSocket.resume();
  const answer = (await within(reply, 10_000, () => 'the response')).toString();
  assert.match(answer, /^HTTP\/1\.1 200 OK/);
  assert.equal(body, 'hello');
  client.destroy();
  front.close();
  await close(httpServer);
});
