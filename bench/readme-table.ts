/**
 * Regenerates the README's benchmark tables from bench/results/*.json. Each
 * results file names its benchmark (`"benchmark": "http"`); its table goes
 * between `<!-- bench:http -->` and `<!-- /bench:http -->`.
 *
 *   node --import tsx bench/readme-table.ts [README] [RESULTS_DIR]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface ImplResult {
  requestsPerSec: number;
  /** Server CPU per request, µs (absent in results from before it was recorded). */
  serverCpuMicrosPerRequest?: number;
  runs: unknown[];
}

export interface HttpReport {
  benchmark: 'http';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  wrk: { threads: number; connections: number; durationS: number; rounds: number };
  /** How each side's runs are summed up (results before this field: 'mean'). */
  summary?: 'mean' | 'median';
  wirestackModule: string;
  results: {
    mode: string;
    label: string;
    wirestack: ImplResult;
    node: ImplResult;
    /** The no-HTTP floor server (see bench/server.ts). */
    floor?: ImplResult;
    ratio: number;
    /** Each round's wirestack ÷ node:http req/s (absent in older results). */
    rounds?: RoundRatios;
    floorRatio?: number;
  }[];
}

const number = (n: number): string => Math.round(n).toLocaleString('en-US');
const micros = (r: ImplResult | undefined): string =>
  r?.serverCpuMicrosPerRequest === undefined ? '–' : r.serverCpuMicrosPerRequest.toFixed(1);
/** Server CPU per request above the no-HTTP floor's, µs: what the HTTP layer costs. */
const overFloor = (r: ImplResult, floor: ImplResult | undefined): string =>
  r.serverCpuMicrosPerRequest === undefined || floor?.serverCpuMicrosPerRequest === undefined
    ? '–'
    : (r.serverCpuMicrosPerRequest - floor.serverCpuMicrosPerRequest).toFixed(1);

/** Each round's wirestack ÷ node:http ratio: median and range (see bench/lib.ts `roundRatios`). */
interface RoundRatios {
  median: number;
  min: number;
  max: number;
}

/** `median 1.77, from 1.55 to 2.10`. */
const roundsText = (r: RoundRatios): string =>
  `median ${r.median.toFixed(2)}, from ${r.min.toFixed(2)} to ${r.max.toFixed(2)}`;

export function renderHttp(report: HttpReport): string {
  const { wrk } = report;
  const lines = [
    `| workload (wrk: ${wrk.threads} thread, ${wrk.connections} connections) | wirestack req/s | node:http req/s | wirestack / node:http | no-HTTP floor req/s (÷ node:http) | server CPU µs/request: wirestack / node:http / floor | HTTP layer µs/request (over the floor): wirestack / node:http |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.results.map(
      (r) =>
        `| ${r.label} | ${number(r.wirestack.requestsPerSec)} | ${number(r.node.requestsPerSec)} | ${r.ratio.toFixed(2)} | ` +
        `${r.floor ? `${number(r.floor.requestsPerSec)} (${r.floorRatio?.toFixed(2)})` : '–'} | ` +
        `${micros(r.wirestack)} / ${micros(r.node)} / ${micros(r.floor)} | ` +
        `${overFloor(r.wirestack, r.floor)} / ${overFloor(r.node, r.floor)} |`,
    ),
    '',
  ];
  const withRounds = report.results.filter((r) => r.rounds);
  if (withRounds.length > 0) {
    const parts = withRounds.map((r) => `${r.label}: ${roundsText(r.rounds!)}`);
    lines.push(
      `Round by round (the sides back to back), wirestack ÷ node:http req/s — ${parts.join('; ')}.`,
      '',
    );
  }
  lines.push(
    `Hello-world server, each side in its own process on loopback; ${report.summary ?? 'mean'} of ${wrk.rounds} interleaved ` +
      `runs of ${wrk.durationS} s. The no-HTTP floor is the bare host transport (libuv's ` +
      'TCP handle: no stream, no socket object) answering each request with pre-built bytes ' +
      '(nothing parsed, nothing built): the most a server written in JavaScript on Node can reach ' +
      'here, where the system calls and wrk itself take the rest. ' +
      `Node ${report.node}, ${report.cpu} (${report.cores} cores), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/http.json\`, by \`npm run bench:http\`.`,
  );
  if (report.wirestackModule.startsWith('node:')) {
    lines.push('', `**Harness check only: the "wirestack" column ran ${report.wirestackModule}.**`);
  }
  return lines.join('\n');
}

export interface NetReport {
  benchmark: 'net';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  rounds: number;
  tcp: { mib: number; chunkBytes: number; wirestack: number; node: number };
  udp: { datagrams: number; bytes: number; wirestack: number; node: number };
}

export function renderNet(report: NetReport): string {
  const { tcp, udp } = report;
  return [
    '| workload | wirestack | node | wirestack / node |',
    '| --- | ---: | ---: | ---: |',
    `| TCP bulk, ${tcp.chunkBytes / 1024} KiB writes, ${tcp.mib} MiB (MiB/s) | ${number(tcp.wirestack)} | ${number(tcp.node)} | ${(tcp.wirestack / tcp.node).toFixed(2)} |`,
    `| UDP, ${udp.datagrams.toLocaleString('en-US')} datagrams of ${udp.bytes} bytes (received/s) | ${number(udp.wirestack)} | ${number(udp.node)} | ${(udp.wirestack / udp.node).toFixed(2)} |`,
    '',
    `Both ends in one process on loopback, against node:net / node:dgram; mean of ${report.rounds} ` +
      `interleaved rounds. Node ${report.node}, ${report.cpu} (${report.cores} cores), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/net.json\`, by \`npm run bench:net\`.`,
  ].join('\n');
}

interface HttpClientSide {
  requestsPerSec: number;
  clientCpuMicrosPerRequest: number;
}

export interface HttpClientReport {
  benchmark: 'http-client';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  method: string;
  wirestackModule: string;
  inFlight: number;
  results: {
    wirestack: HttpClientSide;
    node: HttpClientSide;
    /** The no-HTTP floor client (absent in results from before it was measured). */
    floor?: HttpClientSide;
    ratio: number;
    /** Each round's wirestack ÷ node:http req/s (absent in older results). */
    rounds?: RoundRatios;
  };
}

/** `a / b` to two places, or a dash when `b` is not positive. */
const ratioText = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '–');

