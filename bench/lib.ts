/**
 * What the HTTP benchmarks share: child processes that talk in JSON lines,
 * the machine's description for the results files, writing a results file
 * and the README's tables, and a few statistics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type * as NodeHttp from 'node:http';
import type * as net from 'node:net';
import * as os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { updateReadme } from './readme-table.js';

export const ROOT = resolve(__dirname, '..');

/** The built http module the benchmarks measure, by default. */
export const WIRESTACK_HTTP = join(ROOT, 'dist', 'http', 'index.js');

export type Impl = 'wirestack' | 'node';

/** Throws unless `module` is a node: builtin or a file that exists. */
export function assertBuilt(module: string): void {
  if (!module.startsWith('node:') && !existsSync(module)) {
    throw new Error(`${module} does not exist: run 'npm run build' first`);
  }
}

/** `module` as a results file names it: relative to the repository. */
export function moduleLabel(module: string): string {
  return module.startsWith('node:') ? module : module.replace(`${ROOT}/`, '');
}

/**
 * A Node child process that prints one JSON value per line on stdout and
 * reads commands, one per line, on stdin. stderr is passed through. By
 * convention the child exits when its stdin closes, so it never outlives us.
 */
export class Child {
  readonly proc: ChildProcess;
  private buffered = '';
  private readonly queue: string[] = [];
  private readonly waiters: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private exited: Error | null = null;

  /** Runs `node [execArgv] args`; `execArgv` defaults to `--import tsx`. */
  constructor(
    readonly name: string,
    args: string[],
    execArgv: string[] = ['--import', 'tsx'],
  ) {
    this.proc = spawn(process.execPath, [...execArgv, ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (data: string) => {
      this.buffered += data;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(line);
        else this.queue.push(line);
      }
    });
    const fail = (err: Error): void => {
      this.exited ??= err;
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.exited);
    };
    this.proc.once('error', fail);
    this.proc.once('exit', (code, signal) =>
      fail(new Error(`${name} exited early (${signal ?? code})`)),
    );
  }

  /** The next line, parsed; rejects if the child exits first or `timeoutMs` passes. */
  next<T>(timeoutMs = 30_000): Promise<T> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(JSON.parse(line) as T);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<T>((resolveLine, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: (l: string) => {
          clearTimeout(timer);
          try {
            resolveLine(JSON.parse(l) as T);
          } catch {
            reject(new Error(`${this.name} printed something that is not JSON: ${l}`));
          }
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends one command line. */
  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** Sends `line` and waits for the answer. */
  ask<T>(line: string, timeoutMs?: number): Promise<T> {
    this.send(line);
    return this.next<T>(timeoutMs);
  }

  /** Resolves when the child has exited (killing it after `timeoutMs`). */
  exit(timeoutMs = 30_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolveExit) => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolveExit();
      });
    });
  }

  /** Ends the child: closes its stdin and sends SIGTERM. */
  stop(): void {
    this.proc.removeAllListeners('exit');
    this.proc.stdin?.end();
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
  }
}

/** Runs `node [execArgv] args` in a fresh process and returns the first JSON line it prints. */
export async function childAnswer<T>(
  name: string,
  args: string[],
  execArgv?: string[],
  timeoutMs?: number,
): Promise<T> {
  const child = new Child(name, args, execArgv);
  try {
    return await child.next<T>(timeoutMs);
  } finally {
    child.stop();
  }
}

/** In a child: exit when the parent closes our stdin, or on SIGTERM. */
export function exitWithParent(): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

/** In a child: calls `onLine` for each command line on stdin (and exits when stdin closes). */
export function onCommands(onLine: (line: string) => void): void {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (data: string) => {
    buffered += data;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      onLine(line);
    }
  });
  exitWithParent();
}

/** In a child: prints `value` as one JSON line for the parent. */
export function reply(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** In a child: listens on a free loopback port and replies `{"port":N}` once listening. */
export function listenAndReplyPort(server: net.Server): void {
  server.listen(0, '127.0.0.1', () => {
    reply({ port: (server.address() as net.AddressInfo).port });
  });
}

/**
 * In a child: answers every request on `socket` — each blank line ending a
 * request head (`\r\n\r\n`, found across reads) — with `response`, the
 * answers to one read in one write. No HTTP is parsed: this is the least
 * work a server on node:net can do per request.
 */
export function answerEachRequest(socket: net.Socket, response: Buffer): void {
  socket.setNoDelay(true);
  const heads = countRequestHeads();
  socket.on('data', (chunk: Buffer) => {
    const requests = heads(chunk);
    if (requests === 1) socket.write(response);
    else if (requests > 1) socket.write(Buffer.concat(Array(requests).fill(response)));
  });
  socket.on('error', () => {});
}

/**
 * A counter of request heads on one connection: each call takes the next
 * chunk and returns how many blank lines (`\r\n\r\n`) end in it, across
 * chunk boundaries.
 */
export function countRequestHeads(): (chunk: Buffer) => number {
  let matched = 0; // how much of "\r\n\r\n" the bytes so far end with
  return (chunk) => {
    let requests = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 13) matched = matched === 2 ? 3 : 1;
      else if (byte === 10 && (matched === 1 || matched === 3)) {
        if (matched === 3) {
          requests++;
          matched = 0;
        } else matched = 2;
      } else matched = 0;
    }
    return requests;
  };
}

