/**
 * Bulk TCP goodput between the Linux kernel and wirestack over a VXLAN link,
 * each direction, at 0 % and 1 % loss, beside the same transfer between two
 * kernels over the same encapsulated path and over the link's floor.
 *
 * Three network namespaces: A (a kernel endpoint: a VXLAN device on a veth),
 * R (the far end of A's VXLAN) and B (a second kernel, for the floor):
 *
 * - wirestack: `wirestack run --link vxlan:…` in R — wirestack's stack is
 *   A's VXLAN peer;
 * - kernel ↔ kernel: a kernel VXLAN device in R instead, same addresses,
 *   same path;
 * - floor: in R, a Node UDP socket relaying A's VXLAN datagrams to a kernel
 *   VXLAN device in B and back, frame by frame, with no stack behind it —
 *   what the link's Node UDP path costs on its own.
 *
 * Every transfer is bench/fixtures/link-bulk.cjs: the sender (plain Node on
 * a kernel, or under `wirestack run`) times connect → the receiver's close
 * after EOF; loss is nftables `numgen random` on A's end of the underlay,
 * both ways (the kernel has no netem). Median of ROUNDS rounds.
 *
 * Needs root, iproute2, ethtool, nftables. Run: npm run bench:kernel-link
 * (build first) → bench/results/kernel-link.json and the README's table.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Proc, startProc } from '../test/link/kernel-net.js';
import { machine, median, ROOT, refreshReadme, writeResults } from './lib.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BYTES = Number(process.env.MIB ?? 128) * 1024 * 1024;
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const BULK = join(ROOT, 'bench', 'fixtures', 'link-bulk.cjs');
const RELAY = join(ROOT, 'bench', 'fixtures', 'udp-relay.cjs');

const NS = { a: 'wsbench-a', r: 'wsbench-r', b: 'wsbench-b' } as const;
const UNDER = { a: '10.98.1.1', rA: '10.98.1.2', b: '10.98.2.1', rB: '10.98.2.2' } as const;
const OVER = { a: '10.77.0.1', far: '10.77.0.2' } as const;
const VNI = '42';
const PORT = '4789';

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNs(ns: string, command: string, args: string[]): string[] {
  return ['netns', 'exec', ns, command, ...args];
}

function removeNamespaces(): void {
  for (const ns of Object.values(NS)) {
    try {
      ip(['netns', 'delete', ns]);
    } catch {
      // not there
    }
  }
}

/** A kernel VXLAN device `name` in `ns` with overlay address `overlay`. */
function vxlan(
  ns: string,
  name: string,
  local: string,
  remote: string,
  dev: string,
  overlay: string,
) {
  ip(
    [
      '-n',
      ns,
      'link',
      'add',
      name,
      'type',
      'vxlan',
      'id',
      VNI,
      'local',
      local,
      'remote',
      remote,
    ].concat(['dstport', PORT, 'dev', dev]),
  );
  // A veth finishes no checksum left to hardware: the kernel must compute the inner ones.
  execFileSync('ip', inNs(ns, 'ethtool', ['-K', name, 'tx', 'off']), { stdio: 'ignore' });
  ip(['-n', ns, 'addr', 'add', `${overlay}/24`, 'dev', name]);
  ip(['-n', ns, 'link', 'set', name, 'up']);
}

