import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { describe, it } from 'node:test';
import * as net from '../../src/net/index.js';

/** A node:net server on 127.0.0.1 running `onConnection`; resolves with it and its port. */
async function nodeServer(
  onConnection: (socket: nodeNet.Socket) => void,
  options: nodeNet.ServerOpts = {},
): Promise<[nodeNet.Server, number]> {
  const server = nodeNet.createServer(options, (socket) => {
    // A peer reset is part of several tests; each test checks what it expects.
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return [server, (server.address() as nodeNet.AddressInfo).port];
}

async function closedPort(): Promise<number> {
  const [server, port] = await nodeServer(() => {});
  server.close();
  await once(server, 'close');
  return port;
}

describe('net.Socket as a client', () => {
  it("emits 'connect' then 'ready', exchanges data, and reports both endpoints", async () => {
    const [server, port] = await nodeServer((s) => s.pipe(s));
    const order: string[] = [];
    const client = net.createConnection(port, '127.0.0.1', () => order.push('listener'));
    assert.equal(client.connecting, true);
    assert.equal(client.pending, true);
    assert.equal(client.readyState, 'opening');
    client.on('connect', () => order.push('connect'));
    client.on('ready', () => order.push('ready'));
    await once(client, 'ready');
    assert.deepEqual(order, ['listener', 'connect', 'ready']);
    assert.equal(client.readyState, 'open');
    assert.equal(client.pending, false);
    assert.equal(client.remoteAddress, '127.0.0.1');
    assert.equal(client.remotePort, port);
    assert.equal(client.remoteFamily, 'IPv4');
    assert.equal(client.localAddress, '127.0.0.1');
    assert.deepEqual(client.address(), {
      address: '127.0.0.1',
      family: 'IPv4',
      port: client.localPort,
    });
    client.setEncoding('utf8');
    client.write('echo me');
    const [data] = await once(client, 'data');
    assert.equal(data, 'echo me');
    assert.equal(client.bytesRead, 7);
    assert.equal(client.bytesWritten, 7);
    client.end();
    const [hadError] = await once(client, 'close');
    assert.equal(hadError, false);
    assert.equal(client.readyState, 'closed');
    server.close();
  });

  it('sends strings in every encoding byte for byte as node:net does, bytesWritten alike', async () => {
    const writes: [string, BufferEncoding | undefined][] = [
      ['plain ascii ', undefined],
      ['h\u00e9llo w\u00f6rld \u20ac ', 'utf8'],
      ['\u00e9\u00ff\u0100 latin1 ', 'latin1'],
      ['\u00e9 binary ', 'binary'],
      ['68656c6c6f', 'hex'],
      ['aGVsbG8=', 'base64'],
      ['\u20ac utf16 ', 'utf16le'],
      ['caf\u00e9 \u{1f600}', 'utf-8'],
    ];
    const run = async (connect: typeof nodeNet.connect) => {
      const chunks: Buffer[] = [];
      const [server, port] = await nodeServer((s) => s.on('data', (c: Buffer) => chunks.push(c)));
      const client = connect(port, '127.0.0.1');
      await once(client, 'connect');
      for (const [text, encoding] of writes) client.write(text, encoding as BufferEncoding);
      client.end();
      await once(client, 'close');
      await new Promise((resolve) => server.close(resolve));
      return { bytes: Buffer.concat(chunks).toString('hex'), bytesWritten: client.bytesWritten };
    };
    const theirs = await run(nodeNet.connect);
    const ours = await run(net.connect as unknown as typeof nodeNet.connect);
    assert.deepEqual(ours, theirs);
  });

  it('small writes to a peer that stops reading end in write() false, then drain', async () => {
    let peer: nodeNet.Socket | undefined;
    const [server, port] = await nodeServer((s) => {
      peer = s;
      s.pause();
    });
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    const chunk = Buffer.alloc(1024, 0x61);
    let written = 0;
    // Bounded: the kernel buffers a few MiB at most before the socket must push back.
    while (client.write(chunk)) {
      written += chunk.length;
      assert.ok(written < 256 * 1024 * 1024, 'write() never returned false');
    }
    assert.ok(client.writableLength > 0 || client.writableNeedDrain);
    peer!.resume();
    await once(client, 'drain');
    client.destroy();
    server.close();
  });

  it('fails with ECONNREFUSED carrying errno, syscall, address and port', async () => {
    const port = await closedPort();
    const client = net.connect({ port, host: '127.0.0.1' });
    const closed = new Promise<boolean>((resolve) => client.on('close', resolve));
    const [err] = await once(client, 'error');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.errno, -111);
    assert.equal(err.syscall, 'connect');
    assert.equal(err.address, '127.0.0.1');
    assert.equal(err.port, port);
    assert.equal(err.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.equal(await closed, true);
  });

  it("resolves names with a 'lookup' event, and fails with ENOTFOUND", async () => {
    const [server, port] = await nodeServer((s) => s.end());
    const client = net.connect({ port, host: 'localhost', family: 4 });
    const [err, address, family, host] = await once(client, 'lookup');
    assert.equal(err, null);
    assert.equal(address, '127.0.0.1');
    assert.equal(family, 4);
    assert.equal(host, 'localhost');
    await once(client, 'close');
    server.close();

    const lost = net.connect({ port: 80, host: 'no-such-host.invalid' });
    const [lookupErr] = await once(lost, 'error');
    assert.equal(lookupErr.code, 'ENOTFOUND');
    assert.equal(lookupErr.syscall, 'getaddrinfo');
    assert.equal(lookupErr.hostname, 'no-such-host.invalid');
  });

  it('uses a custom lookup function in either answer shape', async () => {
    const [server, port] = await nodeServer((s) => s.end('x'));
    const single = net.connect({
      port,
      host: 'example.test',
      lookup: ((_h: string, _o: unknown, cb: (e: null, a: string, f: number) => void) =>
        cb(null, '127.0.0.1', 4)) as unknown as nodeNet.LookupFunction,
    });
    await once(single, 'connect');
    single.destroy();
    server.close();
  });

  it('validates arguments synchronously with Node error codes', () => {
    assert.throws(() => net.connect({ port: 65536 }), { code: 'ERR_SOCKET_BAD_PORT' });
    assert.throws(() => net.connect({ port: -1 }), { code: 'ERR_SOCKET_BAD_PORT' });
    assert.throws(() => net.connect({ port: true as unknown as number }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    assert.throws(() => net.connect({ port: 80, localAddress: 'nope' }), {
      code: 'ERR_INVALID_IP_ADDRESS',
    });
    assert.throws(() => (net.connect as (...a: unknown[]) => unknown)({}), {
      code: 'ERR_MISSING_ARGS',
      message: 'The "options" or "port" or "path" argument must be specified',
    });
    assert.throws(() => new net.Socket().setTimeout(-1), { code: 'ERR_OUT_OF_RANGE' });
  });

  it("returns false under backpressure and emits 'drain'; nothing is lost", async () => {
    let received = 0;
    let peerEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      peerEnded = resolve;
    });
    const [server, port] = await nodeServer((s) => {
      s.pause();
      setTimeout(() => s.resume(), 50);
      s.on('data', (d) => {
        received += d.length;
      });
      s.on('end', peerEnded);
    });
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    const chunk = Buffer.alloc(64 * 1024, 7);
    let writes = 0;
    while (client.write(chunk)) writes++;
    writes++;
    assert.ok(client.writableLength > 0);
    assert.ok((client.bufferSize ?? 0) > 0);
    await once(client, 'drain');
    client.end();
    await ended;
    assert.equal(received, writes * chunk.length);
    server.close();
  });

  it("emits 'timeout' after idleness without closing; the callback runs first", async () => {
    const [server, port] = await nodeServer(() => {});
    const client = net.connect(port, '127.0.0.1');
    const order: string[] = [];
    client.setTimeout(30, () => order.push('callback'));
    client.on('timeout', () => order.push('event'));
    await once(client, 'timeout');
    assert.deepEqual(order, ['callback', 'event']);
    assert.equal(client.timeout, 30);
    assert.equal(client.destroyed, false);
    client.setTimeout(0);
    assert.equal(client.timeout, 0);
    client.destroy();
    server.close();
  });

  it('setNoDelay, setKeepAlive, ref and unref chain before and after connect', async () => {
    const [server, port] = await nodeServer(() => {});
    const client = new net.Socket();
    assert.equal(client.setNoDelay(true), client);
    assert.equal(client.setKeepAlive(true, 1000), client);
    client.connect(port, '127.0.0.1');
    await once(client, 'connect');
    assert.equal(client.setNoDelay(false), client);
    assert.equal(client.unref(), client);
    assert.equal(client.ref(), client);
    client.destroy();
    server.close();
  });

  it("destroy(err) emits 'error' then 'close' with hadError", async () => {
    const [server, port] = await nodeServer(() => {});
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    const events: string[] = [];
    client.on('error', (e) => events.push(`error ${e.message}`));
    client.on('close', (hadError: boolean) => events.push(`close ${hadError}`));
    const closed = new Promise((resolve) => client.on('close', resolve));
    client.destroy(new Error('boom'));
    assert.equal(client.destroyed, true);
    await closed;
    assert.deepEqual(events, ['error boom', 'close true']);
    server.close();
  });

  it('write after end fails with ERR_STREAM_WRITE_AFTER_END', async () => {
    const [server, port] = await nodeServer((s) => s.resume());
    const client = net.connect(port, '127.0.0.1');
    const emitted = once(client, 'error');
    client.end();
    const [err] = await new Promise<[Error]>((resolve) => {
      client.write('late', (e) => resolve([e as Error]));
    });
    assert.equal((err as { code?: string }).code, 'ERR_STREAM_WRITE_AFTER_END');
    assert.equal((await emitted)[0], err);
    server.close();
  });

  it('write before connect on a socket never connected fails with ERR_SOCKET_CLOSED', async () => {
    const socket = new net.Socket();
    socket.on('error', () => {});
    const err = await new Promise<Error | null | undefined>((resolve) =>
      socket.write('x', resolve),
    );
    assert.equal((err as { code?: string }).code, 'ERR_SOCKET_CLOSED');
  });

  it('writes queued while connecting are sent after connect, in order', async () => {
    const chunks: Buffer[] = [];
    let peerEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      peerEnded = resolve;
    });
    const [server, port] = await nodeServer((s) => {
      s.on('data', (d) => chunks.push(d));
      s.on('end', peerEnded);
    });
    const client = net.connect(port, '127.0.0.1');
    client.write('a');
    client.write('b');
    client.end('c');
    await ended;
    assert.equal(Buffer.concat(chunks).toString(), 'abc');
    server.close();
  });

  it('the peer FIN ends the readable side and, without allowHalfOpen, the socket', async () => {
    const [server, port] = await nodeServer((s) => s.end('bye'), { allowHalfOpen: true });
    const client = net.connect(port, '127.0.0.1');
    client.resume();
    await once(client, 'end');
    await once(client, 'close');
    assert.equal(client.destroyed, true);
    server.close();
  });

  it('allowHalfOpen: writable after the peer FIN; writing after our end() emits EPIPE otherwise', async () => {
    const got: Buffer[] = [];
    let peerEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      peerEnded = resolve;
    });
    const [server, port] = await nodeServer(
      (s) => {
        s.on('data', (d) => got.push(d));
        s.on('end', peerEnded);
        s.end('fin-first');
      },
      { allowHalfOpen: true },
    );
    const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    client.resume();
    await once(client, 'end');
    assert.equal(client.writable, true);
    client.end('still writing');
    await ended;
    assert.equal(Buffer.concat(got).toString(), 'still writing');
    server.close();
  });

  it('resetAndDestroy() sends RST: the peer sees ECONNRESET', async () => {
    let peerError: string | undefined;
    const closed = new Promise<void>((resolve) => {
      void nodeServer((s) => {
        s.on('error', (e) => {
          peerError = (e as { code?: string }).code;
        });
        s.on('close', () => resolve());
        s.resume();
      }).then(([server, port]) => {
        const client = net.connect(port, '127.0.0.1', () => {
          client.resetAndDestroy();
        });
        client.on('close', () => server.close());
      });
    });
    await closed;
    assert.equal(peerError, 'ECONNRESET');
  });

  it('reports ECONNRESET when the peer resets the connection', async () => {
    const [server, port] = await nodeServer((s) => s.resetAndDestroy());
    const client = net.connect(port, '127.0.0.1');
    const [err] = await once(client, 'error');
    assert.equal(err.code, 'ECONNRESET');
    server.close();
  });

  it('can connect again after closing', async () => {
    const [server, port] = await nodeServer((s) => s.end('hi'));
    const socket = new net.Socket();
    socket.connect(port, '127.0.0.1');
    socket.resume();
    await once(socket, 'close');
    socket.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    const [data] = await once(socket, 'data');
    assert.equal(data, 'hi');
    await once(socket, 'close');
    server.close();
  });
});

