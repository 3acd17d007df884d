/**
 * Our WebSocket client with real peers: the `ws` package's server (text,
 * binary, fragmented and 16 MiB messages, permessage-deflate on and off,
 * ping/pong, close codes), over ws:// and wss:// (node:https with a test
 * certificate); raw TCP servers for what `ws` never sends (bad handshakes,
 * invalid frames); and the WHATWG shape (onmessage, addEventListener,
 * binaryType, readyState constants).
 */
import assert from 'node:assert/strict';
import { Blob } from 'node:buffer';
import { once } from 'node:events';
import * as nodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { generate } from 'selfsigned';
import type PeerWebSocket from 'ws';
import { WebSocketServer as PeerServer } from 'ws';
import {
  type CloseEvent,
  createWebSocketStream,
  type ErrorEvent,
  type MessageEvent,
  type RawData,
  WebSocket,
} from '../../src/ws/index.js';
import {
  acceptFor,
  closeOf,
  pattern,
  peerServer,
  prose,
  rawFrame,
  rawServer,
  readFrames,
  sha1,
  until,
} from './helpers.js';

type PeerSocket = PeerWebSocket;

function echoPeer(wss: PeerServer): void {
  wss.on('connection', (ws) =>
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
  );
}

async function open(ws: WebSocket): Promise<WebSocket> {
  await once(ws, 'open');
  return ws;
}

function messages(ws: WebSocket, n: number): Promise<Array<{ data: RawData; isBinary: boolean }>> {
  return new Promise((resolve) => {
    const got: Array<{ data: RawData; isBinary: boolean }> = [];
    const on = (data: RawData, isBinary: boolean) => {
      got.push({ data, isBinary });
      if (got.length === n) {
        ws.off('message', on);
        resolve(got);
      }
    };
    ws.on('message', on);
  });
}

/** 'error' then 'close' of a client that fails to connect. */
async function failure(ws: WebSocket): Promise<{ error: Error; code: number; order: string[] }> {
  const order: string[] = [];
  let error: Error | undefined;
  ws.on('error', (e) => {
    order.push('error');
    error = e;
  });
  // Not events.once: it would reject on the 'error' that comes first.
  const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
  order.push('close');
  return { error: error!, code, order };
}

for (const deflate of [false, true]) {
  describe(`against the ws server, permessage-deflate ${deflate ? 'on' : 'off'}`, () => {
    test('echoes text and binary', async (t) => {
      const { wss, url } = await peerServer(t, {
        perMessageDeflate: deflate ? { threshold: 0 } : false,
      });
      echoPeer(wss);
      const ws = await open(new WebSocket(`${url}/echo`, { perMessageDeflate: deflate }));
      assert.equal(ws.extensions, deflate ? 'permessage-deflate' : '');
      assert.equal(ws.url, `${url}/echo`);
      const got = messages(ws, 4);
      ws.send('héllo ✓');
      ws.send(Buffer.from([0, 1, 2, 255]));
      ws.send(new Uint16Array([1, 2]));
      ws.send(prose(3000));
      const [a, b, c, d] = await got;
      assert.deepEqual([(a!.data as Buffer).toString(), a!.isBinary], ['héllo ✓', false]);
      assert.deepEqual([b!.data, b!.isBinary], [Buffer.from([0, 1, 2, 255]), true]);
      assert.deepEqual(c!.data, Buffer.from(new Uint16Array([1, 2]).buffer));
      assert.equal((d!.data as Buffer).toString(), prose(3000));
      ws.close(1000);
      const [code] = (await once(ws, 'close')) as [number];
      assert.equal(code, 1000);
    });

    test('fragmented messages both ways', async (t) => {
      const { wss, url } = await peerServer(t, {
        perMessageDeflate: deflate ? { threshold: 0 } : false,
      });
      const received: string[] = [];
      wss.on('connection', (ws) =>
        ws.on('message', (data) => {
          received.push(data.toString());
          ws.send('ser', { fin: false });
          ws.ping();
          ws.send('ver', { fin: true });
        }),
      );
      const ws = await open(new WebSocket(url, { perMessageDeflate: deflate }));
      const reply = messages(ws, 1);
      ws.send(Buffer.from('cli'), { fin: false, binary: false });
      ws.ping('in between');
      ws.send(Buffer.from('ent'), { fin: true });
      assert.equal(((await reply)[0]!.data as Buffer).toString(), 'server');
      assert.deepEqual(received, ['client']);
      ws.close();
      await once(ws, 'close');
    });

    test('16 MiB messages both ways', async (t) => {
      const { wss, url } = await peerServer(t, {
        perMessageDeflate: deflate,
        maxPayload: 64 << 20,
      });
      echoPeer(wss);
      const ws = await open(new WebSocket(url, { perMessageDeflate: deflate }));
      const big = pattern(16 << 20, 3);
      const text = prose(16 << 20);
      const got = messages(ws, 2);
      ws.send(big);
      ws.send(text);
      const [a, b] = await got;
      assert.equal(sha1(a!.data as Buffer), sha1(big));
      assert.equal(b!.isBinary, false);
      assert.equal(sha1(b!.data as Buffer), sha1(text));
      ws.close();
      await once(ws, 'close');
    });
  });
}

