/**
 * The host DatagramHandle on Node's libuv UDP handle, used directly, and its
 * errors compared with node:dgram's own.
 */
import assert from 'node:assert/strict';
import * as nodeDgram from 'node:dgram';
import { once } from 'node:events';
import * as net from 'node:net';
import { test } from 'node:test';
import { inspect } from 'node:util';
import * as dgram from '../../src/dgram/index.js';
import { hostTransport } from '../../src/handle/host.js';
import { createLibuvDatagram } from '../../src/handle/host-datagram-libuv.js';
import { udpWrap } from '../../src/handle/libuv.js';
import type { RemoteInfo } from '../../src/handle/types.js';
import { bind, closeHandle, datagramHandleContract, type Shape, shape } from './handle-contract.js';
import { closeSocket, nodePeer } from './helpers.js';

test('the host transport uses the libuv handle (unless WIRESTACK_HOST_STREAMS=node)', async (t) => {
  if (process.env.WIRESTACK_HOST_STREAMS === 'node') {
    t.skip('node:dgram fallback selected');
    return;
  }
  const h = hostTransport.createDatagram('udp4');
  assert.equal(h.fd, -1);
  await bind(h, { address: '127.0.0.1', port: 0 });
  assert.ok(h.fd > 0, `fd ${h.fd}`);
  await closeHandle(h);
});

datagramHandleContract({
  create: createLibuvDatagram,
  realFd: true,
  deliversQueued: true,
});

test('bind errors match node:dgram: EADDRINUSE, and EINVAL for ipv6Only on udp4', async () => {
  const { sock: holder, port } = await nodePeer();
  const cases: Array<[boolean, { port: number; address: string }]> = [
    [false, { port, address: '127.0.0.1' }],
    [true, { port: 0, address: '127.0.0.1' }],
  ];
  for (const [ipv6Only, bindOptions] of cases) {
    const type = 'udp4';
    const ours = dgram.createSocket({ type, ipv6Only });
    const theirs = nodeDgram.createSocket({ type, ipv6Only });
    ours.bind(bindOptions);
    theirs.bind(bindOptions);
    const [[a], [b]] = await Promise.all([once(ours, 'error'), once(theirs, 'error')]);
    assert.deepEqual(shape(a), shape(b));
    await Promise.all([closeSocket(ours), closeSocket(theirs)]);
  }
  await closeSocket(holder);
});

test('an empty datagram is sent and received', async () => {
  const h = createLibuvDatagram('udp6');
  await bind(h, { address: '::1', port: 0 });
  const port = h.getsockname()!.port;
  const got = new Promise<[Buffer, RemoteInfo]>((resolve) => {
    h.onmessage = (msg, rinfo) => resolve([msg, rinfo]);
  });
  h.recvStart();
  const sent = await new Promise<number>((resolve) =>
    h.send([Buffer.alloc(0)], port, '::1', (_e, n) => resolve(n)),
  );
  assert.equal(sent, 0);
  const [msg, rinfo] = await got;
  assert.equal(msg.length, 0);
  assert.deepEqual(rinfo, { address: '::1', family: 'IPv6', port, size: 0 });
  await closeHandle(h);
});

test('a connected socket whose peer is gone: recvmsg ECONNREFUSED to onerror, as node:dgram emits it', async () => {
  const { sock: gone, port } = await nodePeer();
  await closeSocket(gone);
  async function refused(sock: dgram.Socket | nodeDgram.Socket): Promise<unknown> {
    await new Promise<void>((resolve) => sock.connect(port, '127.0.0.1', () => resolve()));
    const error = once(sock as NodeJS.EventEmitter, 'error', { signal: AbortSignal.timeout(3000) });
    (sock as nodeDgram.Socket).send('anyone?');
    const [err] = await error;
    await closeSocket(sock);
    return err;
  }
  const ours = await refused(dgram.createSocket('udp4'));
  const theirs = await refused(nodeDgram.createSocket('udp4'));
  assert.equal((ours as Shape).message, 'recvmsg ECONNREFUSED');
  assert.deepEqual(shape(ours), shape(theirs));
});