describe('net.isIP', () => {
  it('matches Node on IPv4, IPv6 and non-addresses', () => {
    const cases = ['127.0.0.1', '0.0.0.0', '256.0.0.1', '01.2.3.4', '::', '::1', 'fe80::1%eth0'];
    cases.push('1:2:3:4:5:6:7:8', '1::2::3', '::ffff:1.2.3.4', 'localhost', '', '1.2.3');
    for (const c of cases) {
      assert.equal(net.isIP(c), nodeNet.isIP(c), c);
      assert.equal(net.isIPv4(c), nodeNet.isIPv4(c), c);
      assert.equal(net.isIPv6(c), nodeNet.isIPv6(c), c);
    }
  });
});

describe('new net.Socket({ fd })', () => {
  it('wraps an open TCP descriptor, readable and writable', async () => {
    // The descriptor of a connection accepted by node:net, which then leaves it alone.
    const accepted = new Promise<nodeNet.Socket>((resolve) => {
      const server = nodeNet.createServer({ pauseOnConnect: true }, (s) => {
        server.close();
        resolve(s);
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as nodeNet.AddressInfo;
        const peer = nodeNet.connect(port, '127.0.0.1', () => peer.write('ping'));
        peer.setEncoding('utf8');
        peer.on('data', (d) => {
          if (String(d) === 'pong') peer.end();
        });
      });
    });
    const host = await accepted;
    const fd = (host as unknown as { _handle: { fd: number } })._handle.fd;
    const socket = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
    assert.equal(socket.remoteAddress, '127.0.0.1');
    socket.setEncoding('utf8');
    const [data] = await once(socket, 'data');
    assert.equal(data, 'ping');
    socket.write('pong');
    await once(socket, 'end');
    assert.equal(socket.writable, true, 'allowHalfOpen keeps the writable side open');
    socket.destroy();
  });
});
