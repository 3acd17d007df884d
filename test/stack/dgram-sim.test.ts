/**
 * Node's dgram API on the userspace stack, between simulated hosts: the
 * seeds' UDP examples (8000 ↔ 8001, 41234), errors as Node reports them,
 * IPv6, broadcast, multicast, ping, and byte-identical captures per seed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import type { Socket } from '../../src/dgram/socket.js';
import { Simulation, type Stack } from '../../src/sim.js';

function bound(socket: Socket): Promise<void> {
  return once(socket, 'listening').then(() => undefined);
}

/** The seed's 8000/8001 pair, as written, with the peer's name where the notes say 'localhost'. */
function seedExit(
  serverHost: Stack,
  clientHost: Stack,
  serverName: string,
  clientName: string,
): Promise<string[]> {
  const log: string[] = [];
  return new Promise((resolve) => {
    const server = serverHost.dgram.createSocket('udp4');
    server
      .on('message', (msg, rinfo) => {
        log.push(`服务器收到：${msg} 来自 ${rinfo.address}:${rinfo.port}`);
        server.send('exit', 0, 4, 8001, clientName);
      })
      .on('listening', () => {
        const address = server.address();
        log.push(`服务器监听 ${address.address}:${address.port}`);
      })
      .on('error', (err) => {
        log.push(`服务器异常：\n${err.stack}`);
        server.close();
      })
      .on('close', () => {
        log.push('服务器关闭');
        resolve(log);
      })
      .bind(8000);

    const client = clientHost.dgram.createSocket('udp4');
    client
      .on('message', (msg, rinfo) => {
        log.push(`客户端接收来自${rinfo.address}:${rinfo.port}`);
        if (msg.toString() === 'exit') client.close();
      })
      .on('error', (err) => {
        log.push(`客户端异常：\n${err.stack}`);
        client.close();
      })
      .on('close', () => {
        log.push('客户端关闭');
        server.close();
      })
      .bind(8001);

    const messages = 'Hello World';
    client.send(messages, 0, messages.length, 8000, serverName);
  });
}

describe("the seeds' UDP examples on simulated hosts", () => {
  test('8000 ↔ 8001 between two hosts', async () => {
    const sim = new Simulation({ seed: 1 });
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    const log = await seedExit(beta, alpha, 'beta', 'alpha');
    sim.close();
    assert.deepEqual(log, [
      '服务器监听 0.0.0.0:8000',
      '服务器收到：Hello World 来自 10.0.0.1:8001',
      '客户端接收来自10.0.0.2:8000',
      '客户端关闭',
      '服务器关闭',
    ]);
  });

  test("8000 ↔ 8001 verbatim ('localhost') on one simulated host, over its loopback", async () => {
    const sim = new Simulation({ seed: 1 });
    const alpha = sim.addHost('alpha');
    const log = await seedExit(alpha, alpha, 'localhost', 'localhost');
    sim.close();
    assert.deepEqual(log, [
      '服务器监听 0.0.0.0:8000',
      '服务器收到：Hello World 来自 127.0.0.1:8001',
      '客户端接收来自127.0.0.1:8000',
      '客户端关闭',
      '服务器关闭',
    ]);
  });

  test('41234: a Buffer from another host, then [buf1, buf2] with no address (localhost)', async () => {
    const sim = new Simulation({ seed: 2 });
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    const log: string[] = [];
    const server = beta.dgram.createSocket('udp4');
    server.on('error', (err) => {
      log.push(`服务器异常：\n${err.stack}`);
      server.close();
    });
    server.on('message', (msg, rinfo) => {
      log.push(`服务器收到：${msg} 来自 ${rinfo.address}:${rinfo.port}`);
    });
    server.on('listening', () => {
      const address = server.address();
      log.push(`服务器监听 ${address.address}:${address.port}`);
    });
    server.bind(41234);
    await bound(server);

    const message = Buffer.from('Some bytes');
    const client = alpha.dgram.createSocket('udp4');
    const sent = new Promise<Error | null>((resolve) => {
      client.send(message, 41234, 'beta', (err) => {
        client.close();
        resolve(err);
      });
    });
    assert.equal(await sent, null);
    await once(server, 'message');

    const buf1 = Buffer.from('Some ');
    const buf2 = Buffer.from('bytes');
    const local = beta.dgram.createSocket('udp4');
    local.send([buf1, buf2], 41234, (err) => {
      local.close();
      assert.equal(err, null);
    });
    await once(server, 'message');
    server.close();
    sim.close();
    assert.equal(log[0], '服务器监听 0.0.0.0:41234');
    assert.match(log[1]!, /^服务器收到：Some bytes 来自 10\.0\.0\.1:\d+$/);
    assert.match(log[2]!, /^服务器收到：Some bytes 来自 127\.0\.0\.1:\d+$/);
    assert.equal(log.length, 3);
  });
});

