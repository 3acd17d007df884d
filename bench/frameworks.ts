/**
 * Frameworks, unchanged, on wirestack: hello-world req/s of Express and
 * Fastify run through `wirestack/register` (their `node:http` is ours)
 * against the same apps on Node's own http. Each server in its own child
 * process (bench/frameworks-server.ts), loaded by wrk -t1 on loopback; the
 * rounds interleave (each round runs every app on both sides back to back,
 * alternating which side goes first); medians. Each run also records the
 * server's CPU time per request, steadier than req/s on a shared machine.
 *
 *   npm run bench:frameworks [-- --duration 5 --rounds 5 --connections 50]
 *
 * Writes bench/results/frameworks.json and regenerates the README's table
 * (--out FILE and --no-readme for checking the harness).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assertBuilt,
  Child,
  type Impl,
  machine,
  median,
  positiveInt,
  ROOT,
  refreshReadme,
  round,
  roundRatios,
  runMain,
  sidesInOrder,
  writeResults,
} from './lib.js';
import { runWrk, socketErrorCount, type WrkRun, wrkVersion } from './wrk.js';

const FRAMEWORKS = ['express', 'fastify'] as const;
type Framework = (typeof FRAMEWORKS)[number];
const LABELS: Record<Framework, string> = { express: 'Express 5', fastify: 'Fastify 5' };
const REGISTER = join(ROOT, 'dist', 'register.js');
const SERVER = join(ROOT, 'bench', 'frameworks-server.ts');

interface Server {
  child: Child;
  url: string;
}

async function startServer(framework: Framework, side: Impl): Promise<Server> {
  const execArgv = ['--import', 'tsx', ...(side === 'wirestack' ? ['--require', REGISTER] : [])];
  const child = new Child(`${framework} on ${side}`, [SERVER, framework], execArgv);
  const { port, wirestack } = await child.next<{ port: number; wirestack: boolean }>();
  if (wirestack !== (side === 'wirestack')) {
    child.stop();
    throw new Error(`${framework} on ${side}: the server is ${wirestack ? '' : 'not '}wirestack's`);
  }
  return { child, url: `http://127.0.0.1:${port}/` };
}

/** One run: wrk for `seconds`, with the server's CPU time per request. */
async function measure(server: Server, connections: number, seconds: number): Promise<WrkRun> {
  const cpu = async () => (await server.child.ask<{ cpuMicros: number }>('cpu')).cpuMicros;
  const before = await cpu();
  const run = await runWrk(server.url, { connections, seconds });
  const used = (await cpu()) - before;
  if (run.requests > 0) run.serverCpuMicrosPerRequest = round(used / run.requests, 2);
  return run;
}

function summary(runs: WrkRun[]) {
  // Medians: one run slowed by other work on the machine moves a mean far more than the typical run.
  return {
    requestsPerSec: round(median(runs.map((run) => run.requestsPerSec)), 0),
    serverCpuMicrosPerRequest: round(
      median(runs.map((run) => run.serverCpuMicrosPerRequest ?? Number.NaN)),
      2,
    ),
    runs,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      out: { type: 'string' },
      'no-readme': { type: 'boolean' },
    },
  });
  const durationS = positiveInt('--duration', values.duration, 5);
  const rounds = positiveInt('--rounds', values.rounds, 5);
  const connections = positiveInt('--connections', values.connections, 50);
  const out = resolve(values.out ?? join(ROOT, 'bench', 'results', 'frameworks.json'));
  const wrk = wrkVersion();
  assertBuilt(REGISTER);

  const servers: Server[] = [];
  const cleanup = (): void => {
    for (const server of servers) server.child.stop();
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  try {
    const started = {} as Record<Framework, Record<Impl, Server>>;
    for (const framework of FRAMEWORKS) {
      const wirestack = await startServer(framework, 'wirestack');
      servers.push(wirestack);
      const node = await startServer(framework, 'node');
      servers.push(node);
      started[framework] = { wirestack, node };
    }
    // A short unrecorded warm-up of each, so the JIT has seen the hot paths.
    for (const server of servers) await runWrk(server.url, { connections, seconds: 1 });

    const runs = {} as Record<Framework, Record<Impl, WrkRun[]>>;
    for (const framework of FRAMEWORKS) runs[framework] = { wirestack: [], node: [] };
    for (let r = 0; r < rounds; r++) {
      for (const framework of FRAMEWORKS) {
        for (const side of sidesInOrder(r)) {
          const run = await measure(started[framework][side], connections, durationS);
          runs[framework][side].push(run);
          const errors = socketErrorCount(run);
          console.log(
            `round ${r + 1}/${rounds} ${framework.padEnd(8)} ${side.padEnd(9)} ${run.requestsPerSec.toFixed(0).padStart(7)} req/s` +
              `  ${run.serverCpuMicrosPerRequest ?? '?'} µs CPU/request` +
              (errors || run.non2xx ? `  (socket errors ${errors}, non-2xx ${run.non2xx})` : ''),
          );
        }
      }
    }

    const results = FRAMEWORKS.map((framework) => {
      const wirestack = summary(runs[framework].wirestack);
      const node = summary(runs[framework].node);
      return {
        framework,
        label: LABELS[framework],
        wirestack,
        node,
        ratio: round(wirestack.requestsPerSec / node.requestsPerSec, 2),
        rounds: roundRatios(runs[framework].wirestack, runs[framework].node),
      };
    });
    writeResults(out, {
      benchmark: 'frameworks',
      date: new Date().toISOString(),
      ...machine(),
      wrk: { version: wrk, threads: 1, connections, durationS, rounds },
      summary: 'median',
      app: "hello world: GET / answered 'Hello, World!\\n' as text/plain, the framework's usual way",
      wirestack: 'node --require wirestack/register (dist/register.js): the app unchanged',
      results,
    });
    for (const r of results) {
      console.log(
        `${r.label}: wirestack ${r.wirestack.requestsPerSec} req/s, node:http ${r.node.requestsPerSec} req/s, ratio ${r.ratio}`,
      );
    }
    if (!values['no-readme']) refreshReadme(out);
  } finally {
    cleanup();
  }
}

runMain(main);
