/**
 * Our WebSocketServer with real peers: the `ws` package's client (text,
 * binary, fragmented and 16 MiB messages, permessage-deflate on and off,
 * ping/pong, close codes), raw TCP clients that send what `ws` never would
 * (invalid frames, malformed handshakes), and the server's modes and hooks.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import PeerWebSocket from 'ws';
import * as http from '../../src/http/index.js';
import { type RawData, WebSocket, WebSocketServer } from '../../src/ws/index.js';
import {
  closeOf,
  delay,
  ourServer,
  pattern,
  prose,
  rawConnect,
  rawFrame,
  readFrames,
  sha1,
  until,
} from './helpers.js';

function echo(wss: WebSocketServer): void {
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
}

async function peer(
  url: string,
  options: PeerWebSocket.ClientOptions = {},
): Promise<PeerWebSocket> {
  const ws = new PeerWebSocket(url, options);
  await once(ws, 'open');
  return ws;
}

/** The next `n` messages of a `ws` client. */
function messages(
  ws: PeerWebSocket,
  n: number,
): Promise<Array<{ data: Buffer; isBinary: boolean }>> {
  return new Promise((resolve) => {
    const got: Array<{ data: Buffer; isBinary: boolean }> = [];
    const on = (data: PeerWebSocket.RawData, isBinary: boolean) => {
      got.push({ data: data as Buffer, isBinary });
      if (got.length === n) {
        ws.off('message', on);
        resolve(got);
      }
    };
    ws.on('message', on);
  });
}

for (const deflate of [false, true]) {
  describe(`with the ws client, permessage-deflate ${deflate ? 'on' : 'off'}`, () => {
    test('echoes text and binary; both sides agree on the extension', async (t) => {
      const { wss, url } = await ourServer(t, {
        perMessageDeflate: deflate ? { threshold: 0 } : false,
      });
      echo(wss);
      const connected = once(wss, 'connection');
      const ws = await peer(url, { perMessageDeflate: deflate });
      const [server] = (await connected) as [WebSocket];
      assert.equal(ws.extensions, deflate ? 'permessage-deflate' : '');
      assert.equal(server.extensions, deflate ? 'permessage-deflate' : '');
      const got = messages(ws, 4);
      ws.send('héllo ✓');
      ws.send(Buffer.from([0, 1, 2, 255]));
      ws.send('');
      ws.send(prose(5000));
      const [a, b, c, d] = await got;
      assert.deepEqual([a!.data.toString(), a!.isBinary], ['héllo ✓', false]);
      assert.deepEqual([b!.data, b!.isBinary], [Buffer.from([0, 1, 2, 255]), true]);
      assert.deepEqual([c!.data.length, c!.isBinary], [0, false]);
      assert.equal(d!.data.toString(), prose(5000));
      ws.close();
      await once(ws, 'close');
    });

    test('fragmented messages both ways, with pings between the fragments', async (t) => {
      const { wss, url } = await ourServer(t, {
        perMessageDeflate: deflate ? { threshold: 0 } : false,
      });
      const received: Array<[string, boolean]> = [];
      wss.on('connection', (ws) => {
        ws.on('message', (data, isBinary) => {
          received.push([(data as Buffer).toString(), isBinary]);
          // Answer in three fragments.
          ws.send('frag-', { fin: false });
          ws.ping('between');
          ws.send('ment-', { fin: false });
          ws.send('ed', { fin: true });
        });
      });
      const ws = await peer(url, { perMessageDeflate: deflate });
      const reply = messages(ws, 1);
      const pings: string[] = [];
      ws.on('ping', (d) => pings.push(d.toString()));
      ws.send('one ', { fin: false });
      ws.ping('p');
      ws.send('two ', { fin: false });
      ws.send('three', { fin: true });
      const [r] = await reply;
      assert.deepEqual(received, [['one two three', false]]);
      assert.equal(r!.data.toString(), 'frag-ment-ed');
      assert.deepEqual(pings, ['between']);
      ws.close();
      await once(ws, 'close');
    });

    test('16 MiB messages both ways', async (t) => {
      const { wss, url } = await ourServer(t, { perMessageDeflate: deflate });
      echo(wss);
      const ws = await peer(url, { perMessageDeflate: deflate, maxPayload: 64 << 20 });
      const big = pattern(16 << 20, 7);
      const text = prose(16 << 20);
      const got = messages(ws, 2);
      ws.send(big);
      ws.send(text);
      const [a, b] = await got;
      assert.equal(a!.data.length, big.length);
      assert.equal(sha1(a!.data), sha1(big));
      assert.equal(b!.isBinary, false);
      assert.equal(sha1(b!.data), sha1(text));
      ws.close();
      await once(ws, 'close');
    });
  });
}