describe('permessage-deflate parameters against the ws server', () => {
  test('the client asks for no context takeover and smaller windows', async (t) => {
    const { wss, url } = await peerServer(t, { perMessageDeflate: { threshold: 0 } });
    echoPeer(wss);
    const offered = new Promise<string | undefined>((resolve) =>
      wss.on('connection', (_ws, req) => resolve(req.headers['sec-websocket-extensions'])),
    );
    const ws = new WebSocket(url, {
      perMessageDeflate: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 12,
        clientMaxWindowBits: 9,
        threshold: 0,
      },
    });
    // 'open' follows 'upgrade' synchronously: wait for both at once.
    const [[res]] = (await Promise.all([once(ws, 'upgrade'), once(ws, 'open')])) as [
      [{ headers: Record<string, string> }],
      unknown,
    ];
    assert.equal(
      await offered,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9',
    );
    assert.match(res.headers['sec-websocket-extensions']!, /server_no_context_takeover/);
    const sent = [prose(3000), prose(3000), pattern(40_000, 9), ''];
    const got = messages(ws, sent.length);
    for (const m of sent) ws.send(m);
    const echoed = await got;
    assert.equal(String(echoed[0]!.data), sent[0]);
    assert.equal(String(echoed[1]!.data), sent[1]);
    assert.deepEqual(echoed[2]!.data, sent[2]);
    assert.equal((echoed[3]!.data as Buffer).length, 0);
    ws.close();
    await once(ws, 'close');
  });

  test('perMessageDeflate: false offers nothing', async (t) => {
    const { wss, url } = await peerServer(t, { perMessageDeflate: true });
    const offered = new Promise<string | undefined>((resolve) =>
      wss.on('connection', (_ws, req) => resolve(req.headers['sec-websocket-extensions'])),
    );
    const ws = await open(new WebSocket(url, { perMessageDeflate: false }));
    assert.equal(await offered, undefined);
    assert.equal(ws.extensions, '');
    ws.close();
    await once(ws, 'close');
  });
});

