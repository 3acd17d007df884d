import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import * as nodeNet from 'node:net';
import { describe, it } from 'node:test';
import * as net from '../../src/net/index.js';
import type { Server as ServerImpl } from '../../src/net/server.js';
import type { Socket as SocketImpl } from '../../src/net/socket.js';

// Details of Node's API surface that code written for Node relies on.
describe("net: Node's API surface", () => {
  it('Server and Socket work without new, and net.Stream is net.Socket', () => {
    const server = (net.Server as unknown as () => net.Server)();
    assert.ok(server instanceof net.Server);
    const socket = (net.Socket as unknown as () => net.Socket)();
    assert.ok(socket instanceof net.Socket);
    assert.equal(net.Stream, net.Socket);
    class Mine extends net.Server {}
    assert.ok(new Mine() instanceof net.Server);
  });

  it('refuses object modes with ERR_INVALID_ARG_VALUE', () => {
    for (const key of ['objectMode', 'readableObjectMode', 'writableObjectMode']) {
      assert.throws(() => net.createConnection({ port: 1, [key]: true }), {
        code: 'ERR_INVALID_ARG_VALUE',
        message: new RegExp(`options.${key}' is not supported`),
      });
    }
  });

  it('validates fd with ERR_OUT_OF_RANGE and ERR_INVALID_ARG_TYPE', () => {
    assert.throws(() => new net.Socket({ fd: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => new net.Socket({ fd: 'x' as unknown as number }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  it('an AbortSignal destroys the socket with an AbortError, before or after connect', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const early = net.connect({ port: 1, host: '127.0.0.1', signal: aborted.signal });
    const [err1] = await once(early, 'error');
    assert.equal(err1.name, 'AbortError');

    const later = new AbortController();
    const socket = net.connect({ port: 1, host: '127.0.0.1', signal: later.signal });
    later.abort();
    const [err2] = await once(socket, 'error');
    assert.equal(err2.name, 'AbortError');
    assert.throws(() => net.connect({ port: 1, signal: 'no' as unknown as AbortSignal }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  it('server.listen({ signal }) closes the server when aborted', async () => {
    const controller = new AbortController();
    const server = net.createServer();
    server.listen({ port: 0, signal: controller.signal });
    await once(server, 'listening');
    controller.abort();
    await once(server, 'close');
    assert.equal(server.listening, false);
  });

  it('records the listen request as _connectionKey', async () => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    assert.equal((server as unknown as ServerImpl)._connectionKey, '4:127.0.0.1:0');
    await once(server, 'listening');
    server.close();
    const any = net.createServer().listen(0);
    assert.equal((any as unknown as ServerImpl)._connectionKey, '6::::0');
    any.close();
  });

  it('with captureRejections, a rejected async connection listener destroys that socket', async () => {
    const failure = new Error('kaboom');
    const previous = EventEmitter.captureRejections;
    EventEmitter.captureRejections = true;
    const captured = new net.Server(async (socket) => {
      socket.on('error', () => {});
      throw failure;
    });
    EventEmitter.captureRejections = previous;
    captured.listen(0, '127.0.0.1');
    await once(captured, 'listening');
    const client = nodeNet.connect((captured.address() as nodeNet.AddressInfo).port, '127.0.0.1');
    client.on('error', () => {});
    const [socket] = await once(captured, 'connection');
    await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(socket.errored, failure);
    captured.close();
  });

  it('byte counts start again on each connect of the same socket', async () => {
    const server = nodeNet.createServer((s) => s.end('abc'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as nodeNet.AddressInfo;
    const socket = new net.Socket();
    for (let round = 0; round < 2; round++) {
      socket.connect(port, '127.0.0.1');
      socket.end('xy');
      socket.resume();
      await new Promise((resolve) => socket.once('close', resolve));
      assert.equal(socket.bytesRead, 3);
      assert.equal(socket.bytesWritten, 2);
    }
    server.close();
  });

  it('_setSimultaneousAccepts warns once with DEP0121', async () => {
    const warning = once(process, 'warning');
    net._setSimultaneousAccepts();
    net._setSimultaneousAccepts();
    const [w] = await warning;
    assert.equal(w.code, 'DEP0121');
  });
});

describe('net: the idle timer and writes still draining', () => {
  it("holds 'timeout' back while the handle's write queue keeps changing", () => {
    let queued = 0;
    const handle = {
      get writeQueueSize() {
        return queued;
      },
      readStart() {},
      readStop() {},
      writev(chunks: Buffer[]) {
        queued += chunks[0]!.length; // never finishes: still draining
      },
      setNoDelay() {},
      setKeepAlive() {},
      close() {},
      ref() {},
      unref() {},
      getsockname: () => undefined,
      getpeername: () => undefined,
    };
    const socket = new net.Socket({ handle } as unknown as net.SocketConstructorOpts) as SocketImpl;
    socket.setTimeout(60_000);
    let timeouts = 0;
    socket.on('timeout', () => timeouts++);
    socket.write(Buffer.alloc(100));
    queued = 60; // some of it went out since
    socket._onTimeout();
    assert.equal(timeouts, 0, 'the write queue moved: not idle');
    socket._onTimeout();
    assert.equal(timeouts, 1, 'the write queue did not move: idle');
    socket.destroy();
  });
});
