/**
 * Memory under a storm of clients that send half a request and then reset
 * the connection: wirestack's http server against node:http's, the same
 * hello-world server (as bench/http-memory.ts).
 *
 * For each side in turn (alternating which goes first each round): a fresh
 * server process (run with --expose-gc) and a client process (raw node:net
 * sockets). The client first runs a short storm, so one-time costs (lazily
 * loaded code, caches, pools) are paid before the baseline; the server
 * reports `process.memoryUsage()` after a full gc. Then `--concurrency`
 * clients each loop for `--seconds`: connect, send half a request (half a
 * head; a whole head and part of its Content-Length body; a chunked head
 * and part of a chunk — in turn), give the server a moment to read it,
 * reset (RST). The server samples its memory every 50 ms during the storm
 * (peak) and reports it again after a full gc once every connection is
 * gone (retained). Growth = peak or retained − baseline: the JS heap
 * (heapUsed) and the process's RSS. Each round runs the two sides back to
 * back; the figures are the medians of the rounds, and the ratios
 * wirestack ÷ node:http are given both of the medians and round by round.
 *
 * The peak depends on when V8 runs its full collections, and so on the
 * machine's load; what drives it is how much of each connection outlives
 * the young generation. So the server also counts, with V8's GC profiler,
 * the bytes its scavenges promote to the old generation during the storm,
 * per reset: a steady figure, independent of how many resets a side
 * managed, that grows when something keeps closed connections alive.
 *
 *   npm run build && node --import tsx bench/http-reset-storm.ts [--seconds 10 --concurrency 100 --rounds 3]
 *
 * Writes bench/results/http-reset-storm.json. --ours MODULE (e.g.
 * src/http/index.ts, loaded through tsx) and --out FILE are for checking
 * the harness.
 */
import type * as NodeHttp from 'node:http';
import * as net from 'node:net';
import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';
import {
  afterGc,
  Child,
  HARNESS_OPTIONS,
  harnessTarget,
  helloServer,
  type Impl,
  listenAndReplyPort,
  machine,
  median,
  moduleLabel,
  onCommands,
  positiveInt,
  reply,
  round,
  runMain,
  sidesInOrder,
  sleep,
  startWatchdog,
  writeResults,
} from './lib.js';

/** Seconds of the warm-up storm (before the baseline). */
const WARM_UP_SECONDS = 1;
/** How long a client waits between sending its half request and resetting, ms. */
const HOLD_MS = 5;
/** Memory sampling period during the storm, ms. */
const SAMPLE_MS = 50;

interface Memory {
  heapUsed: number;
  rss: number;
  /** Connections open on the server. */
  connections: number;
  /** Connections accepted, and 'clientError's seen, so far. */
  accepted: number;
  clientErrors: number;
}

interface Peak {
  heapUsed: number;
  rss: number;
  /** Bytes the scavenges moved to the old generation. */
  promoted: number;
  scavenges: number;
  /** Full collections (mark-compact). */
  markCompacts: number;
}

