/**
 * Checks every host DatagramHandle must pass, registered once per
 * implementation by that implementation's test file.
 */
import assert from 'node:assert/strict';
import * as nodeDgram from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import type { DatagramHandle, RemoteInfo } from '../../src/handle/types.js';
import { delay, nodePeer } from './helpers.js';

export type Shape = Error & {
  code?: string;
  errno?: number;
  syscall?: string;
  address?: string;
  port?: number;
};

export function bind(
  h: DatagramHandle,
  options: Parameters<DatagramHandle['bind']>[0],
): Promise<Error | null> {
  return new Promise((resolve) => h.bind(options, resolve));
}

export function closeHandle(h: DatagramHandle): Promise<void> {
  return new Promise((resolve) => h.close(resolve));
}

/** The fields Node's system errors carry. */
export function shape(err: unknown): Record<string, unknown> {
  const e = err as Shape;
  return {
    name: e.name,
    message: e.message,
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    address: e.address,
    port: e.port,
  };
}

export interface HandleContract {
  create(type: 'udp4' | 'udp6'): DatagramHandle;
  /** A bound handle owns a real descriptor (`fd` > 2); otherwise `fd` stays -1. */
  realFd: boolean;
  /**
   * Datagrams the kernel queued while not receiving are delivered once
   * receiving starts (as node:dgram's own handle does); otherwise they are
   * dropped.
   */
  deliversQueued: boolean;
}