describe('ping, pong, close against the ws server', () => {
  test('pings both ways are answered automatically', async (t) => {
    const { wss, url } = await peerServer(t);
    const serverSide = once(wss, 'connection');
    const ws = await open(new WebSocket(url));
    const [server] = (await serverSide) as [PeerSocket];
    const pong = once(ws, 'pong');
    const serverPing = once(server, 'ping');
    ws.ping('hi');
    assert.equal(((await serverPing)[0] as Buffer).toString(), 'hi');
    assert.equal(((await pong)[0] as Buffer).toString(), 'hi');
    const ping = once(ws, 'ping');
    const serverPong = once(server, 'pong');
    server.ping('yo');
    assert.equal(((await ping)[0] as Buffer).toString(), 'yo');
    assert.equal(((await serverPong)[0] as Buffer).toString(), 'yo');
    ws.close();
    await once(ws, 'close');
  });

  test('close codes and reasons both ways; 1005 and 1006', async (t) => {
    const { wss, url } = await peerServer(t);
    let serverSide = once(wss, 'connection');
    let ws = await open(new WebSocket(url));
    let [server] = (await serverSide) as [PeerSocket];
    const serverClosed = once(server, 'close');
    ws.close(4321, 'client says bye');
    assert.equal(ws.readyState, WebSocket.CLOSING);
    let [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [4321, 'client says bye']);
    assert.equal(ws.readyState, WebSocket.CLOSED);
    const [scode, sreason] = (await serverClosed) as [number, Buffer];
    assert.deepEqual([scode, sreason.toString()], [4321, 'client says bye']);

    serverSide = once(wss, 'connection');
    ws = await open(new WebSocket(url));
    [server] = (await serverSide) as [PeerSocket];
    server.close(1011, 'server trouble');
    [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [1011, 'server trouble']);

    serverSide = once(wss, 'connection');
    ws = await open(new WebSocket(url));
    [server] = (await serverSide) as [PeerSocket];
    server.close();
    [code] = (await once(ws, 'close')) as [number, Buffer];
    assert.equal(code, 1005);

    serverSide = once(wss, 'connection');
    ws = await open(new WebSocket(url));
    [server] = (await serverSide) as [PeerSocket];
    server.terminate();
    [code] = (await once(ws, 'close')) as [number, Buffer];
    assert.equal(code, 1006);
  });

  test('send before open throws; send after close calls back with an error', async (t) => {
    const { url } = await peerServer(t);
    const ws = new WebSocket(url);
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    assert.throws(() => ws.send('too early'), /readyState 0 \(CONNECTING\)/);
    await once(ws, 'open');
    await new Promise<void>((resolve, reject) =>
      ws.send('ok', (err) => (err ? reject(err) : resolve())),
    );
    ws.close();
    const err = await new Promise<Error | null | undefined>((resolve) => ws.send('late', resolve));
    assert.match(String(err), /readyState 2 \(CLOSING\)/);
    await once(ws, 'close');
  });

  test('bufferedAmount counts queued bytes and drains to 0', async (t) => {
    const { url } = await peerServer(t);
    const ws = await open(new WebSocket(url));
    ws.send(Buffer.alloc(4 << 20));
    assert.ok(ws.bufferedAmount >= 4 << 20, String(ws.bufferedAmount));
    await new Promise<void>((resolve) => ws.send('', () => resolve()));
    await until(() => ws.bufferedAmount === 0, 'bufferedAmount to drain');
    assert.equal(ws.bufferedAmount, 0);
    ws.close();
    await once(ws, 'close');
  });

  test('terminate() and close() before the connection is open', async (t) => {
    const { url } = await peerServer(t);
    const ws = new WebSocket(url);
    ws.close();
    const f = await failure(ws);
    assert.match(f.error.message, /closed before the connection was established/);
    assert.equal(f.code, 1006);
    const ws2 = new WebSocket(url);
    ws2.terminate();
    assert.equal((await failure(ws2)).code, 1006);
  });
});

