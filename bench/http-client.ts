/**
 * HTTP client throughput: requests per second of `http.request` (GET, small
 * response, body read to the end) through a keep-alive Agent, wirestack's
 * client against node:http's, in the same run, interleaved.
 *
 * The server is a raw node:net server in its own process that answers every
 * request with one pre-built `200 OK` keep-alive response as soon as it has
 * seen the request's blank line, so it is never the bottleneck. Each client
 * runs in its own, fresh, process per round: `--in-flight` requests are kept
 * in flight through an Agent with `maxSockets` of the same number; after a
 * warm-up the completed requests are counted for `--seconds`. Rounds
 * alternate which client goes first; each side's figure is its median round.
 * A third client, the no-HTTP floor, keeps the same number of node:net
 * connections busy with pre-built request bytes, counting response bytes:
 * the most any HTTP client on Node's sockets could reach against this
 * server on this machine.
 *
 *   npm run bench:http-client [-- --seconds 3 --rounds 3 --warmup 1 --in-flight 50]
 *
 * Writes bench/results/http-client.json and regenerates the README's table.
 * --cpu-prof DIR writes V8 CPU profiles of each client process to DIR/<client>-<round>/;
 * --ours MODULE, --out FILE and --no-readme are for checking the harness.
 */
import type * as NodeHttp from 'node:http';
import * as net from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  answerCpuCommands,
  answerEachRequest,
  Child,
  exitWithParent,
  HARNESS_OPTIONS,
  harnessTarget,
  type Impl,
  listenAndReplyPort,
  machine,
  median,
  moduleLabel,
  positiveInt,
  refreshReadme,
  reply,
  round,
  roundRatios,
  runMain,
  sidesInOrder,
  startWatchdog,
  writeResults,
} from './lib.js';

const BODY = 'Hello, World!\n';
const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n' +
    `Content-Length: ${BODY.length}\r\nConnection: keep-alive\r\n\r\n${BODY}`,
);

// ---- the server process ------------------------------------------------------------

/**
 * Answers each request (each `\r\n\r\n` seen, across reads) with RESPONSE;
 * the responses to one read go out in one write. Prints `{"port":N}`, then
 * answers each `cpu` line on stdin with its CPU time so far (µs) and the
 * connections it has accepted.
 */
function serverMain(): void {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    answerEachRequest(socket, RESPONSE);
  });
  listenAndReplyPort(server);
  answerCpuCommands(() => ({ connections }));
}

// ---- a client process --------------------------------------------------------------

/** The clients measured: the two contenders and the no-HTTP floor. */
type ClientKind = Impl | 'floor';

interface ClientRun {
  requests: number;
  seconds: number;
  cpuMicros: number;
  bodyBytes: number;
  errors: number;
  firstError?: string;
}

/**
 * Keeps `inFlight` GETs in flight through a keep-alive Agent for
 * `warmupS + seconds`; prints `{"counting":true}` when the counted part
 * starts and a ClientRun when it ends, then exits.
 */
function clientMain(
  kind: ClientKind,
  module: string,
  port: number,
  inFlight: number,
  warmupS: number,
  seconds: number,
): void {
  const run: ClientRun = { requests: 0, seconds: 0, cpuMicros: 0, bodyBytes: 0, errors: 0 };
  const counter = { counting: false };
  exitWithParent();
  if (kind === 'floor') floorClient(run, counter, port, inFlight);
  else httpClient(run, counter, kind, module, port, inFlight);
  setTimeout(() => {
    counter.counting = true;
    reply({ counting: true });
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    setTimeout(() => {
      counter.counting = false;
      const cpu = process.cpuUsage(cpuStart);
      run.seconds = Number(process.hrtime.bigint() - start) / 1e9;
      run.cpuMicros = cpu.user + cpu.system;
      reply(run);
      process.exit(0);
    }, seconds * 1000);
  }, warmupS * 1000);
}

/** `inFlight` requests kept going through `http.request` and a keep-alive Agent. */
function httpClient(
  run: ClientRun,
  counter: { counting: boolean },
  impl: Impl,
  module: string,
  port: number,
  inFlight: number,
): void {
  const http = require(impl === 'node' ? 'node:http' : module) as typeof NodeHttp;
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const options: NodeHttp.RequestOptions = { host: '127.0.0.1', port, path: '/', agent };

  const onBody = (chunk: Buffer): void => {
    if (counter.counting) run.bodyBytes += chunk.length;
  };
  const onEnd = (): void => {
    if (counter.counting) run.requests++;
    send();
  };
  const onResponse = (res: NodeHttp.IncomingMessage): void => {
    if (res.statusCode !== 200) fail(new Error(`status ${res.statusCode}`));
    res.on('data', onBody);
    res.on('end', onEnd);
  };
  const fail = (err: Error): void => {
    run.errors++;
    run.firstError ??= err.message;
    if (run.errors > 100) {
      process.stderr.write(`${impl} client: too many errors; first: ${run.firstError}\n`);
      process.exit(1);
    }
  };
  const send = (): void => {
    const req = http.request(options, onResponse);
    req.on('error', (err) => {
      fail(err);
      setImmediate(send);
    });
    req.end();
  };
  for (let i = 0; i < inFlight; i++) send();
}

