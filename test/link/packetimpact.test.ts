/**
 * Differential tests against the Linux kernel, in the manner of gVisor's
 * packetimpact: one driver sends crafted segments to a device under test
 * and records what comes back, once with the kernel's TCP (in a network
 * namespace of its own, behind a TUN device that socat relays) and once
 * with wirestack's stack; every scenario's observations must be the same,
 * except the differences written down in docs/tcp.md (none today).
 * Needs root, `ip` and `socat`; elsewhere it skips, in CI it must run.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { inCI, requirePeer } from '../helpers/peers.js';
import { SCENARIOS } from './packetimpact/scenarios.js';

const RUNNER = join(__dirname, 'packetimpact', 'runner.ts');

/** Deliberate differences: scenario → why (each also in docs/tcp.md). None today. */
const DELIBERATE: Record<string, string> = {};

function run(prefix: string[], kind: 'kernel' | 'wirestack'): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = [...prefix, process.execPath, '--import', 'tsx', RUNNER, kind];
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${kind} runner exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as Record<string, unknown>);
    });
  });
}

test('wirestack answers crafted segments as the Linux kernel does', async (t) => {
  if (process.getuid?.() !== 0) {
    if (inCI()) throw new Error('the differential tests need root in CI');
    t.skip('needs root (network namespaces and a TUN device)');
    return;
  }
  const ip = requirePeer(t, 'ip');
  if (!ip) return;
  if (!requirePeer(t, 'socat')) return;
  const ns = `wspi${process.pid}`;
  spawnSync(ip, ['netns', 'del', ns], { stdio: 'ignore' }); // a leftover of a crashed run
  const made = spawnSync(ip, ['netns', 'add', ns], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  try {
    spawnSync(ip, ['-n', ns, 'link', 'set', 'lo', 'up']);
    const [kernel, wirestack] = await Promise.all([
      run([ip, 'netns', 'exec', ns], 'kernel'),
      run([], 'wirestack'),
    ]);
    const names = Object.keys(SCENARIOS);
    assert.ok(names.length >= 25, `${names.length} scenarios`);
    const differences: string[] = [];
    for (const name of names) {
      const k = JSON.stringify(kernel[name]);
      const w = JSON.stringify(wirestack[name]);
      assert.ok(!k.includes('"failed"'), `kernel: ${name}: ${k}`);
      if (k !== w && !(name in DELIBERATE))
        differences.push(`${name}\n    kernel:    ${k}\n    wirestack: ${w}`);
    }
    assert.deepEqual(differences, [], differences.join('\n'));
  } finally {
    spawnSync(ip, ['netns', 'del', ns], { stdio: 'ignore' });
  }
});
