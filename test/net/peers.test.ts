import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import * as net from '../../src/net/index.js';
import { requirePeer, startPeer } from '../helpers/peers.js';

/** An upper-casing echo server on wirestack net; resolves once listening. */
async function upperServer(...listenArgs: unknown[]): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => socket.write(d.toUpperCase()));
    socket.on('end', () => socket.end());
  });
  (server.listen as (...a: unknown[]) => unknown)(...listenArgs);
  await once(server, 'listening');
  return server;
}

/** A TCP port that was free a moment ago, for peers that cannot listen on port 0. */
async function freePort(): Promise<number> {
  const probe = nodeNet.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as nodeNet.AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Connects with wirestack net, retrying while the peer is still starting. */
async function connectWhenReady(target: net.ConnectOptions): Promise<net.Socket> {
  for (let attempt = 0; ; attempt++) {
    const socket = net.connect(target);
    const outcome = await new Promise<Error | null>((resolve) => {
      socket.once('connect', () => resolve(null));
      socket.once('error', resolve);
    });
    if (!outcome) return socket;
    if (attempt > 250) throw outcome;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends `text`, half-closes, and resolves with everything received until the peer closes. */
async function exchange(socket: net.Socket, text: string): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.end(text);
  await once(socket, 'end');
  return Buffer.concat(chunks).toString();
}

function pipePath(): string {
  return join(
    tmpdir(),
    `wirestack-peer-${process.pid}-${Math.random().toString(36).slice(2)}.sock`,
  );
}

async function runClient(t: TestContext, cmd: string, args: string[], input: string) {
  const peer = startPeer(t, cmd, args, { stdin: 'pipe' });
  peer.child.stdin?.end(input);
  const code = await peer.exited;
  return { code, out: peer.stdout().toString(), err: peer.stderr() };
}

describe('net against real peers', () => {
  it('socat as a TCP client of our server', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const server = await upperServer(0, '127.0.0.1');
    const { port } = server.address() as nodeNet.AddressInfo;
    const result = await runClient(t, socat, ['-', `TCP:127.0.0.1:${port}`], 'hello socat\n');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'HELLO SOCAT\n');
    server.close();
  });

  it('nc as a TCP client of our server', async (t) => {
    const nc = requirePeer(t, 'nc');
    if (!nc) return;
    const server = await upperServer(0, '127.0.0.1');
    const { port } = server.address() as nodeNet.AddressInfo;
    const result = await runClient(t, nc, ['-N', '127.0.0.1', String(port)], 'hello nc\n');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'HELLO NC\n');
    server.close();
  });

  it('our client against a socat TCP echo server', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const port = await freePort();
    startPeer(t, socat, [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'PIPE']);
    const socket = await connectWhenReady({ port, host: '127.0.0.1' });
    const payload = 'x'.repeat(200_000);
    assert.equal(await exchange(socket, payload), payload);
  });

  it('socat as a Unix domain socket client of our IPC server', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const path = pipePath();
    const server = await upperServer(path);
    const result = await runClient(t, socat, ['-', `UNIX-CONNECT:${path}`], 'over ipc\n');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'OVER IPC\n');
    server.close();
  });

  it('our IPC client against a socat Unix domain socket server', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const path = pipePath();
    startPeer(t, socat, [`UNIX-LISTEN:${path}`, 'PIPE']);
    const socket = await connectWhenReady({ path });
    assert.equal(await exchange(socket, 'ipc echo'), 'ipc echo');
  });
});
