/**
 * `wirestack/register` and `wirestack run`, as a user runs them: child
 * processes of the built package (`npm run build` first; `npm test` does it).
 * Every way of loading net / http / https / dgram must give wirestack's
 * module, and `wirestack run` must put an unmodified program on the
 * userspace stack, capture its packets and hand back its exit code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TCP_SYN } from '../../src/wire/tcp.js';
import { readCapture } from '../stack/tcp-wire.js';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const REGISTER = join(DIST, 'register.js');
const MAIN = join(DIST, 'cli', 'main.js');
const FIXTURES = join(__dirname, 'fixtures');

function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  assert.ok(existsSync(REGISTER), `${REGISTER} is missing: run 'npm run build' first`);
  const result = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, WIRESTACK_DIST: DIST, WIRESTACK_TRANSPORT: '', ...env },
  });
  return result;
}

function report(args: string[]): Record<string, boolean> {
  const result = node(args);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim()) as Record<string, boolean>;
}

describe('wirestack/register', () => {
  for (const flag of ['--require', '--import']) {
    test(`${flag}: CommonJS require and import, node: or not, in a worker too`, () => {
      const seen = report([flag, REGISTER, join(FIXTURES, 'which-modules.cjs')]);
      assert.ok(Object.keys(seen).length >= 7);
      for (const [how, ours] of Object.entries(seen)) assert.ok(ours, `${how} gave Node's module`);
    });

    test(`${flag}: an ES module's default, named and namespace imports`, () => {
      const seen = report([flag, REGISTER, join(FIXTURES, 'which-modules.mjs')]);
      for (const [how, ours] of Object.entries(seen)) assert.ok(ours, `${how} gave Node's module`);
    });
  }

  test('without it, the same program gets Node’s modules (the check can fail)', () => {
    const seen = report([join(FIXTURES, 'which-modules.cjs')]);
    for (const [how, ours] of Object.entries(seen)) assert.equal(ours, false, how);
  });
});

describe('wirestack run', () => {
  test('an unmodified http program on the userspace stack, captured, with its exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-run-'));
    try {
      const pcap = join(dir, 'run.pcap');
      const result = node([MAIN, 'run', '--pcap', pcap, join(FIXTURES, 'http-roundtrip.cjs')]);
      assert.equal(result.status, 3, result.stderr);
      assert.equal(result.stdout.trim(), 'hello GET /x');
      // The program's packets went through wirestack's stack: the capture holds its TCP.
      const frames = readCapture(readFileSync(pcap));
      assert.ok(frames.every((f) => f.checksumOk));
      assert.ok(frames.some((f) => (f.seg.flags & TCP_SYN) !== 0));
      assert.ok(frames.some((f) => Buffer.from(f.seg.payload).includes('GET /x HTTP/1.1')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--transport host runs the same program on the host’s sockets', () => {
    const result = node([MAIN, 'run', '--transport', 'host', join(FIXTURES, 'http-roundtrip.cjs')]);
    assert.equal(result.status, 3, result.stderr);
    assert.equal(result.stdout.trim(), 'hello GET /x');
  });

  test('usage errors exit 2 with a message', () => {
    const none = node([MAIN, 'run']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /which program/);
    const bad = node([MAIN, 'run', '--transport', 'carrier-pigeon', 'x.js']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--transport must be 'host' or 'userspace'/);
  });
});