describe('handshake failures', () => {
  test('connection refused: error then close 1006', async () => {
    const probe = nodeHttp.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const f = await failure(new WebSocket(`ws://127.0.0.1:${port}`));
    assert.deepEqual(f.order, ['error', 'close']);
    assert.equal((f.error as Error & { code?: string }).code, 'ECONNREFUSED');
    assert.equal(f.code, 1006);
  });

  test('a non-101 answer: error, or the unexpected-response event', async (t) => {
    const server = nodeHttp.createServer((_req, res) => {
      res.writeHead(404);
      res.end('nope');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const f = await failure(new WebSocket(url));
    assert.equal(f.error.message, 'Unexpected server response: 404');

    const ws = new WebSocket(url);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, nodeHttp.IncomingMessage];
    assert.equal(res.statusCode, 404);
    ws.terminate();
    assert.equal((await failure(ws)).code, 1006);
  });

  const bad: Array<[string, (key: string) => string, RegExp, string[]?]> = [
    [
      'a wrong Sec-WebSocket-Accept',
      () =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n',
      /Invalid Sec-WebSocket-Accept header/,
    ],
    [
      'a missing Upgrade header',
      (key) =>
        `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`,
      /Invalid Upgrade header|Unexpected server response/,
    ],
    [
      'an unrequested subprotocol',
      (key) =>
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: chat\r\n\r\n`,
      /subprotocol but none was requested/,
    ],
    [
      'a subprotocol that was not offered',
      (key) =>
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: other\r\n\r\n`,
      /invalid subprotocol/,
      ['chat'],
    ],
    [
      'an extension that was not offered',
      (key) =>
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Extensions: x-webkit-deflate-frame\r\n\r\n`,
      /extension that was not requested/,
    ],
    [
      'permessage-deflate with an invalid parameter',
      (key) =>
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99\r\n\r\n`,
      /Invalid Sec-WebSocket-Extensions header/,
    ],
  ];
  for (const [name, respond, expected, protocols] of bad) {
    test(`${name} fails the handshake`, async (t) => {
      const { url } = await rawServer(t, () => {}, respond);
      const f = await failure(new WebSocket(url, protocols ?? []));
      assert.match(f.error.message, expected);
      assert.equal(f.code, 1006);
    });
  }

  test('the request: GET, Upgrade, Connection, key, version 13, protocols, deflate offer, origin, headers', async (t) => {
    let request = '';
    const { url } = await rawServer(
      t,
      () => {},
      (key, req) => {
        request = req;
        return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: b\r\n\r\n`;
      },
    );
    const ws = await open(
      new WebSocket(`${url}/path?q=1`, ['a', 'b'], {
        origin: 'https://example.org',
        headers: { 'X-Extra': 'yes' },
      }),
    );
    assert.equal(ws.protocol, 'b');
    assert.match(request, /^GET \/path\?q=1 HTTP\/1\.1\r\n/);
    for (const field of [
      /\r\nupgrade: websocket/i,
      /\r\nconnection: upgrade/i,
      /\r\nsec-websocket-version: 13/i,
      /\r\nsec-websocket-key: [A-Za-z0-9+/]{22}==/i,
      /\r\nsec-websocket-protocol: a,b/i,
      /\r\nsec-websocket-extensions: permessage-deflate; client_max_window_bits/i,
      /\r\norigin: https:\/\/example\.org/i,
      /\r\nx-extra: yes/i,
      /\r\nhost: 127\.0\.0\.1:\d+/i,
    ]) {
      assert.match(request, field);
    }
    ws.terminate();
    await once(ws, 'close');
  });

  test('handshakeTimeout', async (t) => {
    const { url } = await rawServer(
      t,
      () => {},
      () => null,
    );
    const f = await failure(new WebSocket(url, { handshakeTimeout: 100 }));
    assert.equal(f.error.message, 'Opening handshake has timed out');
  });

  test('bad URLs and subprotocols throw at once', () => {
    assert.throws(() => new WebSocket('not a url'), SyntaxError);
    assert.throws(() => new WebSocket('ftp://example.org'), SyntaxError);
    assert.throws(() => new WebSocket('ws://example.org/#frag'), SyntaxError);
    assert.throws(() => new WebSocket('ws://example.org', ['a', 'a']), SyntaxError);
    assert.throws(() => new WebSocket('ws://example.org', ['bad protocol']), SyntaxError);
    assert.throws(() => new WebSocket('ws://example.org', { protocolVersion: 8 }), RangeError);
  });

  test('followRedirects follows a 302 to the WebSocket server', async (t) => {
    const { wss, url } = await peerServer(t);
    echoPeer(wss);
    const redirector = nodeHttp.createServer((_req, res) => {
      res.writeHead(302, { Location: `${url}/landed` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
    const from = `ws://127.0.0.1:${(redirector.address() as AddressInfo).port}/start`;
    const ws = new WebSocket(from, { followRedirects: true });
    const redirects: string[] = [];
    ws.on('redirect', (to) => redirects.push(to));
    await once(ws, 'open');
    assert.equal(ws.url, `${url}/landed`);
    assert.deepEqual(redirects, [`${url}/landed`]);
    ws.close();
    await once(ws, 'close');
    const f = await failure(new WebSocket(from));
    assert.equal(f.error.message, 'Unexpected server response: 302');
  });
});

describe('invalid frames from a raw server', () => {
  const cases: Array<[string, Buffer, number, string]> = [
    ['a masked frame', rawFrame(1, 'x', { mask: true }), 1002, 'WS_ERR_UNEXPECTED_MASK'],
    ['a reserved opcode', rawFrame(0xb, '', { mask: false }), 1002, 'WS_ERR_INVALID_OPCODE'],
    [
      'a 126-byte ping',
      rawFrame(9, Buffer.alloc(126), { mask: false }),
      1002,
      'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
    ],
    [
      'text that is not UTF-8',
      rawFrame(1, Buffer.from([0xed, 0xa0, 0x80]), { mask: false }),
      1007,
      'WS_ERR_INVALID_UTF8',
    ],
    [
      'a close code of 1006',
      rawFrame(8, Buffer.from([0x03, 0xee]), { mask: false }),
      1002,
      'WS_ERR_INVALID_CLOSE_CODE',
    ],
  ];
  for (const [name, bytes, closeCode, errCode] of cases) {
    test(`${name}: the client fails the connection with ${closeCode}`, async (t) => {
      let sent: Promise<Buffer> | undefined;
      const { url } = await rawServer(t, (socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        sent = new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
        socket.write(bytes);
        // Answer the client's close frame, then close, as a server does.
        socket.on('data', (c: Buffer) => {
          if (readFrames(c).some((f) => f.opcode === 8))
            socket.end(rawFrame(8, Buffer.from([0x03, 0xe8]), { mask: false }));
        });
      });
      const ws = new WebSocket(url);
      const errors: Array<Error & { code?: string }> = [];
      ws.on('error', (e) => errors.push(e));
      await new Promise((resolve) => ws.on('close', resolve));
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.code, errCode);
      const frames = readFrames(await sent!);
      const close = frames.find((f) => f.opcode === 8);
      assert.ok(close?.masked, 'client frames are masked');
      assert.equal(closeOf(close)?.code, closeCode);
    });
  }
});

describe('WHATWG shape', () => {
  test('readyState constants, on* attributes, MessageEvent data, CloseEvent', async (t) => {
    assert.deepEqual(
      [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED],
      [0, 1, 2, 3],
    );
    const { wss, url } = await peerServer(t);
    echoPeer(wss);
    const ws = new WebSocket(url);
    assert.equal(ws.OPEN, 1);
    const log: string[] = [];
    ws.onopen = (ev) => {
      log.push(`open:${ev.type}:${ev.target === ws}`);
      ws.send('text');
      ws.send(Buffer.from('bin'));
    };
    assert.equal(typeof ws.onopen, 'function');
    const closed = new Promise<CloseEvent>((resolve) => {
      ws.onclose = resolve;
    });
    ws.onmessage = (ev: MessageEvent) => {
      log.push(`message:${typeof ev.data}:${String(ev.data)}`);
      if (log.length === 3) ws.close(1000, 'done');
    };
    const ev = await closed;
    assert.deepEqual(log, ['open:open:true', 'message:string:text', 'message:object:bin']);
    assert.deepEqual([ev.type, ev.code, ev.reason, ev.wasClean], ['close', 1000, 'done', true]);
  });

  test('addEventListener: once, duplicates ignored, removeEventListener, handleEvent objects', async (t) => {
    const { wss, url } = await peerServer(t);
    echoPeer(wss);
    const ws = new WebSocket(url);
    const seen: string[] = [];
    const listener = (ev: MessageEvent) => seen.push(`l:${ev.data}`);
    ws.addEventListener('message', listener);
    ws.addEventListener('message', listener);
    ws.addEventListener('message', (ev) => seen.push(`once:${ev.data}`), { once: true });
    const obj = { handleEvent: (ev: MessageEvent) => seen.push(`obj:${ev.data}`) };
    ws.addEventListener('message', obj);
    await once(ws, 'open');
    ws.send('1');
    await once(ws, 'message');
    ws.removeEventListener('message', listener);
    ws.removeEventListener('message', obj);
    ws.onmessage = (ev) => seen.push(`attr:${ev.data}`);
    ws.onmessage = (ev) => seen.push(`attr2:${ev.data}`);
    ws.send('2');
    await once(ws, 'message');
    assert.deepEqual(seen, ['l:1', 'once:1', 'obj:1', 'attr2:2']);
    ws.onmessage = null;
    assert.equal(ws.onmessage, null);
    ws.close();
    await once(ws, 'close');
  });

  test('onerror gets an ErrorEvent; close after failing reports 1006 and wasClean false', async () => {
    const ws = new WebSocket('ws://127.0.0.1:1');
    const events: string[] = [];
    ws.onerror = (ev: ErrorEvent) =>
      events.push(`error:${ev.message !== ''}:${ev.error instanceof Error}`);
    const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
    const ev = await closed;
    assert.deepEqual(events, ['error:true:true']);
    assert.deepEqual([ev.code, ev.wasClean], [1006, false]);
  });

  test('binaryType: nodebuffer, arraybuffer, fragments, blob', async (t) => {
    const { wss, url } = await peerServer(t);
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        // Reply as two fragments so 'fragments' has something to show.
        ws.send((data as Buffer).subarray(0, 1), { fin: false });
        ws.send((data as Buffer).subarray(1), { fin: true });
      }),
    );
    const ws = await open(new WebSocket(url));
    const payload = Buffer.from([1, 2, 3, 4]);
    const results: RawData[] = [];
    for (const type of ['nodebuffer', 'arraybuffer', 'fragments', 'blob'] as const) {
      ws.binaryType = type;
      const got = once(ws, 'message');
      ws.send(payload);
      results.push(((await got) as [RawData])[0]);
    }
    ws.binaryType = 'bogus' as never;
    assert.equal(ws.binaryType, 'blob');
    assert.ok(Buffer.isBuffer(results[0]));
    assert.ok(results[1] instanceof ArrayBuffer);
    assert.deepEqual(Buffer.from(results[1] as ArrayBuffer), payload);
    assert.ok(Array.isArray(results[2]));
    assert.deepEqual(
      (results[2] as Buffer[]).map((b) => [...b]),
      [[1], [2, 3, 4]],
    );
    assert.ok(results[3] instanceof Blob);
    assert.deepEqual(Buffer.from(await (results[3] as Blob).arrayBuffer()), payload);
    // A Blob can be sent too, in order with what follows.
    ws.binaryType = 'nodebuffer';
    const two = messages(ws, 2);
    ws.send(new Blob([Buffer.from('blob!')]));
    ws.send(Buffer.from('after'));
    const [b1, b2] = await two;
    assert.deepEqual([String(b1!.data), String(b2!.data)], ['blob!', 'after']);
    ws.close();
    await once(ws, 'close');
  });

  test("a message received as 'fragments' is sent back whole", async (t) => {
    const { wss, url } = await peerServer(t);
    const connected = once(wss, 'connection') as Promise<[PeerWebSocket]>;
    const ws = await open(new WebSocket(url));
    ws.binaryType = 'fragments';
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    const [peer] = await connected;
    const received = once(peer, 'message') as Promise<[Buffer]>;
    peer.send(Buffer.from([1]), { fin: false });
    peer.send(Buffer.from([2, 3, 4]), { fin: true });
    const [echoed] = await received;
    assert.deepEqual([...echoed], [1, 2, 3, 4]);
    ws.close();
    await once(ws, 'close');
  });
});

