/**
 * What a client sees of the parser's strictness, on wirestack's server and
 * on node:http's, side by side on the same bytes: a request whose framing
 * is invalid never reaches 'request' / 'upgrade' / 'connect'; a bad byte
 * gets its 400 at once, on a connection the client keeps open; and
 * 'clientError' gets Node's `code`, `reason`, `message`, `bytesParsed` and
 * `rawPacket`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import { describe, test } from 'node:test';
import * as http from '../../src/http/index.js';
import { close, listen } from './helpers.js';

type Lib = { createServer: typeof nodeHttp.createServer };
const LIBS: [string, Lib][] = [
  ['wirestack', http as unknown as Lib],
  ['node:http', nodeHttp],
];

interface Seen {
  /** 'request GET /', 'upgrade GET /', 'connect ...', in order. */
  dispatched: string[];
  errors: {
    code: string;
    reason?: string;
    message: string;
    bytesParsed?: number;
    rawPacket?: string;
  }[];
  /** What the client received. */
  received: string;
  /** The client was still sending (had not ended) when the server closed. */
  answeredOpen: boolean;
}

interface Exchange {
  /** Pieces written one after another (a few ms apart). */
  pieces: (string | Buffer)[];
  /** Then end (FIN) or reset (RST) the connection; by default keep it open. */
  finally?: 'end' | 'reset';
  /** Answer requests without reading their body. */
  answer?: boolean;
}

/**
 * Runs `exchange` against a fresh server of `lib` whose 'clientError'
 * listener records the error and answers 400, as an application would.
 */
async function observe(lib: Lib, exchange: Exchange): Promise<Seen> {
  const seen: Seen = { dispatched: [], errors: [], received: '', answeredOpen: false };
  const server = lib.createServer((req, res) => {
    seen.dispatched.push(`request ${req.method} ${req.url}`);
    if (exchange.answer) res.end('ok');
  });
  server.on('upgrade', (req: nodeHttp.IncomingMessage, socket: nodeNet.Socket) => {
    seen.dispatched.push(`upgrade ${req.method} ${req.url}`);
    socket.destroy();
  });
  server.on('connect', (req: nodeHttp.IncomingMessage, socket: nodeNet.Socket) => {
    seen.dispatched.push(`connect ${req.method} ${req.url}`);
    socket.destroy();
  });
  server.on('clientError', (err: Error & Record<string, unknown>, socket: nodeNet.Socket) => {
    const raw = err.rawPacket as Buffer | undefined;
    seen.errors.push({
      code: err.code as string,
      ...(err.reason === undefined ? {} : { reason: err.reason as string }),
      message: err.message,
      ...(err.bytesParsed === undefined ? {} : { bytesParsed: err.bytesParsed as number }),
      ...(raw === undefined ? {} : { rawPacket: raw.toString('latin1') }),
    });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const port = await listen(server);
  try {
    await new Promise<void>((resolve) => {
      const socket = nodeNet.connect(port, '127.0.0.1');
      let ended = false;
      const guard = setTimeout(() => socket.destroy(), 5000);
      socket.on('data', (d: Buffer) => {
        seen.received += d.toString('latin1');
      });
      socket.on('error', () => {});
      socket.on('end', () => {
        seen.answeredOpen = !ended;
      });
      socket.on('close', () => {
        clearTimeout(guard);
        resolve();
      });
      socket.on('connect', async () => {
        for (const piece of exchange.pieces) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, 15));
        }
        if (exchange.finally === 'end') {
          ended = true;
          socket.end();
        } else if (exchange.finally === 'reset') {
          await new Promise((r) => setTimeout(r, 30));
          ended = true;
          socket.resetAndDestroy();
        } else {
          // Kept open: the server must answer (or not) by itself.
          setTimeout(() => socket.destroy(), 2000);
        }
      });
    });
    // Let a 'clientError' that follows the close arrive.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    await close(server);
  }
  return seen;
}

/** Both servers, on the same exchange: [wirestack, node:http]. */
async function both(exchange: Exchange): Promise<[Seen, Seen]> {
  const [ours, node] = await Promise.all(LIBS.map(([, lib]) => observe(lib, exchange)));
  return [ours!, node!];
}

const HOST = 'Host: a\r\n';

