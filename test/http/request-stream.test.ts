/**
 * A server request's body stream is built only when first used (most
 * handlers never read a GET). Whatever the handler does with it, and
 * whenever, the request must behave as node:http's does: every scenario
 * here runs against both servers and must give the same record.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
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

describe('a request stream built on first use behaves as node:http', () => {
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