function buildTopology(): void {
  removeNamespaces();
  for (const ns of Object.values(NS)) {
    ip(['netns', 'add', ns]);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  ip([
    'link',
    'add',
    'wsb-a0',
    'netns',
    NS.a,
    'type',
    'veth',
    'peer',
    'name',
    'wsb-r0',
    'netns',
    NS.r,
  ]);
  ip([
    'link',
    'add',
    'wsb-b0',
    'netns',
    NS.b,
    'type',
    'veth',
    'peer',
    'name',
    'wsb-r1',
    'netns',
    NS.r,
  ]);
  for (const [ns, dev, addr] of [
    [NS.a, 'wsb-a0', UNDER.a],
    [NS.r, 'wsb-r0', UNDER.rA],
    [NS.r, 'wsb-r1', UNDER.rB],
    [NS.b, 'wsb-b0', UNDER.b],
  ] as const) {
    ip(['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev]);
    ip(['-n', ns, 'link', 'set', dev, 'up']);
  }
  vxlan(NS.a, 'wsb-vxa', UNDER.a, UNDER.rA, 'wsb-a0', OVER.a);
  // One segment per datagram, so a dropped datagram is one lost segment, with and without loss.
  execFileSync('ip', inNs(NS.a, 'ethtool', ['-K', 'wsb-vxa', 'gso', 'off', 'gro', 'off']), {
    stdio: 'ignore',
  });
  vxlan(NS.b, 'wsb-vxb', UNDER.b, UNDER.rB, 'wsb-b0', OVER.far);
}

/**
 * Drops `percent` % of the VXLAN datagrams in and out of A's end of the
 * underlay. Not on A's VXLAN device: a drop there is a local send failure
 * that the kernel's TCP simply repeats, not a loss (see docs/links.md).
 */
function setLoss(percent: number): void {
  const rule = (dir: 'iif' | 'oif') =>
    percent === 0
      ? ''
      : `${dir}name "wsb-a0" meta l4proto udp udp dport ${PORT} numgen random mod 100 < ${percent} drop;`;
  const rules = `flush ruleset
table inet wsbench {
  chain input { type filter hook input priority 0; policy accept; ${rule('iif')} }
  chain output { type filter hook output priority 0; policy accept; ${rule('oif')} }
}
`;
  execFileSync('ip', inNs(NS.a, 'nft', ['-f', '-']), { input: rules });
}

type Far = 'wirestack' | 'kernel' | 'floor';

/** The program that runs at the far end (R, or B for the floor): under wirestack, or plain Node. */
function farArgv(far: Far, args: string[]): string[] {
  if (far === 'wirestack') {
    return inNs(NS.r, process.execPath, [
      MAIN,
      'run',
      '--link',
      `vxlan:${UNDER.rA}:${PORT}@${UNDER.a}:${PORT}`,
      '--vni',
      VNI,
      '--address',
      `${OVER.far}/24`,
      BULK,
      ...args,
    ]);
  }
  return inNs(far === 'kernel' ? NS.r : NS.b, process.execPath, [BULK, ...args]);
}

/** One transfer; returns goodput in Mbit/s as the sender timed it. */
async function transfer(far: Far, direction: 'to-far' | 'from-far'): Promise<number> {
  const port = '5001';
  const [sinkArgv, sendArgv] =
    direction === 'to-far'
      ? [
          farArgv(far, ['sink', port]),
          inNs(NS.a, process.execPath, [BULK, 'send', OVER.far, port, String(BYTES)]),
        ]
      : [
          inNs(NS.a, process.execPath, [BULK, 'sink', port]),
          farArgv(far, ['send', OVER.a, port, String(BYTES)]),
        ];
  const sink = startProc('ip', sinkArgv);
  try {
    await sink.line(/^ready$/, 30_000);
    const sender = startProc('ip', sendArgv);
    try {
      const [, bytes, ms] = await sender.line(/^sent (\d+) ([\d.]+)$/, 120_000);
      return (Number(bytes) * 8) / (Number(ms) * 1000);
    } finally {
      await sender.stop();
    }
  } finally {
    await sink.stop();
  }
}

/** Sets the far end up for `far`, runs `fn`, takes it down. */
async function withFar<T>(far: Far, fn: () => Promise<T>): Promise<T> {
  // A still holds the last far end's MAC (each far end has its own): without the
  // flush its unicast probes go to a MAC nobody answers, and the first transfer
  // waits — up to minutes — for the entry to fail and be resolved afresh.
  ip(['-n', NS.a, 'neigh', 'flush', 'dev', 'wsb-vxa']);
  let relay: Proc | null = null;
  if (far === 'kernel') vxlan(NS.r, 'wsb-vxr', UNDER.rA, UNDER.a, 'wsb-r0', OVER.far);
  if (far === 'floor') {
    relay = startProc('ip', inNs(NS.r, process.execPath, [RELAY, PORT, UNDER.a, UNDER.b]));
    await relay.line(/^ready$/, 30_000);
  }
  try {
    return await fn();
  } finally {
    if (far === 'kernel') ip(['-n', NS.r, 'link', 'delete', 'wsb-vxr']);
    await relay?.stop();
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces, vxlan, nftables)');
  buildTopology();
  const only = process.env.ONLY;
  const results: Array<{
    far: Far;
    direction: string;
    loss: number;
    mbitPerSec: number;
    rounds: number[];
  }> = [];
  try {
    // ONLY=text runs just the cases whose "far direction loss" contains it (no results file then).
    const wanted = (...parts: unknown[]) => only === undefined || parts.join(' ').includes(only);
    for (const loss of [0, 1]) {
      setLoss(loss);
      for (const far of ['wirestack', 'kernel', 'floor'] as const) {
        if (!wanted(far, 'to-far', loss) && !wanted(far, 'from-far', loss)) continue;
        await withFar(far, async () => {
          for (const direction of ['to-far', 'from-far'] as const) {
            if (!wanted(far, direction, loss)) continue;
            await transfer(far, direction); // warm-up (neighbours, JIT)
            const rounds: number[] = [];
            for (let i = 0; i < ROUNDS; i++) rounds.push(await transfer(far, direction));
            const row = {
              far,
              direction,
              loss,
              mbitPerSec: Math.round(median(rounds)),
              rounds: rounds.map(Math.round),
            };
            console.log(JSON.stringify(row));
            results.push(row);
          }
        });
      }
    }
  } finally {
    removeNamespaces();
  }
  if (process.env.ONLY !== undefined) return;
  const out = {
    benchmark: 'kernel-link',
    date: new Date().toISOString(),
    ...machine(),
    method:
      `${BYTES / 1024 / 1024} MiB per transfer over VXLAN on a veth pair (MTU 1450 inside), ` +
      `timed by the sender from connect to the receiver's close; median of ${ROUNDS} rounds after a warm-up; ` +
      "the kernel's VXLAN device without GSO / GRO; loss: nftables on its end of the underlay, both ways",
    results,
  };
  const file = join(ROOT, 'bench', 'results', 'kernel-link.json');
  writeResults(file, out);
  refreshReadme(file);
}

main().catch((err) => {
  removeNamespaces();
  console.error(err);
  process.exit(1);
});
