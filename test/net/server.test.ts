import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as net from '../../src/net/index.js';

function portOf(server: net.Server): number {
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

async function listening(server: net.Server, ...args: unknown[]): Promise<number> {
  (server.listen as (...a: unknown[]) => net.Server)(...args);
  await once(server, 'listening');
  return portOf(server);
}

function uniquePipe(): string {
  return join(tmpdir(), `wirestack-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);
}

describe('net.Server', () => {
  it('runs the seed example: greeting, echo through pipe, end on both sides', async () => {
    const log: string[] = [];
    const server = net.createServer((socket) => {
      socket.on('end', () => log.push('server end'));
      socket.write('请问需要贷款么？!');
      socket.pipe(socket);
    });
    const port = await listening(server, 0);
    const client = net.connect({ port }, () => log.push('connect'));
    const [data] = await once(client, 'data');
    log.push(`data ${data.toString()}`);
    client.end();
    await once(client, 'end');
    log.push('client end');
    await once(client, 'close');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.deepEqual(log.slice(0, 2), ['connect', 'data 请问需要贷款么？!']);
    assert.ok(log.includes('server end'));
    assert.ok(log.includes('client end'));
  });

  it('listens on a random port when none is given, and address() reports it', async () => {
    const server = net.createServer();
    server.listen();
    assert.equal(server.listening, true);
    await once(server, 'listening');
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    assert.ok(address.port > 0);
    server.close();
    await once(server, 'close');
    assert.equal(server.address(), null);
    assert.equal(server.listening, false);
  });

  it('listens dual-stack by default: an IPv4 client reaches a server bound to ::', async () => {
    const server = net.createServer((s) => s.end('hi'));
    const port = await listening(server, 0);
    const address = server.address() as net.ServerListenOptions & { address: string };
    assert.equal(address.address, '::');
    const client = nodeNet.connect(port, '127.0.0.1');
    const [data] = await once(client, 'data');
    assert.equal(data.toString(), 'hi');
    server.close();
  });

  it("emits EADDRINUSE as 'error' and the close-then-listen retry works", async () => {
    const blocker = nodeNet.createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as nodeNet.AddressInfo).port;
    const server = net.createServer();
    server.listen(port, '127.0.0.1');
    const [err] = await once(server, 'error');
    assert.equal(err.code, 'EADDRINUSE');
    assert.equal(err.syscall, 'listen');
    assert.equal(err.port, port);
    assert.equal(err.address, '127.0.0.1');
    assert.equal(server.listening, false);
    blocker.close();
    await once(blocker, 'close');
    server.close();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    assert.equal(portOf(server), port);
    server.close();
  });

  it('throws ERR_SERVER_ALREADY_LISTEN and ERR_SOCKET_BAD_PORT synchronously', async () => {
    const server = net.createServer();
    await listening(server, 0);
    assert.throws(() => server.listen(0), { code: 'ERR_SERVER_ALREADY_LISTEN' });
    server.close();
    assert.throws(() => net.createServer().listen(65536), {
      code: 'ERR_SOCKET_BAD_PORT',
      name: 'RangeError',
    });
    assert.throws(() => net.createServer().listen({ host: 'localhost' }), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });

  it('close(cb) on a server that is not running reports ERR_SERVER_NOT_RUNNING', async () => {
    const server = net.createServer();
    const err = await new Promise<Error | undefined>((resolve) => server.close(resolve));
    assert.equal((err as { code?: string }).code, 'ERR_SERVER_NOT_RUNNING');
  });

  it("waits for open connections before 'close', and counts them with getConnections", async () => {
    const server = net.createServer();
    const port = await listening(server, 0);
    const client = nodeNet.connect(port);
    const [socket] = await once(server, 'connection');
    const count = await new Promise<number>((resolve, reject) =>
      server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
    );
    assert.equal(count, 1);
    let closed = false;
    server.close(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(closed, false, "'close' must wait for the open connection");
    socket.end();
    client.end();
    await once(server, 'close');
    assert.equal(closed, true);
  });

  it("refuses connections beyond maxConnections with a 'drop' event", async () => {
    const server = net.createServer();
    server.maxConnections = 1;
    const port = await listening(server, 0, '127.0.0.1');
    const first = nodeNet.connect(port, '127.0.0.1');
    await once(server, 'connection');
    const second = nodeNet.connect(port, '127.0.0.1');
    second.on('error', () => {});
    const [drop] = await once(server, 'drop');
    assert.equal(drop.localPort, port);
    assert.equal(drop.remoteAddress, '127.0.0.1');
    await once(second, 'close');
    first.destroy();
    server.close();
  });

  it('pauseOnConnect: nothing is read until resume()', async () => {
    const server = net.createServer({ pauseOnConnect: true });
    const port = await listening(server, 0);
    const client = nodeNet.connect({ port }, () => {
      client.write('hello');
    });
    const [socket] = await once(server, 'connection');
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d;
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(got, '');
    const arrived = once(socket, 'data');
    socket.resume();
    await arrived;
    assert.equal(got, 'hello');
    client.destroy();
    server.close();
  });

  it('allowHalfOpen keeps the server writable after the client FIN', async () => {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('end', () => {
        socket.end('after-fin');
      });
      socket.resume();
    });
    const port = await listening(server, 0);
    const client = nodeNet.connect({ port, allowHalfOpen: true }, () => client.end());
    const chunks: Buffer[] = [];
    client.on('data', (d) => chunks.push(d));
    await once(client, 'end');
    assert.equal(Buffer.concat(chunks).toString(), 'after-fin');
    server.close();
  });

  it('listens on and connects to a Unix domain socket path (IPC)', async () => {
    const path = uniquePipe();
    const server = net.createServer((s) => s.end(`pong ${s.remoteAddress}`));
    server.listen(path);
    await once(server, 'listening');
    assert.equal(server.address(), path);
    const client = net.connect(path);
    const chunks: Buffer[] = [];
    client.on('data', (d) => chunks.push(d));
    await once(client, 'end');
    assert.equal(Buffer.concat(chunks).toString(), 'pong undefined');
    server.close();
    await once(server, 'close');
  });

  it('listens on and connects to an abstract Unix socket (Linux)', async (t) => {
    if (process.platform !== 'linux') {
      t.skip('abstract sockets are a Linux feature');
      return;
    }
    const path = `\0wirestack-abstract-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const server = net.createServer((s) => s.end('abstract'));
    server.listen(path);
    await once(server, 'listening');
    assert.equal(server.address(), path);
    const client = net.connect(path);
    client.setEncoding('utf8');
    const [data] = await once(client, 'data');
    assert.equal(data, 'abstract');
    server.close();
    await once(server, 'close');
  });

  it('listens on a handle: another wirestack server, and { fd }', async () => {
    const first = net.createServer();
    const port = await listening(first, 0, '127.0.0.1');
    const second = net.createServer((s) => s.end('second'));
    second.listen(first);
    await once(second, 'listening');
    const client = net.connect(port, '127.0.0.1');
    const [data] = await once(client, 'data');
    assert.equal(data.toString(), 'second');
    second.close();
    first.close();

    // { fd }: the descriptor is handed to the OS as is; an fd already listening
    // elsewhere fails with EEXIST exactly as in Node.
    const host = nodeNet.createServer();
    host.listen(0, '127.0.0.1');
    await once(host, 'listening');
    const fd = (host as unknown as { _handle: { fd: number } })._handle.fd;
    const byFd = net.createServer();
    byFd.listen({ fd });
    const [err] = await once(byFd, 'error');
    assert.equal(err.code, 'EEXIST');
    host.close();
  });

  it('unref() lets the process exit; ref() returns the server', () => {
    const server = net.createServer();
    assert.equal(server.unref(), server);
    assert.equal(server.ref(), server);
  });
});
