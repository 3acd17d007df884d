/**
 * Header rules (validation, folding of received duplicates) and the
 * constant tables, compared with Node's own http module.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import { describe, test } from 'node:test';
import type { Agent as AgentImpl } from '../../src/http/agent.js';
import { buildHeaders, buildHeadersDistinct } from '../../src/http/headers.js';
import * as http from '../../src/http/index.js';

describe('constants', () => {
  test('STATUS_CODES and METHODS match node:http', () => {
    assert.deepEqual({ ...http.STATUS_CODES }, { ...nodeHttp.STATUS_CODES });
    assert.deepEqual(http.METHODS, nodeHttp.METHODS);
    assert.equal(http.maxHeaderSize, nodeHttp.maxHeaderSize);
  });

  test('public surface has the names of require("http")', () => {
    for (const name of [
      'createServer',
      'Server',
      'request',
      'get',
      'Agent',
      'globalAgent',
      'ClientRequest',
      'IncomingMessage',
      'OutgoingMessage',
      'ServerResponse',
      'STATUS_CODES',
      'METHODS',
      'maxHeaderSize',
      'validateHeaderName',
      'validateHeaderValue',
      'setMaxIdleHTTPParsers',
    ]) {
      assert.ok(name in http, name);
    }
    assert.equal((http.globalAgent as unknown as AgentImpl).keepAlive, true);
  });
});

describe('validateHeaderName / validateHeaderValue', () => {
  test('same errors as node:http', () => {
    for (const name of ['Content-Type', 'x', "!#$%&'*+-.^_`|~09azAZ"]) {
      assert.doesNotThrow(() => http.validateHeaderName(name));
    }
    for (const name of ['', 'a b', 'a:b', 'é', 'a\r\n']) {
      let ours: unknown;
      let theirs: unknown;
      try {
        http.validateHeaderName(name);
      } catch (err) {
        ours = err;
      }
      try {
        nodeHttp.validateHeaderName(name);
      } catch (err) {
        theirs = err;
      }
      assert.ok(ours instanceof TypeError);
      assert.equal((ours as Error).message, (theirs as Error).message);
      assert.equal((ours as unknown as { code: string }).code, 'ERR_INVALID_HTTP_TOKEN');
    }
    for (const [value, code] of [
      [undefined, 'ERR_HTTP_INVALID_HEADER_VALUE'],
      ['a\r\nb', 'ERR_INVALID_CHAR'],
      ['a\nb', 'ERR_INVALID_CHAR'],
      ['\0', 'ERR_INVALID_CHAR'],
    ] as const) {
      let ours: unknown;
      let theirs: unknown;
      try {
        http.validateHeaderValue('X-Name', value);
      } catch (err) {
        ours = err;
      }
      try {
        nodeHttp.validateHeaderValue('X-Name', value as string);
      } catch (err) {
        theirs = err;
      }
      assert.equal((ours as { code: string }).code, code);
      assert.equal((ours as Error).message, (theirs as Error).message);
    }
    assert.doesNotThrow(() => http.validateHeaderValue('X', 'tab\tand latin1 \xe9'));
  });
});

describe('received header folding (req.headers)', () => {
  const raw = [
    'Host',
    'a',
    'host',
    'b',
    'Set-Cookie',
    '1',
    'set-cookie',
    '2',
    'Cookie',
    'c=1',
    'COOKIE',
    'd=2',
    'Accept',
    'x',
    'accept',
    'y',
    'Content-Length',
    '5',
    'content-length',
    '6',
  ];

  test('Node defaults: keep-first list, set-cookie array, cookie with "; ", others ", "', () => {
    assert.deepEqual(buildHeaders(raw, false), {
      host: 'a',
      'set-cookie': ['1', '2'],
      cookie: 'c=1; d=2',
      accept: 'x, y',
      'content-length': '5',
    });
  });

  test('joinDuplicateHeaders joins the keep-first fields too', () => {
    assert.deepEqual(buildHeaders(raw, true), {
      host: 'a, b',
      'set-cookie': ['1', '2'],
      cookie: 'c=1; d=2',
      accept: 'x, y',
      'content-length': '5, 6',
    });
  });

  test('headersDistinct keeps every value', () => {
    assert.deepEqual(buildHeadersDistinct(['A', '1', 'a', '2', 'B', '3']), {
      a: ['1', '2'],
      b: ['3'],
    });
  });
});

describe('setMaxIdleHTTPParsers', () => {
  test('validates like Node', () => {
    assert.doesNotThrow(() => http.setMaxIdleHTTPParsers(10));
    assert.throws(() => http.setMaxIdleHTTPParsers(0), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => http.setMaxIdleHTTPParsers('1' as unknown as number), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});

describe('head and body encodings on the wire', () => {
  /** The bytes a server answering with `body` sends (hex), with a `café` header. */
  async function wire(impl: typeof nodeHttp, body: string | Buffer): Promise<string> {
    const { listen, close, rawExchange } = await import('./helpers.js');
    const server = impl.createServer((_req, res) => {
      res.setHeader('X-Name', 'caf\u00e9');
      res.setHeader('Date', 'fixed');
      res.end(body);
    });
    const port = await listen(server);
    try {
      const raw = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      return Buffer.from(raw, 'latin1').toString('hex');
    } finally {
      await close(server as unknown as Parameters<typeof close>[0]);
    }
  }
  const latin1Cafe = Buffer.from('caf\u00e9', 'latin1').toString('hex');
  const utf8Cafe = Buffer.from('caf\u00e9', 'utf8').toString('hex');

  test('with a Buffer body, a latin1 header byte goes out as node:http sends it', async () => {
    const body = Buffer.from('\u00fc\u20ac', 'utf8');
    const theirs = await wire(nodeHttp, body);
    assert.equal(await wire(http as unknown as typeof nodeHttp, body), theirs);
    assert.ok(theirs.includes(latin1Cafe));
  });

  test('with a string body, the head stays latin1 (node:http re-encodes it as UTF-8)', async () => {
    const body = '\u00fc\u20ac';
    const theirs = await wire(nodeHttp, body);
    const ours = await wire(http as unknown as typeof nodeHttp, body);
    assert.ok(theirs.includes(utf8Cafe), "node:http's documented quirk");
    assert.ok(ours.includes(latin1Cafe));
    // Apart from that one header byte, the responses are the same; the body is UTF-8.
    assert.equal(ours, theirs.replace(utf8Cafe, latin1Cafe));
    assert.ok(ours.endsWith(Buffer.from(body, 'utf8').toString('hex')));
  });
});
