/**
 * Memory per idle keep-alive connection: wirestack's http server against
 * node:http's, the same hello-world server (as bench/server.ts, with
 * `keepAliveTimeout` raised to 60 s so idle connections stay open while
 * they are measured).
 *
 * Each round, for each side in turn (alternating which goes first): a fresh
 * server process (run with --expose-gc) and a client process (raw node:net
 * sockets). The client first opens a few connections, one request each, and
 * closes them, so one-time costs (lazily loaded code, caches) are paid
 * before the baseline. Then the server reports `process.memoryUsage()`
 * after a full gc, the client opens `--connections` keep-alive connections,
 * sends one request on each, reads the response and leaves the connection
 * idle, and the server reports again. Bytes per connection = the growth /
 * connections, for the JS heap (heapUsed), memory outside it (external,
 * which includes Buffers) and the process's RSS. Each side's figure is its
 * median round.
 *
 *   npm run bench:http-memory [-- --connections 2000 --rounds 3]
 *
 * Writes bench/results/http-memory.json and regenerates the README's table.
 * --ours MODULE, --out FILE and --no-readme are for checking the harness.
 */
import { execFileSync } from 'node:child_process';
import type * as NodeHttp from 'node:http';
import * as net from 'node:net';
import { parseArgs } from 'node:util';
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
  refreshReadme,
  reply,
  round,
  runMain,
  sidesInOrder,
  sleep,
  startWatchdog,
  writeResults,
} from './lib.js';

const KEEP_ALIVE_TIMEOUT_MS = 60_000;
/** Connections the client opens before the baseline, to pay one-time costs. */
const WARM_UP_CONNECTIONS = 10;
/** Connections the client has being opened at once. */
const CONNECT_CONCURRENCY = 100;

interface Memory {
  heapUsed: number;
  external: number;
  rss: number;
  /** Connections open on the server. */
  connections: number;
}

// ---- the server process ------------------------------------------------------------

/**
 * The hello-world server; prints `{"port":N}`, then answers each line on
 * stdin with its Memory after a full garbage collection.
 */
function serverMain(impl: Impl, module: string): void {
  const http = require(impl === 'node' ? 'node:http' : module) as typeof NodeHttp;
  const { server, gc } = helloServer(http);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  let connections = 0;
  server.on('connection', (socket: net.Socket) => {
    connections++;
    socket.once('close', () => connections--);
  });
  listenAndReplyPort(server);
  onCommands(() => {
    afterGc(gc, (usage) =>
      reply({
        heapUsed: usage.heapUsed,
        external: usage.external,
        rss: usage.rss,
        connections,
      } satisfies Memory),
    );
  });
}

// ---- the client process ------------------------------------------------------------

/**
 * Raw keep-alive connections. Commands on stdin: `open K` opens K more, one
 * GET each, and answers once every response is read; `close` destroys them
 * all. Each answer is `{"open":N,"closedEarly":M}` (M: connections the server
 * closed while they were supposed to stay open).
 */
