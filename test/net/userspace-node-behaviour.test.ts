/**
 * Details of Node's behaviour on Linux that the userspace transport must
 * match, each found by one of Node's own tests run on it: which handles keep
 * the process alive (libuv's active handles and requests), a local port a
 * listener holds, dns.lookup's check of `hints`, Happy Eyeballs on the
 * socket's own handle first, and `onread` with `pause()` in its callback.
 * Simulated hosts, virtual time.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import type { StreamHandle } from '../../src/handle/types.js';
import type { Socket } from '../../src/net/index.js';
import { Simulation } from '../../src/sim.js';

const LIMIT = { timeout: 20_000 };

function twoHosts() {
  const sim = new Simulation({ seed: 7 });
  const alpha = sim.addHost('alpha');
  const beta = sim.addHost('beta');
  return { sim, alpha, beta };
}

function handleOf(socket: Socket): StreamHandle | null {
  return (socket as unknown as { _handle: StreamHandle | null })._handle;
}

/** Lets the simulation and the event loop run for `ms` of virtual time. */
function settle(sim: Simulation, ms = 50): Promise<void> {
  return new Promise((resolve) => sim.clock.after(ms, () => setImmediate(resolve)));
}

describe('the userspace transport as Node behaves on Linux', () => {
  test(
    'a socket keeps the process alive only while reading, connecting or sending (libuv)',
    LIMIT,
    async () => {
      const { sim, alpha, beta } = twoHosts();
      const keepAlive = alpha.transport.keepAlive;
      let accepted: Socket | null = null;
      const server = beta.net.createServer((socket) => {
        accepted = socket;
        socket.on('error', () => {}); // a client that closes with 'bye' unread resets
        socket.end('bye');
      });
      server.listen(80);
      await once(server, 'listening');
      server.unref();

      // Paused before it connects: once connected it reads nothing, so nothing holds it.
      const paused = alpha.net.connect(80, '10.0.0.2').pause();
      await new Promise((resolve) => process.nextTick(resolve)); // the connect starts on the next tick
      assert.equal(keepAlive.active, 1, 'a connect under way holds the process');
      await once(paused, 'connect');
      await settle(sim);
      assert.equal(keepAlive.active, 0, 'a connected, paused socket does not');
      paused.destroy();

      // A reading socket holds the process until EOF; a socket half-closed by the peer and
      // never read from again (test-net-writable) must not keep it alive.
      const reader = alpha.net.connect({ port: 80, host: '10.0.0.2', allowHalfOpen: true });
      await once(reader, 'connect');
      assert.equal(keepAlive.active, 1);
      reader.resume();
      await once(reader, 'end');
      await settle(sim);
      assert.equal(keepAlive.active, 0, 'no reads after EOF');
      reader.destroy();

      // Writes under way hold the process even when unref'd, as libuv's write requests do.
      const writer = alpha.net.connect(80, '10.0.0.2');
      await once(writer, 'connect');
      writer.unref();
      assert.equal(keepAlive.active, 0);
      writer.on('error', () => {});
      writer.write(Buffer.alloc(4 << 20));
      assert.ok(writer.writableLength > 0);
      assert.equal(keepAlive.active, 1, 'a write waiting for the send buffer holds the process');
      writer.destroy();
      assert.equal(keepAlive.active, 0);
      (accepted as Socket | null)?.destroy();
      server.close();
      sim.close();
    },
  );

  test('connecting from a port a listener holds fails with bind EADDRINUSE', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts();
    const target = beta.net.createServer().listen(80);
    const holder = alpha.net.createServer().listen(5000, '10.0.0.1');
    await Promise.all([once(target, 'listening'), once(holder, 'listening')]);
    const client = alpha.net.connect({
      host: '10.0.0.2',
      port: 80,
      localAddress: '10.0.0.1',
      localPort: 5000,
    });
    client.on('connect', () => assert.fail('connected from a listening port'));
    const [err] = (await once(client, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'EADDRINUSE');
    assert.equal(err.syscall, 'bind');
    // A port no listener holds is free to connect from.
    const free = alpha.net.connect({ host: '10.0.0.2', port: 80, localPort: 5001 });
    await once(free, 'connect');
    assert.equal(free.localPort, 5001);
    free.destroy();
    target.close();
    holder.close();
    sim.close();
  });

  test('bad dns hints throw ERR_INVALID_ARG_VALUE, as dns.lookup does', () => {
    const { sim, alpha } = twoHosts();
    assert.throws(() => alpha.net.connect({ host: 'beta', port: 80, hints: 42 + 1024 }), {
      code: 'ERR_INVALID_ARG_VALUE',
      name: 'TypeError',
      message: /^The argument 'hints' is invalid\. Received \d+$/,
    });
    sim.close();
  });

  test('autoSelectFamily: the first attempt uses the socket’s own handle', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts();
    const server = beta.net.createServer((socket) => socket.end());
    server.listen(80);
    await once(server, 'listening');
    const names = alpha.hosts.resolve('beta').map((a) => a.family);
    assert.deepEqual(names, [4, 6], 'beta has an address of each family');

    const client = alpha.net.connect({ host: 'beta', port: 80, autoSelectFamily: true });
    const own = handleOf(client);
    let noDelay: boolean | null = null;
    // What Node's tests do: replace a method of the handle, expect it called on connect.
    own!.setNoDelay = (enable: boolean) => {
      noDelay = enable;
    };
    client.setNoDelay(true);
    await once(client, 'connect');
    assert.equal(handleOf(client), own);
    assert.equal(noDelay, true);
    assert.deepEqual(client.autoSelectFamilyAttemptedAddresses, ['10.0.0.2:80']);
    client.destroy();
    server.close();
    sim.close();
  });

  test(
    'autoSelectFamily: a later attempt replaces the handle; all refused → AggregateError and close',
    LIMIT,
    async () => {
      const { sim, alpha, beta } = twoHosts();
      // Only IPv6: the IPv4 attempt is refused, the IPv6 one connects on a new handle.
      const server = beta.net.createServer((socket) => socket.end());
      server.listen({ port: 80, host: 'fd00::2', ipv6Only: true });
      await once(server, 'listening');
      const client = alpha.net.connect({ host: 'beta', port: 80, autoSelectFamily: true });
      const first = handleOf(client);
      await once(client, 'connect');
      assert.notEqual(handleOf(client), first);
      assert.equal(client.remoteAddress, 'fd00::2');
      client.resume();
      await once(client, 'close');
      server.close();

      const refused = alpha.net.connect({ host: 'beta', port: 81, autoSelectFamily: true });
      const [err] = (await once(refused, 'error')) as [AggregateError & { code: string }];
      assert.equal(err.code, 'ECONNREFUSED');
      assert.equal(err.errors.length, 2);
      await once(refused, 'close');
      assert.deepEqual(refused.autoSelectFamilyAttemptedAddresses, ['10.0.0.2:81', 'fd00::2:81']);
      sim.close();
    },
  );

  test('onread: pause() inside the callback stops delivery until resume()', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts();
    const message = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const server = beta.net.createServer((socket) => socket.end(message));
    server.listen(80);
    await once(server, 'listening');
    const buffer = Buffer.alloc(8);
    const pieces: Buffer[] = [];
    let paused = false;
    const client = alpha.net.connect({
      host: '10.0.0.2',
      port: 80,
      onread: {
        buffer,
        callback(this: Socket, n: number, buf: Uint8Array) {
          assert.equal(paused, false, 'called while paused');
          pieces.push(Buffer.from(buf.subarray(0, n)));
          paused = true;
          this.pause();
          sim.clock.after(10, () => {
            paused = false;
            this.resume();
          });
          return true;
        },
      },
    });
    await once(client, 'end');
    assert.deepEqual(Buffer.concat(pieces), message);
    assert.ok(pieces.length >= Math.ceil(message.length / buffer.length));
    client.destroy();
    server.close();
    await once(server, 'close'); // the server's end of the connection is gone too
    sim.close();
  });
});
