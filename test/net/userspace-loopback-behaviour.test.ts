/**
 * The process-wide loopback stack of `WIRESTACK_TRANSPORT=userspace`, where
 * Node's own tests found it apart from Node on Linux. A child process runs
 * each case and must then exit by itself:
 * - a socket the peer half-closed and nobody reads does not keep the
 *   process alive (test-net-writable);
 * - an exception thrown by a request handler reaches `uncaughtException`
 *   and the stack goes on serving (test-http-exceptions);
 * - a request whose FIN comes in its last segment still gets its response
 *   (test-http-chunk-extensions-limit);
 * - two writes made in one tick arrive as one 'data' event, as one read(2)
 *   takes them (test-http-keep-alive-max-requests);
 * - a FIN and another connection's data, sent in that order, are heard in
 *   that order (test-http-writable-true-after-close);
 * - a 3 MB write goes into the send buffer at once, as into Linux's
 *   (test-http-keep-alive-large-write);
 * - two processes listening on port 0 get different ports
 *   (test-net-listen-exclusive-random-ports).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

// CommonJS, run with tsx so that it loads the sources.
const script = `
const { join } = require('node:path');
const { once } = require('node:events');
const root = process.argv[1];
const http = require(join(root, 'src', 'http', 'index.ts'));
const net = require(join(root, 'src', 'net', 'index.ts'));

(async () => {
  const out = {};

  // Half-closed by the peer, never read: the server's socket must not hold the process.
  const lingering = net.createServer((s) => { lingering.close(); s.end(); }).listen(0, '127.0.0.1');
  await once(lingering, 'listening');
  const c = net.connect(lingering.address().port, '127.0.0.1');
  c.on('end', () => c.write('hello world'));
  await once(c, 'close');

  // Exceptions thrown by request handlers: each one is caught, and every request is served.
  let exceptions = 0;
  process.on('uncaughtException', () => exceptions++);
  const throwing = http.createServer(() => { throw new Error('handler'); }).listen(0);
  await once(throwing, 'listening');
  for (let i = 0; i < 4; i++) http.get({ port: throwing.address().port, path: '/' + i }).on('error', () => {});
  while (exceptions < 4) await new Promise((r) => setTimeout(r, 5));
  out.exceptions = exceptions;
  throwing.closeAllConnections();
  throwing.close();

  // The request and its FIN in one segment: the response still comes.
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('bye'));
  }).listen(0);
  await once(server, 'listening');
  const sock = net.connect(server.address().port);
  let answer = '';
  sock.on('data', (d) => (answer += d));
  sock.end('GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n');
  await once(sock, 'end');
  out.answered = /\\r\\n\\r\\nbye$/.test(answer);
  server.close();

  // One peer's FIN, then another connection's data, in one tick: heard in that order.
  const pair = [];
  const both = net.createServer((s) => {
    pair.push(s);
    if (pair.length === 2) {
      pair[0].end();
      pair[1].write('x');
    }
  }).listen(0);
  await once(both, 'listening');
  const order = [];
  const first = net.connect(both.address().port);
  await once(first, 'connect');
  while (pair.length < 1) await new Promise((r) => setImmediate(r));
  const second = net.connect(both.address().port);
  first.on('end', () => order.push('end')).resume();
  second.on('data', () => { order.push('data'); second.end(); });
  await once(second, 'close');
  out.order = order;
  pair[1].end();
  both.close();

  // Two writes in one tick: one 'data' event.
  const twice = net.createServer((s) => { s.write('one,'); s.end('two'); }).listen(0);
  await once(twice, 'listening');
  const reader = net.connect(twice.address().port);
  const events = [];
  reader.on('data', (d) => events.push(String(d)));
  await once(reader, 'end');
  out.dataEvents = events;
  twice.close();

  // 3 MB at once into the send buffer.
  const big = net.createServer((s) => s.resume()).listen(0);
  await once(big, 'listening');
  const writer = net.connect(big.address().port);
  await once(writer, 'connect');
  writer.write(Buffer.alloc(3_000_000));
  out.writeQueueSize = writer._handle.writeQueueSize;
  writer.end();
  big.close();

  const port0 = net.createServer().listen(0);
  await once(port0, 'listening');
  out.port = port0.address().port;
  port0.close();

  console.log(JSON.stringify(out));
})();
`;

function run(): Record<string, unknown> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, root], {
    cwd: root,
    env: { ...process.env, WIRESTACK_TRANSPORT: 'userspace' },
    encoding: 'utf8',
    timeout: 25_000,
  });
  assert.equal(result.error, undefined, 'the child ran and exited by itself');
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

test('the loopback stack behaves as Linux’s loopback does for Node', { timeout: 60_000 }, () => {
  const first = run();
  assert.equal(first.exceptions, 4);
  assert.equal(first.answered, true);
  assert.deepEqual(first.dataEvents, ['one,two']);
  assert.deepEqual(first.order, ['end', 'data']);
  assert.equal(first.writeQueueSize, 0);
  // Another process: another ephemeral port, as from the kernel.
  const second = run();
  assert.notEqual(second.port, first.port);
});
