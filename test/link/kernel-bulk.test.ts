/**
 * Bulk TCP both ways between wirestack (a program run with `wirestack run
 * --link vxlan:...`) and the kernel (socat), sha256 byte-exact: clean, over
 * IPv4 and IPv6; under loss on the kernel's side (nftables `numgen random`
 * drops on the vxlan device, each way); under wirestack's own seeded faults
 * on the link (delay, jitter, reordering, duplication, corruption, each
 * way); and tshark, capturing on the kernel's vxlan device, finds no
 * malformed packet and no bad checksum from wirestack.
 * See test/link/kernel-net.ts for the network.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import {
  KERNEL_V4,
  KERNEL_V6,
  type KernelNet,
  makeKernelNet,
  type Proc,
  requireKernelNet,
  runWirestack,
  startProc,
  WIRESTACK_V4,
  WIRESTACK_V6,
} from './kernel-net.js';

const MiB = 1 << 20;

interface Payload {
  path: string;
  length: number;
  sha: string;
}

/** A file of random bytes, and its sha256. */
function payload(dir: string, bytes: number): Payload {
  const data = randomBytes(bytes);
  const path = join(dir, `payload-${bytes}.bin`);
  writeFileSync(path, data);
  return { path, length: bytes, sha: createHash('sha256').update(data).digest('hex') };
}

/** socat on the kernel listening on `port`; resolves with what it received (length, sha256). */
function kernelSink(t: TestContext, net: KernelNet, family: 4 | 6, port: number) {
  const child = spawn(
    'ip',
    net.inNs(net.kernelNs, 'socat', ['-u', `TCP${family}-LISTEN:${port},reuseaddr`, 'STDOUT']),
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const hash = createHash('sha256');
  let length = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise<{ length: number; sha: string }>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve({ length, sha: hash.digest('hex') });
      else reject(new Error(`socat exited ${code}: ${stderr}`));
    });
  });
}