test('socket options before bind: dgram throws what node:dgram throws', async () => {
  const ours = dgram.createSocket('udp4');
  const theirs = nodeDgram.createSocket('udp4');
  for (const fn of [
    (s: dgram.Socket | nodeDgram.Socket) => s.getRecvBufferSize(),
    (s: dgram.Socket | nodeDgram.Socket) => s.setSendBufferSize(8192),
    (s: dgram.Socket | nodeDgram.Socket) => s.setMulticastTTL(4),
  ]) {
    let a: unknown;
    let b: unknown;
    try {
      fn(ours);
    } catch (e) {
      a = e;
    }
    try {
      fn(theirs);
    } catch (e) {
      b = e;
    }
    assert.deepEqual(shape(a), shape(b));
    assert.equal(String(a), String(b));
    assert.deepEqual((a as { info?: unknown }).info, (b as { info?: unknown }).info);
    const printed = (e: unknown) =>
      inspect(e)
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('at '))
        .join('\n');
    assert.equal(printed(a), printed(b));
  }
  await Promise.all([closeSocket(ours), closeSocket(theirs)]);
});

test('options once bound: TTL, buffer sizes, multicast, memberships; errors as node:dgram', async () => {
  const h = createLibuvDatagram('udp4');
  await bind(h, { address: '0.0.0.0', port: 0 });
  assert.equal(h.setTTL(7), 7);
  assert.throws(() => h.setTTL(1000), { message: 'setTTL EINVAL' });
  assert.equal(h.setMulticastTTL(3), 3);
  assert.equal(h.setMulticastLoopback(false), false);
  h.setBroadcast(true);
  h.setRecvBufferSize(16384);
  assert.equal(h.getRecvBufferSize(), 32768);
  h.setSendBufferSize(16384);
  assert.equal(h.getSendBufferSize(), 32768);
  h.addMembership('239.255.0.1');
  h.dropMembership('239.255.0.1');
  assert.throws(() => h.dropMembership('239.255.0.1'), {
    code: 'EADDRNOTAVAIL',
    message: 'dropMembership EADDRNOTAVAIL',
  });
  assert.throws(() => h.addMembership('127.0.0.1'), { message: 'addMembership EINVAL' });
  assert.throws(() => h.setMulticastInterface('::1'), { syscall: 'setMulticastInterface' });
  await closeHandle(h);
});

test('bind with an fd: adopts a UDP socket, refuses other kinds as node:dgram does', async () => {
  const owner = createLibuvDatagram('udp4');
  await bind(owner, { address: '127.0.0.1', port: 0 });
  owner.recvStart();
  // The descriptor is in use by a libuv handle already: open EEXIST.
  const other = createLibuvDatagram('udp4');
  assert.throws(() => other.bind({ address: '', port: 0, fd: owner.fd }, () => {}), {
    code: 'EEXIST',
    message: 'open EEXIST',
  });
  await closeHandle(other);
  await closeHandle(owner);

  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const tcpFd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  const h = createLibuvDatagram('udp4');
  assert.throws(() => h.bind({ address: '', port: 0, fd: tcpFd }, () => {}), {
    name: 'TypeError',
    code: 'ERR_INVALID_FD_TYPE',
    message: 'Unsupported fd type: TCP',
  });
  await closeHandle(h);
  server.close();

  // A file is refused too.
  const h2 = createLibuvDatagram('udp4');
  assert.throws(() => h2.bind({ address: '', port: 0, fd: 0 }, () => {}), {
    code: 'ERR_INVALID_FD_TYPE',
  });
  await closeHandle(h2);
});

test('bind with an fd through dgram: the socket sends and receives on the adopted descriptor', async () => {
  // A bound UDP socket no handle polls yet (as Node's own tests make one).
  const raw = new (udpWrap().UDP)();
  assert.equal(raw.bind('127.0.0.1', 0, 0), 0);
  const out: Record<string, unknown> = {};
  raw.getsockname(out);
  const fd = raw.fd;
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind({ fd }, resolve));
  assert.deepEqual(s.address(), out);
  const { sock: peer } = await nodePeer();
  const got = once(s, 'message');
  peer.send('to the fd', s.address().port, '127.0.0.1');
  const [msg] = (await got) as [Buffer];
  assert.equal(msg.toString(), 'to the fd');
  // The socket owns the descriptor now; closing it closes the descriptor.
  await Promise.all([closeSocket(s), closeSocket(peer)]);
});
