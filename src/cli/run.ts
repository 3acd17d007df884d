/**
 * `wirestack run [options] app.js [args]`: runs an unmodified Node program
 * with its `net`, `http`, `https` and `dgram` (and those of its
 * dependencies, workers and child processes) resolved to wirestack's,
 * through `wirestack/register` in `NODE_OPTIONS`, on the transport chosen
 * by `--transport` (default `userspace`: wirestack's own TCP/IP on a
 * loopback-only stack, see docs/userspace.md). The program's exit code is
 * the command's.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';

const RUN_HELP = `Usage: wirestack run [options] app.js [args...]

Runs a Node program unchanged with net, http, https and dgram resolved to
wirestack's (require and import, with and without 'node:'; in its workers
and child processes too).

Options:
  --transport NAME   userspace (default): wirestack's own TCP/IP stack, with
                     a loopback interface (127.0.0.1/8, ::1) in real time;
                     host: the operating system's sockets
  --pcap FILE        with userspace: write every packet to FILE (libpcap)
  -h, --help         show this help

The same as: WIRESTACK_TRANSPORT=userspace NODE_OPTIONS='--require
wirestack/register' node app.js
`;

export interface RunOptions {
  transport: 'host' | 'userspace';
  pcap: string | null;
  /** The program and its arguments. */
  argv: string[];
}

function usage(message: string): never {
  process.stderr.write(`wirestack run: ${message}\nTry 'wirestack run --help'.\n`);
  process.exit(2);
}

/** Reads the options before the program's path; everything from the path on is the program's. */
export function parseRunArgs(args: readonly string[]): RunOptions {
  const options: RunOptions = { transport: 'userspace', pcap: null, argv: [] };
  let i = 0;
  const value = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const next = args[++i];
    if (next === undefined) usage(`${name} needs a value`);
    return next;
  };
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = name === arg ? undefined : arg.slice(eq + 1);
    switch (name) {
      case '-h':
      case '--help':
        process.stdout.write(RUN_HELP);
        process.exit(0);
        break;
      case '--transport': {
        const text = value(name, inline);
        if (text !== 'host' && text !== 'userspace')
          usage(`--transport must be 'host' or 'userspace', not '${text}'`);
        options.transport = text;
        break;
      }
      case '--pcap':
        options.pcap = value(name, inline);
        break;
      default:
        usage(`unknown option: ${arg}`);
    }
  }
  options.argv = args.slice(i);
  if (options.argv.length === 0) usage('which program? (wirestack run app.js)');
  if (options.pcap !== null && options.transport !== 'userspace')
    usage('--pcap needs --transport userspace');
  return options;
}

/** The environment the program runs with: the register hook in NODE_OPTIONS, the transport, the capture. */
export function runEnvironment(options: RunOptions, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const register = path.join(__dirname, '..', 'register.js');
  // NODE_OPTIONS takes a quoted path when it has spaces.
  const flag = `--require ${JSON.stringify(register)}`;
  const env: NodeJS.ProcessEnv = {
    ...base,
    NODE_OPTIONS: base.NODE_OPTIONS ? `${base.NODE_OPTIONS} ${flag}` : flag,
    WIRESTACK_TRANSPORT: options.transport,
  };
  if (options.pcap !== null) env.WIRESTACK_PCAP = path.resolve(options.pcap);
  else delete env.WIRESTACK_PCAP;
  return env;
}

/** The `wirestack run` command: spawns the program and exits with its status. */
export function runCommand(args: readonly string[]): void {
  const options = parseRunArgs(args);
  const child = spawn(process.execPath, options.argv, {
    stdio: 'inherit',
    env: runEnvironment(options, process.env),
  });
  // Signals meant for the program reach it through the process group; wait for its exit.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  child.on('error', (err) => {
    process.stderr.write(`wirestack run: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // End the way the program ended.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