async function waitForListener(net: KernelNet, port: number): Promise<void> {
  for (let i = 0; !net.kernel('ss', ['-ltnH']).includes(`:${port} `); i++) {
    assert.ok(i < 100, `nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** wirestack → kernel: `bytes` over TCP to socat; checks length and sha256. */
async function upload(
  t: TestContext,
  net: KernelNet,
  family: 4 | 6,
  bytes: number,
  extra: string[],
  timeoutMs: number,
) {
  const port = 5001;
  const received = kernelSink(t, net, family, port);
  await waitForListener(net, port);
  const sender = runWirestack(net, extra, 'link-app.cjs', [
    'send',
    family === 4 ? KERNEL_V4 : KERNEL_V6,
    String(port),
    String(bytes),
  ]);
  t.after(() => sender.stop());
  const sent = await sender.line(/^sent (\d+) (\w+)$/, timeoutMs);
  const got = await received;
  assert.equal(got.length, bytes);
  assert.equal(got.sha, sent[2]);
  await sender.stop();
}

/** kernel → wirestack: `file` over TCP from socat to the program's sink; checks length and sha256. */
async function download(
  t: TestContext,
  net: KernelNet,
  family: 4 | 6,
  file: Payload,
  extra: string[],
  timeoutMs: number,
) {
  const server: Proc = runWirestack(net, extra, 'link-app.cjs', ['serve']);
  t.after(() => server.stop());
  await server.line(/^ready$/);
  const address = family === 4 ? WIRESTACK_V4 : `[${WIRESTACK_V6}]`;
  const socat = startProc(
    'ip',
    net.inNs(net.kernelNs, 'socat', ['-u', `FILE:${file.path}`, `TCP${family}:${address}:5002`]),
  );
  t.after(() => socat.stop());
  const sink = await server.line(/^sink (\d+) (\w+)$/, timeoutMs);
  assert.deepEqual(sink.slice(1), [String(file.length), file.sha]);
  await server.stop();
}

/** Drops `percent` % of the packets in and out of the kernel's link device (nftables, in the kernel's namespace). */
function nftLoss(net: KernelNet, percent: number): void {
  const dev = net.device;
  const rules = `flush ruleset
table inet wirestack_loss {
  chain input { type filter hook input priority 0; policy accept; iifname "${dev}" numgen random mod 100 < ${percent} counter drop; }
  chain output { type filter hook output priority 0; policy accept; oifname "${dev}" numgen random mod 100 < ${percent} counter drop; }
}
`;
  execFileSync('ip', net.inNs(net.kernelNs, 'nft', ['-f', '-']), { input: rules });
}

/** Packets dropped by the rules so far (both ways). */
function nftDropped(net: KernelNet): number {
  const out = net.kernel('nft', ['list', 'table', 'inet', 'wirestack_loss']);
  return [...out.matchAll(/packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function withNet(
  t: TestContext,
  tag: string,
  tools: string[],
): Promise<{ net: KernelNet; dir: string } | null> {
  if (!requireKernelNet(t, ['ethtool', 'socat', 'ss', ...tools])) return null;
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-link-bulk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const net = await makeKernelNet('vxlan', tag);
  t.after(() => net.close());
  return { net, dir };
}

describe('kernel link: bulk TCP over VXLAN', { concurrency: false }, () => {
  test('64 MiB each way, IPv4 and IPv6', { timeout: 60_000 }, async (t) => {
    const env = await withNet(t, 'bc', []);
    if (!env) return;
    await upload(t, env.net, 4, 64 * MiB, [], 30_000);
    await download(t, env.net, 4, payload(env.dir, 64 * MiB), [], 30_000);
    await upload(t, env.net, 6, 64 * MiB, [], 30_000);
    await download(t, env.net, 6, payload(env.dir, 64 * MiB), [], 30_000);
  });

  // Smaller transfers at 5 % and 10 %: wirestack's TCP has no RACK-TLP yet (docs/tcp.md),
  // so a lost retransmission or a lost tail costs a 200 ms RTO, and at these rates that is
  // most of the time on a 1 ms path (64 MiB at 5 % takes minutes here, not seconds).
  for (const [percent, bytes] of [
    [1, 64 * MiB],
    [5, 8 * MiB],
    [10, 2 * MiB],
  ] as const) {
    test(`${bytes / MiB} MiB each way under ${percent} % loss each way on the kernel's side`, {
      timeout: 120_000,
    }, async (t) => {
      const env = await withNet(t, `l${percent}`, ['nft']);
      if (!env) return;
      nftLoss(env.net, percent);
      const started = Date.now();
      await upload(t, env.net, 4, bytes, [], 100_000);
      const up = Date.now() - started;
      await download(t, env.net, 4, payload(env.dir, bytes), [], 100_000);
      t.diagnostic(
        `up ${up} ms, down ${Date.now() - started - up} ms, ${nftDropped(env.net)} packets dropped`,
      );
      assert.ok(nftDropped(env.net) > 0);
    });
  }

  test("under wirestack's own faults: delay 20 ms ± 5 ms, reorder 25 %, duplicate 1 %, corrupt 0.1 %", {
    timeout: 120_000,
  }, async (t) => {
    const env = await withNet(t, 'wf', []);
    if (!env) return;
    const faults = [
      '--delay',
      '20',
      '--jitter',
      '5',
      '--reorder',
      '25%',
      '--duplicate',
      '1%',
      '--corrupt',
      '0.1%',
      '--seed',
      '7',
    ];
    // 1 MiB: without RACK's reordering detection (docs/tcp.md), 25 % reordering draws
    // spurious fast retransmits that keep the sender's window at a few segments per
    // 45 ms round trip, about 100 KB/s.
    const bytes = 1 * MiB;
    const started = Date.now();
    await upload(t, env.net, 4, bytes, faults, 100_000);
    const up = Date.now() - started;
    await download(t, env.net, 4, payload(env.dir, bytes), faults, 100_000);
    t.diagnostic(`up ${up} ms, down ${Date.now() - started - up} ms`);
  });

  test("tshark on the kernel's vxlan device: no malformed packet, no bad checksum from wirestack", {
    timeout: 60_000,
  }, async (t) => {
    const env = await withNet(t, 'ts', ['tshark']);
    if (!env) return;
    const capture = join(env.dir, 'vxlan.pcap');
    const tshark = startProc(
      'ip',
      env.net.inNs(env.net.kernelNs, 'tshark', ['-n', '-i', env.net.device, '-w', capture]),
    );
    t.after(() => tshark.stop());
    for (let i = 0; !tshark.stderr().includes('Capturing on'); i++) {
      assert.ok(i < 200, `tshark did not start: ${tshark.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await upload(t, env.net, 4, 4 * MiB, [], 30_000);
    await download(t, env.net, 4, payload(env.dir, 4 * MiB), [], 30_000);
    await upload(t, env.net, 6, 4 * MiB, [], 30_000);
    await new Promise((r) => setTimeout(r, 300));
    await tshark.stop();
    const read = (filter: string) =>
      execFileSync(
        'tshark',
        [
          '-n',
          '-r',
          capture,
          '-o',
          'tcp.check_checksum:TRUE',
          '-o',
          'ip.check_checksum:TRUE',
          '-o',
          'udp.check_checksum:TRUE',
          // The payload is random bytes: read it as data, or a heuristic dissector
          // (THRIFT, ...) may take a segment for its protocol and call it malformed.
          '-d',
          'tcp.port==1-65535,data',
          '-Y',
          filter,
        ],
        { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] },
      );
    const ours = `(ip.src == ${WIRESTACK_V4} || ipv6.src == ${WIRESTACK_V6})`;
    const seen = read(`${ours} && tcp`)
      .split('\n')
      .filter((l) => l !== '').length;
    assert.ok(seen > 1000, `only ${seen} TCP segments from wirestack in the capture`);
    const bad = read(
      `${ours} && (_ws.malformed || _ws.expert.severity == error || tcp.checksum.status == 0 || ip.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0)`,
    );
    assert.equal(bad, '', 'tshark found malformed packets or bad checksums from wirestack');
  });
});