describe('wss:// and streams', () => {
  test('wss:// to the ws server on node:https, with a test certificate', async (t) => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    const server = nodeHttps.createServer({ key: pems.private, cert: pems.cert });
    const wss = new PeerServer({ server, perMessageDeflate: true });
    echoPeer(wss);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const port = (server.address() as AddressInfo).port;

    const ws = await open(new WebSocket(`wss://localhost:${port}/secure`, { ca: pems.cert }));
    assert.equal(ws.extensions, 'permessage-deflate');
    const got = messages(ws, 2);
    ws.send('over TLS');
    ws.send(pattern(100_000));
    const [a, b] = await got;
    assert.equal(String(a!.data), 'over TLS');
    assert.equal(sha1(b!.data as Buffer), sha1(pattern(100_000)));
    ws.close(1000);
    assert.equal(((await once(ws, 'close')) as [number])[0], 1000);

    // Without the CA the certificate is refused with Node's error code.
    const f = await failure(new WebSocket(`wss://localhost:${port}/`));
    assert.match(
      String((f.error as Error & { code?: string }).code),
      /SELF_SIGNED|UNABLE_TO_VERIFY/,
    );
  });

  test('createWebSocketStream: a Duplex over the connection', async (t) => {
    const { wss, url } = await peerServer(t);
    echoPeer(wss);
    const ws = new WebSocket(url);
    const duplex = createWebSocketStream(ws, { encoding: 'utf8' });
    duplex.write('streamed ');
    duplex.write('twice');
    const chunks: string[] = [];
    for await (const chunk of duplex) {
      chunks.push(chunk as string);
      if (chunks.join('') === 'streamed twice') break;
    }
    assert.equal(chunks.join(''), 'streamed twice');
    await once(ws, 'close');
  });
});
