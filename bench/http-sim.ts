/**
 * HTTP over the simulated network: hello-world keep-alive requests per
 * second between two simulated hosts (wall clock; virtual time runs as fast
 * as the CPU allows), 50 requests in flight, against the same server and
 * client in the same process over the host transport on loopback (the
 * kernel's TCP) — and node:http's server and client there, for scale.
 *
 * Per side: requests per second and process CPU µs per request, each round
 * in a fresh process (the sides share the http module: one process running
 * both would give the JIT a mix of socket handles neither sees alone);
 * median of ROUNDS rounds, the sides in rotation. For the simulated
 * network, a separate round under V8's sampling profiler (node:inspector)
 * splits the CPU by where each sample's function lives: dist/http (HTTP),
 * dist/net + dist/handle (the socket layer), dist/stack/tcp (TCP),
 * dist/stack (IP, ARP/NDP, the stack's frames) + dist/wire + dist/link (IP
 * and the simulated link), Node's own code (streams, events, timers: the
 * runtime under the sockets) and the garbage collector. Self time: a
 * function's samples count where it is, not where its caller is.
 *
 * Run: npm run bench:http-sim   → bench/results/http-sim.json
 *      (build first: it measures dist/, as users get it)
 */
import { once } from 'node:events';
import type * as NodeHttp from 'node:http';
import * as nodeHttp from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { childAnswer, machine, median, publish, ROOT, reply, round, runMain } from './lib.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const IN_FLIGHT = 50;
const BODY = Buffer.from('Hello, World!\n');

type Http = typeof NodeHttp;

/** One side under test: a server and a client agent, and how the client reaches the server. */
interface Setup {
  http: Http;
  agent: NodeHttp.Agent;
  host: string;
  port: number;
  close(): void;
}

interface Round {
  wallMs: number;
  cpuMicros: number;
}

function helloServer(http: Http): NodeHttp.Server {
  return http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.length });
    res.end(BODY);
  });
}

/** Two simulated hosts on one LAN (0.05 ms links, seed 1): the server on b, the client on a. */
async function simulated(): Promise<Setup> {
  const { Simulation } = await import(join(ROOT, 'dist', 'sim.js'));
  const sim = new Simulation({ seed: 1, link: { latencyMs: 0.05 } });
  const a = sim.addHost('a');
  const b = sim.addHost('b');
  const server = helloServer(b.http);
  server.listen(80);
  await once(server, 'listening');
  const http = a.http as Http;
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  return {
    http,
    agent,
    host: '10.0.0.2',
    port: 80,
    close: () => {
      agent.destroy();
      server.close();
      sim.close();
    },
  };
}

/** `http` (wirestack's on the host transport, or node:http) over loopback. */
async function loopback(http: Http): Promise<Setup> {
  const server = helloServer(http);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  return {
    http,
    agent,
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    close: () => {
      agent.destroy();
      server.close();
    },
  };
}

/** Makes `total` GET requests, `IN_FLIGHT` at a time, each body read to the end. */
function load(s: Setup, total: number): Promise<void> {
  let started = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const one = (): void => {
      started++;
      const req = s.http.get({ host: s.host, port: s.port, path: '/', agent: s.agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', () => {
          if (++done === total) resolve();
          else if (started < total) one();
        });
      });
      req.on('error', reject);
    };
    for (let i = 0; i < IN_FLIGHT && i < total; i++) one();
  });
}

/** One round in this process: a warm-up (the connections open, the JIT settles), then `REQUESTS` counted. */
async function timedRound(make: () => Promise<Setup>): Promise<Round> {
  const s = await make();
  try {
    await load(s, Math.max(IN_FLIGHT, REQUESTS / 4));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await load(s, REQUESTS);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuMicros: cpu.user + cpu.system };
  } finally {
    s.close();
  }
}

/** Where a profile sample's function lives. */
type Part = 'http' | 'socket' | 'tcp' | 'ipLink' | 'node' | 'native' | 'gc' | 'other';

function partOf(url: string, functionName: string): Part {
  if (functionName === '(garbage collector)') return 'gc';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const path = url.slice(dist + '/dist/'.length);
    if (path.startsWith('http/')) return 'http';
    if (path.startsWith('net/') || path.startsWith('handle/')) return 'socket';
    if (path.startsWith('stack/tcp/')) return 'tcp';
    if (path.startsWith('stack/') || path.startsWith('wire/') || path.startsWith('link/'))
      return 'ipLink';
    return 'other';
  }
  if (url.startsWith('node:')) return 'node';
  // Node's C++ bindings and V8's builtins: on the host transport, the system calls too
  // (a write's call runs the kernel's TCP and loopback).
  if (url === '' && !functionName.startsWith('(')) return 'native';
  return 'other';
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/** One profiled run of a side: the share of CPU samples per part (idle excluded). */
async function profileShares(make: () => Promise<Setup>): Promise<Record<Part, number>> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
  const s = await make();
  try {
    await load(s, Math.max(IN_FLIGHT, REQUESTS / 4));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 100 });
    await post('Profiler.start');
    await load(s, REQUESTS);
    const { profile } = await post<{
      profile: { nodes: ProfileNode[]; samples: number[] };
    }>('Profiler.stop');
    const parts = new Map<number, Part | 'idle'>();
    for (const n of profile.nodes) {
      const { functionName, url } = n.callFrame;
      const idle = functionName === '(idle)' || functionName === '(program)';
      parts.set(n.id, idle ? 'idle' : partOf(url, functionName));
    }
    const counts: Record<Part, number> = {
      http: 0,
      socket: 0,
      tcp: 0,
      ipLink: 0,
      node: 0,
      native: 0,
      gc: 0,
      other: 0,
    };
    let total = 0;
    for (const id of profile.samples) {
      const part = parts.get(id);
      if (part === undefined || part === 'idle') continue;
      counts[part]++;
      total++;
    }
    for (const key of Object.keys(counts) as Part[]) counts[key] = round(counts[key] / total, 3);
    return counts;
  } finally {
    s.close();
    session.disconnect();
  }
}

