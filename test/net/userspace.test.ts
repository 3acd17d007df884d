/**
 * Node's net on the userspace stack, between simulated hosts (virtual time):
 * an echo in both directions with backpressure, the addresses each side
 * sees, half-close, and errors in Node's shape (ECONNREFUSED, EADDRINUSE,
 * ECONNRESET), through `host.net`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import type { AddressInfo } from '../../src/handle/types.js';
import type { Socket } from '../../src/net/index.js';
import { Simulation } from '../../src/sim.js';

const LIMIT = { timeout: 20_000 };

/** Everything `socket` reads until its end. */
async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'end');
  return Buffer.concat(chunks);
}

function pattern(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + (i >> 8)) & 0xff;
  return buf;
}

function twoHosts(seed = 1) {
  const sim = new Simulation({ seed });
  const alpha = sim.addHost('alpha');
  const beta = sim.addHost('beta');
  return { sim, alpha, beta };
}

describe('net on the userspace stack (simulated hosts)', () => {
  test(
    'an echo server and client: 1 MiB each way, addresses as Node shows them',
    LIMIT,
    async () => {
      const { sim, alpha, beta } = twoHosts();
      const accepted: Array<{ socket: Socket; remote: string; port: number; local: string }> = [];
      const server = beta.net.createServer((socket) => {
        accepted.push({
          socket,
          remote: socket.remoteAddress!,
          port: socket.remotePort!,
          local: socket.localAddress!,
        });
        socket.pipe(socket);
      });
      server.listen(7);
      // Bound at once, as in Node: address() works before 'listening'.
      assert.deepEqual(server.address(), { address: '::', family: 'IPv6', port: 7 });
      await once(server, 'listening');
      assert.ok(server instanceof beta.net.Server);

      const client = alpha.net.connect({ port: 7, host: '10.0.0.2' });
      await once(client, 'connect');
      assert.equal(client.remoteAddress, '10.0.0.2');
      assert.equal(client.remotePort, 7);
      assert.equal(client.remoteFamily, 'IPv4');
      assert.equal(client.localAddress, '10.0.0.1');
      assert.ok(client.localPort! > 0);
      assert.equal(client instanceof alpha.net.Socket, true);
      // Made by alpha's net: not a socket of beta's.
      const onBeta: boolean = client instanceof beta.net.Socket;
      assert.equal(onBeta, false);

      const payload = pattern(1 << 20);
      const echoed = readAll(client);
      // More than the high-water mark: write() says to wait, then 'drain' comes.
      assert.equal(client.write(payload), false);
      await once(client, 'drain');
      client.end();
      assert.ok((await echoed).equals(payload));

      const peer = accepted[0]!;
      // A v4 client of a dual-stack listener, shown as Linux and Node show it.
      assert.equal(peer.remote, '::ffff:10.0.0.1');
      assert.equal(peer.port, client.localPort);
      assert.equal(peer.local, '::ffff:10.0.0.2');
      assert.ok(peer.socket instanceof beta.net.Socket);
      assert.equal(peer.socket.bytesRead, payload.length);

      await once(client, 'close');
      server.close();
      await once(server, 'close');
      sim.close();
    },
  );

  test(
    'IPv6, host names and half-close: the server answers after the client ends',
    LIMIT,
    async () => {
      const { sim, alpha, beta } = twoHosts(2);
      const server = beta.net.createServer({ allowHalfOpen: true }, (socket) => {
        const got: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => got.push(chunk));
        socket.on('end', () =>
          socket.end(`got ${Buffer.concat(got).length} bytes from ${socket.remoteAddress}`),
        );
      });
      server.listen(8124, 'fd00::2');
      await once(server, 'listening');
      assert.deepEqual(server.address(), { address: 'fd00::2', family: 'IPv6', port: 8124 });

      const client = alpha.net.connect(8124, 'beta');
      client.end('x'.repeat(5000));
      await once(client, 'connect');
      assert.equal(client.remoteAddress, 'fd00::2');
      assert.equal(client.remoteFamily, 'IPv6');
      const answer = await readAll(client);
      assert.equal(answer.toString(), 'got 5000 bytes from fd00::1');
      await once(client, 'close');
      server.close();
      await once(server, 'close');
      sim.close();
    },
  );

  test('ECONNREFUSED from a closed port, in Node shape', LIMIT, async () => {
    const { sim, alpha } = twoHosts();
    const client = alpha.net.connect(81, '10.0.0.2');
    const [err] = (await once(client, 'error')) as [NodeJS.ErrnoException & AddressInfo];
    assert.equal(err.message, 'connect ECONNREFUSED 10.0.0.2:81');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.errno, -111);
    assert.equal(err.syscall, 'connect');
    assert.equal(err.address, '10.0.0.2');
    assert.equal(err.port, 81);
    await once(client, 'close');

    // By name: both addresses are tried (Happy Eyeballs), as Node 20 does.
    const named = alpha.net.connect(81, 'beta');
    const [agg] = (await once(named, 'error')) as [AggregateError & { code: string }];
    assert.equal(agg.code, 'ECONNREFUSED');
    assert.deepEqual(
      agg.errors.map((e: Error) => e.message),
      ['connect ECONNREFUSED 10.0.0.2:81', 'connect ECONNREFUSED fd00::2:81'],
    );
    await once(named, 'close');
    sim.close();
  });

  test(
    'backpressure: a peer that does not read stalls the writer; reading again drains it',
    LIMIT,
    async () => {
      const { sim, alpha, beta } = twoHosts();
      let peer: Socket | undefined;
      const server = beta.net.createServer((socket) => {
        peer = socket;
        socket.pause();
      });
      server.listen(5000);
      await once(server, 'listening');
      const client = alpha.net.connect(5000, '10.0.0.2');
      await once(client, 'connect');
      const chunk = pattern(64 * 1024);
      let written = 0;
      // Far more than both ends' buffers hold: write() says to wait, and the socket holds the rest.
      while (client.write(chunk)) written += chunk.length;
      written += chunk.length;
      for (let i = 0; i < 16; i++) {
        client.write(chunk);
        written += chunk.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(client.bufferSize! > 0, 'bytes wait for the send buffer');
      assert.ok(client.bytesWritten === written);
      const received: Buffer[] = [];
      peer!.on('data', (data: Buffer) => received.push(data));
      peer!.resume();
      await once(client, 'drain');
      client.end();
      await once(peer!, 'end');
      const all = Buffer.concat(received);
      assert.equal(all.length, written);
      for (let offset = 0; offset < all.length; offset += chunk.length) {
        assert.ok(all.subarray(offset, offset + chunk.length).equals(chunk), `bytes at ${offset}`);
      }
      peer!.end();
      await once(client, 'close');
      server.close();
      await once(server, 'close');
      sim.close();
    },
  );

  test(
    'ETIMEDOUT: a connect to a host that never answers, after the SYN retries',
    LIMIT,
    async () => {
      const { sim, alpha, beta } = twoHosts();
      await alpha.ping('beta');
      // A firewall in front of beta drops TCP; ARP still works, so the neighbour
      // stays known (with ARP gone too, the connect fails EHOSTUNREACH, as on Linux).
      sim
        .linkOf(beta)
        .filter((_time, frame) =>
          frame[12] === 0x08 && frame[13] === 0x00 && frame[23] === 6 ? 'drop' : 'pass',
        );
      const started = sim.clock.now();
      const client = alpha.net.connect(80, '10.0.0.2');
      const [err] = (await once(client, 'error')) as [NodeJS.ErrnoException];
      assert.equal(err.message, 'connect ETIMEDOUT 10.0.0.2:80');
      assert.equal(err.syscall, 'connect');
      assert.equal(err.errno, -110);
      // Linux's tcp_syn_retries (6): 1 + 2 + 4 + ... + 64 s.
      assert.equal(sim.clock.now() - started, 127_000);
      sim.close();
    },
  );

  test('EADDRINUSE on listen, with the callback shape Node gives', LIMIT, async () => {
    const { sim, beta } = twoHosts();
    const first = beta.net.createServer().listen(80);
    await once(first, 'listening');
    const second = beta.net.createServer().listen(80);
    const [err] = (await once(second, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'EADDRINUSE');
    assert.equal(err.syscall, 'listen');
    assert.equal(err.message, 'listen EADDRINUSE: address already in use :::80');
    assert.equal(second.listening, false);
    first.close();
    await once(first, 'close');
    sim.close();
  });

  test('resetAndDestroy: the peer reads ECONNRESET', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts();
    const server = beta.net.createServer((socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    });
    server.listen(9000);
    await once(server, 'listening');
    const client = alpha.net.connect(9000, '10.0.0.2', () => client.write('hi'));
    const [err] = (await once(client, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNRESET');
    assert.equal(err.syscall, 'read');
    assert.equal(err.message, 'read ECONNRESET');
    await once(client, 'close');
    server.close();
    await once(server, 'close');
    sim.close();
  });

  test('a ref’d open socket holds the process, unref releases it', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts();
    const keepAlive = alpha.transport.keepAlive;
    const server = beta.net.createServer((socket) => socket.end());
    server.listen(80);
    await once(server, 'listening');
    assert.equal(beta.transport.keepAlive.active, 1);
    server.unref();
    assert.equal(beta.transport.keepAlive.active, 0);
    const client = alpha.net.connect(80, '10.0.0.2');
    await once(client, 'connect');
    assert.equal(keepAlive.active, 1);
    client.unref();
    assert.equal(keepAlive.active, 0);
    client.ref();
    client.resume();
    await once(client, 'close');
    assert.equal(keepAlive.active, 0);
    server.close();
    await once(server, 'close');
    sim.close();
  });
});
