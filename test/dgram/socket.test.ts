/**
 * dgram.Socket against Node v20's documented behaviour: creation, bind,
 * send in every form, receive, close, address, options, socket options.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as nodeDgram from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import { describe, test } from 'node:test';
import * as dgram from '../../src/dgram/index.js';
import {
  bindSocket,
  closeSocket,
  collectMessages,
  delay,
  nextMessage,
  nodePeer,
} from './helpers.js';

type SystemErrorShape = Error & { code?: string; syscall?: string; errno?: number };

describe('createSocket', () => {
  test('returns a Socket (an EventEmitter) of the given type', async () => {
    const s4 = dgram.createSocket('udp4');
    const s6 = dgram.createSocket({ type: 'udp6' });
    assert.ok(s4 instanceof dgram.Socket);
    assert.ok(s4 instanceof EventEmitter);
    assert.equal(s4.type, 'udp4');
    assert.equal(s6.type, 'udp6');
    const s = new dgram.Socket('udp4');
    assert.equal(s.type, 'udp4');
    await Promise.all([closeSocket(s4), closeSocket(s6), closeSocket(s)]);
  });

  test('the callback becomes a message listener', async () => {
    const got: string[] = [];
    const server = dgram.createSocket('udp4', (msg) => got.push(msg.toString()));
    assert.equal(server.listenerCount('message'), 1);
    const { port } = await bindSocket(server, 0, '127.0.0.1');
    const received = nextMessage(server);
    const client = dgram.createSocket('udp4');
    client.send('via callback', port);
    await received;
    assert.deepEqual(got, ['via callback']);
    await Promise.all([closeSocket(server), closeSocket(client)]);
  });

  test('has the shape of require("dgram")', () => {
    assert.equal(typeof dgram.createSocket, 'function');
    assert.equal(typeof dgram.Socket, 'function');
  });
});

describe('bind', () => {
  test('with no arguments: a random port on all interfaces (udp4)', async () => {
    const s = dgram.createSocket('udp4');
    const listening = once(s, 'listening');
    assert.equal(s.bind(), s);
    await listening;
    const a = s.address();
    assert.equal(a.address, '0.0.0.0');
    assert.equal(a.family, 'IPv4');
    assert.ok(a.port > 0 && a.port < 65536);
    await closeSocket(s);
  });

  test("with no arguments: '::' for udp6", async () => {
    const s = dgram.createSocket('udp6');
    const a = await bindSocket(s);
    assert.equal(a.address, '::');
    assert.equal(a.family, 'IPv6');
    await closeSocket(s);
  });

  test('bind(port, address, cb): cb runs with no arguments, this = socket, after listening', async () => {
    const s = dgram.createSocket('udp4');
    const order: string[] = [];
    s.on('listening', () => order.push('listening'));
    await new Promise<void>((resolve) => {
      s.bind(0, '127.0.0.1', function (this: unknown, ...args: unknown[]) {
        assert.equal(this, s);
        assert.deepEqual(args, []);
        order.push('callback');
        resolve();
      });
    });
    assert.deepEqual(order, ['listening', 'callback']);
    assert.equal(s.address().address, '127.0.0.1');
    await closeSocket(s);
  });

  test("'listening' is emitted asynchronously", async () => {
    const s = dgram.createSocket('udp4');
    let listened = false;
    s.on('listening', () => {
      listened = true;
    });
    s.bind(0, '127.0.0.1');
    assert.equal(listened, false);
    await once(s, 'listening');
    await closeSocket(s);
  });

  test('bind(cb) and bind(options, cb)', async () => {
    const a = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => a.bind(() => resolve()));
    assert.equal(a.address().address, '0.0.0.0');

    const b = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => b.bind({ port: 0, address: '127.0.0.1' }, resolve));
    assert.equal(b.address().address, '127.0.0.1');
    await Promise.all([closeSocket(a), closeSocket(b)]);
  });

  test('a host name is resolved', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind({ port: 0, address: 'localhost' }, resolve));
    assert.equal(s.address().address, '127.0.0.1');
    await closeSocket(s);
  });

  test('an unresolvable name: error ENOTFOUND, socket left unbound', async () => {
    const s = dgram.createSocket('udp4');
    s.bind(0, 'no-such-host.invalid', () => assert.fail('bind callback must not run'));
    const [err] = (await once(s, 'error')) as [SystemErrorShape];
    assert.equal(err.code, 'ENOTFOUND');
    assert.equal(err.syscall, 'getaddrinfo');
    // Unbound again, so binding anew works.
    await bindSocket(s, 0, '127.0.0.1');
    await closeSocket(s);
  });

  test('a port in use: one error EADDRINUSE, no callback, and the socket can bind again', async () => {
    const holder = dgram.createSocket('udp4');
    const { port } = await bindSocket(holder, 0, '127.0.0.1');

    const s = dgram.createSocket('udp4');
    const errors: SystemErrorShape[] = [];
    s.on('error', (err) => errors.push(err));
    let listened = false;
    s.on('listening', () => {
      listened = true;
    });
    s.bind(port, '127.0.0.1', () => assert.fail('bind callback must not run'));
    await delay(100);
    assert.equal(errors.length, 1);
    const err = errors[0]!;
    assert.equal(err.code, 'EADDRINUSE');
    assert.equal(err.syscall, 'bind');
    assert.equal(err.errno, -98);
    assert.equal(err.message, `bind EADDRINUSE 127.0.0.1:${port}`);
    assert.equal(listened, false);
    // The failed bind's callback listener is gone.
    assert.equal(s.listenerCount('listening'), 1);

    await bindSocket(s, 0, '127.0.0.1');
    assert.notEqual(s.address().port, port);
    await Promise.all([closeSocket(s), closeSocket(holder)]);
  });

  test('binding twice throws ERR_SOCKET_ALREADY_BOUND, while binding and once bound', async () => {
    const s = dgram.createSocket('udp4');
    s.bind(0);
    assert.throws(() => s.bind(0), {
      code: 'ERR_SOCKET_ALREADY_BOUND',
      message: 'Socket is already bound',
    });
    await once(s, 'listening');
    assert.throws(() => s.bind(0), { code: 'ERR_SOCKET_ALREADY_BOUND' });
    await closeSocket(s);
  });

  test('reuseAddr lets two sockets bind the same port', async () => {
    const a = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const { port } = await bindSocket(a, 0, '127.0.0.1');
    const b = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const bAddr = await bindSocket(b, port, '127.0.0.1');
    assert.equal(bAddr.port, port);
    await Promise.all([closeSocket(a), closeSocket(b)]);
  });

  test('udp4 bound to an IPv6 address: error EINVAL', async () => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '::1');
    const [err] = (await once(s, 'error')) as [SystemErrorShape];
    assert.equal(err.code, 'EINVAL');
    assert.equal(err.syscall, 'bind');
    await closeSocket(s);
  });

  test('ipv6Only: a udp6 socket on :: does not get IPv4 traffic', async () => {
    const dual = dgram.createSocket('udp6');
    const { port: dualPort } = await bindSocket(dual);
    const only = dgram.createSocket({ type: 'udp6', ipv6Only: true });
    const { port: onlyPort } = await bindSocket(only);
    const client = dgram.createSocket('udp4');

    const dualGot = nextMessage(dual);
    client.send('to dual', dualPort, '127.0.0.1');
    assert.equal((await dualGot).msg.toString(), 'to dual');
    assert.match((await dualGot).rinfo.address, /^::ffff:127\.0\.0\.1$/);

    let onlyGot = false;
    only.on('message', () => {
      onlyGot = true;
    });
    client.send('to v6 only', onlyPort, '127.0.0.1');
    await delay(150);
    assert.equal(onlyGot, false);
    await Promise.all([closeSocket(dual), closeSocket(only), closeSocket(client)]);
  });
});

describe('address', () => {
  test('throws getsockname EBADF when not bound, as Node does', async () => {
    const s = dgram.createSocket('udp4');
    assert.throws(() => s.address(), {
      name: 'Error',
      code: 'EBADF',
      errno: -9,
      syscall: 'getsockname',
      message: 'getsockname EBADF',
    });
    await closeSocket(s);
  });
});

describe('send', () => {
  async function pair(type: 'udp4' | 'udp6' = 'udp4') {
    const server = dgram.createSocket(type);
    const { port } = await bindSocket(server, 0, type === 'udp4' ? '127.0.0.1' : '::1');
    const client = dgram.createSocket(type);
    return {
      server,
      client,
      port,
      done: () => Promise.all([closeSocket(server), closeSocket(client)]),
    };
  }

  function sendP(
    client: dgram.Socket,
    ...args: unknown[]
  ): Promise<{ err: Error | null; bytes: number | undefined }> {
    return new Promise((resolve) => {
      (client.send as (...a: unknown[]) => void)(...args, (err: Error | null, bytes?: number) =>
        resolve({ err, bytes }),
      );
    });
  }

  test('every message type, with cb(null, bytes)', async () => {
    const { server, client, port, done } = await pair();
    const cases: Array<[unknown, string]> = [
      [Buffer.from('buffer'), 'buffer'],
      [new Uint8Array([0x75, 0x38]), 'u8'],
      [new Uint16Array([0x4241]), 'AB'],
      [new DataView(new TextEncoder().encode('dataview').buffer), 'dataview'],
      ['string ✓', 'string ✓'],
      [['a', Buffer.from('b'), new Uint8Array([0x63])], 'abc'],
      [[], ''],
    ];
    const received = collectMessages(server, cases.length);
    for (const [msg, expected] of cases) {
      const { err, bytes } = await sendP(client, msg, port, '127.0.0.1');
      assert.equal(err, null);
      assert.equal(bytes, Buffer.byteLength(expected));
    }
    const got = await received;
    assert.deepEqual(
      got.map((m) => m.msg.toString()),
      cases.map((c) => c[1]),
    );
    assert.deepEqual(
      got.map((m) => m.rinfo.size),
      cases.map((c) => Buffer.byteLength(c[1])),
    );
    await done();
  });

  test('offset and length: byte ranges of a buffer or of a string’s UTF-8', async () => {
    const { server, client, port, done } = await pair();
    const received = collectMessages(server, 3);
    // 'héllo' is h(1) é(2) l l o: bytes 1..3 are 'él'.
    assert.equal((await sendP(client, 'héllo', 1, 3, port, '127.0.0.1')).bytes, 3);
    assert.equal((await sendP(client, Buffer.from('0123456789'), 2, 4, port)).bytes, 4);
    const view = new Uint8Array(Buffer.from('xxABCDxx')).subarray(2, 6); // a view with a byteOffset
    assert.equal((await sendP(client, view, 1, 2, port, '127.0.0.1')).bytes, 2);
    const got = (await received).map((m) => m.msg.toString());
    assert.deepEqual(got, ['él', '2345', 'BC']);
    await done();
  });

  test('the address defaults to 127.0.0.1 when missing or falsy', async () => {
    const { server, client, port, done } = await pair();
    const received = collectMessages(server, 4);
    client.send('no address', port);
    client.send('empty', port, '');
    client.send('null', port, null as unknown as string);
    client.send('undefined', port, undefined, () => {});
    const got = (await received).map((m) => m.msg.toString()).sort();
    assert.deepEqual(got, ['empty', 'no address', 'null', 'undefined']);
    await done();
  });

  test("udp6: the address defaults to '::1'", async () => {
    const { server, client, port, done } = await pair('udp6');
    const received = nextMessage(server);
    client.send('six', port);
    const { msg, rinfo } = await received;
    assert.equal(msg.toString(), 'six');
    assert.equal(rinfo.address, '::1');
    assert.equal(rinfo.family, 'IPv6');
    await done();
  });

  test("host names are resolved ('localhost')", async () => {
    const { server, client, port, done } = await pair();
    const received = nextMessage(server);
    const { err } = await sendP(client, 'by name', port, 'localhost');
    assert.equal(err, null);
    assert.equal((await received).msg.toString(), 'by name');
    await done();
  });

  test('the first send binds to a random port on all interfaces; sends queue in order', async () => {
    const { server, client, port, done } = await pair();
    const order: string[] = [];
    client.on('listening', () => order.push('listening'));
    const received = collectMessages(server, 5);
    for (let i = 0; i < 5; i++) {
      client.send(`m${i}`, port, '127.0.0.1', (err) => order.push(`sent m${i} ${err}`));
    }
    assert.throws(() => client.address(), { code: 'EBADF' });
    const got = await received;
    assert.deepEqual(
      got.map((m) => m.msg.toString()),
      ['m0', 'm1', 'm2', 'm3', 'm4'],
    );
    const a = client.address();
    assert.equal(a.address, '0.0.0.0');
    assert.equal(got[0]!.rinfo.port, a.port);
    assert.equal(order[0], 'listening');
    await done();
  });

  test('send() then close() in the same tick drops the datagram without a callback, as Node does', async () => {
    const { server, port, done } = await pair();
    const messages: string[] = [];
    server.on('message', (m) => messages.push(m.toString()));
    const callbacks: unknown[] = [];
    const fresh = dgram.createSocket('udp4');
    fresh.send('unbound then closed', port, '127.0.0.1', (err) => callbacks.push(err));
    const freshClosed = once(fresh, 'close');
    fresh.close();
    const bound = dgram.createSocket('udp4');
    await bindSocket(bound);
    bound.send('bound then closed', port, '127.0.0.1', (err) => callbacks.push(err));
    const boundClosed = once(bound, 'close');
    bound.close();
    await Promise.all([freshClosed, boundClosed]);
    // A marker sent afterwards arrives after anything sent before it on loopback.
    const marker = dgram.createSocket('udp4');
    marker.send('marker', port, '127.0.0.1');
    await once(server, 'message');
    marker.close();
    assert.deepEqual(messages, ['marker']);
    assert.deepEqual(callbacks, []);
    await done();
  });

  test('an implicit bind that fails: error event, queued sends and connect get the error, queued close runs', async () => {
    const failure = Object.assign(new Error('cannot resolve the bind address'), { code: 'EFAKE' });
    const s = dgram.createSocket({
      type: 'udp4',
      lookup: (host, _family, cb) => {
        if (host === '0.0.0.0') process.nextTick(cb, failure, '', 4);
        else cb(null, '127.0.0.1', 4);
      },
    });
    const events: unknown[] = [];
    s.on('error', (err) => events.push(['error', err]));
    s.send('queued 1', 9, '127.0.0.1', (err) => events.push(['send 1', err]));
    s.send('queued 2', 9, (err) => events.push(['send 2', err]));
    // (events.once would reject on the 'error' event)
    const closed = new Promise<void>((resolve) => s.on('close', resolve));
    s.close();
    assert.throws(() => s.close(), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
    assert.throws(() => s.send('x', 9), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
    await closed;
    assert.deepEqual(events, [
      ['send 1', failure],
      ['send 2', failure],
      ['error', failure],
    ]);

    const c = dgram.createSocket({
      type: 'udp4',
      lookup: (_host, _family, cb) => process.nextTick(cb, failure, '', 4),
    });
    c.on('error', () => {});
    const connectErr = await new Promise<Error | undefined>((resolve) => c.connect(9, resolve));
    assert.equal(connectErr, failure);
    assert.throws(() => c.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
    await closeSocket(c);
  });

  test('a name that does not resolve: cb(err) or else an error event', async () => {
    const { client, done } = await pair();
    const { err } = await sendP(client, 'x', 9, 'no-such-host.invalid');
    assert.equal((err as SystemErrorShape).code, 'ENOTFOUND');
    assert.equal((err as SystemErrorShape).syscall, 'getaddrinfo');
    client.send('x', 9, 'no-such-host.invalid');
    const [evErr] = (await once(client, 'error')) as [SystemErrorShape];
    assert.equal(evErr.code, 'ENOTFOUND');
    await done();
  });

  test('EMSGSIZE: 65,507 bytes go over IPv4, 65,508 fail via cb, or silently as in Node', async () => {
    const { server, client, port, done } = await pair();
    const received = nextMessage(server);
    const ok = await sendP(client, Buffer.alloc(65_507, 1), port, '127.0.0.1');
    assert.equal(ok.err, null);
    assert.equal(ok.bytes, 65_507);
    assert.equal((await received).rinfo.size, 65_507);

    const tooBig = await sendP(client, Buffer.alloc(65_508), port, '127.0.0.1');
    const err = tooBig.err as SystemErrorShape;
    assert.equal(err.code, 'EMSGSIZE');
    assert.equal(err.syscall, 'send');
    assert.equal(err.errno, -90);
    assert.equal(err.message, `send EMSGSIZE 127.0.0.1:${port}`);

    // The socket still works.
    const after = nextMessage(server);
    assert.equal((await sendP(client, 'still alive', port, '127.0.0.1')).err, null);
    assert.equal((await after).msg.toString(), 'still alive');
    await done();
  });

  test('a too-big send without a callback: no error event, on node:dgram and here alike', async () => {
    // Both modules share the calls used here; typed as ours to call them alike.
    const modules = {
      'node:dgram': nodeDgram.createSocket as unknown as typeof dgram.createSocket,
      wirestack: dgram.createSocket,
    };
    for (const [name, createSocket] of Object.entries(modules)) {
      const server = createSocket('udp4');
      const { port } = await bindSocket(server, 0, '127.0.0.1');
      const client = createSocket('udp4');
      const errors: Error[] = [];
      client.on('error', (err) => errors.push(err));
      try {
        client.send([Buffer.alloc(40_000), Buffer.alloc(40_000)], port, '127.0.0.1');
        // A datagram sent after it arrives later than any error of the first
        // could be reported, so waiting for it bounds the wait.
        const after = nextMessage(server);
        client.send('after', port, '127.0.0.1');
        assert.equal((await after).msg.toString(), 'after', name);
        assert.deepEqual(errors, [], name);
      } finally {
        await Promise.all([closeSocket(server), closeSocket(client)]);
      }
    }
  });

  test('sending to an IPv6 address from udp4: EINVAL', async () => {
    const client = dgram.createSocket('udp4');
    const { err } = await sendP(client, 'x', 9, '::1');
    assert.equal((err as SystemErrorShape).code, 'EINVAL');
    assert.equal((err as SystemErrorShape).syscall, 'send');
    await closeSocket(client);
  });

  test('getSendQueueSize / getSendQueueCount are numbers (0 when idle)', async () => {
    const s = dgram.createSocket('udp4');
    assert.equal(s.getSendQueueSize(), 0);
    assert.equal(s.getSendQueueCount(), 0);
    await bindSocket(s);
    assert.equal(s.getSendQueueSize(), 0);
    assert.equal(s.getSendQueueCount(), 0);
    await closeSocket(s);
    assert.equal(s.getSendQueueSize(), 0);
  });
});

describe('close', () => {
  test("'close' once, asynchronously; the callback is a close listener; a second close throws", async () => {
    const s = dgram.createSocket('udp4');
    await bindSocket(s);
    let closes = 0;
    s.on('close', () => closes++);
    let cbCalled = false;
    assert.equal(
      s.close(() => {
        cbCalled = true;
      }),
      s,
    );
    assert.equal(closes, 0);
    assert.throws(() => s.close(), {
      name: 'Error',
      code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
      message: 'Not running',
    });
    await delay(20);
    assert.equal(closes, 1);
    assert.equal(cbCalled, true);
  });

  test('an unbound socket closes too', async () => {
    const s = dgram.createSocket('udp4');
    await closeSocket(s);
  });

  test('after close: ERR_SOCKET_DGRAM_NOT_RUNNING from send, bind, address, connect, options', async () => {
    const s = dgram.createSocket('udp4');
    await bindSocket(s);
    await closeSocket(s);
    const notRunning = { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' };
    assert.throws(() => s.send('x', 9), notRunning);
    assert.throws(() => s.bind(), notRunning);
    assert.throws(() => s.address(), notRunning);
    assert.throws(() => s.connect(9), notRunning);
    assert.throws(() => s.remoteAddress(), notRunning);
    assert.throws(() => s.setTTL(3), notRunning);
    assert.throws(() => s.setBroadcast(true), notRunning);
    assert.throws(() => s.addMembership('239.1.2.3'), notRunning);
    assert.throws(() => s.getRecvBufferSize(), notRunning);
    assert.equal(s.ref(), s);
    assert.equal(s.unref(), s);
  });

  test('no message after close', async () => {
    const s = dgram.createSocket('udp4');
    const { port } = await bindSocket(s, 0, '127.0.0.1');
    s.on('message', () => assert.fail('message after close'));
    await closeSocket(s);
    const { sock } = await nodePeer();
    sock.send('late', port, '127.0.0.1');
    await delay(50);
    await closeSocket(sock);
  });

  test('Symbol.asyncDispose closes and resolves after close; again is a no-op', async () => {
    const s = dgram.createSocket('udp4');
    await bindSocket(s);
    const order: string[] = [];
    s.on('close', () => order.push('close'));
    await s[Symbol.asyncDispose]();
    order.push('disposed');
    await s[Symbol.asyncDispose]();
    assert.deepEqual(order, ['close', 'disposed']);
  });

  test('an AbortSignal closes the socket; an aborted one closes it at once', async () => {
    const ac = new AbortController();
    const s = dgram.createSocket({ type: 'udp4', signal: ac.signal });
    await bindSocket(s);
    const closed = once(s, 'close');
    ac.abort();
    await closed;
    assert.throws(() => s.address(), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });

    const pre = dgram.createSocket({ type: 'udp4', signal: AbortSignal.abort() });
    assert.throws(() => pre.send('x', 9), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
    await once(pre, 'close');
  });

  test('unref() lets the process exit; ref() keeps it alive (child process)', () => {
    const script = (method: 'ref' | 'unref') => `
      const dgram = require(${JSON.stringify(require.resolve('../../src/dgram/index.ts'))});
      const s = dgram.createSocket('udp4');
      s.bind(0, () => { if (s.${method}() !== s) process.exit(3); });
      ${method === 'ref' ? "setTimeout(() => { console.log('still alive'); s.close(); }, 300).unref();" : ''}
    `;
    const run = (method: 'ref' | 'unref') =>
      spawnSync(process.execPath, ['--import', 'tsx', '-e', script(method)], {
        encoding: 'utf8',
        timeout: 15_000,
      });
    const unrefd = run('unref');
    assert.equal(unrefd.status, 0, unrefd.stderr);
    assert.equal(unrefd.stdout, '');
    const refd = run('ref');
    assert.equal(refd.status, 0, refd.stderr);
    assert.equal(refd.stdout.trim(), 'still alive');
  });
});

describe('options', () => {
  test('lookup: called as (host, family, cb) for bind and send; its address is used', async () => {
    const calls: Array<[string, unknown]> = [];
    const s = dgram.createSocket({
      type: 'udp4',
      lookup: (host, family, cb) => {
        calls.push([host, family]);
        cb(null, '127.0.0.1', 4);
      },
    });
    await new Promise<void>((resolve) => s.bind(0, 'my-bind-name', resolve));
    assert.equal(s.address().address, '127.0.0.1');
    const { sock, port } = await nodePeer();
    const received = nextMessage(sock);
    s.send('custom', port, 'my-peer-name');
    assert.equal((await received).msg.toString(), 'custom');
    assert.deepEqual(calls, [
      ['my-bind-name', 4],
      ['my-peer-name', 4],
    ]);
    await Promise.all([closeSocket(s), closeSocket(sock)]);
  });

  test('recvBufferSize / sendBufferSize are applied once bound (Linux reports double)', async () => {
    const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 16_384, sendBufferSize: 32_768 });
    await bindSocket(s);
    assert.ok([16_384, 32_768].includes(s.getRecvBufferSize()), String(s.getRecvBufferSize()));
    assert.ok([32_768, 65_536].includes(s.getSendBufferSize()), String(s.getSendBufferSize()));
    s.setRecvBufferSize(20_000);
    assert.ok([20_000, 40_000].includes(s.getRecvBufferSize()));
    s.setSendBufferSize(24_000);
    assert.ok([24_000, 48_000].includes(s.getSendBufferSize()));
    await closeSocket(s);
  });

  test('buffer sizes: ERR_SOCKET_BAD_BUFFER_SIZE for bad sizes, ERR_SOCKET_BUFFER_SIZE when unbound', async () => {
    const s = dgram.createSocket('udp4');
    assert.throws(() => s.getRecvBufferSize(), { code: 'ERR_SOCKET_BUFFER_SIZE' });
    assert.throws(() => s.getSendBufferSize(), { code: 'ERR_SOCKET_BUFFER_SIZE' });
    assert.throws(() => s.setRecvBufferSize(8192), { code: 'ERR_SOCKET_BUFFER_SIZE' });
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
      assert.throws(() => s.setRecvBufferSize(bad), {
        name: 'TypeError',
        code: 'ERR_SOCKET_BAD_BUFFER_SIZE',
        message: 'Buffer size must be a positive integer',
      });
      assert.throws(() => s.setSendBufferSize(bad), { code: 'ERR_SOCKET_BAD_BUFFER_SIZE' });
    }
    await closeSocket(s);
  });
});

describe('socket options', () => {
  test('before bind they fail with EBADF, as in Node', async () => {
    const s = dgram.createSocket('udp4');
    for (const [name, fn] of [
      ['setTTL', () => s.setTTL(5)],
      ['setBroadcast', () => s.setBroadcast(true)],
      ['setMulticastTTL', () => s.setMulticastTTL(5)],
      ['setMulticastLoopback', () => s.setMulticastLoopback(true)],
    ] as const) {
      assert.throws(fn, { code: 'EBADF', syscall: name, message: `${name} EBADF` });
    }
    await closeSocket(s);
  });

  test('once bound: values, return values and OS errors', async () => {
    const s = dgram.createSocket('udp4');
    await bindSocket(s);
    s.setBroadcast(true);
    s.setBroadcast(false);
    assert.equal(s.setTTL(64), 64);
    assert.throws(() => s.setTTL(0), { code: 'EINVAL', syscall: 'setTTL' });
    assert.throws(() => s.setTTL(256), { code: 'EINVAL' });
    assert.equal(s.setMulticastTTL(1), 1);
    assert.throws(() => s.setMulticastTTL(256), { code: 'EINVAL', syscall: 'setMulticastTTL' });
    assert.equal(s.setMulticastLoopback(true), true);
    assert.equal(s.setMulticastLoopback(false), false);
    s.setMulticastInterface('127.0.0.1');
    assert.throws(() => s.setMulticastInterface('not-an-ip'), {
      code: 'EINVAL',
      syscall: 'setMulticastInterface',
    });
    s.addMembership('239.255.1.2', '127.0.0.1');
    s.dropMembership('239.255.1.2', '127.0.0.1');
    assert.throws(() => s.dropMembership('239.255.1.2', '127.0.0.1'), {
      code: 'EADDRNOTAVAIL',
      syscall: 'dropMembership',
    });
    assert.throws(() => s.addMembership('1.2.3.4'), { code: 'EINVAL', syscall: 'addMembership' });
    s.addSourceSpecificMembership('127.0.0.1', '232.1.2.3', '127.0.0.1');
    s.dropSourceSpecificMembership('127.0.0.1', '232.1.2.3', '127.0.0.1');
    await closeSocket(s);
  });
});