export function renderHttpClient(report: HttpClientReport): string {
  const { wirestack, node, floor } = report.results;
  const floorRps = floor
    ? `${number(floor.requestsPerSec)} (${ratioText(floor.requestsPerSec, node.requestsPerSec)})`
    : '–';
  const floorCpu = floor ? floor.clientCpuMicrosPerRequest.toFixed(1) : '–';
  const lines = [
    `| \`http.request\` GET, keep-alive Agent, ${report.inFlight} in flight | wirestack | node:http | wirestack / node:http | no-HTTP floor (÷ node:http) |`,
    '| --- | ---: | ---: | ---: | ---: |',
    `| requests/s | ${number(wirestack.requestsPerSec)} | ${number(node.requestsPerSec)} | ${report.results.ratio.toFixed(2)} | ${floorRps} |`,
    `| client CPU µs per request | ${wirestack.clientCpuMicrosPerRequest.toFixed(1)} | ${node.clientCpuMicrosPerRequest.toFixed(1)} | ${ratioText(wirestack.clientCpuMicrosPerRequest, node.clientCpuMicrosPerRequest)} | ${floorCpu} |`,
    '',
  ];
  const rounds = report.results.rounds;
  if (rounds) {
    lines.push(
      `Round by round (the two clients back to back), wirestack ÷ node:http req/s: ${roundsText(rounds)}.`,
      '',
    );
  }
  lines.push(
    `${report.method}. Node ${report.node}, ${report.cpu} (${report.cores} cores), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/http-client.json\`, by \`npm run bench:http-client\`.`,
  );
  if (report.wirestackModule.startsWith('node:')) {
    lines.push('', `**Harness check only: the "wirestack" column ran ${report.wirestackModule}.**`);
  }
  return lines.join('\n');
}

interface HttpMemorySide {
  heapUsedPerConnection: number;
  externalPerConnection: number;
  rssPerConnection: number;
}

export interface HttpMemoryReport {
  benchmark: 'http-memory';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  method: string;
  wirestackModule: string;
  connections: number;
  results: { wirestack: HttpMemorySide; node: HttpMemorySide };
}

