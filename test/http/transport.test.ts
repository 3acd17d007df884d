import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { hostTransport } from '../../src/handle/index.js';
import type { Transport } from '../../src/handle/types.js';
import * as http from '../../src/http/index.js';

// http runs on whatever transport its server is given (the userspace stack's,
// for one): the listening socket comes from that transport.
test('http.createServer({ transport }) listens through that transport', async () => {
  const used: string[] = [];
  const transport: Transport = {
    ...hostTransport,
    name: 'recording',
    listen(options, cb) {
      used.push('listen');
      return hostTransport.listen(options, cb);
    },
  };
  const server = http.createServer({ transport }, (_req, res) => res.end('via transport'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  assert.deepEqual(used, ['listen']);
  const { port } = server.address() as { port: number };
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  assert.equal(body, 'via transport');
  server.close();
});
