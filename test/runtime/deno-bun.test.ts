/**
 * wirestack on Deno and Bun: a smoke script (fixtures/smoke.cjs) runs each
 * module — net, dgram, http, https, ws, sim — against itself on 127.0.0.1
 * from the built dist/, under each runtime, and prints one line per module.
 * Node runs it too, as the baseline. The runtimes come from the npm
 * packages `deno` and `bun` (node_modules/.bin); a missing or broken one
 * skips outside CI and fails in CI. Needs `npm run build` first (`npm test`
 * does it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { ROOT, runProcess } from '../cli/run-cli.js';
import { inCI } from '../helpers/peers.js';
import { testCertificates } from '../https/helpers.js';

const FIXTURE = join(__dirname, 'fixtures', 'smoke.cjs');
const MODULES = ['net', 'dgram', 'http', 'https', 'ws', 'sim'];
/** Past this the runtime is killed (the script bounds each module to 10 s). */
const RUN_LIMIT_MS = 120_000;

interface Runtime {
  name: string;
  /** The command and arguments that run a CommonJS file. */
  command: () => string[] | undefined;
  /** Which host sockets the feature test must pick there. */
  sockets: 'libuv' | 'node';
}

/** `node_modules/.bin/<name>` if it is there and answers `--version`. */
function npmBinary(name: string): string | undefined {
  const path = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(path)) return undefined;
  try {
    execFileSync(path, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return path;
  } catch {
    return undefined;
  }
}

const RUNTIMES: Runtime[] = [
  { name: 'node', command: () => [process.execPath], sockets: 'libuv' },
  {
    name: 'deno',
    command: () => {
      const deno = npmBinary('deno');
      return deno === undefined ? undefined : [deno, 'run', '-A'];
    },
    sockets: 'node',
  },
  {
    name: 'bun',
    command: () => {
      const bun = npmBinary('bun');
      return bun === undefined ? undefined : [bun];
    },
    sockets: 'node',
  },
];

/** The runtime's command, or undefined after skipping (outside CI) when it is missing. */
function requireRuntime(t: TestContext, runtime: Runtime): string[] | undefined {
  const command = runtime.command();
  if (command !== undefined) return command;
  const why = `${runtime.name} is not installed or does not run (node_modules/.bin/${runtime.name})`;
  if (inCI()) throw new Error(`${why}; CI needs it`);
  t.skip(why);
  return undefined;
}

describe('the smoke script under each runtime', () => {
  for (const runtime of RUNTIMES) {
    test(`${runtime.name}: net, dgram, http, https, ws and sim each work`, async (t) => {
      assert.ok(
        existsSync(join(ROOT, 'dist', 'index.js')),
        "dist/ is missing: run 'npm run build'",
      );
      const command = requireRuntime(t, runtime);
      if (command === undefined) return;
      const certs = await testCertificates();
      const tls = { key: certs.localhost.key, cert: certs.localhost.cert, ca: certs.ca.cert };
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        SMOKE_TLS: JSON.stringify(tls),
        NO_COLOR: '1',
      };
      delete env.WIRESTACK_HOST_STREAMS;
      delete env.WIRESTACK_TRANSPORT;
      const [file, ...args] = command;
      const out = await runProcess(file!, [...args, FIXTURE], {
        cwd: ROOT,
        env,
        timeoutMs: RUN_LIMIT_MS,
      });
      const context = `exit ${out.code}\n--- stdout\n${out.stdout}\n--- stderr\n${out.stderr}`;
      const lines = out.stdout.split('\n');
      assert.ok(
        lines.includes(
          `runtime ${runtime.name} streams=${runtime.sockets} datagrams=${runtime.sockets}`,
        ),
        `the host transport's choice\n${context}`,
      );
      for (const name of MODULES) {
        assert.ok(
          lines.some((l) => l.startsWith(`ok ${name} `)),
          `${name} on ${runtime.name}\n${context}`,
        );
      }
      assert.ok(lines.includes(`done ${MODULES.length}/${MODULES.length}`), context);
      assert.equal(out.code, 0, context);
    });
  }
});