export function renderHttpMemory(report: HttpMemoryReport): string {
  const { wirestack, node } = report.results;
  const row = (label: string, key: keyof HttpMemorySide): string =>
    `| ${label} | ${number(wirestack[key])} | ${number(node[key])} | ${ratioText(wirestack[key], node[key])} |`;
  const lines = [
    `| bytes per idle keep-alive connection (${number(report.connections)} open) | wirestack | node:http | wirestack / node:http |`,
    '| --- | ---: | ---: | ---: |',
    row('JS heap (heapUsed after gc)', 'heapUsedPerConnection'),
    row('outside the JS heap (external, with Buffers)', 'externalPerConnection'),
    row('process RSS', 'rssPerConnection'),
    '',
    `Hello-world server; ${report.method}. Node ${report.node}, ${report.cpu} (${report.cores} cores), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/http-memory.json\`, by \`npm run bench:http-memory\`.`,
  ];
  if (report.wirestackModule.startsWith('node:')) {
    lines.push('', `**Harness check only: the "wirestack" column ran ${report.wirestackModule}.**`);
  }
  return lines.join('\n');
}

interface FrameworkSide {
  requestsPerSec: number;
  serverCpuMicrosPerRequest: number;
}

export interface FrameworksReport {
  benchmark: 'frameworks';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  wrk: { threads: number; connections: number; durationS: number; rounds: number };
  results: {
    label: string;
    wirestack: FrameworkSide;
    node: FrameworkSide;
    ratio: number;
    rounds: RoundRatios;
  }[];
}

export function renderFrameworks(report: FrameworksReport): string {
  const { wrk } = report;
  return [
    `| hello world (wrk: ${wrk.threads} thread, ${wrk.connections} connections) | wirestack (register) req/s | node:http req/s | wirestack / node:http | round by round | server CPU µs/request: wirestack / node:http |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.results.map(
      (r) =>
        `| ${r.label} | ${number(r.wirestack.requestsPerSec)} | ${number(r.node.requestsPerSec)} | ${r.ratio.toFixed(2)} | ` +
        `${roundsText(r.rounds)} | ${r.wirestack.serverCpuMicrosPerRequest.toFixed(1)} / ${r.node.serverCpuMicrosPerRequest.toFixed(1)} |`,
    ),
    '',
    "The same app, unchanged, on both sides: `GET /` answered `Hello, World!` as text/plain the framework's usual way, " +
      'started by `app.listen()`; the wirestack side runs under `node --require wirestack/register`. ' +
      `Each side in its own process on loopback; median of ${wrk.rounds} interleaved rounds of ${wrk.durationS} s ` +
      "(round by round: each round's wirestack ÷ node:http, the two back to back). The machine is shared " +
      'with other work, so req/s is noisy; server CPU per request is the steadier measure. ' +
      `Node ${report.node}, ${report.cpu} (${report.cores} cores), ${report.date.slice(0, 10)}. ` +
      'From `bench/results/frameworks.json`, by `npm run bench:frameworks`.',
  ].join('\n');
}

interface ParserReport {
  benchmark: 'parser';
  date: string;
  node: string;
  method: string;
  mix: { requests: number; bytes: number; description: string };
  results: Record<string, { wirestack: { mbPerSec: number }; llhttp: { mbPerSec: number } }>;
}

export function renderParser(report: ParserReport): string {
  return [
    '| scenario | wirestack MB/s | llhttp MB/s | wirestack / llhttp |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(report.results).map(
      ([name, r]) =>
        `| ${name} | ${number(r.wirestack.mbPerSec)} | ${number(r.llhttp.mbPerSec)} | ${(r.wirestack.mbPerSec / r.llhttp.mbPerSec).toFixed(2)} |`,
    ),
    '',
    `${report.mix.description} (${report.mix.bytes} bytes); ${report.method}. Node ${report.node}'s ` +
      `llhttp through its parser binding, same process, ${report.date.slice(0, 10)}. ` +
      'From `bench/results/parser.json`, by `node --import tsx bench/parser.ts`.',
  ].join('\n');
}

interface StackReport {
  benchmark: 'stack';
  date: string;
  node: string;
  method: string;
  results: Record<
    string,
    { datagramsPerSec: number; packetsPerSec: number; payloadMbitPerSec: number }
  >;
}

export function renderStack(report: StackReport): string {
  return [
    '| scenario | datagrams/s | IP packets/s | payload Mbit/s |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(report.results).map(
      ([name, r]) =>
        `| ${name} | ${number(r.datagramsPerSec)} | ${number(r.packetsPerSec)} | ${r.payloadMbitPerSec} |`,
    ),
    '',
    `Two hosts on the simulated network, ${report.method}. Node ${report.node}, ` +
      `${report.date.slice(0, 10)}. From \`bench/results/stack.json\`, by \`node --import tsx bench/stack.ts\`.`,
  ].join('\n');
}