describe('ping, pong and close with the ws client', () => {
  test('pings are answered automatically, both ways, with their data', async (t) => {
    const { wss, url } = await ourServer(t);
    const serverSide = once(wss, 'connection');
    const ws = await peer(url);
    const [server] = (await serverSide) as [WebSocket];
    const serverPing = once(server, 'ping');
    const clientPong = once(ws, 'pong');
    ws.ping('from client');
    assert.equal(((await serverPing)[0] as Buffer).toString(), 'from client');
    assert.equal(((await clientPong)[0] as Buffer).toString(), 'from client');
    const clientPing = once(ws, 'ping');
    const serverPong = once(server, 'pong');
    server.ping(Buffer.from([1, 2, 3]));
    assert.deepEqual((await clientPing)[0], Buffer.from([1, 2, 3]));
    assert.deepEqual((await serverPong)[0], Buffer.from([1, 2, 3]));
    ws.close();
    await once(ws, 'close');
  });

  test('the client closes with a code and reason; both sides report them', async (t) => {
    const { wss, url } = await ourServer(t);
    const serverSide = once(wss, 'connection');
    const ws = await peer(url);
    const [server] = (await serverSide) as [WebSocket];
    const serverClosed = once(server, 'close');
    const clientClosed = once(ws, 'close');
    ws.close(4001, 'bye ✓');
    const [code, reason] = (await serverClosed) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [4001, 'bye ✓']);
    const [ccode, creason] = (await clientClosed) as [number, Buffer];
    assert.deepEqual([ccode, creason.toString()], [4001, 'bye ✓']);
    assert.equal(server.readyState, WebSocket.CLOSED);
  });

  test('the server closes; no code reads as 1005; terminate as 1006', async (t) => {
    const { wss, url } = await ourServer(t);
    let serverSide = once(wss, 'connection');
    let ws = await peer(url);
    let [server] = (await serverSide) as [WebSocket];
    let clientClosed = once(ws, 'close');
    server.close(1001, 'going away');
    assert.equal(server.readyState, WebSocket.CLOSING);
    let [code, reason] = (await clientClosed) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [1001, 'going away']);

    serverSide = once(wss, 'connection');
    ws = await peer(url);
    [server] = (await serverSide) as [WebSocket];
    clientClosed = once(ws, 'close');
    const serverClosed = once(server, 'close');
    server.close();
    [code] = (await clientClosed) as [number, Buffer];
    assert.equal(code, 1005);
    assert.equal(((await serverClosed) as [number])[0], 1005);

    serverSide = once(wss, 'connection');
    ws = await peer(url);
    [server] = (await serverSide) as [WebSocket];
    clientClosed = once(ws, 'close');
    server.terminate();
    [code] = (await clientClosed) as [number, Buffer];
    assert.equal(code, 1006);
  });

  test('close() validates its arguments', async (t) => {
    const { wss, url } = await ourServer(t);
    const serverSide = once(wss, 'connection');
    const ws = await peer(url);
    const [server] = (await serverSide) as [WebSocket];
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000]) {
      assert.throws(() => server.close(code), TypeError);
    }
    assert.throws(() => server.close(1000, 'x'.repeat(124)), RangeError);
    assert.throws(() => server.ping(Buffer.alloc(126)), RangeError);
    assert.equal(server.readyState, WebSocket.OPEN);
    ws.close();
    await once(ws, 'close');
  });

  test('a message over maxPayload closes the connection with 1009', async (t) => {
    const { wss, url } = await ourServer(t, { maxPayload: 1000 });
    const errors: Error[] = [];
    wss.on('connection', (ws) => ws.on('error', (e) => errors.push(e)));
    const ws = await peer(url);
    const closed = once(ws, 'close');
    ws.send(Buffer.alloc(1001));
    const [code] = (await closed) as [number];
    assert.equal(code, 1009);
    assert.equal((errors[0] as Error & { code: string }).code, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
  });

  test('send callbacks run once written; sends after close fail', async (t) => {
    const { wss, url } = await ourServer(t);
    const serverSide = once(wss, 'connection');
    const ws = await peer(url);
    const [server] = (await serverSide) as [WebSocket];
    await new Promise<void>((resolve, reject) =>
      server.send('x', (err) => (err ? reject(err) : resolve())),
    );
    const closed = once(server, 'close');
    ws.close();
    await closed;
    const err = await new Promise<Error | null | undefined>((resolve) =>
      server.send('late', resolve),
    );
    assert.match(String(err), /not open: readyState 3 \(CLOSED\)/);
    assert.equal(server.bufferedAmount, 4);
  });
});