function clientMain(port: number): void {
  const request = Buffer.from(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`,
  );
  const sockets = new Set<net.Socket>();
  let closedEarly = 0;

  const openOne = (): Promise<void> =>
    new Promise((resolveOpen, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let received = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = received.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!head.startsWith('HTTP/1.1 200 ') || length === null) {
          reject(new Error(`unexpected response: ${head}`));
          return;
        }
        if (received.length < end + 4 + Number(length[1])) return;
        socket.removeListener('data', onData);
        socket.removeListener('error', reject);
        socket.on('error', () => {});
        socket.once('close', () => {
          if (sockets.delete(socket)) closedEarly++;
        });
        sockets.add(socket);
        resolveOpen();
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write(request);
    });

  const open = async (count: number): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next++;
        await openOne();
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
  };

  const status = () => ({ open: sockets.size, closedEarly });
  onCommands((line) => {
    const [command, arg] = line.split(' ');
    if (command === 'open') {
      open(Number(arg)).then(
        () => reply(status()),
        (err: Error) => {
          process.stderr.write(`client: ${err.message}\n`);
          process.exit(1);
        },
      );
    } else if (command === 'close') {
      const all = [...sockets];
      sockets.clear();
      for (const socket of all) socket.destroy();
      reply(status());
    }
  });
}

// ---- the orchestrator --------------------------------------------------------------

interface Run {
  /** Growth per connection, bytes. */
  heapUsedPerConnection: number;
  externalPerConnection: number;
  rssPerConnection: number;
  /** How long the connections had been idle when measured, at most, ms. */
  idleMs: number;
  before: Memory;
  after: Memory;
}

async function measure(impl: Impl, module: string, connections: number): Promise<Run> {
  const server = new Child(
    `${impl} server`,
    [__filename, '--role', 'server', impl, module],
    ['--expose-gc', '--import', 'tsx'],
  );
  let client: Child | undefined;
  try {
    const { port } = await server.next<{ port: number }>();
    client = new Child(`${impl} client`, [__filename, '--role', 'client', String(port)]);
    await client.ask(`open ${WARM_UP_CONNECTIONS}`);
    await client.ask('close');
    let before = await server.ask<Memory>('mem');
    for (let tries = 0; before.connections > 0 && tries < 50; tries++) {
      await sleep(100);
      before = await server.ask<Memory>('mem');
    }
    if (before.connections > 0) throw new Error(`${impl}: warm-up connections did not close`);

    const opening = Date.now();
    const opened = await client.ask<{ open: number; closedEarly: number }>(
      `open ${connections}`,
      KEEP_ALIVE_TIMEOUT_MS / 2,
    );
    await sleep(500);
    const after = await server.ask<Memory>('mem');
    const idleMs = Date.now() - opening;
    const status = await client.ask<{ open: number; closedEarly: number }>('close');
    if (
      opened.open !== connections ||
      status.closedEarly > 0 ||
      after.connections !== connections ||
      idleMs >= KEEP_ALIVE_TIMEOUT_MS
    ) {
      throw new Error(
        `${impl}: expected ${connections} idle connections; client had ${opened.open} open ` +
          `(${status.closedEarly} closed early), server had ${after.connections}, after ${idleMs} ms`,
      );
    }
    const per = (key: 'heapUsed' | 'external' | 'rss'): number =>
      Math.round((after[key] - before[key]) / connections);
    return {
      heapUsedPerConnection: per('heapUsed'),
      externalPerConnection: per('external'),
      rssPerConnection: per('rss'),
      idleMs,
      before,
      after,
    };
  } finally {
    client?.stop();
    server.stop();
  }
}

/** The soft limit on open files that child processes inherit. */
function openFileLimit(): number {
  const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string' },
      rounds: { type: 'string' },
      ...HARNESS_OPTIONS,
    },
  });
  const connections = positiveInt('--connections', values.connections, 2000);
  const rounds = positiveInt('--rounds', values.rounds, 3);
  const { ours, out } = harnessTarget(values, 'http-memory');
  const limit = openFileLimit();
  if (connections + 256 > limit) {
    throw new Error(`--connections ${connections} does not fit in 'ulimit -n' (${limit})`);
  }

  // Bounded: each measurement has to finish well inside the keep-alive window.
  const budgetMs = rounds * 2 * (KEEP_ALIVE_TIMEOUT_MS + 30_000);
  const watchdog = startWatchdog(budgetMs);

  const runs: Record<Impl, Run[]> = { wirestack: [], node: [] };
  for (let r = 0; r < rounds; r++) {
    for (const impl of sidesInOrder(r)) {
      const run = await measure(impl, ours, connections);
      runs[impl].push(run);
      console.log(
        `round ${r + 1} ${impl.padEnd(9)} per connection: heap ${run.heapUsedPerConnection} B, ` +
          `external ${run.externalPerConnection} B, rss ${run.rssPerConnection} B`,
      );
    }
  }
  clearTimeout(watchdog);

  const summary = (impl: Impl) => ({
    heapUsedPerConnection: Math.round(median(runs[impl].map((r) => r.heapUsedPerConnection))),
    externalPerConnection: Math.round(median(runs[impl].map((r) => r.externalPerConnection))),
    rssPerConnection: Math.round(median(runs[impl].map((r) => r.rssPerConnection))),
    runs: runs[impl],
  });
  const wirestack = summary('wirestack');
  const node = summary('node');
  /** wirestack ÷ node:http; null when node:http's growth is not positive. */
  const ratio = (key: 'heapUsedPerConnection' | 'externalPerConnection' | 'rssPerConnection') =>
    node[key] > 0 ? round(wirestack[key] / node[key], 2) : null;
  const report = {
    benchmark: 'http-memory',
    title: 'Memory per idle keep-alive connection, hello-world server',
    date: new Date().toISOString(),
    ...machine(),
    method:
      `each side a fresh server process per round (--expose-gc, keepAliveTimeout ` +
      `${KEEP_ALIVE_TIMEOUT_MS / 1000} s; loaded with tsx, wirestack from dist/) and a raw ` +
      `node:net client process; ${WARM_UP_CONNECTIONS} warm-up connections opened and closed, ` +
      `then process.memoryUsage() after gc, ${connections} keep-alive connections opened ` +
      `(one GET each, response read, then idle), memoryUsage() after gc again; growth ÷ ` +
      `${connections}; ${rounds} rounds alternating which side goes first; medians. RSS is ` +
      'the noisiest of the three (allocator and page granularity, and other work on the ' +
      '2-core machine)',
    server: 'hello world: 200, text/plain, 14-byte body',
    wirestackModule: moduleLabel(ours),
    connections,
    rounds,
    keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
    target: 'wirestack ≤ node:http',
    results: {
      wirestack,
      node,
      ratios: {
        heapUsed: ratio('heapUsedPerConnection'),
        external: ratio('externalPerConnection'),
        rss: ratio('rssPerConnection'),
      },
    },
  };
  writeResults(out, report);
  console.log(
    `per idle connection: wirestack heap ${wirestack.heapUsedPerConnection} B, external ` +
      `${wirestack.externalPerConnection} B, rss ${wirestack.rssPerConnection} B; node:http heap ` +
      `${node.heapUsedPerConnection} B, external ${node.externalPerConnection} B, rss ` +
      `${node.rssPerConnection} B`,
  );
  if (!values['no-readme']) refreshReadme(out);
}

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
if (role === 'server') serverMain(process.argv[4] as Impl, process.argv[5]!);
else if (role === 'client') clientMain(Number(process.argv[4]));
else runMain(main);
