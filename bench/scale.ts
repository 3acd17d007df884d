/**
 * The simulator at scale, each part in a fresh process (run with --expose-gc):
 *
 * - hosts: 1,000 simulated hosts on one switched LAN, 1 % loss on every link
 *   (a frame crosses two: the sender's and the receiver's) — 10 HTTP servers
 *   and 990 clients, each client making 20 keep-alive requests, starting one
 *   simulated millisecond apart; every response is checked. Wall time,
 *   simulated seconds per wall second, peak RSS, heap per host.
 * - idle: the heap an idle TCP connection holds, per endpoint (one side's
 *   state): 10,000 connections on the raw stack (no Node API), and 2,000
 *   through net on two simulated hosts beside 2,000 through the same net on
 *   the host transport over loopback — the difference is what the userspace
 *   stack holds beyond the net.Socket. Also the cost of one poll of a stack
 *   holding 10,000 idle connections.
 * - concurrent: 10,000 concurrent TCP connections through one simulated
 *   server host, from 100 client hosts; each sends a line and reads the
 *   answer, and all stay open until every one has it, then all close.
 *
 * Run: npm run bench:scale   → bench/results/scale.json
 *      (build first: it measures dist/, as users get it)
 */
import { once } from 'node:events';
import type * as NodeHttp from 'node:http';
import type * as NodeNet from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { childAnswer, machine, publish, ROOT, reply, round, runMain } from './lib.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** What the parts load from dist/: the package as users get it. */
interface Dist {
  Simulation: typeof import('../src/sim.js').Simulation;
}

async function dist(): Promise<Dist> {
  return (await import(join(ROOT, 'dist', 'sim.js'))) as Dist;
}

/** The heap in use after full collections, a turn of the loop apart. */
async function settledHeap(): Promise<number> {
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const peakRssMiB = (): number => round(process.resourceUsage().maxRSS / 1024, 0);

// ---- hosts ---------------------------------------------------------------------------

const HOSTS = 1000;
const SERVERS = 10;
const REQUESTS_PER_CLIENT = 20;
const LOSS = 0.01;

async function hostsPart() {
  const { Simulation } = await dist();
  const heapBefore = await settledHeap();
  const buildStart = performance.now();
  const sim = new Simulation({ seed: 1, link: { latencyMs: 1, loss: LOSS } });
  const hosts: InstanceType<Dist['Simulation']>['hosts'] = [];
  for (let i = 1; i <= HOSTS; i++) {
    // A /16: more than 254 hosts on the LAN.
    hosts.push(sim.addHost(`h${i}`, { ipv4: `10.0.${i >> 8}.${i & 255}/16` }));
  }
  const buildMs = performance.now() - buildStart;
  const heapPerHost = ((await settledHeap()) - heapBefore) / HOSTS;
  for (const server of hosts.slice(0, SERVERS)) {
    const http = server.http.createServer((req, res) => res.end(`${server.name} ${req.url}`));
    // Node's timers run in real time, and this simulation runs slower than that.
    http.keepAliveTimeout = 600_000;
    http.listen(80);
  }
  let correct = 0;
  let lastAnswerAt = 0;
  const start = performance.now();
  const virtualStart = sim.clock.now();
  await Promise.all(
    hosts.slice(SERVERS).map(async (client, k) => {
      // Clients arrive a simulated millisecond apart rather than all at one instant.
      await new Promise<void>((resolve) => sim.clock.schedule(virtualStart + k, resolve));
      const agent = new client.http.Agent({ keepAlive: true, maxSockets: 1 });
      const server = hosts[k % SERVERS]!.name;
      for (let r = 0; r < REQUESTS_PER_CLIENT; r++) {
        const path = `/${client.name}/${r}`;
        const request = client.http.get({ host: server, path, agent });
        const [res] = (await once(request, 'response')) as [NodeHttp.IncomingMessage];
        let body = '';
        for await (const chunk of res.setEncoding('utf8')) body += chunk;
        if (body === `${server} ${path}`) correct++;
        // The simulated time of the last answer: the clock runs on through the timers left
        // (keep-alive, TIME-WAIT) while the promises above settle.
        lastAnswerAt = sim.clock.now();
      }
      agent.destroy();
    }),
  );
  const wallMs = performance.now() - start;
  const virtualMs = lastAnswerAt - virtualStart;
  const requests = (HOSTS - SERVERS) * REQUESTS_PER_CLIENT;
  if (correct !== requests) throw new Error(`${correct} of ${requests} responses were right`);
  sim.close();
  return {
    hosts: HOSTS,
    servers: SERVERS,
    clients: HOSTS - SERVERS,
    requestsPerClient: REQUESTS_PER_CLIENT,
    lossPerLink: LOSS,
    requests,
    correct,
    buildMs: Math.round(buildMs),
    wallMs: Math.round(wallMs),
    simulatedSeconds: round(virtualMs / 1000, 2),
    simulatedSecondsPerWallSecond: round(virtualMs / wallMs, 3),
    peakRssMiB: peakRssMiB(),
    heapBytesPerHost: Math.round(heapPerHost),
  };
}

// ---- idle connections ------------------------------------------------------------------

const IDLE_RAW = 10_000;
const IDLE_NET = 2_000;

/** Raw stack: `IDLE_RAW` connections between two hosts, established and idle. */
async function idleRaw() {
  const { Simulation } = await dist();
  const sim = new Simulation({ seed: 1, autoRun: false, link: { latencyMs: 1 } });
  const a = sim.addHost('a').netstack;
  const b = sim.addHost('b').netstack;
  const clock = sim.clock;
  const listener = b.tcp.listen({ address: null, port: 80, family: 4, backlog: 65_535 });
  if (!('onconnection' in listener)) throw new Error(listener.message);
  const held: unknown[] = [];
  listener.onconnection = (conn) => held.push(conn);
  const remote = Uint8Array.of(10, 0, 0, 2);
  const open = (n: number) => {
    for (let i = 0; i < n; i++) {
      const conn = a.tcp.connect({ remote, remotePort: 80 }, clock.now());
      if (!('onestablished' in conn)) throw new Error(conn.message);
      held.push(conn);
      // A few at a time, as the listener's SYN queue takes them.
      if (i % 100 === 99) clock.runUntil(clock.now() + 5);
    }
    clock.runUntil(clock.now() + 1000);
  };
  open(10); // the neighbour caches and the layers' tables warm
  const before = await settledHeap();
  open(IDLE_RAW);
  const after = await settledHeap();
  if (b.tcp.size !== IDLE_RAW + 10) throw new Error(`${b.tcp.size} connections on the server`);
  // One poll of a stack holding them all, idle: no timer runs, nothing to visit.
  const rounds = 10_000;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) b.poll(clock.now());
  const pollMicros = ((performance.now() - t0) * 1000) / rounds;
  return {
    connections: IDLE_RAW,
    heapBytesPerEndpoint: Math.round((after - before) / (2 * IDLE_RAW)),
    idlePollMicros: round(pollMicros, 2),
  };
}

