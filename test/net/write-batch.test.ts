import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { LibuvStreamHandle } from '../../src/handle/host-stream-libuv.js';
import { type LibuvRequest, type LibuvStream, streamWrap } from '../../src/handle/libuv.js';
import * as net from '../../src/net/index.js';
import type { Socket as SocketImpl } from '../../src/net/socket.js';
import { pattern } from '../http/helpers.js';

const { streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = streamWrap;

/** What a handle asked of libuv, in order. */
type Call = [string, ...unknown[]];

/** A libuv stream that records calls and finishes every write at once. */
function fakeUv(log: Call[], name: string): LibuvStream {
  const wrote = (call: Call): number => {
    log.push(call);
    streamBaseState[kLastWriteWasAsync] = 0;
    return 0;
  };
  return {
    onread: null,
    writeQueueSize: 0,
    fd: -1,
    bytesRead: 0,
    bytesWritten: 0,
    readStart: () => 0,
    readStop: () => 0,
    useUserBuffer: () => {},
    writeBuffer: (_req: LibuvRequest, chunk: Buffer) =>
      wrote([`${name}.writeBuffer`, chunk.toString()]),
    writev: (_req: LibuvRequest, chunks: Array<Buffer | string>, allBuffers: boolean) =>
      wrote([`${name}.writev`, chunks.map(String), allBuffers]),
    writeLatin1String: (_req: LibuvRequest, s: string) => wrote([`${name}.writeLatin1String`, s]),
    writeUtf8String: (_req: LibuvRequest, s: string) => wrote([`${name}.writeUtf8String`, s]),
    shutdown: () => {
      log.push([`${name}.shutdown`]);
      return 1; // finished at once
    },
    close: () => log.push([`${name}.close`]),
    ref: () => {},
    unref: () => {},
    open: () => 0,
  } as unknown as LibuvStream;
}

/** Delivers `text` as a read on `handle`'s libuv stream, as libuv would. */
function deliver(handle: LibuvStreamHandle, text: string): void {
  const bytes = Buffer.from(text);
  streamBaseState[kReadBytesOrError] = bytes.length;
  streamBaseState[kArrayBufferOffset] = 0;
  handle.uv.onread!(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

const nextCheckPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Leaves any window a previous test opened: a fresh event-loop turn. */
const freshTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('host stream write batching', () => {
  it('holds writes made while a read is handled, then writes each handle once', async () => {
    await freshTurn();
    const log: Call[] = [];
    const a = new LibuvStreamHandle(fakeUv(log, 'a'), true);
    const b = new LibuvStreamHandle(fakeUv(log, 'b'), true);
    const done: string[] = [];
    a.onread = (chunk) => {
      assert.equal(chunk.toString(), 'request');
      a.writeString('head', 'latin1', (err) => done.push(`a1 ${err}`));
      a.writev([Buffer.from('body')], (err) => done.push(`a2 ${err}`));
      b.writeString('é', 'utf8', (err) => done.push(`b1 ${err}`));
    };
    deliver(a, 'request');
    await Promise.resolve(); // ticks and promise jobs after the read are in the window too
    b.writev([Buffer.from('!')], (err) => done.push(`b2 ${err}`));
    assert.deepEqual(log, []);
    // Accepted as a kernel buffer accepts them: callbacks at once, nothing queued.
    assert.deepEqual(done, ['a1 null', 'a2 null', 'b1 null', 'b2 null']);
    assert.equal(a.writeQueueSize, 0);
    await nextCheckPhase();
    assert.deepEqual(log, [
      ['a.writev', ['head', 'latin1', 'body', ''], false],
      ['b.writev', ['é', 'utf8', '!', ''], false],
    ]);
  });

  it('a lone held write leaves through the single-chunk call', async () => {
    await freshTurn();
    const log: Call[] = [];
    const a = new LibuvStreamHandle(fakeUv(log, 'a'), true);
    a.onread = () => a.writeString('response', 'latin1', () => {});
    deliver(a, 'request');
    await nextCheckPhase();
    assert.deepEqual(log, [['a.writeLatin1String', 'response']]);
  });

  it('writes outside the window go at once', async () => {
    await freshTurn();
    const log: Call[] = [];
    const a = new LibuvStreamHandle(fakeUv(log, 'a'), true);
    a.writeString('now', 'latin1', () => {});
    assert.deepEqual(log, [['a.writeLatin1String', 'now']]);
    // So does a write made in the check phase, after the batch left.
    a.onread = () => {
      a.writeString('held', 'latin1', () => {});
      setImmediate(() => a.writeString('later', 'latin1', () => {}));
    };
    deliver(a, 'request');
    await nextCheckPhase();
    assert.deepEqual(log.slice(1), [
      ['a.writeLatin1String', 'held'],
      ['a.writeLatin1String', 'later'],
    ]);
  });

  it('a connection libuv has writes queued for writes through (backpressure)', async () => {
    await freshTurn();
    const log: Call[] = [];
    const uv = fakeUv(log, 'a');
    const a = new LibuvStreamHandle(uv, true);
    // A write the kernel could not take whole: libuv queues the rest.
    const writeBuffer = uv.writeBuffer;
    let pending: LibuvRequest | null = null;
    uv.writeBuffer = (req: LibuvRequest, chunk: Buffer) => {
      writeBuffer(req, chunk);
      streamBaseState[kLastWriteWasAsync] = 1;
      pending = req;
      return 0;
    };
    (uv as { writeQueueSize: number }).writeQueueSize = 65536;
    a.writev([Buffer.from('big')], () => {});
    assert.equal(a.writeQueueSize, 65536);
    a.onread = () => a.writeString('more', 'latin1', () => {});
    deliver(a, 'request');
    assert.deepEqual(log, [
      ['a.writeBuffer', 'big'],
      ['a.writeLatin1String', 'more'],
    ]);
    // Once libuv has written it all, writes are gathered again.
    (uv as { writeQueueSize: number }).writeQueueSize = 0;
    (pending as unknown as LibuvRequest).oncomplete!(0);
    assert.equal(a.writeQueueSize, 0);
    deliver(a, 'request');
    assert.equal(log.length, 2);
    await nextCheckPhase();
    assert.deepEqual(log[2], ['a.writeLatin1String', 'more']);
  });

  it('a write request libuv never took serves the next write; one libuv holds is not reused', async () => {
    await freshTurn();
    const uv = fakeUv([], 'a');
    const a = new LibuvStreamHandle(uv, true);
    const requests: LibuvRequest[] = [];
    let async = false;
    uv.writeLatin1String = (req: LibuvRequest) => {
      requests.push(req);
      streamBaseState[kLastWriteWasAsync] = async ? 1 : 0;
      return 0;
    };
    const done: string[] = [];
    a.writeString('1', 'latin1', (err) => done.push(`1 ${err}`));
    a.writeString('2', 'latin1', (err) => done.push(`2 ${err}`));
    assert.equal(requests[1], requests[0], 'a write sent whole leaves its request spare');
    async = true;
    a.writeString('3', 'latin1', (err) => done.push(`3 ${err}`));
    async = false;
    a.writeString('4', 'latin1', (err) => done.push(`4 ${err}`));
    assert.equal(requests[2], requests[0]);
    assert.notEqual(requests[3], requests[2], 'the request of a queued write stays its own');
    assert.deepEqual(done, ['1 null', '2 null', '4 null']);
    requests[2]!.oncomplete!(0);
    assert.deepEqual(done, ['1 null', '2 null', '4 null', '3 null']);
    // A spare request does not keep its last handle (and that handle's socket) alive.
    assert.equal((requests[3] as unknown as { handle: unknown }).handle, null);
  });

  it('a batch that reaches 16 KiB leaves at once, completing as libuv completes it', async () => {
    await freshTurn();
    const log: Call[] = [];
    const uv = fakeUv(log, 'a');
    let pending: LibuvRequest | null = null;
    uv.writev = ((req: LibuvRequest, chunks: Array<Buffer | string>) => {
      log.push(['a.writev', chunks.map(String), false]);
      pending = req;
      streamBaseState[kLastWriteWasAsync] = 1; // the kernel took part: libuv queues the rest
      return 0;
    }) as LibuvStream['writev'];
    const a = new LibuvStreamHandle(uv, true);
    const big = Buffer.alloc(16 * 1024 - 1, 'x');
    const done: string[] = [];
    a.onread = () => {
      a.writeString('head', 'latin1', (err) => done.push(`head ${err}`));
      assert.deepEqual(log, []);
      a.writev([big], (err) => done.push(`big ${err}`));
      assert.equal(log.length, 1);
      a.writeString('tail', 'latin1', () => {});
    };
    deliver(a, 'request');
    // The write that filled the batch waits for libuv, as an unbatched one
    // would: Writable's backpressure sees it.
    assert.deepEqual(done, ['head null']);
    await nextCheckPhase();
    assert.deepEqual(log, [
      ['a.writev', ['head', 'latin1', big.toString(), ''], false],
      ['a.writeLatin1String', 'tail'],
    ]);
    assert.deepEqual(done, ['head null']);
    (pending as unknown as LibuvRequest).oncomplete!(0);
    assert.deepEqual(done, ['head null', 'big null']);
  });

  it('an error writing held bytes goes to onerror', async () => {
    await freshTurn();
    const log: Call[] = [];
    const uv = fakeUv(log, 'a');
    uv.writeLatin1String = () => -32; // EPIPE
    const a = new LibuvStreamHandle(uv, true);
    const errors: string[] = [];
    a.onerror = (err) => errors.push((err as NodeJS.ErrnoException).code!);
    let result: unknown = 'not called';
    a.onread = () =>
      a.writeString('late', 'latin1', (err) => {
        result = err;
      });
    deliver(a, 'request');
    assert.equal(result, null);
    await nextCheckPhase();
    assert.deepEqual(errors, ['EPIPE']);
  });

  it('shutdown and close write what the handle holds first', async () => {
    await freshTurn();
    const log: Call[] = [];
    const a = new LibuvStreamHandle(fakeUv(log, 'a'), true);
    const b = new LibuvStreamHandle(fakeUv(log, 'b'), true);
    a.onread = () => {
      a.writeString('last words', 'latin1', () => {});
      a.shutdown(() => {});
      b.writeString('bye', 'latin1', () => {});
      b.close();
      assert.deepEqual(log, [
        ['a.writeLatin1String', 'last words'],
        ['a.shutdown'],
        ['b.writeLatin1String', 'bye'],
        ['b.close'],
      ]);
    };
    deliver(a, 'request');
    await nextCheckPhase();
    assert.equal(log.length, 4); // nothing written twice
  });
});

describe('net.Socket over batched writes', () => {
  async function serverSocket(t: TestContext): Promise<[net.Socket, nodeNet.Socket]> {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as nodeNet.AddressInfo;
    const client = nodeNet.connect(port, '127.0.0.1');
    const [socket] = (await once(server, 'connection')) as [net.Socket];
    t.after(() => {
      client.destroy();
      socket.destroy();
      server.close();
    });
    return [socket, client];
  }

  it('writes of every kind made in one read arrive whole and in order (node:net peer)', async (t) => {
    const [socket, client] = await serverSocket(t);
    const expected = ['latin1 head ', 'buffer ', 'utf8 é€ ', 'more ', 'x'.repeat(20_000), ' tail'];
    socket.on('data', () => {
      socket.write(expected[0]!, 'latin1');
      socket.write(Buffer.from(expected[1]!));
      socket.write(expected[2]!, 'utf8');
      socket.cork();
      socket.write(expected[3]!);
      socket.write(Buffer.from(expected[4]!)); // past the bound: the batch leaves at once
      socket.uncork();
      socket.end(expected[5]!);
    });
    const received: Buffer[] = [];
    client.on('data', (chunk) => received.push(chunk));
    client.write('go');
    await once(client, 'end');
    assert.equal(Buffer.concat(received).toString('utf8'), expected.join(''));
  });

  it('an echo in pieces of every size over many connections arrives byte-exact (node:net peers)', async (t) => {
    // Each read is echoed in pieces of 1 byte to 40 KiB (past the bound),
    // Buffers and latin1 strings alternating, pausing on backpressure: the
    // batched, bounded and written-through paths all carry data.
    const server = net.createServer((socket) => {
      let seed = 1;
      socket.on('data', (chunk: Buffer) => {
        for (let at = 0; at < chunk.length; ) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          const size = 1 + (seed % (40 * 1024));
          const piece = chunk.subarray(at, at + size);
          at += piece.length;
          const more =
            seed & 1 ? socket.write(piece) : socket.write(piece.toString('latin1'), 'latin1');
          if (!more) socket.pause();
        }
      });
      socket.on('drain', () => socket.resume());
      socket.on('end', () => socket.end());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const { port } = server.address() as nodeNet.AddressInfo;
    const data = pattern(512 * 1024);
    const echo = async (): Promise<Buffer> => {
      const client = nodeNet.connect(port, '127.0.0.1');
      const received: Buffer[] = [];
      client.on('data', (chunk) => received.push(chunk));
      client.end(data);
      await once(client, 'end');
      client.destroy();
      return Buffer.concat(received);
    };
    const echoes = await Promise.all(Array.from({ length: 16 }, echo));
    for (const received of echoes) assert.ok(received.equals(data), 'echo differs');
  });

  it("an idle timeout is not held back by a write the transport held ('_onTimeout')", async (t) => {
    const [socket, client] = await serverSocket(t);
    socket.setTimeout(60_000);
    client.write('ping');
    await once(socket, 'data');
    socket.write('pong');
    await once(client, 'data');
    let timedOut = false;
    socket.on('timeout', () => {
      timedOut = true;
    });
    (socket as SocketImpl)._onTimeout();
    assert.ok(timedOut, 'the flushed write must not count as a write still draining');
  });

  it('write() then process.exit() in a read callback still sends (Node parity)', async () => {
    const server = nodeNet.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as nodeNet.AddressInfo;
    const source = `
      const net = require(${JSON.stringify(join(__dirname, '../../src/net/index.ts'))});
      const socket = net.connect(${port}, '127.0.0.1');
      socket.on('data', () => { socket.write('bye'); process.exit(0); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', source], { stdio: 'inherit' });
    const [peer] = (await once(server, 'connection')) as [nodeNet.Socket];
    const received: Buffer[] = [];
    peer.on('data', (chunk) => received.push(chunk));
    peer.on('error', () => {});
    peer.write('hello');
    await Promise.all([once(peer, 'close'), once(child, 'exit')]);
    server.close();
    assert.equal(Buffer.concat(received).toString(), 'bye');
  });
});
