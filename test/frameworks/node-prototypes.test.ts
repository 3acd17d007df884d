/**
 * What Express does to every request and response — move it onto a
 * prototype built from node:http's (`Object.setPrototypeOf(req,
 * Object.create(http.IncomingMessage.prototype))`) — done here by hand, on
 * wirestack's server and on Node's, with one handler that then uses the
 * message API broadly through Node's prototypes: header reads (including
 * the trailers of a chunked body), the body stream, the writable state
 * getters, header writes and removal, `writeHead` with fields (by its old
 * name, `writeHeader`), a chunked body. What the handler saw and what the
 * client received must be the same on both servers.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import { test } from 'node:test';
import * as http from '../../src/http/index.js';
import { close, listen, rawExchange } from '../http/helpers.js';

const requestPrototype = Object.create(nodeHttp.IncomingMessage.prototype) as object;
const responsePrototype = Object.create(nodeHttp.ServerResponse.prototype) as object;

type Observed = Record<string, unknown>;

/** The handler: moves both messages, then records what the API says at each step. */
function handler(observed: Observed[]) {
  return (req: nodeHttp.IncomingMessage, res: nodeHttp.ServerResponse): void => {
    Object.setPrototypeOf(req, requestPrototype);
    Object.setPrototypeOf(res, responsePrototype);
    const seen: Observed = {
      headers: { ...req.headers },
      distinct: { ...req.headersDistinct },
      connection: req.connection === req.socket,
      headersSentBefore: res.headersSent,
      endedBefore: res.writableEnded,
    };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.body = Buffer.concat(chunks).toString();
      seen.trailers = { ...req.trailers };
      seen.complete = req.complete;
      res.setHeader('X-One', '1');
      res.setHeader('X-Two', ['a', 'b']);
      res.appendHeader('X-Two', 'c');
      res.setHeader('X-Gone', 'soon');
      res.removeHeader('X-Gone');
      seen.hasGone = res.hasHeader('x-gone');
      seen.names = res.getHeaderNames();
      seen.two = res.getHeader('x-two');
      // writeHead's old name (Node's types leave it out).
      const legacy = res as unknown as { writeHeader: typeof res.writeHead };
      legacy.writeHeader(202, 'Taken', { 'Content-Type': 'text/plain' });
      seen.headersSentAfter = res.headersSent;
      res.write('first ');
      res.end('last', () => {
        seen.endedAfter = res.writableEnded;
        seen.finishedAfter = res.writableFinished;
        observed.push(seen);
      });
    });
  };
}

const REQUEST =
  'POST /moved?x=1 HTTP/1.1\r\nHost: example\r\nX-Multi: a\r\nX-Multi: b\r\n' +
  'Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n' +
  '5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n';

/** The response as received, the Date field taken out (it differs between the runs). */
async function exchange(server: nodeHttp.Server | http.Server): Promise<string> {
  const port = await listen(server);
  try {
    const raw = await rawExchange(port, REQUEST);
    return raw.replace(/\r\nDate: [^\r]*/, '');
  } finally {
    await close(server);
  }
}

test("messages moved onto node:http's prototypes behave on wirestack as on Node", async () => {
  const ours: Observed[] = [];
  const theirs: Observed[] = [];
  // Node's first: no wirestack server exists yet, so its prototypes are still untouched.
  const theirsRaw = await exchange(nodeHttp.createServer(handler(theirs)));
  const oursRaw = await exchange(
    http.createServer(handler(ours) as unknown as http.RequestListener),
  );
  assert.equal(theirs.length, 1, "Node's server did not run the handler to its end");
  assert.equal(ours.length, 1, "wirestack's server did not run the handler to its end");
  assert.deepEqual(ours[0], theirs[0]);
  assert.equal(oursRaw, theirsRaw);
  // And what they agree on is what the handler meant.
  assert.match(oursRaw, /^HTTP\/1\.1 202 Taken\r\n/);
  assert.match(oursRaw, /\r\nX-Two: a\r\nX-Two: b\r\nX-Two: c\r\n/);
  assert.deepEqual(ours[0]!.trailers, { 'x-sum': '11' });
  assert.equal(ours[0]!.body, 'hello world');
});