interface WsReport {
  benchmark: 'ws';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  method: string;
  results: Array<{
    label: string;
    wirestack: { messagesPerSec: number };
    ws: { messagesPerSec: number };
    ratio: number;
  }>;
}

export function renderWs(report: WsReport): string {
  return [
    '| workload (32 clients) | wirestack msg/s | `ws` msg/s | wirestack / `ws` |',
    '| --- | ---: | ---: | ---: |',
    ...report.results.map(
      (r) =>
        `| ${r.label} | ${number(r.wirestack.messagesPerSec)} | ${number(r.ws.messagesPerSec)} | ${r.ratio.toFixed(2)} |`,
    ),
    '',
    `Echo servers: wirestack/ws on wirestack http against the \`ws\` package on node:http; ${report.method}. ` +
      `Node ${report.node}, ${report.cpu} (${report.cores} cores), ${report.date.slice(0, 10)}. ` +
      'From `bench/results/ws.json`, by `node --import tsx bench/ws.ts`.',
  ].join('\n');
}

interface TcpUserspaceMeasured {
  goodputGbitPerSec: number;
  cpuMsPerMiB: number;
  segmentsPerSec?: number;
  cpuMicrosPerSegment?: number;
  heapBytesPerSegment?: number;
}

/** What every results file written with bench/lib.ts `machine()` holds besides its results. */
interface MachineReport {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  method: string;
}

interface TcpUserspaceReport extends MachineReport {
  benchmark: 'tcp-userspace';
  results: Array<{
    label: string;
    wirestack: TcpUserspaceMeasured;
    host: TcpUserspaceMeasured | null;
  }>;
}

export function renderTcpUserspace(report: TcpUserspaceReport): string {
  const host = (m: TcpUserspaceMeasured | null) =>
    m === null ? '—' : `${m.goodputGbitPerSec} Gbit/s (${m.cpuMsPerMiB} ms CPU/MiB)`;
  return [
    '| transfer | wirestack Gbit/s | segments/s | CPU µs/segment | heap bytes/segment | CPU ms/MiB | node:net over loopback |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.results.map(
      ({ label, wirestack: w, host: h }) =>
        `| ${label} | ${w.goodputGbitPerSec} | ${number(w.segmentsPerSec ?? 0)} | ${w.cpuMicrosPerSegment} | ` +
        `${number(w.heapBytesPerSegment ?? 0)} | ${w.cpuMsPerMiB} | ${host(h)} |`,
    ),
    '',
    `${report.method}. Segments count both directions (data and ACKs). Node ${report.node}, ` +
      `${report.cpu} (${report.cores} cores, shared with other work), ${report.date.slice(0, 10)}. ` +
      'From `bench/results/tcp-userspace.json`, by `npm run bench:tcp-userspace`.',
  ].join('\n');
}

interface KernelLinkReport extends MachineReport {
  benchmark: 'kernel-link';
  results: Array<{
    far: 'wirestack' | 'kernel' | 'floor';
    direction: string;
    loss: number;
    mbitPerSec: number;
  }>;
}

export function renderKernelLink(report: KernelLinkReport): string {
  const at = (far: string, direction: string, loss: number) =>
    report.results.find((r) => r.far === far && r.direction === direction && r.loss === loss)
      ?.mbitPerSec ?? Number.NaN;
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '—');
  const rows = (['to-far', 'from-far'] as const).map((direction) => {
    const label = direction === 'to-far' ? 'kernel → far end' : 'far end → kernel';
    const w0 = at('wirestack', direction, 0);
    const w1 = at('wirestack', direction, 1);
    const k0 = at('kernel', direction, 0);
    const k1 = at('kernel', direction, 1);
    const f0 = at('floor', direction, 0);
    return (
      `| ${label} | ${number(w0)} | ${number(f0)} | ${ratio(w0, f0)} | ${number(k0)} | ` +
      `${number(w1)} (${ratio(w1, w0)} of 0 %) | ${number(k1)} (${ratio(k1, k0)} of 0 %) |`
    );
  });
  return [
    '| direction | wirestack Mbit/s | floor Mbit/s | wirestack ÷ floor | kernel ↔ kernel Mbit/s | wirestack at 1 % loss | kernel ↔ kernel at 1 % loss |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `The far end is wirestack (\`wirestack run --link vxlan:…\`), a second kernel on the same path, or ` +
      'the floor: a Node UDP socket relaying the VXLAN frames to a kernel behind it, with no stack. ' +
      `${report.method}. Node ${report.node}, ${report.cpu} (${report.cores} cores, shared with other work), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/kernel-link.json\`, by \`npm run bench:kernel-link\` (root).`,
  ].join('\n');
}