describe('permessage-deflate parameters and the closing timeout', () => {
  test('no context takeover and window sizes, agreed with the ws client', async (t) => {
    const { wss, url } = await ourServer(t, {
      perMessageDeflate: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 11,
        threshold: 0,
      },
    });
    echo(wss);
    const ws = new PeerWebSocket(url, { perMessageDeflate: true });
    // 'open' follows 'upgrade' synchronously: wait for both at once.
    const [[res]] = (await Promise.all([once(ws, 'upgrade'), once(ws, 'open')])) as [
      [{ headers: Record<string, string> }],
      unknown,
    ];
    assert.equal(
      res.headers['sec-websocket-extensions'],
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
    );
    const sent = [prose(2000), prose(2000), pattern(50_000, 5).toString('base64'), '', 'x'];
    const got = messages(ws, sent.length);
    for (const m of sent) ws.send(m);
    assert.deepEqual(
      (await got).map((m) => m.data.toString()),
      sent,
    );
    ws.close();
    await once(ws, 'close');
  });

  test('compress: false sends a message uncompressed; below the threshold too', async (t) => {
    const { wss, url } = await ourServer(t, { perMessageDeflate: { threshold: 100 } });
    wss.on('connection', (ws) => {
      ws.send(prose(1000), { compress: false });
      ws.send('short');
      ws.send(prose(1000));
    });
    // A raw client sees the RSV1 bit of each frame.
    const c = await rawConnect(Number(new URL(url).port), {
      headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate' },
    });
    assert.match(c.response, /\r\nSec-WebSocket-Extensions: permessage-deflate\r\n/);
    await until(() => readFrames(c.received()).length >= 3, 'three frames');
    const frames = readFrames(c.received());
    assert.deepEqual(
      frames.map((f) => [f.rsv, f.payload.length < 1000]),
      [
        [0, false],
        [0, true],
        [4, true],
      ],
    );
    c.socket.destroy();
  });

  test('a peer that never answers the close frame is cut off after closeTimeout', async (t) => {
    const { wss, port } = await ourServer(t, { closeTimeout: 50 });
    const closed = new Promise<number>((resolve) =>
      wss.on('connection', (ws) => {
        ws.on('close', (code) => resolve(code));
        ws.close(1000);
      }),
    );
    const c = await rawConnect(port);
    assert.equal(await closed, 1006);
    const frames = readFrames(await c.closed);
    assert.deepEqual(closeOf(frames[0]), { code: 1000, reason: '' });
  });
});