/**
 * The no-HTTP floor: `inFlight` node:net connections, each sending the
 * request bytes node:http's client sends and the next one as soon as a
 * whole response (RESPONSE.length bytes) has arrived. Nothing is parsed.
 */
function floorClient(
  run: ClientRun,
  counter: { counting: boolean },
  port: number,
  inFlight: number,
): void {
  const request = Buffer.from(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`,
    'latin1',
  );
  for (let i = 0; i < inFlight; i++) {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.setNoDelay(true);
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      let responses = 0;
      while (received >= RESPONSE.length) {
        received -= RESPONSE.length;
        responses++;
      }
      if (responses === 0) return;
      if (counter.counting) {
        run.requests += responses;
        run.bodyBytes += responses * BODY.length;
      }
      socket.write(request);
    });
    socket.on('error', (err) => {
      run.errors++;
      run.firstError ??= err.message;
    });
  }
}

// ---- the orchestrator --------------------------------------------------------------

interface Run {
  requestsPerSec: number;
  /** Client CPU time (user + system) per request, µs. */
  clientCpuMicrosPerRequest: number;
  /** The server process's CPU time over the counted part, as a share of one core. */
  serverCpuShare: number;
  /** Connections the server accepted during this client's whole run. */
  connections: number;
  errors: number;
  firstError?: string;
}

async function clientRound(
  server: Child,
  port: number,
  impl: ClientKind,
  module: string,
  settings: { inFlight: number; warmupS: number; seconds: number; cpuProf?: string },
  label: string,
): Promise<Run> {
  const execArgv = ['--import', 'tsx'];
  if (settings.cpuProf !== undefined) {
    // One directory per run: the main thread's profile and tsx's loader thread's.
    execArgv.push('--cpu-prof', '--cpu-prof-dir', join(settings.cpuProf, label));
  }
  const before = await server.ask<{ cpuMicros: number; connections: number }>('cpu');
  const client = new Child(
    `${impl} client`,
    [
      __filename,
      '--role',
      'client',
      impl,
      module,
      String(port),
      String(settings.inFlight),
      String(settings.warmupS),
      String(settings.seconds),
    ],
    execArgv,
  );
  const limitMs = (settings.warmupS + settings.seconds) * 1000 + 30_000;
  try {
    await client.next(limitMs);
    const start = await server.ask<{ cpuMicros: number }>('cpu');
    const result = await client.next<ClientRun>(limitMs);
    const end = await server.ask<{ cpuMicros: number; connections: number }>('cpu');
    await client.exit();
    const run: Run = {
      requestsPerSec: Math.round(result.requests / result.seconds),
      clientCpuMicrosPerRequest: round(result.cpuMicros / result.requests, 2),
      serverCpuShare: round((end.cpuMicros - start.cpuMicros) / 1e6 / result.seconds, 2),
      connections: end.connections - before.connections,
      errors: result.errors,
    };
    if (result.firstError !== undefined) run.firstError = result.firstError;
    const bytesPerBody = result.bodyBytes / result.requests;
    if (bytesPerBody !== BODY.length) {
      throw new Error(`${impl} client read ${bytesPerBody} body bytes per response`);
    }
    return run;
  } finally {
    client.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'in-flight': { type: 'string' },
      ...HARNESS_OPTIONS,
      'cpu-prof': { type: 'string' },
    },
  });
  const seconds = positiveInt('--seconds', values.seconds, 3);
  const warmupS = positiveInt('--warmup', values.warmup, 1);
  const rounds = positiveInt('--rounds', values.rounds, 3);
  const inFlight = positiveInt('--in-flight', values['in-flight'], 50);
  const { ours, out } = harnessTarget(values, 'http-client');
  const cpuProf = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);

  // The whole run is bounded: rounds × three clients × (warm-up + count + slack).
  const budgetMs = rounds * 3 * ((warmupS + seconds) * 1000 + 30_000) + 30_000;
  const server = new Child('server', [__filename, '--role', 'server']);
  const watchdog = startWatchdog(budgetMs, () => server.stop());
  process.once('SIGINT', () => {
    server.stop();
    process.exit(130);
  });

  try {
    const { port } = await server.next<{ port: number }>();
    console.log(`server on port ${port}; wirestack http: ${moduleLabel(ours)}`);
    const runs: Record<ClientKind, Run[]> = { wirestack: [], node: [], floor: [] };
    for (let r = 0; r < rounds; r++) {
      for (const impl of [...sidesInOrder(r), 'floor' as const]) {
        const settings = { inFlight, warmupS, seconds, ...(cpuProf ? { cpuProf } : {}) };
        const run = await clientRound(server, port, impl, ours, settings, `${impl}-${r + 1}`);
        runs[impl].push(run);
        console.log(
          `round ${r + 1} ${impl.padEnd(9)} ${String(run.requestsPerSec).padStart(7)} req/s, ` +
            `client ${run.clientCpuMicrosPerRequest} µs CPU/request, server at ${run.serverCpuShare} ` +
            `of a core, ${run.connections} connections` +
            (run.errors > 0 ? `, ${run.errors} errors (${run.firstError})` : ''),
        );
      }
    }

    const summary = (impl: ClientKind) => ({
      requestsPerSec: Math.round(median(runs[impl].map((run) => run.requestsPerSec))),
      clientCpuMicrosPerRequest: round(
        median(runs[impl].map((run) => run.clientCpuMicrosPerRequest)),
        2,
      ),
      runs: runs[impl],
    });
    const wirestack = summary('wirestack');
    const node = summary('node');
    const floor = summary('floor');
    const report = {
      benchmark: 'http-client',
      title: 'http.request through a keep-alive Agent',
      date: new Date().toISOString(),
      ...machine(),
      method:
        `GET /, ${BODY.length}-byte body read to the end, through a keep-alive Agent ` +
        `(maxSockets ${inFlight}) with ${inFlight} requests kept in flight; the server is a raw ` +
        'node:net server in its own process answering each request with one pre-built 200 ' +
        'response; each client in its own fresh process per round (loaded with tsx, the client ' +
        `module from dist/); ${warmupS} s warm-up, then ${seconds} s counted; ${rounds} rounds ` +
        'alternating which client goes first; medians. Client and server share a 2-core machine ' +
        'that other work may be using, so the figures are noisy; client CPU per request is the ' +
        'steadier measure. ratio = wirestack req/s ÷ node:http req/s; cpuRatio = node:http ' +
        "client CPU per request ÷ wirestack's. The no-HTTP floor is node:net with pre-built " +
        'request bytes, counting response bytes (nothing parsed): the most an HTTP client on ' +
        "Node's sockets could reach against this server here",
      server: 'raw node:net, pre-built "HTTP/1.1 200 OK" keep-alive response, 14-byte body',
      wirestackModule: moduleLabel(ours),
      inFlight,
      warmupS,
      seconds,
      rounds,
      target: { ratio: 1.8 },
      results: {
        wirestack,
        node,
        floor,
        ratio: round(wirestack.requestsPerSec / node.requestsPerSec, 2),
        rounds: roundRatios(runs.wirestack, runs.node),
        cpuRatio: round(node.clientCpuMicrosPerRequest / wirestack.clientCpuMicrosPerRequest, 2),
        floorRatio: round(floor.requestsPerSec / node.requestsPerSec, 2),
      },
    };
    const { results } = report;
    writeResults(out, report);
    console.log(
      `wirestack ${wirestack.requestsPerSec} req/s (${wirestack.clientCpuMicrosPerRequest} µs CPU/request), ` +
        `node:http ${node.requestsPerSec} req/s (${node.clientCpuMicrosPerRequest} µs CPU/request); ` +
        `ratio ${results.ratio} (target ${report.target.ratio}), CPU ratio ${results.cpuRatio}; ` +
        `no-HTTP floor ${floor.requestsPerSec} req/s (${results.floorRatio} × node:http)`,
    );
    if (!values['no-readme']) refreshReadme(out);
  } finally {
    server.stop();
    clearTimeout(watchdog);
  }
}

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
if (role === 'server') serverMain();
else if (role === 'client') {
  const [impl, module, ...numbers] = process.argv.slice(4);
  const [port, inFlight, warmupS, seconds] = numbers.map(Number) as [
    number,
    number,
    number,
    number,
  ];
  clientMain(impl as ClientKind, module!, port, inFlight, warmupS, seconds);
} else runMain(main);