describe('server: framing errors are found before the request is dispatched', () => {
  for (const [name, head] of [
    [
      'gzip, chunked, gzip',
      `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip, chunked, gzip\r\n\r\n`,
    ],
    [
      'chunked, identity',
      `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    ],
    [
      'chunked twice',
      `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`,
    ],
    [
      'Content-Length then Transfer-Encoding',
      `POST / HTTP/1.1\r\n${HOST}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n`,
    ],
    [
      'Transfer-Encoding then Content-Length',
      `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n`,
    ],
    [
      'two Content-Lengths',
      `POST / HTTP/1.1\r\n${HOST}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`,
    ],
    ['a Content-Length list', `POST / HTTP/1.1\r\n${HOST}Content-Length: 3, 3\r\n\r\nabc`],
    [
      'an upgrade with chunked, identity',
      `GET / HTTP/1.1\r\n${HOST}Connection: upgrade\r\nUpgrade: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n`,
    ],
    [
      'a CONNECT with two Content-Lengths',
      `CONNECT a:443 HTTP/1.1\r\n${HOST}Content-Length: 1\r\nContent-Length: 2\r\n\r\n`,
    ],
  ]) {
    test(`${name}: no 'request', Node's clientError, 400 (as node:http)`, async () => {
      const [ours, node] = await both({ pieces: [head!] });
      assert.deepEqual(ours.dispatched, []);
      assert.equal(ours.errors.length, 1);
      assert.deepEqual(ours, node);
    });
  }

  test('a final coding other than chunked: rejected before dispatch too (node:http dispatches it, then fails)', async () => {
    for (const head of [
      `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip\r\n\r\nabc`,
      `GET / HTTP/1.1\r\n${HOST}Connection: upgrade\r\nUpgrade: x\r\nTransfer-Encoding: gzip\r\n\r\n`,
    ]) {
      const [ours, node] = await both({ pieces: [head] });
      assert.deepEqual(ours.dispatched, [], head);
      assert.equal(node.dispatched.length, 1, head);
      assert.match(ours.received, /^HTTP\/1\.1 400 Bad Request\r\n/);
      const [error] = ours.errors;
      assert.equal(error?.code, 'HPE_INVALID_TRANSFER_ENCODING');
      // Where Node fails the request too, it fails it with the same error.
      if (node.errors.length > 0) assert.deepEqual(ours.errors, node.errors);
    }
  });

  test('without a clientError listener: a bare 400, and nothing dispatched', async () => {
    const server = http.createServer(() => assert.fail('dispatched'));
    server.on('upgrade', () => assert.fail('dispatched'));
    const port = await listen(server);
    try {
      const out = await new Promise<string>((resolve) => {
        const socket = nodeNet.connect(port, '127.0.0.1', () =>
          socket.write(`POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip, chunked, gzip\r\n\r\n`),
        );
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString('latin1');
        });
        socket.on('close', () => resolve(text));
      });
      assert.equal(out, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    } finally {
      await close(server);
    }
  });
});

