/**
 * A closed connection leaves nothing behind on the server, and dies young.
 *
 * Clients connect to a wirestack http server (in a child process, see
 * closed-connection-server.ts), send half a request and reset, as in the
 * reset-storm benchmark (bench/http-reset-storm.ts). Once every connection
 * has closed:
 *
 * - two young-generation collections promote (almost) nothing: the objects
 *   of closed connections were garbage, not reachable from some long-lived
 *   object. A server that kept them reachable until the next full
 *   collection (as a churning `Set` of open connections did: V8 chains the
 *   Set's replaced tables, each naming the connections of its day) has
 *   every connection's objects promoted — kilobytes per connection, where
 *   the bound below allows a few hundred bytes — and its heap's peak grows
 *   with them under a storm;
 * - after full collections no socket or HTTP connection of theirs is alive,
 *   and the server lists none: nothing leaks.
 *
 * No timing is asserted: the clients wait for what they need (the
 * response, 'close'), and the server is asked until it has seen every close.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Child } from '../../bench/lib.js';

const SERVER = join(__dirname, 'closed-connection-server.ts');
/** Connections at once, and connections per phase. */
const CONCURRENCY = 20;
const CONNECTIONS = 300;
/** The most the young collections may promote per closed connection, bytes (a connection's objects are several KiB). */
const PROMOTED_PER_CONNECTION = 256;

/** Resolves once the server has seen every connection close. */
async function drained(server: Child): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if ((await server.ask<{ open: number }>('open')).open === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('connections stayed open on the server');
}

/** Half requests, in turn: half a head; a head and part of its body; a chunked head and part of a chunk. */
function halfRequests(port: number): Buffer[] {
  const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/octet-stream\r\n`;
  return [
    Buffer.from(`${head}X-Padding: ${'p'.repeat(600)}`),
    Buffer.from(`${head}Content-Length: 65536\r\n\r\n${'b'.repeat(2000)}`),
    Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n1000\r\n${'c'.repeat(1500)}`),
  ];
}

/**
 * One client: connects, sends `half`, and resets — after the response when
 * one comes (the server answers a request whose head it has), else once the
 * bytes are written. Resolves at 'close'.
 */
function halfRequestThenReset(port: number, half: Buffer, answered: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.once('data', () => socket.resetAndDestroy());
    socket.write(half, () => {
      if (!answered) socket.resetAndDestroy();
    });
  });
}

/** `count` clients, `CONCURRENCY` at a time, cycling through the half requests. */
async function storm(port: number, count: number): Promise<void> {
  const halves = halfRequests(port);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await halfRequestThenReset(port, halves[i % halves.length]!, i % halves.length !== 0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

test('closed connections are garbage at once on the server: young collections promote nothing of them, and nothing leaks', async (t) => {
  const server = new Child('server', [SERVER], ['--expose-gc', '--import', 'tsx']);
  t.after(() => server.stop());
  const { port } = await server.next<{ port: number }>();

  // Warm up (code, the parser pool at its working size), then put whatever
  // lives on (the server, its lists, the pool) in the old generation.
  await storm(port, CONNECTIONS);
  await drained(server);
  await server.ask('settle');

  await storm(port, CONNECTIONS);
  await drained(server);
  const { promoted } = await server.ask<{ promoted: number }>('promoted');
  assert.ok(
    promoted <= CONNECTIONS * PROMOTED_PER_CONNECTION,
    `${promoted} bytes promoted after ${CONNECTIONS} closed connections ` +
      `(${Math.round(promoted / CONNECTIONS)} per connection; at most ${PROMOTED_PER_CONNECTION})`,
  );

  await server.ask('track');
  await storm(port, CONNECTIONS);
  await drained(server);
  const { watched, alive, listed } = await server.ask<{
    watched: number;
    alive: number;
    listed: number;
  }>('collected');
  assert.equal(watched, CONNECTIONS * 2, 'each socket and its HTTP connection watched');
  assert.equal(alive, 0, 'no socket or HTTP connection of a closed connection is alive');
  assert.equal(listed, 0, 'the server lists no connection');
});
