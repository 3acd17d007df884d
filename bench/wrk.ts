/**
 * wrk as the benchmarks' load generator: running it against a URL and
 * reading its report (req/s, request count, mean latency, socket errors,
 * non-2xx answers), and its version for the results files.
 */
import { execFileSync, spawn } from 'node:child_process';

export interface WrkRun {
  requestsPerSec: number;
  requests: number;
  /** Server CPU time (user + system) per request, µs. */
  serverCpuMicrosPerRequest?: number;
  latencyAvgMs: number | null;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx: number;
}

/** How wrk loads the server. */
export interface WrkLoad {
  connections: number;
  seconds: number;
  /** Extra wrk arguments placed before the URL (e.g. a script), and after it. */
  before?: readonly string[];
  after?: readonly string[];
}

/** wrk prints latency as e.g. 812.50us, 1.20ms, 2.01s. */
function toMs(value: string, unit: string): number {
  const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
  return Number(value) * (scale[unit] ?? Number.NaN);
}

export function parseWrk(output: string): WrkRun {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!rps) throw new Error(`could not read wrk's output:\n${output}`);
  const total = /(\d+) requests in/.exec(output);
  const latency = /Latency\s+([\d.]+)(us|ms|s|m)\b/.exec(output);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requestsPerSec: Number(rps[1]),
    requests: total ? Number(total[1]) : 0,
    latencyAvgMs: latency ? toMs(latency[1]!, latency[2]!) : null,
    socketErrors: {
      connect: Number(errors?.[1] ?? 0),
      read: Number(errors?.[2] ?? 0),
      write: Number(errors?.[3] ?? 0),
      timeout: Number(errors?.[4] ?? 0),
    },
    non2xx: Number(non2xx?.[1] ?? 0),
  };
}

/** Runs `wrk -t1` against `url` for `load.seconds`; resolves with its report. */
export function runWrk(url: string, load: WrkLoad): Promise<WrkRun> {
  const args = [
    '-t1',
    `-c${load.connections}`,
    `-d${load.seconds}s`,
    '--timeout',
    '5s',
    ...(load.before ?? []),
    url,
    ...(load.after ?? []),
  ];
  return new Promise((resolveRun, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${output}`));
      else {
        try {
          resolveRun(parseWrk(output));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
}

/** wrk's version; throws a clear error when wrk is not installed. */
export function wrkVersion(): string {
  try {
    // `wrk -v` prints its version and exits non-zero.
    execFileSync('wrk', ['-v'], { stdio: 'pipe' });
    return 'unknown';
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('wrk is not installed (Debian: apt-get install wrk)');
    }
    return /wrk\s+(\S+)/.exec(out)?.[1] ?? 'unknown';
  }
}

/** The sum of a run's socket errors. */
export function socketErrorCount(run: WrkRun): number {
  return Object.values(run.socketErrors).reduce((a, b) => a + b, 0);
}
