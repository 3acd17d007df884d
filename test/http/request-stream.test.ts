/**
 * A server request's body stream is built only when first used (most
 * handlers never read a GET). Whatever the handler does with it, and
 * whenever, the request must behave as node:http's does: every scenario
 * here runs against both servers and must give the same record.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import * as ours from '../../src/http/index.js';
import { close, collect, listen } from './helpers.js';

type Http = typeof nodeHttp;
type Handler = (
  req: nodeHttp.IncomingMessage,
  res: nodeHttp.ServerResponse,
  log: (entry: string) => void,
) => void;

/**
 * Serves one request with `handler` on `http`, sends `method /` with `body`
 * from a node:http client, and resolves with the handler's log once the
 * response was read and the request emitted 'close' (or 300 ms passed).
 */
async function scenario(
  http: Http,
  method: string,
  body: string,
  handler: Handler,
): Promise<string[]> {
  const log: string[] = [];
  let requestClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    requestClosed = resolve;
  });
  const server = http.createServer((req, res) => {
    handler(req, res, (entry) => {
      log.push(entry);
      if (entry === 'close') requestClosed();
    });
  });
  const port = await listen(server);
  try {
    const agent = new nodeHttp.Agent({ keepAlive: false });
    const response = await new Promise<string>((resolve, reject) => {
      const req = nodeHttp.request({ port, host: '127.0.0.1', method, agent }, (res) => {
        collect(res).then((b) => resolve(b.toString()), reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    log.push(`client got ${response}`);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 300))]);
  } finally {
    await close(server as unknown as Parameters<typeof close>[0]);
  }
  return log;
}

async function sameOnBoth(method: string, body: string, handler: Handler): Promise<string[]> {
  const theirs = await scenario(nodeHttp, method, body, handler);
  const mine = await scenario(ours as unknown as Http, method, body, handler);
  assert.deepEqual(mine, theirs);
  return mine;
}

/**
 * Writes `parts` on one connection to a server running `handler`, each part
 * `gapMs` after the previous one, and resolves with everything received
 * (Date headers blanked) once the server has been quiet for 200 ms.
 */
async function rawConversation(
  http: Http,
  handler: nodeHttp.RequestListener,
  parts: string[],
  gapMs: number,
): Promise<string> {
  const server = http.createServer(handler);
  const port = await listen(server);
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = nodeNet.connect(port, '127.0.0.1');
      let received = '';
      let timer: NodeJS.Timeout | undefined;
      const quiet = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          socket.destroy();
          resolve(received.replace(/Date: [^\r]*/g, 'Date: -'));
        }, 200);
      };
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => {
        received += d;
        quiet();
      });
      socket.on('error', reject);
      socket.on('connect', async () => {
        for (const part of parts) {
          socket.write(part);
          await new Promise((r) => setTimeout(r, gapMs));
        }
        quiet();
      });
    });
  } finally {
    await close(server as unknown as Parameters<typeof close>[0]);
  }
}

describe('a request stream built on first use behaves as node:http', () => {
  test('pipelined GETs nobody reads are answered in order on one connection', async () => {
    const handler: nodeHttp.RequestListener = (req, res) => res.end(`you asked ${req.url}`);
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const parts = [get('/a') + get('/b') + get('/c')];
    const theirs = await rawConversation(nodeHttp, handler, parts, 10);
    const mine = await rawConversation(ours as unknown as Http, handler, parts, 10);
    assert.equal(mine, theirs);
    assert.equal(mine.match(/you asked/g)?.length, 3);
  });

  test('a body still arriving after the response ended is discarded; the connection goes on', async () => {
    const handler: nodeHttp.RequestListener = (req, res) =>
      res.end(`done ${req.method} ${req.url}`);
    const parts = [
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n',
      '01234',
      '56789',
      'GET /next HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    const theirs = await rawConversation(nodeHttp, handler, parts, 30);
    const mine = await rawConversation(ours as unknown as Http, handler, parts, 30);
    assert.equal(mine, theirs);
    assert.match(mine, /done GET \/next/);
  });

  test('is a Readable before anything touched it', async () => {
    const log = await sameOnBoth('GET', '', (req, res, log) => {
      log(`instanceof Readable ${req instanceof Readable}`);
      log(`readable ${req.readable} ended ${req.readableEnded} complete ${req.complete}`);
      res.end('ok');
    });
    assert.equal(log[0], 'instanceof Readable true');
  });

  test('listeners added after the response finished still see end and close', async () => {
    const log = await sameOnBoth('GET', '', (req, res, log) => {
      res.on('finish', () => {
        log('finish');
        req.on('end', () => log('end'));
        req.on('close', () => log('close'));
      });
      res.end('ok');
    });
    assert.ok(log.includes('end') && log.includes('close'), log.join());
  });

  test('a body read only after the response ended is dumped, as in Node', async () => {
    await sameOnBoth('POST', 'hello body', (req, res, log) => {
      res.end('ok', () => {
        setImmediate(() => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => log(`read after end: ${Buffer.concat(chunks).length} bytes`));
          req.on('close', () => log('close'));
        });
      });
    });
  });

  test('state inspected late reports an ended, complete request', async () => {
    await sameOnBoth('GET', '', (req, res, log) => {
      res.end('ok', () => {
        setTimeout(() => {
          log(`complete ${req.complete} ended ${req.readableEnded} destroyed ${req.destroyed}`);
          log('close');
        }, 20);
      });
    });
  });

  test('a body read asynchronously before responding arrives whole', async () => {
    const log = await sameOnBoth('POST', 'x'.repeat(5000), (req, res, log) => {
      setTimeout(() => {
        collect(req).then((b) => {
          log(`body ${b.length}`);
          res.end('ok');
          log('close');
        });
      }, 20);
    });
    assert.ok(log.includes('body 5000'));
  });
});

describe('a message read past its end behaves as a plain Readable', () => {
  /**
   * Pushes 'abc' and the end; reads 'abc' (Readable schedules 'end') and at
   * once unshifts 'again', so that the 'end' tick finds data and passes;
   * reads 'again' later by its exact size (no 'end' scheduled by that read)
   * and then past the end: this last read must schedule 'end' anew.
   * Resolves with the reads and the end.
   */
  async function readPastEnd(stream: Readable): Promise<string[]> {
    const log: string[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on('end', () => {
        log.push('end');
        resolve();
      });
    });
    stream.push(Buffer.from('abc'));
    stream.push(null);
    stream.once('readable', () => {
      log.push(`read ${stream.read()}`);
      stream.unshift(Buffer.from('again'));
      setImmediate(() => {
        log.push(`read ${stream.read(5)}`);
        log.push(`read ${stream.read()}`);
        stream.read(0);
      });
    });
    await Promise.race([ended, new Promise((r) => setTimeout(r, 500))]);
    return log;
  }

  test('ends once a chunk unshifted before the end tick is read', async () => {
    const plain = await readPastEnd(new Readable({ read() {} }));
    const message = await readPastEnd(
      new ours.IncomingMessage(null as never) as unknown as Readable,
    );
    assert.deepEqual(plain, ['read abc', 'read again', 'read null', 'end']);
    assert.deepEqual(message, plain);
  });
});
