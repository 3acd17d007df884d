/**
 * Our client against our server: many connections at once (the output slab
 * is shared between connections), ordering with compression, pause/resume,
 * ws+unix: URLs over an IPC socket, and the `ws` package's clients in the
 * same crowd.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import PeerWebSocket from 'ws';
import * as http from '../../src/http/index.js';
import { type RawData, WebSocket, WebSocketServer } from '../../src/ws/index.js';
import { ourServer, pattern, prose, until } from './helpers.js';

function messageFor(client: number, i: number): Buffer | string {
  const size = [0, 1, 125, 126, 1000, 20_000, 70_000][(client + i) % 7]!;
  return (client + i) % 2 === 0 ? prose(size) : pattern(size, client * 1000 + i + 1);
}

describe('our client and our server', () => {
  for (const deflate of [false, true]) {
    test(`24 connections at once, 30 messages each, in order (deflate ${deflate ? 'on' : 'off'})`, async (t) => {
      const { wss, url } = await ourServer(t, {
        perMessageDeflate: deflate ? { threshold: 64 } : false,
      });
      wss.on('connection', (ws) =>
        ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary })),
      );
      const COUNT = 30;
      const run = async (client: number): Promise<void> => {
        // A third of the crowd are ws clients.
        const ours = client % 3 !== 0;
        const ws = ours
          ? new WebSocket(url, { perMessageDeflate: deflate })
          : new PeerWebSocket(url, { perMessageDeflate: deflate });
        await once(ws as WebSocket, 'open');
        const got: Array<[RawData, boolean]> = [];
        const done = new Promise<void>((resolve) =>
          (ws as WebSocket).on('message', (data, isBinary) => {
            got.push([data, isBinary]);
            if (got.length === COUNT) resolve();
          }),
        );
        for (let i = 0; i < COUNT; i++) (ws as WebSocket).send(messageFor(client, i));
        await done;
        for (let i = 0; i < COUNT; i++) {
          const want = messageFor(client, i);
          const [data, isBinary] = got[i]!;
          assert.equal(isBinary, typeof want !== 'string', `client ${client} message ${i}`);
          assert.ok(Buffer.from(want).equals(data as Buffer), `client ${client} message ${i}`);
        }
        ws.close();
        await once(ws as WebSocket, 'close');
      };
      await Promise.all(Array.from({ length: 24 }, (_, c) => run(c)));
    });
  }

  test('pause() holds messages back; resume() delivers them in order', async (t) => {
    const { wss, url } = await ourServer(t);
    wss.on('connection', (ws) => {
      for (let i = 0; i < 5; i++) ws.send(`m${i}`);
    });
    const ws = new WebSocket(url);
    const got: string[] = [];
    ws.on('message', (d) => {
      got.push(String(d));
      if (got.length === 2) {
        ws.pause();
        assert.ok(ws.isPaused);
        setTimeout(() => {
          ws.resume();
        }, 20);
      }
    });
    await until(() => got.length === 5, 'five messages');
    assert.deepEqual(got, ['m0', 'm1', 'm2', 'm3', 'm4']);
    ws.close();
    await once(ws, 'close');
  });

  test('ws+unix: connects over an IPC socket', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-ws-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const socketPath = join(dir, 'ws.sock');
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => ws.send(`hello on ${req.url}`));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const ws = new WebSocket(`ws+unix:${socketPath}:/over/ipc?x=1`);
    const [data] = (await once(ws, 'message')) as [Buffer];
    assert.equal(data.toString(), 'hello on /over/ipc?x=1');
    ws.close();
    await once(ws, 'close');
  });
});