/** Through `net`: on two simulated hosts, or (host) wirestack's net over loopback. */
async function idleNet(transport: 'userspace' | 'host') {
  let client: typeof NodeNet;
  let server: typeof NodeNet;
  let address: string;
  let close = () => {};
  if (transport === 'userspace') {
    const { Simulation } = await dist();
    const sim = new Simulation({ seed: 1, link: { latencyMs: 1 } });
    client = sim.addHost('a').net as unknown as typeof NodeNet;
    server = sim.addHost('b').net as unknown as typeof NodeNet;
    address = '10.0.0.2';
    close = () => sim.close();
  } else {
    client = server = (await import(join(ROOT, 'dist', 'net', 'index.js'))) as typeof NodeNet;
    address = '127.0.0.1';
  }
  const accepted: NodeNet.Socket[] = [];
  const listening = server.createServer((s) => accepted.push(s));
  listening.listen({ port: 0, host: address, backlog: 4096 });
  await once(listening, 'listening');
  const port = (listening.address() as NodeNet.AddressInfo).port;
  const sockets: NodeNet.Socket[] = [];
  const open = async (n: number) => {
    const want = accepted.length + n;
    for (let i = 0; i < n; i += 100) {
      const batch = Array.from({ length: Math.min(100, n - i) }, () => {
        const socket = client.connect(port, address);
        sockets.push(socket);
        return once(socket, 'connect');
      });
      await Promise.all(batch);
    }
    for (let turns = 0; accepted.length < want; turns++) {
      if (turns > 1_000_000) throw new Error('the server did not accept them all');
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await open(10);
  const before = await settledHeap();
  await open(IDLE_NET);
  const after = await settledHeap();
  for (const s of [...sockets, ...accepted]) s.destroy();
  listening.close();
  close();
  return {
    connections: IDLE_NET,
    heapBytesPerEndpoint: Math.round((after - before) / (2 * IDLE_NET)),
  };
}

// ---- concurrent connections ----------------------------------------------------------

const CONCURRENT = 10_000;
const CLIENT_HOSTS = 100;
const CONNECTS_PER_MS = 25;

async function concurrentPart() {
  const { Simulation } = await dist();
  const sim = new Simulation({ seed: 1, link: { latencyMs: 1 } });
  const server = sim.addHost('server');
  const clients = Array.from({ length: CLIENT_HOSTS }, (_, i) => sim.addHost(`c${i + 1}`));
  let open = 0;
  let peakOpen = 0;
  const listening = server.net.createServer((socket) => {
    peakOpen = Math.max(peakOpen, ++open);
    socket.on('close', () => open--);
    socket.setEncoding('utf8');
    socket.on('data', (line: string) => socket.write(`ok ${line}`));
    socket.on('end', () => socket.end());
  });
  listening.listen({ port: 80, backlog: 4096 });
  await once(listening, 'listening');
  const heapBefore = await settledHeap();
  const start = performance.now();
  const virtualStart = sim.clock.now();
  let answered = 0;
  let allAnsweredAt = 0;
  let allAnswered: () => void = () => {};
  const everyAnswer = new Promise<void>((resolve) => {
    allAnswered = resolve;
  });
  const closed: Promise<unknown>[] = [];
  const sockets: NodeNet.Socket[] = [];
  const connect = (i: number): void => {
    const host = clients[i % CLIENT_HOSTS]!;
    // An address, not the name: a name with IPv4 and IPv6 addresses would race them
    // (autoSelectFamily) on Node's real-time timers, and this simulation runs slower than that.
    const socket = host.net.connect(80, '10.0.0.1') as unknown as NodeNet.Socket;
    sockets.push(socket);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${i}`));
    socket.once('data', (answer: string) => {
      if (answer !== `ok ${i}`) throw new Error(`connection ${i} got ${answer}`);
      if (++answered === CONCURRENT) {
        allAnsweredAt = sim.clock.now();
        allAnswered();
      }
    });
    socket.on('end', () => socket.end());
    closed.push(once(socket, 'close'));
  };
  // CONNECTS_PER_MS a simulated millisecond: a listener takes 256 half-open connections at
  // once (tcp_max_syn_backlog), a handshake takes a round trip of 4 ms here (two links each
  // way), and ten thousand SYNs at one instant would be a SYN flood.
  for (let i = 0; i < CONCURRENT; i++) {
    sim.clock.schedule(virtualStart + Math.floor(i / CONNECTS_PER_MS), () => connect(i));
  }
  await everyAnswer;
  const heapAtPeak = await settledHeap();
  const openAtPeak = open;
  for (const socket of sockets) socket.end();
  await Promise.all(closed);
  const wallMs = performance.now() - start;
  const virtualMs = allAnsweredAt - virtualStart;
  listening.close();
  sim.close();
  if (openAtPeak !== CONCURRENT) throw new Error(`${openAtPeak} open at the peak`);
  return {
    connections: CONCURRENT,
    clientHosts: CLIENT_HOSTS,
    openAtOnceOnTheServer: openAtPeak,
    synQueueDrops: server.netstack.counter('tcp.synQueueFull'),
    wallMs: Math.round(wallMs),
    /** Until every connection had its answer. */
    simulatedSeconds: round(virtualMs / 1000, 2),
    peakRssMiB: peakRssMiB(),
    /** Both ends, with their net.Socket objects. */
    heapBytesPerConnection: Math.round((heapAtPeak - heapBefore) / CONCURRENT),
  };
}

// ---- the parts, each in a fresh process -------------------------------------------------

const PARTS = {
  hosts: hostsPart,
  idleRaw,
  idleNet: () => idleNet('userspace'),
  idleNetHost: () => idleNet('host'),
  concurrent: concurrentPart,
};
type PartName = keyof typeof PARTS;

const inChild = <T>(part: PartName): Promise<T> =>
  childAnswer<T>(part, [__filename, '--part', part], ['--import', 'tsx', '--expose-gc'], 300_000);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { part: { type: 'string' } } });
  if (values.part !== undefined) {
    reply(await PARTS[values.part as PartName]());
    process.exit(0);
  }
  const results: Record<string, unknown> = {};
  for (const part of Object.keys(PARTS) as PartName[]) {
    results[part] = await inChild(part);
    console.log(part, JSON.stringify(results[part]));
  }
  const idleNetResult = results.idleNet as { heapBytesPerEndpoint: number };
  const idleHostResult = results.idleNetHost as { heapBytesPerEndpoint: number };
  const report = {
    benchmark: 'scale',
    date: new Date().toISOString(),
    ...machine(),
    results: {
      ...results,
      /** What an idle userspace connection holds beyond the same net.Socket on the host transport. */
      idleBytesBeyondNetSocket:
        idleNetResult.heapBytesPerEndpoint - idleHostResult.heapBytesPerEndpoint,
    },
  };
  publish(report);
}

runMain(main);