/** CPU µs per request by where the code lives (see bench/http-sim.ts). */
type HttpSimSplit = Record<
  'http' | 'socket' | 'tcp' | 'ipLink' | 'node' | 'native' | 'gc' | 'other',
  number
>;

interface HttpSimSide {
  requestsPerSec: number;
  cpuMicrosPerRequest: number;
}

export interface HttpSimReport {
  benchmark: 'http-sim';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  method: string;
  inFlight: number;
  results: {
    simulated: HttpSimSide & { cpuSplitMicrosPerRequest: HttpSimSplit };
    hostTransport: HttpSimSide & { cpuSplitMicrosPerRequest?: HttpSimSplit };
    nodeHttp: HttpSimSide;
    ratio: number;
    cpuRatio: number;
  };
}

export function renderHttpSim(report: HttpSimReport): string {
  const { simulated: sim, hostTransport: host, nodeHttp: node } = report.results;
  const split = sim.cpuSplitMicrosPerRequest;
  const hostSplit = host.cpuSplitMicrosPerRequest;
  const row = (label: string, side: HttpSimSide) =>
    `| ${label} | ${number(side.requestsPerSec)} | ${side.cpuMicrosPerRequest.toFixed(1)} | ` +
    `${(side.requestsPerSec / host.requestsPerSec).toFixed(2)} |`;
  return [
    `| hello-world GET, keep-alive, ${report.inFlight} in flight, one process | requests/s | CPU µs/request | ÷ host transport |`,
    '| --- | ---: | ---: | ---: |',
    row('wirestack http, two simulated hosts (userspace TCP/IP)', sim),
    row('wirestack http, host transport over loopback (kernel TCP)', host),
    row('node:http over loopback', node),
    '',
    `Simulated network, CPU µs per request by layer: HTTP ${split.http}, net.Socket and the stream handle ` +
      `${split.socket}, TCP ${split.tcp}, IP, Ethernet and the simulated link ${split.ipLink}, ` +
      `Node's runtime (streams, events, ticks, immediates) ${split.node}, Node's bindings and V8 builtins ` +
      `${split.native ?? 0}, garbage collection ${split.gc}, other ${split.other}.` +
      (hostSplit
        ? ` Host transport: HTTP ${hostSplit.http}, net.Socket and the handle ${hostSplit.socket}, Node's ` +
          `runtime ${hostSplit.node}, bindings and builtins — the system calls, so the kernel's TCP and ` +
          `loopback — ${hostSplit.native}, garbage collection ${hostSplit.gc}, other ${hostSplit.other}.`
        : '') +
      ` Host transport CPU per request ÷ the simulated network's: ${report.results.cpuRatio.toFixed(2)}.`,
    '',
    `${report.method} Node ${report.node}, ${report.cpu} (${report.cores} cores, shared with other work), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/http-sim.json\`, by \`npm run bench:http-sim\`.`,
  ].join('\n');
}

export interface ScaleReport {
  benchmark: 'scale';
  date: string;
  node: string;
  cpu: string;
  cores: number;
  results: {
    hosts: {
      hosts: number;
      servers: number;
      clients: number;
      requestsPerClient: number;
      lossPerLink: number;
      requests: number;
      correct: number;
      wallMs: number;
      simulatedSeconds: number;
      simulatedSecondsPerWallSecond: number;
      peakRssMiB: number;
      heapBytesPerHost: number;
    };
    idleRaw: { connections: number; heapBytesPerEndpoint: number; idlePollMicros: number };
    idleNet: { connections: number; heapBytesPerEndpoint: number };
    idleNetHost: { connections: number; heapBytesPerEndpoint: number };
    concurrent: {
      connections: number;
      clientHosts: number;
      openAtOnceOnTheServer: number;
      wallMs: number;
      simulatedSeconds: number;
      peakRssMiB: number;
      heapBytesPerConnection: number;
    };
    idleBytesBeyondNetSocket: number;
  };
}