describe('invalid frames from a raw client', () => {
  async function failWith(
    port: number,
    bytes: Buffer,
  ): Promise<{ code: number; reason: string } | undefined> {
    const c = await rawConnect(port);
    assert.match(c.response, /^HTTP\/1\.1 101 /);
    c.socket.write(bytes);
    const all = await c.closed;
    const frames = readFrames(all);
    return closeOf(frames.find((f) => f.opcode === 8));
  }

  const cases: Array<[string, Buffer, number]> = [
    ['an unmasked frame', rawFrame(1, 'x', { mask: false }), 1002],
    ['a reserved opcode', rawFrame(3, 'x'), 1002],
    ['RSV1 without permessage-deflate', rawFrame(1, 'x', { rsv: 4 }), 1002],
    ['a fragmented ping', rawFrame(9, 'x', { fin: false }), 1002],
    ['a continuation without a message', rawFrame(0, 'x'), 1002],
    ['text that is not UTF-8', rawFrame(1, Buffer.from([0xc3, 0x28])), 1007],
    ['a close frame with code 1005', rawFrame(8, Buffer.from([0x03, 0xed])), 1002],
    ['a message over maxPayload', rawFrame(2, Buffer.alloc(2000)), 1009],
  ];
  for (const [name, bytes, expected] of cases) {
    test(`${name}: the server sends close ${expected} and closes`, async (t) => {
      const { wss, port } = await ourServer(t, { maxPayload: 1024 });
      const errors: Array<Error & { code?: string }> = [];
      const closes: number[] = [];
      wss.on('connection', (ws) => {
        ws.on('error', (e) => errors.push(e));
        ws.on('close', (code) => closes.push(code));
      });
      const close = await failWith(port, bytes);
      assert.equal(close?.code, expected);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.code ?? '', /^WS_ERR_/);
      await delay(10);
      assert.deepEqual(closes, [1006]);
    });
  }

  test("without an 'error' listener a bad frame does not crash the process; 'close' reports it", async (t) => {
    const { wss, port } = await ourServer(t);
    const closed = new Promise<number>((resolve) =>
      wss.on('connection', (ws) => ws.on('close', (code) => resolve(code))),
    );
    const c = await rawConnect(port);
    c.socket.write(rawFrame(1, Buffer.from([0xff])));
    assert.equal(closeOf(readFrames(await c.closed).at(-1))?.code, 1007);
    assert.equal(await closed, 1006);
  });

  test('a close frame is answered with the same code, then the server closes the connection', async (t) => {
    const { wss, port } = await ourServer(t);
    const closes: Array<[number, string]> = [];
    wss.on('connection', (ws) => ws.on('close', (c, r) => closes.push([c, r.toString()])));
    const c = await rawConnect(port);
    c.socket.write(rawFrame(8, Buffer.concat([Buffer.from([0x0f, 0xa0]), Buffer.from('done')])));
    const frames = readFrames(await c.closed);
    assert.deepEqual(closeOf(frames.at(-1)), { code: 4000, reason: 'done' });
    assert.equal(frames.at(-1)!.masked, false);
    await delay(10);
    assert.deepEqual(closes, [[4000, 'done']]);
  });

  test('a message that arrives with the handshake is delivered after connection', async (t) => {
    const { wss, port } = await ourServer(t);
    const got = new Promise<string>((resolve) =>
      wss.on('connection', (ws) => ws.on('message', (d) => resolve((d as Buffer).toString()))),
    );
    // Handshake and first frame in one write.
    const nodeNet = await import('node:net');
    const socket = nodeNet.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    socket.write(rawFrame(1, 'early'));
    assert.equal(await got, 'early');
    socket.destroy();
  });
});

