/**
 * WebSocket echo benchmark: messages echoed per second for 32 clients,
 * wirestack's WebSocketServer (on wirestack http and net) against the `ws`
 * package's server on node:http, in the same run, interleaved.
 *
 * Each server runs in its own process and echoes every message back. The
 * load comes from a third process: 32 raw TCP connections that do the
 * opening handshake, then keep `window` masked text messages of `size`
 * bytes in flight each, sending one more for every echo that comes back.
 * The load generator does almost nothing per message (pre-encoded frames,
 * a header-only reader), so the server under test is the bottleneck.
 * Scenarios: window 1 (request/response: each client waits for its echo)
 * and window 16 (pipelined). Rounds alternate the order of the servers; the
 * result per server is the median round.
 *
 *   node --import tsx bench/ws.ts [--seconds 3] [--rounds 3] [--out bench/results/ws.json]
 *
 * Writes bench/results/ws.json.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as nodeNet from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CONNECTIONS = 32;

interface Scenario {
  name: string;
  label: string;
  window: number;
  size: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'request-response', label: '64 B text, 1 in flight per client', window: 1, size: 64 },
  { name: 'pipelined', label: '64 B text, 16 in flight per client', window: 16, size: 64 },
];

type Impl = 'wirestack' | 'ws';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

// ---- server processes ----------------------------------------------------------

/**
 * The echo server of each side, as a plain Node script (no TypeScript
 * loader in the measured process). It prints its port, then answers each
 * line on stdin with its CPU time so far (process.cpuUsage, microseconds).
 */
function serverScript(impl: Impl): string {
  const common = `
    const echo = (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    require('node:readline').createInterface({ input: process.stdin }).on('line', () => {
      const u = process.cpuUsage();
      process.stdout.write(JSON.stringify({ cpu: u.user + u.system }) + '\\n');
    });`;
  if (impl === 'wirestack') {
    return `${common}
    const { WebSocketServer } = require(${JSON.stringify(join(ROOT, 'dist', 'ws', 'index.js'))});
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', echo);
    wss.on('listening', () => process.stdout.write(JSON.stringify({ port: wss.address().port }) + '\\n'));`;
  }
  return `${common}
    const http = require('node:http');
    const { WebSocketServer } = require(${JSON.stringify(join(ROOT, 'node_modules', 'ws'))});
    const server = http.createServer();
    new WebSocketServer({ server }).on('connection', echo);
    server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));`;
}

// ---- the load generator -----------------------------------------------------------

/** A masked text frame of `size` bytes (size < 126). */
function maskedTextFrame(size: number): Buffer {
  const frame = Buffer.alloc(2 + 4 + size);
  frame[0] = 0x81;
  frame[1] = 0x80 | size;
  const key = [0x12, 0x34, 0x56, 0x78];
  frame.set(key, 2);
  for (let i = 0; i < size; i++) frame[6 + i] = (0x61 + (i % 26)) ^ key[i & 3]!;
  return frame;
}

function handshake(port: number): Promise<{ socket: nodeNet.Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = nodeNet.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.removeListener('data', onData);
      if (!buf.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
        reject(new Error(`handshake failed: ${buf.subarray(0, end).toString()}`));
        return;
      }
      resolve({ socket, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
}

/**
 * Counts complete frames in a stream of unmasked server frames; calls
 * `onFrames(n)` once per chunk with the number completed in it.
 */
function frameCounter(onFrames: (n: number) => void): (chunk: Buffer) => void {
  const header = Buffer.alloc(10);
  let headerLen = 0;
  let skip = 0;
  return (chunk) => {
    let n = 0;
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (skip > 0) {
        const take = Math.min(skip, len - pos);
        skip -= take;
        pos += take;
        if (skip === 0) n++;
        continue;
      }
      header[headerLen++] = chunk[pos++]!;
      if (headerLen < 2) continue;
      const len7 = header[1]! & 0x7f;
      const need = len7 < 126 ? 2 : len7 === 126 ? 4 : 10;
      if (headerLen < need) continue;
      skip =
        len7 < 126
          ? len7
          : len7 === 126
            ? header.readUInt16BE(2)
            : Number(header.readBigUInt64BE(2));
      headerLen = 0;
      if (skip === 0) n++;
    }
    if (n > 0) onFrames(n);
  };
}

async function load(port: number, window: number, size: number, seconds: number): Promise<void> {
  const frame = maskedTextFrame(size);
  const batch = Buffer.concat(Array.from({ length: window }, () => frame));
  const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => handshake(port)));
  let counting = false;
  let running = true;
  let counted = 0;
  for (const { socket } of conns) {
    const count = frameCounter((n) => {
      if (counting) counted += n;
      if (!running) return;
      // One more message for each echo, in one write.
      for (let left = n; left > 0; left -= window) {
        socket.write(batch.subarray(0, Math.min(left, window) * frame.length));
      }
    });
    socket.on('data', count);
    socket.on('error', () => {});
    socket.write(batch);
  }
  // Half a second of warm-up, then count for `seconds`.
  await new Promise((r) => setTimeout(r, 500));
  counting = true;
  process.stdout.write('counting\n');
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  running = false;
  for (const { socket } of conns) socket.destroy();
  process.stdout.write(`${JSON.stringify({ messages: counted, seconds: elapsed })}\n`);
}

// ---- the orchestrator ---------------------------------------------------------------

