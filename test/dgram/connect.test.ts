/** Connected UDP sockets: connect, send without an address, remoteAddress, disconnect. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import * as dgram from '../../src/dgram/index.js';
import {
  bindSocket,
  closeSocket,
  collectMessages,
  delay,
  nextMessage,
  nodePeer,
} from './helpers.js';

type SystemErrorShape = Error & { code?: string; syscall?: string };

test('connect(port, cb): binds first, then connect; send() needs no port; remoteAddress()', async (t) => {
  const { sock: peer, port } = await nodePeer();
  const s = dgram.createSocket('udp4');
  t.after(() => {
    peer.close();
    s.close();
  });
  const order: string[] = [];
  s.on('listening', () => order.push('listening'));
  s.on('connect', () => order.push('connect event'));
  assert.equal(
    s.connect(port, () => order.push('callback')),
    undefined,
  );
  assert.throws(() => s.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.throws(() => s.connect(port), {
    code: 'ERR_SOCKET_DGRAM_IS_CONNECTED',
    message: 'Already connected',
  });
  await once(s, 'connect');
  assert.deepEqual(order, ['listening', 'connect event', 'callback']);
  assert.deepEqual(s.remoteAddress(), { address: '127.0.0.1', family: 'IPv4', port });
  assert.equal(s.address().address, '127.0.0.1');
  assert.throws(() => s.connect(port), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' });

  const received = collectMessages(peer, 3);
  const sent: Array<[Error | null, number]> = [];
  s.send('one', (err, bytes) => sent.push([err, bytes]));
  s.send('xtwox', 1, 3, (err, bytes) => sent.push([err, bytes]));
  s.send(['thr', 'ee']);
  const got = await received;
  assert.deepEqual(
    got.map((m) => m.msg.toString()),
    ['one', 'two', 'three'],
  );
  assert.deepEqual(sent, [
    [null, 3],
    [null, 3],
  ]);
  assert.equal(got[0]!.rinfo.port, s.address().port);
});

test('a connected socket refuses a destination: ERR_SOCKET_DGRAM_IS_CONNECTED', async (t) => {
  const { sock: peer, port } = await nodePeer();
  const s = dgram.createSocket('udp4');
  t.after(() => {
    peer.close();
    s.close();
  });
  await new Promise<void>((resolve) => s.connect(port, '127.0.0.1', () => resolve()));
  assert.throws(() => s.send('abc', 0, 3, port), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' });
  assert.throws(() => s.send('abc', 0, 3, port, '127.0.0.1'), {
    code: 'ERR_SOCKET_DGRAM_IS_CONNECTED',
  });
});

test('a connected socket only receives from its peer', async (t) => {
  const { sock: peer, port } = await nodePeer();
  const { sock: stranger } = await nodePeer();
  const s = dgram.createSocket('udp4');
  t.after(() => {
    peer.close();
    stranger.close();
    s.close();
  });
  await bindSocket(s, 0, '127.0.0.1');
  await new Promise<void>((resolve) => s.connect(port, '127.0.0.1', () => resolve()));
  const got: string[] = [];
  s.on('message', (msg) => got.push(msg.toString()));
  stranger.send('from a stranger', s.address().port, '127.0.0.1');
  await delay(50);
  const fromPeer = nextMessage(s);
  peer.send('from the peer', s.address().port, '127.0.0.1');
  await fromPeer;
  await delay(50);
  assert.deepEqual(got, ['from the peer']);
});

test('disconnect(): remoteAddress throws again and sends need a port again', async (t) => {
  const { sock: peer, port } = await nodePeer();
  const s = dgram.createSocket('udp4');
  t.after(() => {
    peer.close();
    s.close();
  });
  assert.throws(() => s.disconnect(), {
    code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED',
    message: 'Not connected',
  });
  await new Promise<void>((resolve) => s.connect(port, () => resolve()));
  s.disconnect();
  assert.throws(() => s.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.throws(() => s.disconnect(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.throws(() => s.send('x'), { code: 'ERR_SOCKET_BAD_PORT' });
  const received = nextMessage(peer);
  s.send('after disconnect', port, '127.0.0.1');
  assert.equal((await received).msg.toString(), 'after disconnect');
  // And it can connect again.
  await new Promise<void>((resolve) => s.connect(port, () => resolve()));
  assert.equal(s.remoteAddress().port, port);
});

test('connect to a name that does not resolve: cb(err) or else error; connect works afterwards', async (t) => {
  const { sock: peer, port } = await nodePeer();
  const s = dgram.createSocket('udp4');
  t.after(() => {
    peer.close();
    s.close();
  });
  const err = await new Promise<SystemErrorShape | undefined>((resolve) =>
    s.connect(port, 'no-such-host.invalid', resolve),
  );
  assert.equal(err?.code, 'ENOTFOUND');
  assert.equal(s.listenerCount('connect'), 0);
  assert.throws(() => s.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });

  s.connect(port, 'no-such-host.invalid');
  const [evErr] = (await once(s, 'error')) as [SystemErrorShape];
  assert.equal(evErr.code, 'ENOTFOUND');

  await new Promise<void>((resolve) => s.connect(port, 'localhost', () => resolve()));
  assert.deepEqual(s.remoteAddress(), { address: '127.0.0.1', family: 'IPv4', port });
});

test('udp6 connect defaults to ::1', async (t) => {
  const { sock: peer, port } = await nodePeer('udp6');
  const s = dgram.createSocket('udp6');
  t.after(() => {
    peer.close();
    s.close();
  });
  await new Promise<void>((resolve) => s.connect(port, () => resolve()));
  assert.deepEqual(s.remoteAddress(), { address: '::1', family: 'IPv6', port });
  const received = nextMessage(peer);
  s.send('v6 connected');
  assert.equal((await received).msg.toString(), 'v6 connected');
});

test('close() while connecting ends quietly', async () => {
  const s = dgram.createSocket('udp4');
  s.on('connect', () => assert.fail('connect after close'));
  s.on('error', (err) => assert.fail(err));
  s.connect(9, 'localhost');
  await closeSocket(s);
  await delay(50);
});
