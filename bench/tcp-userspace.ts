/**
 * Userspace TCP throughput: a bulk transfer through `net.Socket` between two
 * simulated hosts in one process, over the in-memory link, in wall-clock time
 * (virtual time runs as fast as the CPU allows), against the same transfer
 * through node:net over loopback in the same run.
 *
 * Per scenario: goodput (payload bits delivered to the receiving socket per
 * wall-clock second), TCP segments per second (both directions: data and
 * ACKs), CPU µs per segment (process CPU, all threads) and heap bytes
 * allocated per segment (from V8's GC profile: what each collection freed plus
 * what the heap grew by). Median of ROUNDS rounds, after one warm-up round.
 *
 * Run: npm run bench:tcp-userspace   → bench/results/tcp-userspace.json
 *      (build first: it measures dist/, as users get it)
 */
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { join } from 'node:path';
import { GCProfiler } from 'node:v8';
import { machine, median, ROOT, refreshReadme, writeResults } from './lib.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MiB = 1 << 20;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

interface Scenario {
  label: string;
  mtu: number;
  family: 4 | 6;
  /** Drop probability per packet, each way (seeded). */
  loss: number;
  bytes: number;
}

export interface Measured {
  goodputGbitPerSec: number;
  /** Process CPU per MiB delivered: comparable between the transports. */
  cpuMsPerMiB: number;
  /** Absent for the host transport: the kernel's segments are not ours to count. */
  segmentsPerSec?: number;
  cpuMicrosPerSegment?: number;
  heapBytesPerSegment?: number;
}

interface Round {
  wallMs: number;
  cpuMs: number;
  segments: number;
  heapBytes: number;
  bytes: number;
}

function measured(rounds: Round[]): Measured {
  const per = (f: (r: Round) => number) => median(rounds.map(f));
  const out: Measured = {
    goodputGbitPerSec: round2(per((r) => (r.bytes * 8) / r.wallMs / 1e6)),
    cpuMsPerMiB: round2(per((r) => r.cpuMs / (r.bytes / MiB))),
  };
  if (rounds[0]!.segments === 0) return out;
  return {
    ...out,
    segmentsPerSec: Math.round(per((r) => (r.segments * 1000) / r.wallMs)),
    cpuMicrosPerSegment: round2(per((r) => (r.cpuMs * 1000) / r.segments)),
    heapBytesPerSegment: Math.round(per((r) => r.heapBytes / r.segments)),
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Heap bytes allocated while `profiler` ran: freed by each GC, plus growth. */
function allocatedBytes(profile: ReturnType<GCProfiler['stop']>, before: number): number {
  let freed = 0;
  for (const gc of profile?.statistics ?? []) {
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  }
  return Math.max(0, freed + process.memoryUsage().heapUsed - before);
}

/** Writes `bytes` to `socket` as fast as it takes them, then ends it. */
function pump(socket: nodeNet.Socket, bytes: number): void {
  let sent = 0;
  const more = () => {
    while (sent < bytes) {
      sent += CHUNK.length;
      if (!socket.write(CHUNK)) {
        socket.once('drain', more);
        return;
      }
    }
    socket.end();
  };
  more();
}

/** Resolves with the byte count once `socket` ends. */
function drain(socket: nodeNet.Socket): Promise<number> {
  let got = 0;
  socket.on('data', (d: Buffer) => {
    got += d.length;
  });
  return once(socket, 'end').then(() => got);
}

async function timed(run: () => Promise<{ segments: () => number; done: Promise<number> }>) {
  const heapBefore = process.memoryUsage().heapUsed;
  const profiler = new GCProfiler();
  profiler.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { segments, done } = await run();
  const bytes = await done;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const heapBytes = allocatedBytes(profiler.stop(), heapBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, segments: segments(), heapBytes, bytes };
}

async function userspaceRound(s: Scenario): Promise<Round> {
  // The built package, as users get it.
  const { Simulation } = await import(join(ROOT, 'dist', 'sim.js'));
  const sim = new Simulation({
    seed: 1,
    link: { latencyMs: 0.05, mtu: s.mtu, loss: s.loss },
  });
  const a = sim.addHost('a');
  const b = sim.addHost('b');
  const server = b.net.createServer();
  server.listen(5001);
  await once(server, 'listening');
  const tcpOut = () => a.netstack.counter('tcp.out') + b.netstack.counter('tcp.out');
  try {
    return await timed(async () => {
      const accepted = once(server, 'connection');
      const client: nodeNet.Socket = a.net.connect(5001, s.family === 4 ? '10.0.0.2' : 'fd00::2');
      client.on('connect', () => pump(client, s.bytes));
      const [socket] = (await accepted) as [nodeNet.Socket];
      const before = tcpOut();
      return { segments: () => tcpOut() - before, done: drain(socket) };
    });
  } finally {
    sim.close();
  }
}

async function hostRound(s: Scenario): Promise<Round> {
  const server = nodeNet.createServer();
  server.listen(0, s.family === 4 ? '127.0.0.1' : '::1');
  await once(server, 'listening');
  const { port } = server.address() as nodeNet.AddressInfo;
  try {
    return await timed(async () => {
      const accepted = once(server, 'connection');
      const client = nodeNet.connect(port, s.family === 4 ? '127.0.0.1' : '::1');
      client.on('connect', () => pump(client, s.bytes));
      const [socket] = (await accepted) as [nodeNet.Socket];
      return { segments: () => 0, done: drain(socket) };
    });
  } finally {
    server.close();
  }
}

async function rounds(run: () => Promise<Round>): Promise<Round[]> {
  await run(); // warm-up: let the JIT settle
  const out: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await run());
  return out;
}

const SCENARIOS: Scenario[] = [
  { label: 'IPv4, MTU 1500', mtu: 1500, family: 4, loss: 0, bytes: 64 * MiB },
  { label: 'IPv6, MTU 1500', mtu: 1500, family: 6, loss: 0, bytes: 64 * MiB },
  { label: 'IPv4, MTU 65535', mtu: 65535, family: 4, loss: 0, bytes: 256 * MiB },
  { label: 'IPv6, MTU 65535', mtu: 65535, family: 6, loss: 0, bytes: 256 * MiB },
  { label: 'IPv4, MTU 1500, 1 % loss each way', mtu: 1500, family: 4, loss: 0.01, bytes: 64 * MiB },
];

async function main(): Promise<void> {
  const results = [];
  // ONLY=text runs just the scenarios whose label contains it (the results file is then left alone).
  const only = process.env.ONLY;
  for (const s of SCENARIOS.filter((x) => only === undefined || x.label.includes(only))) {
    const wirestack = measured(await rounds(() => userspaceRound(s)));
    const host = s.loss === 0 ? measured(await rounds(() => hostRound(s))) : null;
    const row = {
      label: s.label,
      mtu: s.mtu,
      family: s.family,
      loss: s.loss,
      bytes: s.bytes,
      wirestack,
      host,
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  if (only !== undefined) return;
  const out = {
    benchmark: 'tcp-userspace',
    date: new Date().toISOString(),
    ...machine(),
    method:
      `one net.Socket bulk transfer a → b per round, 64 KiB writes; two simulated hosts on one link ` +
      `(0.05 ms latency, seed 1), virtual time as fast as the CPU allows; median of ${ROUNDS} rounds after a warm-up; ` +
      'host: node:net over loopback in the same process, same writes',
    results,
  };
  const file = join(ROOT, 'bench', 'results', 'tcp-userspace.json');
  writeResults(file, out);
  refreshReadme(file);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