/** Line-by-line output of a child process. */
class Lines {
  private buffered = '';
  private readonly queue: string[] = [];
  private readonly waiters: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> =
    [];
  private exited: Error | null = null;
  constructor(readonly proc: ChildProcess) {
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      this.buffered += d;
      let nl = this.buffered.indexOf('\n');
      while (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w.resolve(line);
        else this.queue.push(line);
        nl = this.buffered.indexOf('\n');
      }
    });
    proc.once('exit', (code) => {
      this.exited = new Error(`child exited with ${code}`);
      for (const w of this.waiters.splice(0)) w.reject(this.exited);
    });
  }
  next(): Promise<string> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}

async function cpuOf(server: Lines): Promise<number> {
  server.proc.stdin!.write('cpu\n');
  return (JSON.parse(await server.next()) as { cpu: number }).cpu;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface ImplResult {
  /** Median of the rounds. */
  messagesPerSec: number;
  /** Server CPU time per echoed message, microseconds (median of the rounds). */
  cpuMicrosPerMessage: number;
  runs: Array<{ messagesPerSec: number; cpuMicrosPerMessage: number }>;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '3'));
  const rounds = Number(arg('rounds', '3'));
  const out = arg('out', join(__dirname, 'results', 'ws.json'));

  const servers = {} as Record<Impl, { lines: Lines; port: number }>;
  for (const impl of ['wirestack', 'ws'] as const) {
    const proc = spawn(process.execPath, ['-e', serverScript(impl)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = new Lines(proc);
    servers[impl] = { lines, port: (JSON.parse(await lines.next()) as { port: number }).port };
  }

  const results: Array<{
    scenario: string;
    label: string;
    window: number;
    size: number;
    wirestack: ImplResult;
    ws: ImplResult;
    ratio: number;
    cpuRatio: number;
  }> = [];
  try {
    for (const scenario of SCENARIOS) {
      const runs: Record<Impl, ImplResult['runs']> = { wirestack: [], ws: [] };
      for (let round = 0; round < rounds; round++) {
        const order: Impl[] = round % 2 === 0 ? ['ws', 'wirestack'] : ['wirestack', 'ws'];
        for (const impl of order) {
          const server = servers[impl];
          const proc = spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              __filename,
              '--load',
              String(server.port),
              String(scenario.window),
              String(scenario.size),
              String(seconds),
            ],
            { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT },
          );
          const load = new Lines(proc);
          assert.equal(await load.next(), 'counting');
          const cpuStart = await cpuOf(server.lines);
          const r = JSON.parse(await load.next()) as { messages: number; seconds: number };
          const cpu = (await cpuOf(server.lines)) - cpuStart;
          const run = {
            messagesPerSec: Math.round(r.messages / r.seconds),
            cpuMicrosPerMessage: Math.round((cpu / r.messages) * 100) / 100,
          };
          runs[impl].push(run);
          process.stderr.write(
            `${scenario.name} round ${round + 1} ${impl}: ${run.messagesPerSec.toLocaleString('en-US')} msg/s, ` +
              `${run.cpuMicrosPerMessage} µs CPU/msg\n`,
          );
        }
      }
      const summary = (impl: Impl): ImplResult => ({
        messagesPerSec: Math.round(median(runs[impl].map((r) => r.messagesPerSec))),
        cpuMicrosPerMessage:
          Math.round(median(runs[impl].map((r) => r.cpuMicrosPerMessage)) * 100) / 100,
        runs: runs[impl],
      });
      const wirestack = summary('wirestack');
      const ws = summary('ws');
      results.push({
        scenario: scenario.name,
        label: scenario.label,
        window: scenario.window,
        size: scenario.size,
        wirestack,
        ws,
        ratio: Math.round((wirestack.messagesPerSec / ws.messagesPerSec) * 100) / 100,
        cpuRatio: Math.round((ws.cpuMicrosPerMessage / wirestack.cpuMicrosPerMessage) * 100) / 100,
      });
    }
  } finally {
    for (const { lines } of Object.values(servers)) lines.proc.kill();
  }

  const report = {
    benchmark: 'ws',
    title: 'WebSocket echo, 32 clients',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    method:
      `each server in its own process (plain node, wirestack from dist/); load from a third ` +
      `process: ${CONNECTIONS} raw connections, each keeping 'window' masked messages in flight; ` +
      `${seconds} s per run after 0.5 s warm-up; ${rounds} interleaved rounds; medians. ` +
      `ratio = wirestack msg/s ÷ ws msg/s; cpuRatio = ws server CPU per message ÷ wirestack's`,
    baseline: 'ws (npm) WebSocketServer on node:http, no permessage-deflate',
    wirestack: 'wirestack/ws WebSocketServer on wirestack http, no permessage-deflate',
    unit: {
      messagesPerSec: 'messages echoed per second',
      cpuMicrosPerMessage: 'server CPU µs per message',
    },
    results,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.label}: wirestack ${r.wirestack.messagesPerSec.toLocaleString('en-US')} msg/s ` +
        `(${r.wirestack.cpuMicrosPerMessage} µs CPU/msg), ws ${r.ws.messagesPerSec.toLocaleString('en-US')} msg/s ` +
        `(${r.ws.cpuMicrosPerMessage} µs CPU/msg); throughput ratio ${r.ratio}, CPU efficiency ratio ${r.cpuRatio}\n`,
    );
  }
}

if (process.argv.includes('--load')) {
  const i = process.argv.indexOf('--load');
  const [port, window, size, seconds] = process.argv.slice(i + 1, i + 5).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  void load(port, window, size, seconds).then(() => process.exit(0));
} else {
  void main();
}
