/**
 * Real peers for integration tests (socat, curl, wrk, ...): finding them,
 * skipping cleanly when one is missing on a developer's machine, failing
 * when one is missing in CI (CI=true), and running them as child processes
 * that are cleaned up when the test ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

/** True when running in CI, where every peer must be installed. */
export function inCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The absolute path of executable `name` on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The path of peer `name` (an executable on PATH). When it is missing: in CI
 * the test fails (throws); elsewhere the test is marked skipped with
 * "`name` not installed" and undefined is returned — the caller must then
 * return at once.
 *
 * ```ts
 * const socat = requirePeer(t, 'socat');
 * if (!socat) return;
 * ```
 */
export function requirePeer(t: TestContext, name: string): string | undefined {
  const path = findExecutable(name);
  if (path !== undefined) return path;
  if (inCI()) throw new Error(`${name} is required in CI but is not installed (not on PATH)`);
  t.skip(`${name} not installed`);
  return undefined;
}

/** A running peer process with everything it printed so far. */
export interface Peer {
  readonly child: ChildProcess;
  /** All stdout bytes so far. */
  stdout(): Buffer;
  /** All stderr text so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Resolves once stdout contains `text` (rejects after `timeoutMs`, default 5000 ms). */
  waitForStdout(text: string | Buffer, timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM (if still running) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Spawns `command args` as a peer; it is stopped when the test ends
 * (`t.after`), whatever the outcome.
 */
export function startPeer(
  t: TestContext,
  command: string,
  args: readonly string[],
  options: { stdin?: 'pipe' | 'ignore'; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Peer {
  const child = spawn(command, args, {
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  const out: Buffer[] = [];
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out.push(chunk);
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  let exitedFlag = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (e) => {
      err += String(e);
      exitedFlag = true;
      resolve(-1);
    });
    child.on('exit', (code, signal) => {
      exitedFlag = true;
      resolve(code ?? signal ?? -1);
    });
  });
  const peer: Peer = {
    child,
    stdout: () => Buffer.concat(out),
    stderr: () => err,
    exited,
    waitForStdout(text, timeoutMs = 5000) {
      const needle = typeof text === 'string' ? Buffer.from(text) : text;
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (Buffer.concat(out).includes(needle)) {
            done();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `${command} did not print ${JSON.stringify(needle.toString())} within ${timeoutMs} ms; stdout: ${JSON.stringify(Buffer.concat(out).toString())}; stderr: ${JSON.stringify(err)}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (!exitedFlag) child.kill('SIGTERM');
      await exited;
    },
  };
  t.after(() => peer.stop());
  return peer;
}