describe('handshake validation', () => {
  const cases: Array<[string, Parameters<typeof rawConnect>[1], RegExp]> = [
    ['POST', { method: 'POST' }, /^HTTP\/1\.1 405 /],
    ['Upgrade: h2c', { headers: { Upgrade: 'h2c' } }, /^HTTP\/1\.1 400 /],
    ['no Sec-WebSocket-Key', { headers: { 'Sec-WebSocket-Key': null } }, /^HTTP\/1\.1 400 /],
    [
      'a short Sec-WebSocket-Key',
      { headers: { 'Sec-WebSocket-Key': 'c2hvcnQ=' } },
      /^HTTP\/1\.1 400 /,
    ],
    [
      'no Sec-WebSocket-Version',
      { headers: { 'Sec-WebSocket-Version': null } },
      /^HTTP\/1\.1 400 /,
    ],
    [
      'Sec-WebSocket-Version: 8',
      { headers: { 'Sec-WebSocket-Version': '8' } },
      /^HTTP\/1\.1 426 [\s\S]*\r\nSec-WebSocket-Version: 13\r\n/i,
    ],
    [
      'a bad Sec-WebSocket-Protocol',
      { headers: { 'Sec-WebSocket-Protocol': 'a,,b' } },
      /^HTTP\/1\.1 400 /,
    ],
  ];
  for (const [name, options, expected] of cases) {
    test(`${name} is refused`, async (t) => {
      const { wss, port } = await ourServer(t);
      let connected = false;
      wss.on('connection', () => {
        connected = true;
      });
      const c = await rawConnect(port, options);
      assert.match(c.response, expected);
      await c.closed;
      assert.equal(connected, false);
    });
  }

  test('a plain request to a { port } server gets 426', async (t) => {
    const { port } = await ourServer(t);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(res.status, 426);
    assert.equal(await res.text(), 'Upgrade Required');
  });

  test('path, verifyClient (sync and async) and wsClientError', async (t) => {
    const { wss, port, url } = await ourServer(t, {
      path: '/chat',
      verifyClient: (info: { origin: string | undefined; req: http.IncomingMessage }) =>
        info.origin !== 'https://evil.example' && info.req.headers['x-deny'] === undefined,
    });
    echo(wss);
    assert.match((await rawConnect(port, { path: '/other' })).response, /^HTTP\/1\.1 400 /);
    assert.match(
      (await rawConnect(port, { path: '/chat?x=1', headers: { Origin: 'https://evil.example' } }))
        .response,
      /^HTTP\/1\.1 401 /,
    );
    const ws = await peer(`${url}/chat?room=1`);
    ws.close();

    const { wss: wss2, port: port2 } = await ourServer(t, {
      verifyClient: (_info, done: (ok: boolean, code?: number, message?: string) => void) =>
        setImmediate(() => done(false, 403, 'go away')),
    });
    wss2.on('connection', () => assert.fail('must not connect'));
    const c = await rawConnect(port2);
    assert.match(c.response, /^HTTP\/1\.1 403 /);
    assert.equal((await c.closed).toString(), 'go away');

    const { wss: wss3, port: port3 } = await ourServer(t);
    const clientErrors: string[] = [];
    wss3.on('wsClientError', (err: Error, socket: { destroy(): void }) => {
      clientErrors.push(err.message);
      socket.destroy();
    });
    await (await rawConnect(port3, { method: 'PUT' })).closed;
    assert.deepEqual(clientErrors, ['Invalid HTTP method']);
  });

  test('subprotocols: the first offered by default, or what handleProtocols picks', async (t) => {
    const { url } = await ourServer(t);
    const a = await peer(url, {});
    assert.equal(a.protocol, '');
    a.close();
    const b = new PeerWebSocket(url, ['v2', 'v1']);
    await once(b, 'open');
    assert.equal(b.protocol, 'v2');
    b.close();

    const { wss, url: url2 } = await ourServer(t, {
      handleProtocols: (protocols) => (protocols.has('v1') ? 'v1' : false),
    });
    const selected = new Promise<string>((resolve) =>
      wss.on('connection', (ws) => resolve(ws.protocol)),
    );
    const c = new PeerWebSocket(url2, ['v2', 'v1']);
    await once(c, 'open');
    assert.equal(c.protocol, 'v1');
    assert.equal(await selected, 'v1');
    c.close();
  });

  test("the 'headers' event may add fields to the 101 response", async (t) => {
    const { wss, port } = await ourServer(t);
    wss.on('headers', (lines: string[]) => lines.push('X-Served-By: wirestack'));
    const c = await rawConnect(port);
    assert.match(c.response, /\r\nX-Served-By: wirestack\r\n/);
    assert.match(c.response, /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    c.socket.destroy();
  });
});

describe('server modes', () => {
  test('{ server }: shares a wirestack http server with ordinary requests', async (t) => {
    const server = http.createServer((_req, res) => res.end('plain http'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const wss = new WebSocketServer({ server });
    echo(wss);
    assert.deepEqual(wss.address(), server.address());
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'plain http');
    const ws = await peer(`ws://127.0.0.1:${port}/`);
    const got = messages(ws, 1);
    ws.send('via shared server');
    assert.equal((await got)[0]!.data.toString(), 'via shared server');
    assert.equal(wss.clients?.size, 1);
    const wssClosed = new Promise<void>((resolve) => wss.close(() => resolve()));
    // 'close' waits for the tracked client.
    ws.close();
    await wssClosed;
    assert.equal(wss.clients?.size, 0);
  });

  test('{ noServer }: handleUpgrade routes by path; address() throws', async (t) => {
    const chat = new WebSocketServer({ noServer: true });
    const news = new WebSocketServer({ noServer: true, clientTracking: false });
    assert.throws(() => chat.address(), /noServer/);
    assert.equal(news.clients, undefined);
    const server = http.createServer();
    server.on('upgrade', (req, socket, head) => {
      const target = req.url === '/chat' ? chat : req.url === '/news' ? news : null;
      if (!target) {
        socket.destroy();
        return;
      }
      target.handleUpgrade(req, socket, head, (ws) => {
        ws.send(`welcome to ${req.url}`);
        target.emit('connection', ws, req);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    for (const path of ['/chat', '/news']) {
      const ws = new PeerWebSocket(`ws://127.0.0.1:${port}${path}`);
      const [data] = (await once(ws, 'message')) as [Buffer];
      assert.equal(data.toString(), `welcome to ${path}`);
      ws.close();
      await once(ws, 'close');
    }
    await new Promise<void>((resolve) => chat.close(() => resolve()));
    await new Promise<void>((resolve) => news.close(() => resolve()));
  });

  test('exactly one of port, server, noServer', () => {
    assert.throws(() => new WebSocketServer({}), TypeError);
    assert.throws(() => new WebSocketServer({ port: 0, noServer: true }), TypeError);
  });

  test('close(): the { port } server stops listening; closing twice reports it', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const port = (wss.address() as { port: number }).port;
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
    const err = await new Promise<Error | undefined>((resolve) => wss.close(resolve));
    assert.match(String(err), /not running/);
  });

  test('binaryType on the server side', async (t) => {
    const { wss, url } = await ourServer(t);
    const got: RawData[] = [];
    wss.on('connection', (ws) => {
      ws.binaryType = 'arraybuffer';
      ws.on('message', (data) => got.push(data));
    });
    const ws = await peer(url);
    ws.send(Buffer.from([9, 8, 7]));
    await delay(50);
    assert.ok(got[0] instanceof ArrayBuffer);
    assert.deepEqual(Buffer.from(got[0] as ArrayBuffer), Buffer.from([9, 8, 7]));
    ws.close();
  });
});
