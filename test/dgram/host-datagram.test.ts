/** The host DatagramHandle (node:dgram as a plain datagram pipe), used directly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHostDatagram } from '../../src/handle/host-datagram.js';
import type { DatagramHandle, RemoteInfo } from '../../src/handle/types.js';
import { delay, nodePeer } from './helpers.js';

function bind(
  h: DatagramHandle,
  options: Parameters<DatagramHandle['bind']>[0],
): Promise<Error | null> {
  return new Promise((resolve) => h.bind(options, resolve));
}

function closeHandle(h: DatagramHandle): Promise<void> {
  return new Promise((resolve) => h.close(resolve));
}

test('bind: the callback runs once, asynchronously; getsockname then reports the address', async () => {
  const h = createHostDatagram('udp4');
  assert.equal(h.getsockname(), undefined);
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
  assert.equal(h.fd, -1);
  await closeHandle(h);
});

test('a failed bind reports EADDRINUSE once to the callback, never to onerror; a new bind works', async () => {
  const holder = createHostDatagram('udp4');
  await bind(holder, { address: '127.0.0.1', port: 0 });
  const port = holder.getsockname()!.port;

  const h = createHostDatagram('udp4');
  const onerror: Error[] = [];
  h.onerror = (err) => onerror.push(err);
  const results: Array<Error | null> = [];
  h.bind({ address: '127.0.0.1', port }, (err) => results.push(err));
  await delay(50);
  assert.equal(results.length, 1);
  const err = results[0] as Error & { code?: string; syscall?: string; port?: number };
  assert.equal(err.code, 'EADDRINUSE');
  assert.equal(err.syscall, 'bind');
  assert.equal(err.port, port);
  assert.deepEqual(onerror, []);

  assert.equal(await bind(h, { address: '127.0.0.1', port: 0 }), null);
  await Promise.all([closeHandle(h), closeHandle(holder)]);
});

test('reuseAddr and ipv6Only are honoured by bind', async () => {
  const a = createHostDatagram('udp4');
  const b = createHostDatagram('udp4');
  assert.equal(await bind(a, { address: '127.0.0.1', port: 0, reuseAddr: true }), null);
  const port = a.getsockname()!.port;
  assert.equal(await bind(b, { address: '127.0.0.1', port, reuseAddr: true }), null);
  const six = createHostDatagram('udp6');
  assert.equal(await bind(six, { address: '::', port: 0, ipv6Only: true }), null);
  await Promise.all([closeHandle(a), closeHandle(b), closeHandle(six)]);
});

test('datagrams reach onmessage only between recvStart and recvStop', async () => {
  const { sock: peer } = await nodePeer();
  const h = createHostDatagram('udp4');
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
  assert.deepEqual(
    got.map(([m]) => m),
    ['while receiving'],
  );
  assert.equal(got[0]![1].size, 'while receiving'.length);
  assert.equal(got[0]![1].port, peer.address().port);
  peer.close();
  await closeHandle(h);
});

test('send: cb(null, bytes), and EMSGSIZE to the callback only', async () => {
  const { sock: peer, port } = await nodePeer();
  const h = createHostDatagram('udp4');
  const onerror: Error[] = [];
  h.onerror = (err) => onerror.push(err);
  await bind(h, { address: '0.0.0.0', port: 0 });
  const ok = await new Promise<[Error | null, number]>((resolve) =>
    h.send([Buffer.from('ab'), Buffer.from('c')], port, '127.0.0.1', (err, n) => resolve([err, n])),
  );
  assert.deepEqual(ok, [null, 3]);
  const [err] = await new Promise<[Error | null, number]>((resolve) =>
    h.send([Buffer.alloc(70_000)], port, '127.0.0.1', (e, n) => resolve([e, n])),
  );
  assert.equal((err as Error & { code?: string }).code, 'EMSGSIZE');
  assert.deepEqual(onerror, []);
  peer.close();
  await closeHandle(h);
});

test('connect / getpeername / disconnect; connected send takes no address', async () => {
  const { sock: peer, port } = await nodePeer();
  const h = createHostDatagram('udp4');
  await bind(h, { address: '127.0.0.1', port: 0 });
  assert.equal(h.getpeername(), undefined);
  const err = await new Promise<Error | null>((resolve) => h.connect(port, '127.0.0.1', resolve));
  assert.equal(err, null);
  assert.deepEqual(h.getpeername(), { address: '127.0.0.1', family: 'IPv4', port });
  const got = new Promise<string>((resolve) => peer.once('message', (m) => resolve(m.toString())));
  h.send([Buffer.from('connected')], undefined, undefined, () => {});
  assert.equal(await got, 'connected');
  h.disconnect();
  assert.equal(h.getpeername(), undefined);
  peer.close();
  await closeHandle(h);
});

test('socket options before bind throw the OS error (EBADF), as node:dgram does', async () => {
  const h = createHostDatagram('udp4');
  assert.throws(() => h.setTTL(4), { code: 'EBADF', syscall: 'setTTL' });
  assert.throws(() => h.getRecvBufferSize(), { code: 'ERR_SOCKET_BUFFER_SIZE' });
  assert.equal(h.getSendQueueCount(), 0);
  await closeHandle(h);
});

test('close: the callback runs, a second close still calls back, nothing arrives after', async () => {
  const { sock: peer } = await nodePeer();
  const h = createHostDatagram('udp4');
  await bind(h, { address: '127.0.0.1', port: 0 });
  const port = h.getsockname()!.port;
  h.recvStart();
  h.onmessage = () => assert.fail('message after close');
  await closeHandle(h);
  await closeHandle(h);
  peer.send('late', port, '127.0.0.1');
  await delay(50);
  peer.close();
});

test('close during a bind: the bind callback never runs', async () => {
  const h = createHostDatagram('udp4');
  h.bind({ address: '127.0.0.1', port: 0 }, () => assert.fail('bind callback after close'));
  await closeHandle(h);
  await delay(20);
});

test('ref / unref are accepted before and after bind', async () => {
  const h = createHostDatagram('udp4');
  h.unref();
  await bind(h, { address: '127.0.0.1', port: 0, reuseAddr: true });
  h.ref();
  h.unref();
  await closeHandle(h);
});