describe('dgram on the userspace stack: Node semantics', () => {
  test('a connected socket gets ECONNREFUSED (recvmsg) after an ICMP port unreachable', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    sim.addHost('beta');
    const socket = alpha.dgram.createSocket('udp4');
    socket.connect(9999, 'beta');
    await once(socket, 'connect');
    assert.deepEqual(socket.remoteAddress(), { address: '10.0.0.2', family: 'IPv4', port: 9999 });
    assert.equal(socket.address().address, '10.0.0.1', 'connect fixed the source address');
    socket.send('anyone there?');
    const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.syscall, 'recvmsg');
    assert.equal(err.errno, -111);
    assert.equal(err.message, 'recvmsg ECONNREFUSED');
    socket.close();
    sim.close();
  });

  test('bind EADDRINUSE and EADDRNOTAVAIL look like Node', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    const a = alpha.dgram.createSocket('udp4');
    a.bind(41234);
    await bound(a);
    const b = alpha.dgram.createSocket('udp4');
    b.bind(41234);
    const [err] = (await once(b, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.message, 'bind EADDRINUSE 0.0.0.0:41234');
    assert.equal(err.code, 'EADDRINUSE');
    assert.equal(err.errno, -98);
    const c = alpha.dgram.createSocket('udp4');
    c.bind(5000, '10.9.9.9');
    const [err2] = (await once(c, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err2.message, 'bind EADDRNOTAVAIL 10.9.9.9:5000');
    for (const s of [a, b, c]) s.close();
    sim.close();
  });

  test('send: EMSGSIZE past 65507 bytes, ENOTFOUND for unknown names; big datagrams fragment', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    const server = beta.dgram.createSocket('udp4');
    server.bind(7000);
    await bound(server);
    const client = alpha.dgram.createSocket('udp4');
    const tooBig = await new Promise<Error | null>((resolve) =>
      client.send(Buffer.alloc(65508), 7000, 'beta', resolve),
    );
    assert.equal((tooBig as NodeJS.ErrnoException).message, 'send EMSGSIZE 10.0.0.2:7000');
    const unknown = await new Promise<Error | null>((resolve) =>
      client.send('x', 7000, 'gamma', resolve),
    );
    assert.equal((unknown as NodeJS.ErrnoException).code, 'ENOTFOUND');
    assert.equal((unknown as NodeJS.ErrnoException).message, 'getaddrinfo ENOTFOUND gamma');
    const payload = Buffer.alloc(65507, 7);
    client.send(payload, 7000, 'beta');
    const [msg, rinfo] = (await once(server, 'message')) as [Buffer, { size: number }];
    assert.equal(rinfo.size, 65507);
    assert.ok(msg.equals(payload));
    client.close();
    server.close();
    sim.close();
  });

  test('udp6 between hosts, and a dual-stack socket hears IPv4 as ::ffff:a.b.c.d', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    const server = beta.dgram.createSocket('udp6');
    server.bind(8000);
    await bound(server);
    assert.deepEqual(server.address(), { address: '::', family: 'IPv6', port: 8000 });
    const c6 = alpha.dgram.createSocket('udp6');
    c6.send('six', 8000, 'beta');
    const [m1, r1] = (await once(server, 'message')) as [
      Buffer,
      { address: string; family: string },
    ];
    assert.equal(`${m1}`, 'six');
    assert.equal(r1.address, 'fd00::1');
    assert.equal(r1.family, 'IPv6');
    const c4 = alpha.dgram.createSocket('udp4');
    c4.send('four', 8000, 'beta');
    const [m2, r2] = (await once(server, 'message')) as [
      Buffer,
      { address: string; family: string },
    ];
    assert.equal(`${m2}`, 'four');
    assert.equal(r2.address, '::ffff:10.0.0.1');
    for (const s of [server, c6, c4]) s.close();
    sim.close();
  });

  test('broadcast and multicast through the dgram API', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    const gamma = sim.addHost('gamma');
    const listeners = [beta, gamma].map((host) => {
      const s = host.dgram.createSocket({ type: 'udp4', reuseAddr: true });
      s.bind(6000);
      return s;
    });
    await Promise.all(listeners.map(bound));
    for (const s of listeners) s.addMembership('239.1.1.1');
    const sender = alpha.dgram.createSocket('udp4');
    sender.bind();
    await bound(sender);
    const refused = await new Promise<Error | null>((resolve) =>
      sender.send('all', 6000, '255.255.255.255', resolve),
    );
    assert.equal((refused as NodeJS.ErrnoException).code, 'EACCES');
    sender.setBroadcast(true);
    sender.send('all', 6000, '255.255.255.255');
    const got = await Promise.all(listeners.map((s) => once(s, 'message')));
    assert.deepEqual(
      got.map(([m]) => `${m}`),
      ['all', 'all'],
    );
    sender.setMulticastTTL(4);
    sender.send('group', 6000, '239.1.1.1');
    const got2 = await Promise.all(listeners.map((s) => once(s, 'message')));
    assert.deepEqual(
      got2.map(([m]) => `${m}`),
      ['group', 'group'],
    );
    for (const s of [...listeners, sender]) s.close();
    sim.close();
  });

  test('ping by name, both families; a bound socket holds the process, unref releases it', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    sim.addHost('beta');
    const v4 = await alpha.ping('beta', { count: 3 });
    assert.equal(v4.address, '10.0.0.2');
    assert.equal(v4.received, 3);
    assert.ok(v4.replies.every((r) => r.ttl === 64 && r.bytes === 64 && r.timeMs > 0));
    const v6 = await alpha.ping('beta', { family: 6 });
    assert.equal(v6.address, 'fd00::2');
    assert.equal(v6.received, 1);
    const lost = await alpha.ping('10.0.0.99', { timeoutMs: 5000 });
    assert.equal(lost.received, 0);
    const s = alpha.dgram.createSocket('udp4');
    s.bind();
    await bound(s);
    assert.equal(alpha.transport.keepAlive.active, 1);
    s.unref();
    assert.equal(alpha.transport.keepAlive.active, 0);
    s.ref();
    s.close();
    assert.equal(alpha.transport.keepAlive.active, 0);
    sim.close();
  });

  test('the same seed gives the same capture, through the dgram API too', async () => {
    const run = async (seed: number): Promise<Buffer> => {
      const sim = new Simulation({ seed, link: { loss: 0.2, jitterMs: 2 } });
      const alpha = sim.addHost('alpha');
      const beta = sim.addHost('beta');
      const capture = sim.capture();
      const server = beta.dgram.createSocket('udp4');
      server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
      server.bind(8000);
      await bound(server);
      const client = alpha.dgram.createSocket('udp4');
      for (let i = 0; i < 20; i++) client.send(`message ${i}`, 8000, 'beta');
      await sim.settle();
      client.close();
      server.close();
      sim.close();
      return Buffer.from(capture.bytes());
    };
    const first = await run(77);
    const second = await run(77);
    assert.ok(first.length > 1000);
    assert.ok(first.equals(second));
    assert.ok(!first.equals(await run(78)));
  });
});
