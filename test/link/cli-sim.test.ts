/**
 * The simulated side of the CLI, in process: `wirestack sim`'s scenario
 * (deterministic, tshark-clean capture) and `wirestack demo --transport sim`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDemo } from '../../src/cli/demo.js';
import { parseSimArgs, runSimScenario } from '../../src/cli/sim.js';
import { requirePeer } from '../helpers/peers.js';

test('wirestack sim: faults from flags, same seed same capture, tshark-clean', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-sim-'));
  try {
    const options = parseSimArgs([
      '--seed',
      '9',
      '--loss',
      '15%',
      '--delay',
      '3',
      '--reorder',
      '0.1',
    ]);
    assert.equal(options.conditions.loss, 0.15);
    const lines: string[] = [];
    const first = await runSimScenario({ ...options, pcap: join(dir, 'a.pcap') }, (l) =>
      lines.push(l),
    );
    const second = await runSimScenario({ ...options, pcap: join(dir, 'b.pcap') }, () => {});
    assert.ok(first.udpExchanged, lines.join('\n'));
    assert.ok(first.pingsReceived > 0);
    assert.deepEqual(readFileSync(join(dir, 'a.pcap')), readFileSync(join(dir, 'b.pcap')));
    assert.deepEqual(first, second);
    assert.ok(lines.some((l) => l.includes("alpha: got 'exit' from 10.0.0.2:8000")));
    const tshark = requirePeer(t, 'tshark');
    if (!tshark) return;
    const bad = execFileSync(
      tshark,
      [
        '-r',
        join(dir, 'a.pcap'),
        '-o',
        'ip.check_checksum:TRUE',
        '-o',
        'udp.check_checksum:TRUE',
        '-Y',
        '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    assert.equal(bad.trim(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wirestack demo --transport sim: the UDP examples between alpha and beta, captured', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-demo-'));
  try {
    const lines: string[] = [];
    const pcap = join(dir, 'demo.pcap');
    await runDemo({ timeoutMs: 10_000, transport: 'sim', pcap, print: (l) => lines.push(l) });
    const text = lines.join('\n');
    for (const expected of [
      '服务器监听 0.0.0.0:8000',
      '服务器收到：Hello World 来自 10.0.0.1:8001',
      '客户端接收来自10.0.0.2:8000',
      '客户端关闭',
      '服务器监听 0.0.0.0:41234',
    ]) {
      assert.ok(text.includes(expected), `${expected} in\n${text}`);
    }
    assert.match(text, /服务器收到：Some bytes 来自 10\.0\.0\.1:\d+/);
    assert.match(text, /服务器收到：Some bytes 来自 127\.0\.0\.1:\d+/);
    assert.ok(readFileSync(pcap).length > 24 + 5 * 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
