import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

// Runtimes without Node's libuv bindings get host datagrams through
// node:dgram (WIRESTACK_HOST_STREAMS=node selects it here); the same dgram
// tests must pass there.
it('dgram passes its tests on the node:dgram fallback for host datagrams', () => {
  const here = __dirname;
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.test.ts') && f !== 'fallback.test.ts')
    .map((f) => join(here, f));
  // Run as a standalone test process, not as a child of this runner.
  const env: NodeJS.ProcessEnv = { ...process.env, WIRESTACK_HOST_STREAMS: 'node' };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=tap', ...files],
    { env, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(result.status, 0, result.stdout.slice(-3000));
  assert.match(result.stdout, /# fail 0/);
});

it('the fallback is what the host transport picks under WIRESTACK_HOST_STREAMS=node', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, WIRESTACK_HOST_STREAMS: 'node' };
  delete env.NODE_TEST_CONTEXT;
  const script = `
    const { hostTransport } = require(${JSON.stringify(join(__dirname, '../../src/handle/host.ts'))});
    const h = hostTransport.createDatagram('udp4');
    h.bind({ address: '127.0.0.1', port: 0 }, () => {
      console.log(h.constructor.name, h.fd);
      h.close();
    });
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'HostDatagram -1');
});
