/**
 * Helpers for the WebSocket integration tests: servers on ephemeral ports
 * (ours and the `ws` package's), deterministic test payloads, and raw TCP
 * peers that speak the handshake and frames byte by byte — with their own
 * tiny frame reader, independent of the code under test.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import type { TestContext } from 'node:test';
import { WebSocketServer as PeerServer, type ServerOptions as PeerServerOptions } from 'ws';
import { type ServerOptions, WebSocketServer } from '../../src/ws/index.js';

export const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Our WebSocketServer on 127.0.0.1 and an ephemeral port; closed when the test ends. */
export async function ourServer(
  t: TestContext,
  options: Omit<ServerOptions, 'port' | 'server' | 'noServer'> = {},
): Promise<{ wss: WebSocketServer; port: number; url: string }> {
  return listening(t, new WebSocketServer({ ...options, port: 0, host: '127.0.0.1' }));
}

/** The `ws` package's server on 127.0.0.1 and an ephemeral port; closed when the test ends. */
export async function peerServer(
  t: TestContext,
  options: Omit<PeerServerOptions, 'port' | 'server' | 'noServer'> = {},
): Promise<{ wss: PeerServer; port: number; url: string }> {
  return listening(t, new PeerServer({ ...options, port: 0, host: '127.0.0.1' }));
}

/** Waits for `wss` to listen, and closes it when the test ends. */
async function listening<S extends WebSocketServer | PeerServer>(
  t: TestContext,
  wss: S,
): Promise<{ wss: S; port: number; url: string }> {
  await once(wss, 'listening');
  const port = (wss.address() as nodeNet.AddressInfo).port;
  t.after(() => closeServer(wss));
  return { wss, port, url: `ws://127.0.0.1:${port}` };
}

/** Terminates every client and closes the server. */
export function closeServer(wss: {
  clients?: Set<{ terminate(): void }>;
  close(cb?: (err?: Error) => void): void;
}): Promise<void> {
  for (const ws of wss.clients ?? []) ws.terminate();
  return new Promise((resolve) => wss.close(() => resolve()));
}

/** Deterministic bytes that do not compress to nothing (xorshift32). */
export function pattern(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  for (; i < length; i++) out[i] = i & 0xff;
  return out;
}

/** Compressible text of `length` characters. */
export function prose(length: number): string {
  const words = 'the quick brown fox jumps over the lazy dog 0123456789 ✓ ';
  return words.repeat(Math.ceil(length / words.length)).slice(0, length);
}

export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A frame as the tests build it by hand. */
export function rawFrame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; mask?: boolean; rsv?: number } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = options.mask ?? true;
  const len = data.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  head[1] = (mask ? 0x80 : 0) | (len < 126 ? len : len < 65536 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  const body = Buffer.from(data);
  if (mask) {
    const key = Buffer.from([0x11, 0x22, 0x33, 0x44]);
    key.copy(head, 2 + ext);
    for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  }
  return Buffer.concat([head, body]);
}

export interface ReadFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Reads the frames in `bytes` (a simple reader for tests; stops at an incomplete frame). */
export function readFrames(bytes: Buffer): ReadFrame[] {
  const out: ReadFrame[] = [];
  let p = 0;
  while (p + 2 <= bytes.length) {
    const b0 = bytes[p]!;
    const b1 = bytes[p + 1]!;
    let len = b1 & 0x7f;
    let q = p + 2;
    if (len === 126) {
      if (q + 2 > bytes.length) break;
      len = bytes.readUInt16BE(q);
      q += 2;
    } else if (len === 127) {
      if (q + 8 > bytes.length) break;
      len = Number(bytes.readBigUInt64BE(q));
      q += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const key = masked ? bytes.subarray(q, q + 4) : null;
    if (masked) q += 4;
    if (q + len > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(q, q + len));
    if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
    out.push({ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked, payload });
    p = q + len;
  }
  return out;
}

/** Close code and reason of a close frame's payload. */
export function closeOf(
  frame: ReadFrame | undefined,
): { code: number; reason: string } | undefined {
  if (frame?.opcode !== 8) return undefined;
  if (frame.payload.length < 2) return { code: 1005, reason: '' };
  return { code: frame.payload.readUInt16BE(0), reason: frame.payload.subarray(2).toString() };
}

/** A raw client connection after a successful handshake: write frames, read everything back. */
export interface RawClient {
  socket: nodeNet.Socket;
  /** The handshake response head. */
  response: string;
  /** Every byte received after the handshake so far. */
  received(): Buffer;
  /** Resolves once the server closed the connection; with everything received. */
  closed: Promise<Buffer>;
}

/**
 * Connects with node:net and sends an opening handshake; resolves with the
 * response head (whatever its status). Headers in `extra` are added or, with
 * value null, left out.
 */
export function rawConnect(
  port: number,
  options: { path?: string; method?: string; headers?: Record<string, string | null> } = {},
): Promise<RawClient> {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const fields: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    ...options.headers,
  };
  const head =
    `${options.method ?? 'GET'} ${options.path ?? '/'} HTTP/1.1\r\n` +
    Object.entries(fields)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = nodeNet.connect(port, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    let response: string | undefined;
    let after: Buffer[] = [];
    let resolveClosed!: (b: Buffer) => void;
    const closed = new Promise<Buffer>((r) => {
      resolveClosed = r;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (response === undefined) {
        response = buffered.toString('latin1');
        resolve(makeClient(''));
      }
      resolveClosed(Buffer.concat(after));
    });
    const makeClient = (rest: string): RawClient => ({
      socket,
      response: response ?? rest,
      received: () => Buffer.concat(after),
      closed,
    });
    socket.on('data', (chunk: Buffer) => {
      if (response !== undefined) {
        after.push(chunk);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      response = buffered.subarray(0, end + 4).toString('latin1');
      after = [buffered.subarray(end + 4)];
      resolve(makeClient(response));
    });
    socket.once('connect', () => socket.write(head));
    socket.once('error', reject);
  });
}

/**
 * A raw server on node:net: answers the first request with a 101 (or with
 * `respond`'s text, if given), then hands the socket to `onOpen`.
 */
export async function rawServer(
  t: TestContext,
  onOpen: (socket: nodeNet.Socket, request: string) => void,
  respond?: (key: string, request: string) => string | null,
): Promise<{ port: number; url: string }> {
  const server = nodeNet.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => {});
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.removeListener('data', onData);
      const request = buffered.subarray(0, end).toString('latin1');
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(request)?.[1] ?? '';
      const answer = respond
        ? respond(key, request)
        : `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;
      if (answer !== null) socket.write(answer);
      onOpen(socket, request);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<nodeNet.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as nodeNet.AddressInfo).port;
  return { port, url: `ws://127.0.0.1:${port}` };
}

/** Polls `condition` every 5 ms; rejects naming `what` if it is still false after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await delay(5);
  }
}

/** Resolves after `ms` (for letting a peer act; never for timing assertions). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