/** The GC profiler's record of one collection (the parts read here). */
interface GcRecord {
  gcType: string;
  beforeGC: { heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
  afterGC: { heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
}

/** Bytes of the old generation (old and large-object spaces) in `stats`. */
function oldGeneration(stats: { spaceName: string; spaceUsedSize: number }[]): number {
  let bytes = 0;
  for (const s of stats) {
    if (s.spaceName === 'old_space' || s.spaceName === 'large_object_space')
      bytes += s.spaceUsedSize;
  }
  return bytes;
}

/** What the scavenges promoted, and how many collections of each kind ran. */
function gcSummary(records: GcRecord[]): Omit<Peak, 'heapUsed' | 'rss'> {
  let promoted = 0;
  let scavenges = 0;
  let markCompacts = 0;
  for (const r of records) {
    if (r.gcType === 'Scavenge') {
      scavenges++;
      promoted += Math.max(
        0,
        oldGeneration(r.afterGC.heapSpaceStatistics) -
          oldGeneration(r.beforeGC.heapSpaceStatistics),
      );
    } else if (r.gcType === 'MarkSweepCompact') {
      markCompacts++;
    }
  }
  return { promoted, scavenges, markCompacts };
}

// ---- the server process ------------------------------------------------------------

/**
 * The hello-world server; prints `{"port":N}`, then answers commands on
 * stdin: `mem` (Memory after a full gc), `watch` (start sampling the peak
 * and profiling the collections), `peak` (stop, answer the Peak).
 */
function serverMain(impl: Impl, module: string): void {
  // tsx (which loads this file) maps every stack trace through source maps;
  // a server in production does not, and errors' stacks are part of what
  // a reset costs (streams format the stack of the error they are destroyed with).
  process.setSourceMapsEnabled(false);
  const http = require(impl === 'node' ? 'node:http' : module) as typeof NodeHttp;
  const { server, gc } = helloServer(http);
  let connections = 0;
  let accepted = 0;
  let clientErrors = 0;
  server.on('connection', (socket: net.Socket) => {
    connections++;
    accepted++;
    socket.once('close', () => connections--);
  });
  // As an application that logs and moves on; the default answer is a 400 (or nothing, reset).
  server.on('clientError', (_err: Error, socket: net.Socket) => {
    clientErrors++;
    socket.destroy();
  });
  listenAndReplyPort(server);
  let heapUsed = 0;
  let rss = 0;
  let sampler: NodeJS.Timeout | undefined;
  let profiler: GCProfiler | undefined;
  onCommands((line) => {
    if (line === 'watch') {
      heapUsed = 0;
      rss = 0;
      sampler = setInterval(() => {
        const usage = process.memoryUsage();
        heapUsed = Math.max(heapUsed, usage.heapUsed);
        rss = Math.max(rss, usage.rss);
      }, SAMPLE_MS);
      profiler = new GCProfiler();
      profiler.start();
      reply({ ok: true });
    } else if (line === 'peak') {
      clearInterval(sampler);
      const records = (profiler?.stop()?.statistics ?? []) as GcRecord[];
      reply({ heapUsed, rss, ...gcSummary(records) } satisfies Peak);
    } else {
      afterGc(gc, (usage) =>
        reply({
          heapUsed: usage.heapUsed,
          rss: usage.rss,
          connections,
          accepted,
          clientErrors,
        } satisfies Memory),
      );
    }
  });
}

// ---- the client process ------------------------------------------------------------

/** The half requests the clients send, in turn. */
function halfRequests(port: number): Buffer[] {
  const head =
    `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: storm/1.0\r\n` +
    'Accept: */*\r\nContent-Type: application/octet-stream\r\n';
  return [
    // Half a head: the parser holds it while it waits for the rest.
    Buffer.from(`${head}X-Padding: ${'p'.repeat(600)}`),
    // A whole head and part of its body: a request in flight.
    Buffer.from(`${head}Content-Length: 65536\r\n\r\n${'b'.repeat(2000)}`),
    // A chunked head and part of a chunk.
    Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n1000\r\n${'c'.repeat(1500)}`),
  ];
}

/**
 * Commands on stdin: `storm SECONDS CONCURRENCY` runs the storm and answers
 * `{"cycles":N,"errors":M}` once every client has stopped.
 */
function clientMain(port: number): void {
  const halves = halfRequests(port);
  let sent = 0;
  const cycle = (): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        resolve(ok);
      };
      socket.on('error', () => finish(false));
      socket.on('close', () => finish(true));
      socket.on('connect', () => {
        socket.write(halves[sent++ % halves.length]!, () => {
          setTimeout(() => socket.resetAndDestroy(), HOLD_MS);
        });
      });
    });
  onCommands(async (line) => {
    const [command, seconds, concurrency] = line.split(' ');
    if (command !== 'storm') return;
    const stop = Date.now() + Number(seconds) * 1000;
    let cycles = 0;
    let errors = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() < stop) {
        if (await cycle()) cycles++;
        else errors++;
      }
    };
    await Promise.all(Array.from({ length: Number(concurrency) }, worker));
    reply({ cycles, errors });
  });
}

// ---- the orchestrator --------------------------------------------------------------

interface Run {
  cycles: number;
  /** Growth over the baseline, bytes: the peak during the storm, and what stays after gc. */
  peakHeapGrowth: number;
  peakRssGrowth: number;
  retainedHeapGrowth: number;
  retainedRssGrowth: number;
  /** Bytes promoted to the old generation per reset during the storm. */
  promotedPerReset: number;
  /** Full collections during the storm. */
  markCompacts: number;
  before: Memory;
  peak: Peak;
  after: Memory;
}

async function drained(server: Child, impl: Impl): Promise<Memory> {
  let mem = await server.ask<Memory>('mem');
  for (let tries = 0; mem.connections > 0 && tries < 100; tries++) {
    await sleep(100);
    mem = await server.ask<Memory>('mem');
  }
  if (mem.connections > 0) throw new Error(`${impl}: ${mem.connections} connections stayed open`);
  return mem;
}

async function measure(
  impl: Impl,
  module: string,
  seconds: number,
  concurrency: number,
): Promise<Run> {
  const server = new Child(
    `${impl} server`,
    [__filename, '--role', 'server', impl, module],
    ['--expose-gc', '--import', 'tsx'],
  );
  let client: Child | undefined;
  try {
    const { port } = await server.next<{ port: number }>();
    client = new Child(`${impl} client`, [__filename, '--role', 'client', String(port)]);
    await client.ask(`storm ${WARM_UP_SECONDS} ${concurrency}`, 60_000);
    const before = await drained(server, impl);
    await server.ask('watch');
    const storm = await client.ask<{ cycles: number; errors: number }>(
      `storm ${seconds} ${concurrency}`,
      seconds * 1000 + 60_000,
    );
    const peak = await server.ask<Peak>('peak');
    const after = await drained(server, impl);
    return {
      cycles: storm.cycles,
      peakHeapGrowth: peak.heapUsed - before.heapUsed,
      peakRssGrowth: peak.rss - before.rss,
      retainedHeapGrowth: after.heapUsed - before.heapUsed,
      retainedRssGrowth: after.rss - before.rss,
      promotedPerReset: storm.cycles > 0 ? Math.round(peak.promoted / storm.cycles) : 0,
      markCompacts: peak.markCompacts,
      before,
      peak,
      after,
    };
  } finally {
    client?.stop();
    server.stop();
  }
}

const MB = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

/** The figures summed up per side (medians of the rounds), in the order they are printed. */
const KEYS = [
  'peakHeapGrowth',
  'peakRssGrowth',
  'retainedHeapGrowth',
  'retainedRssGrowth',
  'promotedPerReset',
  'markCompacts',
] as const;
type Key = (typeof KEYS)[number];

/** How each figure is printed, and what it is. */
const FIGURES: Record<Key, { label: string; show: (n: number) => string }> = {
  peakHeapGrowth: { label: 'peak JS heap growth', show: MB },
  peakRssGrowth: { label: 'peak RSS growth', show: MB },
  retainedHeapGrowth: { label: 'JS heap growth after gc (retained)', show: MB },
  retainedRssGrowth: { label: 'RSS growth after gc (retained)', show: MB },
  promotedPerReset: { label: 'bytes promoted to the old generation per reset', show: String },
  markCompacts: { label: 'full collections during the storm', show: String },
};

type Summary = Record<Key | 'cycles', number> & { runs: Run[] };

/** A side's medians over its rounds. */
function summarize(runs: Run[]): Summary {
  const s = { cycles: Math.round(median(runs.map((r) => r.cycles))), runs } as Summary;
  for (const key of KEYS) s[key] = Math.round(median(runs.map((r) => r[key])));
  return s;
}

/**
 * `a ÷ b` to two places; null unless both are positive: a growth at or
 * below the baseline (retained heap after gc, often) makes a ratio meaningless.
 */
const ratioOf = (a: number, b: number): number | null => (a > 0 && b > 0 ? round(a / b, 2) : null);

/**
 * wirestack ÷ node:http of each round (the two sides ran back to back):
 * median and range; null when some round has no ratio (see `ratioOf`).
 */
function roundByRound(
  ours: Run[],
  theirs: Run[],
  key: Key,
): { median: number; min: number; max: number } | null {
  const ratios = ours.map((run, r) => ratioOf(run[key], theirs[r]![key]));
  if (ratios.some((x) => x === null)) return null;
  const xs = ratios as number[];
  return { median: round(median(xs), 2), min: Math.min(...xs), max: Math.max(...xs) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      rounds: { type: 'string' },
      ...HARNESS_OPTIONS,
    },
  });
  const seconds = positiveInt('--seconds', values.seconds, 10);
  const concurrency = positiveInt('--concurrency', values.concurrency, 100);
  const rounds = positiveInt('--rounds', values.rounds, 3);
  const { ours, out } = harnessTarget(values, 'http-reset-storm');
  const watchdog = startWatchdog(rounds * 2 * (seconds * 1000 + 120_000));

  const runs: Record<Impl, Run[]> = { wirestack: [], node: [] };
  for (let r = 0; r < rounds; r++) {
    for (const impl of sidesInOrder(r)) {
      const run = await measure(impl, ours, seconds, concurrency);
      runs[impl].push(run);
      console.log(
        `round ${r + 1} ${impl.padEnd(9)} ${run.cycles} half requests reset; growth: peak heap ` +
          `${MB(run.peakHeapGrowth)}, peak rss ${MB(run.peakRssGrowth)}; after gc heap ` +
          `${MB(run.retainedHeapGrowth)}, rss ${MB(run.retainedRssGrowth)}; promoted ` +
          `${run.promotedPerReset} B/reset, ${run.markCompacts} full gc`,
      );
    }
  }
  clearTimeout(watchdog);

  const wirestack = summarize(runs.wirestack);
  const node = summarize(runs.node);
  const ratios = Object.fromEntries(KEYS.map((k) => [k, ratioOf(wirestack[k], node[k])]));
  const roundRatios = Object.fromEntries(
    KEYS.map((k) => [k, roundByRound(runs.wirestack, runs.node, k)]),
  );
  const report = {
    benchmark: 'http-reset-storm',
    title: 'Server memory under a storm of half requests and resets',
    date: new Date().toISOString(),
    ...machine(),
    method:
      `each side a fresh server process per round (--expose-gc, loaded with tsx, stack ` +
      `traces not source-mapped, as in production) and a raw ` +
      `node:net client process; a ${WARM_UP_SECONDS} s warm-up storm, memoryUsage() after gc ` +
      `(baseline), then ${concurrency} clients for ${seconds} s each looping: connect, write ` +
      `half a request (half a head / a head and part of a 64 KiB body / a chunked head and ` +
      `part of a chunk, in turn), ${HOLD_MS} ms, reset; the server samples memoryUsage() every ` +
      `${SAMPLE_MS} ms (peak) and again after gc once every connection is gone (retained), ` +
      `and profiles its collections during the storm (v8.GCProfiler: old-generation growth ` +
      `across each scavenge = bytes promoted); growth over the baseline; ${rounds} round(s), ` +
      `the sides back to back, alternating which goes first; medians`,
    server: "hello world; a 'clientError' listener that destroys the socket",
    wirestackModule: moduleLabel(ours),
    seconds,
    concurrency,
    rounds,
    target: 'wirestack ≤ node:http',
    results: { wirestack, node, ratios, roundRatios },
  };
  writeResults(out, report);

  console.log(`\nmedians of ${rounds} round(s): wirestack | node:http | wirestack ÷ node:http`);
  console.log(`  resets in ${seconds} s: ${wirestack.cycles} | ${node.cycles}`);
  for (const key of KEYS) {
    const { label, show } = FIGURES[key];
    const each = roundRatios[key];
    console.log(
      `  ${label}: ${show(wirestack[key])} | ${show(node[key])} | ${ratios[key] ?? '–'}` +
        (each ? ` (round by round ${each.median}, from ${each.min} to ${each.max})` : ''),
    );
  }
}

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
if (role === 'server') serverMain(process.argv[4] as Impl, process.argv[5]!);
else if (role === 'client') clientMain(Number(process.argv[4]));
else runMain(main);