/** Registers the shared DatagramHandle tests for one implementation. */
export function datagramHandleContract({ create, realFd, deliversQueued }: HandleContract): void {
  test(`bind: the callback runs once, asynchronously; getsockname${realFd ? ' and a real fd' : ''} after`, async () => {
    const h = create('udp4');
    assert.equal(h.getsockname(), undefined);
    assert.equal(h.fd, -1);
    let calls = 0;
    let sync = true;
    const done = new Promise<Error | null>((resolve) =>
      h.bind({ address: '127.0.0.1', port: 0 }, (err) => {
        calls++;
        assert.equal(sync, false);
        resolve(err);
      }),
    );
    sync = false;
    assert.equal(await done, null);
    await delay(20);
    assert.equal(calls, 1);
    const a = h.getsockname();
    assert.equal(a?.address, '127.0.0.1');
    assert.equal(a?.family, 'IPv4');
    if (realFd) assert.ok(h.fd > 2);
    else assert.equal(h.fd, -1);
    await closeHandle(h);
  });

  test('a failed bind reports EADDRINUSE once to the callback, never to onerror; a new bind works', async () => {
    const holder = create('udp4');
    await bind(holder, { address: '127.0.0.1', port: 0 });
    const port = holder.getsockname()!.port;

    const h = create('udp4');
    const onerror: Error[] = [];
    h.onerror = (err) => onerror.push(err);
    const results: Array<Error | null> = [];
    h.bind({ address: '127.0.0.1', port }, (err) => results.push(err));
    await delay(50);
    assert.equal(results.length, 1);
    assert.deepEqual(shape(results[0]), {
      name: 'Error',
      message: `bind EADDRINUSE 127.0.0.1:${port}`,
      code: 'EADDRINUSE',
      errno: -98,
      syscall: 'bind',
      address: '127.0.0.1',
      port,
    });
    assert.deepEqual(onerror, []);

    assert.equal(await bind(h, { address: '127.0.0.1', port: 0 }), null);
    await Promise.all([closeHandle(h), closeHandle(holder)]);
  });

  test('reuseAddr and ipv6Only are honoured by bind', async () => {
    const a = create('udp4');
    const b = create('udp4');
    assert.equal(await bind(a, { address: '127.0.0.1', port: 0, reuseAddr: true }), null);
    const port = a.getsockname()!.port;
    assert.equal(await bind(b, { address: '127.0.0.1', port, reuseAddr: true }), null);
    const c = create('udp4');
    assert.equal(((await bind(c, { address: '127.0.0.1', port })) as Shape)?.code, 'EADDRINUSE');

    const six = create('udp6');
    assert.equal(await bind(six, { address: '::', port: 0, ipv6Only: true }), null);
    const sixPort = six.getsockname()!.port;
    // IPv6-only: the IPv4 port is still free.
    const four = create('udp4');
    assert.equal(await bind(four, { address: '0.0.0.0', port: sixPort }), null);
    await Promise.all([a, b, c, six, four].map(closeHandle));
  });

  test('datagrams reach onmessage only between recvStart and recvStop', async () => {
    const { sock: peer } = await nodePeer();
    const h = create('udp4');
    h.recvStart(); // before bind: waits for the bind (no implicit bind)
    assert.equal(h.getsockname(), undefined);
    h.recvStop();
    await bind(h, { address: '127.0.0.1', port: 0 });
    const port = h.getsockname()!.port;
    const got: Array<[string, RemoteInfo]> = [];
    h.onmessage = (msg, rinfo) => got.push([msg.toString(), rinfo]);

    peer.send('before start', port, '127.0.0.1');
    await delay(50);
    h.recvStart();
    peer.send('while receiving', port, '127.0.0.1');
    await delay(50);
    h.recvStop();
    peer.send('after stop', port, '127.0.0.1');
    await delay(50);
    if (deliversQueued) {
      // The kernel queued the datagrams sent while not receiving; libuv reads
      // them once receiving starts, as with node:dgram's own handle.
      assert.ok(got.some(([m]) => m === 'while receiving'));
      assert.ok(!got.some(([m]) => m === 'after stop'));
    } else {
      assert.deepEqual(
        got.map(([m]) => m),
        ['while receiving'],
      );
    }
    const rinfo = got.find(([m]) => m === 'while receiving')![1];
    assert.deepEqual(rinfo, {
      address: '127.0.0.1',
      family: 'IPv4',
      port: peer.address().port,
      size: 'while receiving'.length,
    });
    peer.close();
    await closeHandle(h);
  });

  test('send: cb(null, bytes) on a later tick, and EMSGSIZE (as node:dgram shapes it) to the callback only', async () => {
    const { sock: peer, port } = await nodePeer();
    const h = create('udp4');
    const onerror: Error[] = [];
    h.onerror = (err) => onerror.push(err);
    await bind(h, { address: '0.0.0.0', port: 0 });
    let sync = true;
    const ok = new Promise<[Error | null, number]>((resolve) =>
      h.send([Buffer.from('ab'), Buffer.from('c')], port, '127.0.0.1', (err, n) => {
        assert.equal(sync, false);
        resolve([err, n]);
      }),
    );
    sync = false;
    assert.deepEqual(await ok, [null, 3]);
    const got = await once(peer, 'message');
    assert.equal(got[0].toString(), 'abc');

    const [err] = await new Promise<[Error | null, number]>((resolve) =>
      h.send([Buffer.alloc(70_000)], port, '127.0.0.1', (e, n) => resolve([e, n])),
    );
    const theirs = nodeDgram.createSocket('udp4');
    const [nodeErr] = await new Promise<[Error | null]>((resolve) =>
      theirs.send(Buffer.alloc(70_000), port, '127.0.0.1', (e) => resolve([e])),
    );
    assert.equal((err as Shape).code, 'EMSGSIZE');
    assert.deepEqual(shape(err), shape(nodeErr));
    assert.deepEqual(onerror, []);
    theirs.close();
    peer.close();
    await closeHandle(h);
  });

  test('connect / getpeername / disconnect; connected send takes no address', async () => {
    const { sock: peer, port } = await nodePeer();
    const h = create('udp4');
    await bind(h, { address: '127.0.0.1', port: 0 });
    assert.equal(h.getpeername(), undefined);
    const err = await new Promise<Error | null>((resolve) => h.connect(port, '127.0.0.1', resolve));
    assert.equal(err, null);
    assert.deepEqual(h.getpeername(), { address: '127.0.0.1', family: 'IPv4', port });
    const got = new Promise<string>((resolve) =>
      peer.once('message', (m) => resolve(m.toString())),
    );
    h.send([Buffer.from('connected')], undefined, undefined, () => {});
    assert.equal(await got, 'connected');
    h.disconnect();
    assert.equal(h.getpeername(), undefined);
    peer.close();
    await closeHandle(h);
  });

  test('socket options before bind throw the OS error (EBADF), as node:dgram does', async () => {
    const h = create('udp4');
    assert.throws(() => h.setTTL(4), { code: 'EBADF', syscall: 'setTTL', message: 'setTTL EBADF' });
    assert.throws(() => h.setBroadcast(true), { message: 'setBroadcast EBADF' });
    assert.throws(() => h.getRecvBufferSize(), { code: 'ERR_SOCKET_BUFFER_SIZE' });
    assert.equal(h.getSendQueueCount(), 0);
    assert.equal(h.getSendQueueSize(), 0);
    await closeHandle(h);
  });

  test('close: the callback runs, a second close still calls back, nothing arrives after', async () => {
    const { sock: peer } = await nodePeer();
    const h = create('udp4');
    await bind(h, { address: '127.0.0.1', port: 0 });
    const port = h.getsockname()!.port;
    h.recvStart();
    h.onmessage = () => assert.fail('message after close');
    await closeHandle(h);
    await closeHandle(h);
    assert.equal(h.getsockname(), undefined);
    assert.equal(h.getSendQueueCount(), 0);
    assert.equal(h.getSendQueueSize(), 0);
    peer.send('late', port, '127.0.0.1');
    await delay(50);
    peer.close();
  });

  test('close during a bind: the bind callback never runs', async () => {
    const h = create('udp4');
    h.bind({ address: '127.0.0.1', port: 0 }, () => assert.fail('bind callback after close'));
    await closeHandle(h);
    await delay(20);
  });

  test('ref / unref are accepted before and after bind, and after close', async () => {
    const h = create('udp4');
    h.unref();
    await bind(h, { address: '127.0.0.1', port: 0, reuseAddr: true });
    h.ref();
    h.unref();
    await closeHandle(h);
    h.ref();
    h.unref();
  });
}