/** In a child: replies to each `cpu` command with this process's CPU time so far, µs. */
export function answerCpuCommands(extra: () => Record<string, unknown> = () => ({})): void {
  onCommands(() => {
    const cpu = process.cpuUsage();
    reply({ cpuMicros: cpu.user + cpu.system, ...extra() });
  });
}

/** The order the two sides run in round `r` (0-based): alternating which goes first. */
export function sidesInOrder(r: number): Impl[] {
  return r % 2 === 0 ? ['wirestack', 'node'] : ['node', 'wirestack'];
}

/** Exits (after `beforeExit`) if the whole run takes longer than `budgetMs`; clear it when done. */
export function startWatchdog(budgetMs: number, beforeExit?: () => void): NodeJS.Timeout {
  const watchdog = setTimeout(() => {
    console.error(`gave up after ${budgetMs} ms`);
    beforeExit?.();
    process.exit(1);
  }, budgetMs);
  watchdog.unref();
  return watchdog;
}

/** The parseArgs options for checking the harness: --ours MODULE, --out FILE, --no-readme. */
export const HARNESS_OPTIONS = {
  ours: { type: 'string' },
  out: { type: 'string' },
  'no-readme': { type: 'boolean' },
} as const;

/**
 * The wirestack module to measure (--ours, built) and the results file to
 * write (--out, by default bench/results/<benchmark>.json).
 */
export function harnessTarget(
  values: { ours?: string | undefined; out?: string | undefined },
  benchmark: string,
): { ours: string; out: string } {
  const ours = values.ours ?? WIRESTACK_HTTP;
  const out = resolve(values.out ?? join(ROOT, 'bench', 'results', `${benchmark}.json`));
  assertBuilt(ours);
  return { ours, out };
}

/** Runs a benchmark's `main`, printing its error and exiting 1 if it fails. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

/** The fields every results file starts with after `benchmark` and `date`. */
export function machine(): { node: string; cpu: string; cores: number; os: string } {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()}`,
  };
}

/** Writes `report` as the results file `out`. */
export function writeResults(out: string, report: unknown): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

/** Regenerates the README's tables from the results files next to `out`. */
export function refreshReadme(out: string): void {
  const changed = updateReadme(join(ROOT, 'README.md'), dirname(out));
  console.log(
    changed.length > 0 ? `README.md: updated ${changed.join(', ')}` : 'README.md: unchanged',
  );
}

/**
 * Writes `report` as bench/results/<its benchmark>.json and regenerates the
 * README's tables; with NO_WRITE set in the environment, neither (a trial run).
 */
export function publish(report: { benchmark: string }): void {
  if (process.env.NO_WRITE) return;
  const out = join(ROOT, 'bench', 'results', `${report.benchmark}.json`);
  writeResults(out, report);
  refreshReadme(out);
}

/** The positive integer an option (`--rounds`) was given, or `fallback` when it was not. */
export function positiveInt(option: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} needs a positive integer`);
  return n;
}

/**
 * The hello-world server of the memory benchmarks (as bench/server.ts's):
 * 200, text/plain, a 14-byte body. `gc` is the child's `--expose-gc` hook.
 */
export function helloServer(http: typeof NodeHttp): { server: NodeHttp.Server; gc: () => void } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the server needs --expose-gc');
  const body = Buffer.from('Hello, World!\n');
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  return { server, gc };
}

/** Calls `then` with `process.memoryUsage()` after a full gc: twice, a turn of the event loop apart, so what the first frees is gone too. */
export function afterGc(gc: () => void, then: (usage: NodeJS.MemoryUsage) => void): void {
  gc();
  setImmediate(() => {
    gc();
    then(process.memoryUsage());
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * wirestack ÷ node:http req/s of each round (run r of each side: the two ran
 * back to back): their median and range. Steadier than the ratio of the
 * sides' medians or means when the machine drifts between rounds.
 */
export function roundRatios(
  ours: readonly { requestsPerSec: number }[],
  theirs: readonly { requestsPerSec: number }[],
): { median: number; min: number; max: number } {
  const ratios = ours.map((run, r) => run.requestsPerSec / theirs[r]!.requestsPerSec);
  return {
    median: round(median(ratios), 2),
    min: round(Math.min(...ratios), 2),
    max: round(Math.max(...ratios), 2),
  };
}

export const round = (x: number, digits: number): number => Number(x.toFixed(digits));
