/**
 * A kept-alive connection, idle between requests, holds nothing of the
 * request it last carried: neither the client's pooled socket (its
 * ClientRequest) nor the server's connection (IncomingMessage and
 * ServerResponse). Checked with WeakRefs after full garbage collections.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as http from '../../src/http/index.js';
import { close, listen } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether each target is gone after two full collections a turn apart. */
async function collected(refs: WeakRef<object>[]): Promise<boolean[]> {
  await new Promise((r) => setImmediate(r));
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  return refs.map((ref) => ref.deref() === undefined);
}

test('an idle kept-alive connection keeps no request alive, client side or server side', async (t) => {
  const refs: WeakRef<object>[] = [];
  const server = http.createServer((req, res) => {
    refs.push(new WeakRef(req), new WeakRef(res));
    res.end('ok');
  });
  const port = await listen(server);
  t.after(() => close(server));
  const agent = new http.Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, agent }, (res) => {
      refs.push(new WeakRef(req), new WeakRef(res));
      res.resume();
      res.on('end', () => setImmediate(resolve));
    });
    req.on('error', reject);
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(Object.keys(agent.freeSockets).length, 1, 'the socket waits in the pool');
  // [server req, server res, client req, client res]
  assert.deepEqual(await collected(refs), [true, true, true, true]);
});
