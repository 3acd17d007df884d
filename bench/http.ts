/**
 * HTTP/1.1 throughput: wirestack's http server against node:http, both the
 * same hello-world (bench/server.ts), each in its own child process, loaded
 * by wrk on loopback. Runs are interleaved (ours, node, floor, ours, node,
 * floor) so drift on the machine hits all alike. The floor is bench/server.ts
 * `no-http`: the bare host transport (libuv's TCP handle, no stream)
 * answering each request with pre-built bytes — the most any server written
 * in JavaScript on Node reaches here, i.e. what the system calls and the load
 * generator leave. Each run also records the server's CPU time
 * per request, steadier than req/s on a shared machine.
 *
 *   npm run bench:http [-- --duration 5 --rounds 2 --connections 50 --depth 16]
 *
 * Writes bench/results/http.json and regenerates the README's table.
 * Options for checking the harness itself: --ours MODULE (another http module
 * in place of dist/http/index.js), --out FILE, --no-readme.
 */
import { join, resolve } from 'node:path';
import {
  assertBuilt,
  Child,
  type Impl,
  machine,
  median,
  moduleLabel,
  positiveInt,
  ROOT,
  refreshReadme,
  round,
  roundRatios,
  WIRESTACK_HTTP,
  writeResults,
} from './lib.js';
import { runWrk, socketErrorCount, type WrkRun, wrkVersion } from './wrk.js';

interface Options {
  durationS: number;
  rounds: number;
  connections: number;
  depth: number;
  ours: string;
  out: string;
  readme: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    durationS: 5,
    rounds: 2,
    connections: 50,
    depth: 16,
    ours: WIRESTACK_HTTP,
    out: join(ROOT, 'bench', 'results', 'http.json'),
    readme: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    const count = (): number => positiveInt(arg!, next());
    switch (arg) {
      case '--duration':
        options.durationS = count();
        break;
      case '--rounds':
        options.rounds = count();
        break;
      case '--connections':
        options.connections = count();
        break;
      case '--depth':
        options.depth = count();
        break;
      case '--ours':
        options.ours = next();
        break;
      case '--out':
        options.out = resolve(next());
        break;
      case '--no-readme':
        options.readme = false;
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return options;
}

/** The servers measured: the two contenders and the no-HTTP floor. */
type Kind = Impl | 'floor';

interface Server {
  kind: Kind;
  port: number;
  module: string;
  child: Child;
}

async function startServer(kind: Kind, ours: string): Promise<Server> {
  const args = [join(ROOT, 'bench', 'server.ts'), kind === 'floor' ? 'no-http' : kind];
  if (kind === 'wirestack') args.push(ours);
  const child = new Child(`${kind} server`, args);
  const { port, module } = await child.next<{ port: number; module: string }>();
  return { kind, port, module, child };
}

/** The server's CPU time so far, µs. */
async function serverCpu(server: Server): Promise<number> {
  return (await server.child.ask<{ cpuMicros: number }>('cpu')).cpuMicros;
}

function stopServer(server: Server): void {
  server.child.stop();
}

interface Mode {
  name: string;
  label: string;
  /** Extra wrk arguments placed before the URL, and after it. */
  before: string[];
  after: string[];
}

/** One wrk run of `mode` against `port` for `seconds`. */
function load(port: number, mode: Mode, options: Options, seconds: number): Promise<WrkRun> {
  return runWrk(`http://127.0.0.1:${port}/`, {
    connections: options.connections,
    seconds,
    before: mode.before,
    after: mode.after,
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const wrk = wrkVersion();
  assertBuilt(options.ours);

  const modes: Mode[] = [
    { name: 'keep-alive', label: 'keep-alive', before: [], after: [] },
    {
      name: `pipelined-${options.depth}`,
      label: `keep-alive, ${options.depth} requests pipelined per write`,
      before: ['-s', join(ROOT, 'bench', 'pipeline.lua')],
      after: ['--', String(options.depth)],
    },
  ];

  const servers: Server[] = [];
  const cleanup = (): void => {
    for (const s of servers) stopServer(s);
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  try {
    servers.push(await startServer('wirestack', options.ours));
    servers.push(await startServer('node', options.ours));
    servers.push(await startServer('floor', options.ours));
    const [ours, theirs, floorServer] = servers as [Server, Server, Server];
    console.log(`wirestack http: ${ours.module} on port ${ours.port}`);
    console.log(`node:http on port ${theirs.port}`);
    console.log(
      `no-HTTP floor (bare transport handle, pre-built response) on port ${floorServer.port}`,
    );

    const results = [];
    for (const mode of modes) {
      // A short unrecorded warm-up of each, so the JIT has seen the hot paths.
      for (const server of servers) await load(server.port, mode, options, 1);
      const runs: Record<Kind, WrkRun[]> = { wirestack: [], node: [], floor: [] };
      for (let r = 0; r < options.rounds; r++) {
        for (const server of servers) {
          const cpuBefore = await serverCpu(server);
          const run = await load(server.port, mode, options, options.durationS);
          const cpu = (await serverCpu(server)) - cpuBefore;
          if (run.requests > 0) run.serverCpuMicrosPerRequest = round(cpu / run.requests, 2);
          runs[server.kind].push(run);
          const errors = socketErrorCount(run);
          console.log(
            `${mode.name.padEnd(14)} ${server.kind.padEnd(9)} ${run.requestsPerSec.toFixed(0).padStart(8)} req/s` +
              `  ${run.serverCpuMicrosPerRequest ?? '?'} µs CPU/request` +
              (errors || run.non2xx ? `  (socket errors ${errors}, non-2xx ${run.non2xx})` : ''),
          );
        }
      }
      // Medians: one run slowed by other work on the machine (it happens to
      // either side) moves a mean far more than the typical run.
      const summary = (kind: Kind) => ({
        requestsPerSec: round(median(runs[kind].map((run) => run.requestsPerSec)), 0),
        serverCpuMicrosPerRequest: round(
          median(runs[kind].map((run) => run.serverCpuMicrosPerRequest ?? Number.NaN)),
          2,
        ),
        runs: runs[kind],
      });
      const wirestack = summary('wirestack');
      const node = summary('node');
      const floor = summary('floor');
      results.push({
        mode: mode.name,
        label: mode.label,
        wirestack,
        node,
        floor,
        ratio: round(wirestack.requestsPerSec / node.requestsPerSec, 2),
        rounds: roundRatios(runs.wirestack, runs.node),
        floorRatio: round(floor.requestsPerSec / node.requestsPerSec, 2),
      });
    }

    const report = {
      benchmark: 'http',
      date: new Date().toISOString(),
      ...machine(),
      wrk: {
        version: wrk,
        threads: 1,
        connections: options.connections,
        durationS: options.durationS,
        rounds: options.rounds,
      },
      summary: 'median',
      server: 'hello world: 200, text/plain, 14-byte body',
      floor:
        'no-http: the bare host transport (libuv TCP handle, no stream or socket object) answering each request head with the same response, pre-built (no parsing, no objects)',
      wirestackModule: moduleLabel(ours.module),
      results,
    };
    writeResults(options.out, report);
    for (const r of results) {
      console.log(
        `${r.mode.padEnd(14)} wirestack ${r.wirestack.requestsPerSec} req/s, node:http ${r.node.requestsPerSec} req/s, ratio ${r.ratio}; no-HTTP floor ${r.floor.requestsPerSec} req/s (${r.floorRatio} × node:http)`,
      );
    }
    if (options.readme) refreshReadme(options.out);
  } finally {
    cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