describe("server: Node's error for the same bytes, at the first bad byte", () => {
  const utf8 = Buffer.concat([
    Buffer.from('GET /'),
    Buffer.from('δ¶', 'utf8'),
    Buffer.from(`/ HTTP/1.1\r\n${HOST}\r\n`),
  ]);
  const cases: [string, Exchange][] = [
    ['raw UTF-8 in the request-target', { pieces: [utf8] }],
    ['GET / HTTP/5.6 and no line end, on an open connection', { pieces: ['GET / HTTP/5.6'] }],
    [
      'a space before the first field name, on an open connection',
      { pieces: ['GET / HTTP/1.1\r\n Host: a'] },
    ],
    ['the HTTP/2 connection preface', { pieces: ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'] }],
    ['a space inside the request-target', { pieces: [`GET /a b HTTP/1.1\r\n${HOST}\r\n`] }],
    ['HTTPS/1.1', { pieces: [`GET / HTTPS/1.1\r\n${HOST}\r\n`] }],
    ['CR then no LF after the version', { pieces: ['GET / HTTP/1.1\rHost: a\r\n\r\n'] }],
    ['bare LF after the version', { pieces: [`GET / HTTP/1.1\n${HOST}\r\n`] }],
    ['CR then junk after a field value', { pieces: ['GET / HTTP/1.1\r\nFoo: 1\rBar: 2\r\n\r\n'] }],
    ['CR then junk instead of the empty line', { pieces: [`GET / HTTP/1.1\r\n${HOST}\rX`] }],
    [
      'a space before the colon',
      { pieces: [`GET / HTTP/1.1\r\n${HOST}Content-Length : 1\r\n\r\n`] },
    ],
    ['obs-fold', { pieces: [`GET / HTTP/1.1\r\n${HOST}X: a\r\n b\r\n\r\n`] }],
    ['a NUL in a value', { pieces: [`GET / HTTP/1.1\r\n${HOST}X: a\x00b\r\n\r\n`] }],
    ['an unknown method', { pieces: ['BREW /pot HTTP/1.1\r\n\r\n'] }],
    [
      'a second request with a bad version, pipelined',
      { pieces: [`GET / HTTP/1.1\r\n${HOST}\r\nGET / HTTP/1.2\r\n${HOST}\r\n`] },
    ],
    [
      'a bad chunk-size',
      { pieces: [`POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nzz\r\n`] },
    ],
    [
      'spaces around a chunk extension',
      {
        pieces: [`POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n`],
      },
    ],
    [
      'CR then junk after chunk data',
      { pieces: [`POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n1\r\na\rX`] },
    ],
    [
      'a header section split over reads',
      { pieces: ['GET / HTTP/1.1\r\nX-A: 1', '\r\nX-', 'B\x01\r\n\r\n'] },
    ],
    [
      'data after Connection: close',
      {
        pieces: [`GET / HTTP/1.1\r\n${HOST}Connection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n`],
        answer: true,
      },
    ],
    [
      'a truncated request, then FIN',
      { pieces: [`POST / HTTP/1.1\r\n${HOST}Content-Length: 10\r\n\r\nabc`], finally: 'end' },
    ],
    ['a truncated head, then FIN', { pieces: [`GET / HTTP/1.1\r\n${HOST}`], finally: 'end' }],
  ];
  for (const [name, exchange] of cases) {
    test(`${name}: as node:http`, async () => {
      const [ours, node] = await both(exchange);
      assert.equal(ours.errors.length, 1, JSON.stringify(ours));
      assert.deepEqual(ours, node);
    });
  }

  test('errors within a line are answered at once, while the client keeps the connection open', async () => {
    for (const piece of [
      'GET / HTTP/5.6',
      'GET / HTTP/1.1\r\n Host: a',
      'GET /\xff',
      `GET / HTTP/1.1\r\n${HOST}X: a\x01`,
    ]) {
      const [ours] = await both({ pieces: [piece] });
      assert.ok(ours.answeredOpen, `no answer to ${JSON.stringify(piece)} until the client closed`);
      assert.match(ours.received, /^HTTP\/1\.1 400 Bad Request\r\n/);
    }
  });

  test('a POST answered without reading its body, then a reset: ECONNRESET, as node:http', async () => {
    const exchange: Exchange = {
      pieces: [`POST / HTTP/1.1\r\n${HOST}Content-Length: 100000\r\n\r\n${'a'.repeat(3000)}`],
      answer: true,
      finally: 'reset',
    };
    const [ours, node] = await both(exchange);
    assert.deepEqual(ours.dispatched, ['request POST /']);
    assert.equal(ours.errors[0]?.code, 'ECONNRESET');
    assert.deepEqual(ours, node);
  });

  test('the same when the reset is there before the request is read (an end of input first)', async () => {
    // The server is busy as the request and the reset arrive: it reads the
    // request, answers it, and the reset shows as an end of input; the
    // answer's write then fails. node:http reports ECONNRESET, not a
    // truncated message (HPE_INVALID_EOF_STATE).
    for (const [name, lib] of LIBS) {
      const codes: string[] = [];
      const server = lib.createServer((_req, res) => res.end('ok'));
      server.on('connection', () => {
        const until = Date.now() + 150;
        while (Date.now() < until);
      });
      server.on('clientError', (err: Error & { code: string }, socket: nodeNet.Socket) => {
        codes.push(err.code);
        socket.destroy();
      });
      const port = await listen(server);
      try {
        const client = `
          const s = require('node:net').connect(${port}, '127.0.0.1');
          s.on('error', () => {});
          s.on('connect', () => s.write(
            'POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 100000\\r\\n\\r\\n' + 'a'.repeat(3000),
            () => setTimeout(() => { s.resetAndDestroy(); setTimeout(() => process.exit(0), 50); }, 20),
          ));`;
        await new Promise((resolve) => execFile(process.execPath, ['-e', client], resolve));
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await close(server);
      }
      assert.deepEqual(codes, ['ECONNRESET'], name);
    }
  });
});