interface Measured {
  requestsPerSec: number;
  cpuMicrosPerRequest: number;
  rounds: number[];
}

function measured(rounds: Round[]): Measured {
  const rps = rounds.map((r) => Math.round((REQUESTS * 1000) / r.wallMs));
  return {
    requestsPerSec: median(rps),
    cpuMicrosPerRequest: round(median(rounds.map((r) => r.cpuMicros / REQUESTS)), 1),
    rounds: rps,
  };
}

type SideName = 'simulated' | 'hostTransport' | 'nodeHttp';
const SIDES: SideName[] = ['simulated', 'hostTransport', 'nodeHttp'];
/** A side's timed round, or (`profile:` before its name) its profiled one. */
type ChildTask = SideName | `profile:${SideName}`;

/** In a child: runs one round of a side (timed or profiled) and prints the result as JSON. */
async function childMain(task: ChildTask): Promise<void> {
  const wirestackHttp = (await import(join(ROOT, 'dist', 'http', 'index.js'))) as Http;
  const side = task.replace('profile:', '') as SideName;
  const make =
    side === 'simulated'
      ? simulated
      : () => loopback(side === 'nodeHttp' ? nodeHttp : wirestackHttp);
  reply(task.startsWith('profile:') ? await profileShares(make) : await timedRound(make));
  process.exit(0);
}

/** Runs `task` in a fresh child process and returns what it printed. */
const inChild = <T>(task: ChildTask): Promise<T> =>
  childAnswer<T>(task, [__filename, '--side', task], undefined, 600_000);

/** CPU µs per request by part: `shares` of the side's measured CPU per request. */
function cpuSplit(shares: Record<Part, number>, side: Measured): Record<Part, number> {
  return Object.fromEntries(
    Object.entries(shares).map(([k, v]) => [k, round(v * side.cpuMicrosPerRequest, 1)]),
  ) as Record<Part, number>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { side: { type: 'string' } } });
  if (values.side !== undefined) return childMain(values.side as ChildTask);
  const rounds: Record<SideName, Round[]> = { simulated: [], hostTransport: [], nodeHttp: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate which side goes first, so drift on a shared machine spreads evenly.
    for (let i = 0; i < SIDES.length; i++) {
      const side = SIDES[(i + r) % SIDES.length]!;
      const result = await inChild<Round>(side);
      console.log(side, Math.round((REQUESTS * 1000) / result.wallMs), 'req/s');
      rounds[side].push(result);
    }
  }
  const simulatedSide = measured(rounds.simulated);
  const host = measured(rounds.hostTransport);
  const node = measured(rounds.nodeHttp);
  const split = cpuSplit(await inChild('profile:simulated'), simulatedSide);
  const hostSplit = cpuSplit(await inChild('profile:hostTransport'), host);
  const report = {
    benchmark: 'http-sim',
    date: new Date().toISOString(),
    ...machine(),
    requests: REQUESTS,
    inFlight: IN_FLIGHT,
    rounds: ROUNDS,
    method:
      `${REQUESTS} GET / per round (14-byte body read to the end), ${IN_FLIGHT} in flight through a keep-alive ` +
      `Agent (maxSockets ${IN_FLIGHT}); server and client in one process, a fresh one per round, ` +
      `${REQUESTS / 4} requests as a warm-up before the count. simulated: wirestack http on two simulated ` +
      'hosts (one LAN, 0.05 ms links, seed 1, virtual ' +
      'time as fast as the CPU allows); hostTransport: wirestack http on the host transport over loopback; ' +
      `nodeHttp: node:http over loopback. Median of ${ROUNDS} rounds, the sides in rotation. ` +
      'CPU split: one more round of each wirestack side under the V8 sampling profiler (100 µs), self ' +
      "time by the file of each sample's function, scaled to the side's measured CPU per request.",
    results: {
      simulated: { ...simulatedSide, cpuSplitMicrosPerRequest: split },
      hostTransport: { ...host, cpuSplitMicrosPerRequest: hostSplit },
      nodeHttp: node,
      ratio: round(simulatedSide.requestsPerSec / host.requestsPerSec, 2),
      /** Host transport CPU per request ÷ the simulated network's: the steadier measure on a busy machine. */
      cpuRatio: round(host.cpuMicrosPerRequest / simulatedSide.cpuMicrosPerRequest, 2),
    },
  };
  console.log(JSON.stringify(report.results, null, 2));
  publish(report);
}

runMain(main);
