import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';

// Runtimes without Node's libuv bindings get host streams through node:net;
// the same net tests must pass there.
it('net passes its tests on the node:net fallback for host streams', () => {
  const here = __dirname;
  // Run as a standalone test process, not as a child of this runner.
  const env: NodeJS.ProcessEnv = { ...process.env, WIRESTACK_HOST_STREAMS: 'node' };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=tap',
      join(here, 'socket.test.ts'),
      join(here, 'server.test.ts'),
    ],
    { env, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(result.status, 0, result.stdout.slice(-3000));
  assert.match(result.stdout, /# fail 0/);
});