export function renderScale(report: ScaleReport): string {
  const { hosts: h, idleRaw, idleNet, idleNetHost, concurrent: c } = report.results;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const bytes = (n: number) => `${number(n)} B`;
  return [
    '| run | figure |',
    '| --- | ---: |',
    `| ${number(h.hosts)} hosts (${h.servers} HTTP servers, ${h.clients} clients × ${h.requestsPerClient} keep-alive requests, ${h.lossPerLink * 100} % loss per link): wall time | ${seconds(h.wallMs)} |`,
    `| … responses right | ${number(h.correct)} of ${number(h.requests)} |`,
    `| … simulated seconds per wall second | ${h.simulatedSecondsPerWallSecond} (${h.simulatedSeconds} s simulated) |`,
    `| … peak RSS | ${number(h.peakRssMiB)} MiB |`,
    `| … heap per host (stack, interfaces, Node modules bound to it) | ${bytes(h.heapBytesPerHost)} |`,
    `| idle TCP connection, raw stack (one endpoint; ${number(idleRaw.connections)} connections) | ${bytes(idleRaw.heapBytesPerEndpoint)} |`,
    `| idle connection through net, simulated hosts (net.Socket included; ${number(idleNet.connections)}) | ${bytes(idleNet.heapBytesPerEndpoint)} |`,
    `| … the same net on the host transport (the kernel holds TCP) | ${bytes(idleNetHost.heapBytesPerEndpoint)} |`,
    `| … held beyond that (the net.Socket and the host transport's handle object) by the userspace stack | ${bytes(report.results.idleBytesBeyondNetSocket)} |`,
    `| one poll of a stack holding ${number(idleRaw.connections)} idle connections | ${idleRaw.idlePollMicros} µs |`,
    `| ${number(c.connections)} concurrent connections through one simulated server host (from ${c.clientHosts} hosts): wall time | ${seconds(c.wallMs)} |`,
    `| … open on the server at once | ${number(c.openAtOnceOnTheServer)} |`,
    `| … simulated time until every connection had its answer | ${c.simulatedSeconds} s |`,
    `| … peak RSS | ${number(c.peakRssMiB)} MiB |`,
    `| … heap per connection (both ends, net.Socket included) | ${bytes(c.heapBytesPerConnection)} |`,
    '',
    'Each part in a fresh process; heap figures are heap growth after full collections. ' +
      `Node ${report.node}, ${report.cpu} (${report.cores} cores, shared with other work), ` +
      `${report.date.slice(0, 10)}. From \`bench/results/scale.json\`, by \`npm run bench:scale\`; ` +
      'what each part does is in bench/scale.ts.',
  ].join('\n');
}

const renderers: Record<string, (report: never) => string> = {
  ws: renderWs,
  http: renderHttp,
  frameworks: renderFrameworks,
  'http-client': renderHttpClient,
  'http-memory': renderHttpMemory,
  net: renderNet,
  parser: renderParser,
  stack: renderStack,
  'tcp-userspace': renderTcpUserspace,
  'kernel-link': renderKernelLink,
  'http-sim': renderHttpSim,
  scale: renderScale,
};

/** Replaces the text between a benchmark's markers; returns null when the markers are absent. */
export function replaceBetweenMarkers(text: string, name: string, body: string): string | null {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close, start + open.length);
  if (start < 0 || end < 0) return null;
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
}

/** Rewrites `readmePath` from every results file in `resultsDir`; returns the benchmarks updated. */
export function updateReadme(readmePath: string, resultsDir: string): string[] {
  let text = readFileSync(readmePath, 'utf8');
  const original = text;
  const updated: string[] = [];
  for (const file of readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const report = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as {
      benchmark?: string;
    };
    const name = report.benchmark;
    const render = name === undefined ? undefined : renderers[name];
    if (name === undefined || render === undefined) {
      console.warn(`${file}: no table renderer for benchmark '${name}'; skipped`);
      continue;
    }
    const next = replaceBetweenMarkers(text, name, render(report as never));
    if (next === null) {
      console.warn(`${readmePath}: no <!-- bench:${name} --> markers; ${file} skipped`);
      continue;
    }
    text = next;
    updated.push(name);
  }
  if (text !== original) writeFileSync(readmePath, text);
  return updated;
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  const [readme = join(root, 'README.md'), results = join(root, 'bench', 'results')] =
    process.argv.slice(2);
  const updated = updateReadme(resolve(readme), resolve(results));
  console.log(updated.length > 0 ? `updated: ${updated.join(', ')}` : 'nothing to update');
}
