/**
 * `wirestack sim` and `wirestack demo --transport sim` as a user meets them
 * with a mistake: one line saying what is wrong, no stack trace, a non-zero
 * exit status (2 for a usage error, 1 when the run cannot start).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './run-cli.js';

/** Options that make a successful scenario short. */
const QUICK = ['--no-pcap', '--bytes', '0', '--requests', '0', '--attempts', '1'];

function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `a stack trace:\n${stderr}`);
  assert.match(stderr.split('\n')[0]!, pattern, stderr);
}

describe('wirestack sim: mistakes', () => {
  test('a capture file in a missing folder: one line, exit 1', async () => {
    const out = await runCli(['sim', '--pcap', '/no/such/dir/x.pcap']);
    assert.equal(out.code, 1, out.stderr);
    assertOneLine(
      out.stderr,
      /^wirestack sim: cannot write the capture file: ENOENT: .*'\/no\/such\/dir\/x\.pcap'$/,
    );
    assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
  });

  test('demo --transport sim with a capture file in a missing folder: one line, exit 1', async () => {
    const out = await runCli(['demo', '--transport', 'sim', '--pcap', '/no/such/dir/x.pcap']);
    assert.equal(out.code, 1, out.stderr);
    assertOneLine(out.stderr, /^wirestack demo: cannot write the capture file: ENOENT: /);
  });

  test('--count 0 is refused, as ping -c 0 is (iputils); --count 1 sends one per family', async () => {
    const zero = await runCli(['sim', ...QUICK, '--count', '0']);
    assert.equal(zero.code, 2);
    assertOneLine(zero.stderr, /^wirestack sim: --count must be at least 1, not '0'$/);
    assert.equal(zero.stdout, '');
    const one = await runCli(['sim', ...QUICK, '--count', '1']);
    assert.equal(one.code, 0, one.stderr);
    const summaries = one.stdout.match(/^ {2}1 packets transmitted, 1 received/gm) ?? [];
    assert.equal(summaries.length, 2, one.stdout);
  });

  test('a seed past 32 bits is refused, as the simulation takes 0..4294967295', async () => {
    const out = await runCli(['sim', '--no-pcap', '--seed', '4294967296']);
    assert.equal(out.code, 2);
    assertOneLine(
      out.stderr,
      /^wirestack sim: --seed must be at most 4294967295, not '4294967296'$/,
    );
  });

  test('--attempts 0 is refused', async () => {
    const out = await runCli(['sim', '--no-pcap', '--attempts', '0']);
    assert.equal(out.code, 2);
    assertOneLine(out.stderr, /^wirestack sim: --attempts must be at least 1, not '0'$/);
  });

  test('--mtu: the 1280 minimum is in --help and enforced with a clear message', async () => {
    const help = await runCli(['sim', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--mtu BYTES +link MTU, 1280 to 65535/);
    const low = await runCli(['sim', ...QUICK, '--mtu', '1279']);
    assert.equal(low.code, 2);
    assertOneLine(low.stderr, /^wirestack sim: --mtu must be from 1280 .* to 65535, not '1279'$/);
    const high = await runCli(['sim', ...QUICK, '--mtu', '65536']);
    assert.equal(high.code, 2);
    const least = await runCli(['sim', ...QUICK, '--count', '1', '--mtu', '1280']);
    assert.equal(least.code, 0, least.stderr);
    assert.match(least.stdout, /MTU 1280/);
  });
});
