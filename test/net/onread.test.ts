import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { describe, it } from 'node:test';
import * as net from '../../src/net/index.js';

const message = Buffer.from('hello world, read into my own buffers');

async function sender(): Promise<[nodeNet.Server, number]> {
  const server = nodeNet.createServer((s) => s.end(message));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return [server, (server.address() as nodeNet.AddressInfo).port];
}

async function receive(onread: net.SocketConstructorOpts['onread'], port: number) {
  const socket = net.connect({ port, host: '127.0.0.1', onread });
  socket.on('data', () => assert.fail("'data' must not be emitted with onread"));
  await once(socket, 'end');
  return socket;
}

describe('net.Socket onread option', () => {
  it('fills one reused buffer and reports byte counts', async () => {
    const [server, port] = await sender();
    const buffer = Buffer.alloc(4);
    const got: Buffer[] = [];
    await receive(
      {
        buffer,
        callback(n, buf) {
          assert.equal(buf, buffer);
          got.push(Buffer.from(buf.subarray(0, n)));
          return true;
        },
      },
      port,
    );
    assert.deepEqual(Buffer.concat(got), message);
    server.close();
  });

  it('takes a fresh buffer from a function after every callback', async () => {
    const [server, port] = await sender();
    let calls = 0;
    const got: Buffer[] = [];
    await receive(
      {
        buffer: () => {
          calls++;
          return new Uint8Array(64);
        },
        callback(n, buf) {
          got.push(Buffer.from(buf.subarray(0, n)));
          return true;
        },
      },
      port,
    );
    assert.deepEqual(Buffer.concat(got), message);
    assert.equal(calls, got.length + 1);
    server.close();
  });

  it('pauses when the callback returns false and loses nothing on resume', async () => {
    const [server, port] = await sender();
    const got: Buffer[] = [];
    let socket: net.Socket | undefined;
    const paused = new Promise<void>((resolve) => {
      socket = net.connect({
        port,
        host: '127.0.0.1',
        onread: {
          buffer: Buffer.alloc(5),
          callback(n, buf) {
            got.push(Buffer.from(buf.subarray(0, n)));
            if (got.length === 1) {
              resolve();
              return false;
            }
            return true;
          },
        },
      });
    });
    await paused;
    assert.equal(got.length, 1);
    socket!.resume();
    await once(socket!, 'end');
    assert.deepEqual(Buffer.concat(got), message);
    server.close();
  });

  it('rejects a bad onread option with ERR_INVALID_ARG_TYPE', () => {
    assert.throws(() => new net.Socket({ onread: { buffer: 'x', callback() {} } as never }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    assert.throws(() => new net.Socket({ onread: { buffer: Buffer.alloc(1) } as never }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});
