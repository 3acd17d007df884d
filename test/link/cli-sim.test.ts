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
      '--bytes',
      '256K',
      '--requests',
      '3',
    ]);
    assert.equal(options.bytes, 256 * 1024);
    assert.equal(options.conditions.loss, 0.15);
    const lines: string[] = [];
    const first = await runSimScenario({ ...options, pcap: join(dir, 'a.pcap') }, (l) =>
      lines.push(l),
    );
    const second = await runSimScenario({ ...options, pcap: join(dir, 'b.pcap') }, () => {});
    assert.ok(first.udpExchanged, lines.join('\n'));
    assert.ok(first.tcpTransferred, lines.join('\n'));
    assert.ok(first.httpAnswered, lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('received 262144 bytes, sha256 matches')));
    assert.ok(lines.some((l) => /segments retransmitted, smoothed RTT [\d.]+ ms/.test(l)));
    assert.ok(lines.some((l) => l.includes('3 of 3 requests answered')));
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
        '-o',
        'tcp.check_checksum:TRUE',
        '-Y',
        '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    assert.equal(bad.trim(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wirestack demo --transport sim: every example between alpha and beta, captured', async (t) => {
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
      // TCP (net), HTTP, HTTPS and WebSocket on the simulated hosts' own TCP.
      '你已向对方发起好友请求！',
      '你已被列入黑名单！',
      '连接断开',
      '响应内容：你好，世界！',
      '服务器证书：CN=beta，验证通过：true',
      '响应内容：你好，加密的世界！',
      '客户端收到：echo: 你好，WebSocket！',
      '=== [7/7]',
    ]) {
      assert.ok(text.includes(expected), `${expected} in\n${text}`);
    }
    assert.match(text, /服务器收到：Some bytes 来自 10\.0\.0\.1:\d+/);
    assert.match(text, /服务器收到：Some bytes 来自 127\.0\.0\.1:\d+/);
    assert.ok(readFileSync(pcap).length > 24 + 5 * 16);
    const tshark = requirePeer(t, 'tshark');
    if (!tshark) return;
    const tcp = execFileSync(tshark, ['-r', pcap, '-o', 'tcp.check_checksum:TRUE', '-Y', 'tcp'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    assert.ok(tcp.split('\n').length > 20, 'TCP segments in the capture');
    const bad = execFileSync(
      tshark,
      [
        '-r',
        pcap,
        '-o',
        'tcp.check_checksum:TRUE',
        '-Y',
        '_ws.malformed || tcp.checksum.status == 0',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    assert.equal(bad.trim(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
