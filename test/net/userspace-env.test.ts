/**
 * `WIRESTACK_TRANSPORT=userspace`: the plain modules run on one process-wide
 * userspace stack with only a loopback interface, in real time, while IPC
 * stays on the host's sockets. A child process runs an http server and
 * client on 127.0.0.1, a net echo by the name `localhost`, a UDP exchange
 * and an IPC echo, and must then exit by itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

// CommonJS, run with tsx so that it loads the sources.
const script = `
const { join } = require('node:path');
const { once } = require('node:events');
const root = process.argv[1];
const load = (name) => require(join(root, 'src', name));
const http = load('http/index.ts');
const net = load('net/index.ts');
const dgram = load('dgram/index.ts');
const { defaultTransport } = load('handle/default-transport.ts');

(async () => {
  const out = { transport: defaultTransport().name };

  const server = http.createServer((req, res) => res.end('hello ' + req.socket.remoteAddress));
  server.listen(8080, '127.0.0.1');
  await once(server, 'listening');
  const [res] = await once(http.get('http://127.0.0.1:8080/'), 'response');
  let body = '';
  for await (const chunk of res) body += chunk;
  out.http = body;
  // Loopback delivery waits for no timer: 200 requests on a kept-alive connection are quick.
  const started = performance.now();
  for (let i = 0; i < 200; i++) {
    const [r] = await once(http.get('http://127.0.0.1:8080/'), 'response');
    r.resume();
    await once(r, 'end');
  }
  out.sequentialMs = performance.now() - started;
  server.close();

  const echo = net.createServer((socket) => socket.pipe(socket)).listen(7);
  await once(echo, 'listening');
  out.listen = echo.address();
  const client = net.connect(7, 'localhost');
  client.end('ping');
  await once(client, 'connect');
  const via = client.remoteAddress;
  let echoed = '';
  for await (const chunk of client) echoed += chunk;
  out.net = echoed + ' via ' + via;
  echo.close();

  const a = dgram.createSocket('udp6');
  a.bind(9000, '::1');
  await once(a, 'listening');
  const b = dgram.createSocket('udp6');
  b.send('datagram', 9000, '::1');
  const [msg, rinfo] = await once(a, 'message');
  out.udp = msg + ' from ' + rinfo.address;
  a.close();
  b.close();

  const path = join(process.argv[2], 'wirestack-ipc-' + process.pid + '.sock');
  const ipc = net.createServer((socket) => socket.pipe(socket)).listen(path);
  await once(ipc, 'listening');
  // A Unix domain socket of the host's: a file in its file system.
  out.ipcIsHostSocket = require('node:fs').statSync(path).isSocket();
  const pipe = net.connect(path);
  pipe.end('over ipc');
  let piped = '';
  for await (const chunk of pipe) piped += chunk;
  out.ipc = piped;
  ipc.close();

  console.log(JSON.stringify(out));
})();
`;

test('WIRESTACK_TRANSPORT=userspace: http, net, dgram on a loopback stack; IPC on the host; exits by itself', {
  timeout: 30_000,
}, () => {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, root, tmpdir()], {
    cwd: root,
    env: { ...process.env, WIRESTACK_TRANSPORT: 'userspace' },
    encoding: 'utf8',
    timeout: 25_000,
  });
  assert.equal(result.error, undefined, 'the child ran and exited by itself');
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
  assert.equal(out.transport, 'userspace:localhost');
  assert.equal(out.http, 'hello 127.0.0.1');
  assert.ok(out.sequentialMs < 4000, `200 requests took ${out.sequentialMs} ms`);
  assert.deepEqual(out.listen, { address: '::', family: 'IPv6', port: 7 });
  assert.match(out.net, /^ping via (127\.0\.0\.1|::1)$/);
  assert.equal(out.udp, 'datagram from ::1');
  assert.equal(out.ipc, 'over ipc');
  assert.equal(out.ipcIsHostSocket, true);
  // Ports 7 and 8080 are the userspace stack's, so no privileges or free host ports were needed;
  // and the process left as soon as its sockets were closed.
  assert.ok(Date.now() - started < 25_000);
});

test('an unknown WIRESTACK_TRANSPORT is refused with a clear error', { timeout: 30_000 }, () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', `require(${JSON.stringify(join(root, 'src/net/index.ts'))})`],
    { cwd: root, env: { ...process.env, WIRESTACK_TRANSPORT: 'kernel' }, encoding: 'utf8' },
  );
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /ERR_INVALID_ARG_VALUE/);
  assert.match(result.stderr, /WIRESTACK_TRANSPORT/);
});
