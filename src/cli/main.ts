#!/usr/bin/env node
/**
 * The `wirestack` command.
 *
 *   wirestack demo [--port-base N] [--timeout SECONDS] [--transport host|sim [--pcap FILE]]
 *   wirestack sim [options]   (see src/cli/sim.ts)
 *   wirestack run [options] app.js [args]   (see src/cli/run.ts)
 *   wirestack --help | --version
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DemoTimeoutError, PORT_SPAN, PORT_TABLE, PortInUseError, runDemo } from './demo.js';
import { describeFailure, SetupError } from './failure.js';
import { readOptions } from './options.js';

const DEFAULT_TIMEOUT_S = 10;
/** After the last example, how long the process may take to exit by itself. */
const EXIT_GRACE_MS = 3000;

function version(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two folders below package.json.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function help(): string {
  const rows = PORT_TABLE.map(
    (row) => `  ${String(row.seed).padEnd(6)} ${`N+${row.offset}`.padEnd(5)} ${row.what}`,
  ).join('\n');
  return `Usage: wirestack <command> [options]

Node's net, dgram, http, https and WebSocket, written from the wire up.

Commands:
  demo                 run the examples from the project's notes, one after
                       another in one process, on wirestack's net, dgram,
                       http, https and ws (host transport), each under its
                       own heading

  sim                  two simulated hosts: ping, a UDP exchange, a TCP bulk
                       transfer and HTTP requests, with faults from flags,
                       written to a pcap file ('wirestack sim --help')

  run                  run a Node program unchanged on wirestack's modules,
                       on its userspace TCP/IP stack by default
                       ('wirestack run --help')

Options for demo:
  --port-base N        use ports N..N+${PORT_SPAN - 1} instead of the notes' ports
  --timeout SECONDS    fail if the examples have not all finished by then
                       (default ${DEFAULT_TIMEOUT_S})
  --transport sim      run every example between two simulated hosts on
                       wirestack's own TCP/IP stack instead of the host's
                       sockets (servers on beta, clients on alpha)
  --pcap FILE          with --transport sim: write every frame to FILE

Ports (the notes' port, then its --port-base mapping):
  port   base  used by
${rows}

Other options:
  -h, --help           show this help
  -v, --version        print the version

Exit status: 0 when every example finished; 1 when one failed, a port was
already in use or time ran out; 2 on a usage error.
`;
}

function usageError(message: string): never {
  process.stderr.write(`wirestack: ${message}\nTry 'wirestack --help'.\n`);
  process.exit(2);
}

interface DemoArgs {
  portBase: number | undefined;
  timeoutS: number;
  transport: 'host' | 'sim';
  pcap: string | undefined;
}

function parseDemoArgs(args: string[]): DemoArgs {
  const parsed: DemoArgs = {
    portBase: undefined,
    timeoutS: DEFAULT_TIMEOUT_S,
    transport: 'host',
    pcap: undefined,
  };
  for (const { arg, name, value } of readOptions(args, usageError)) {
    switch (name) {
      case '-h':
      case '--help':
        process.stdout.write(help());
        process.exit(0);
        break;
      case '--port-base': {
        const text = value();
        const base = Number(text);
        if (!/^\d+$/.test(text) || base < 1 || base + PORT_SPAN - 1 > 65535) {
          usageError(
            `--port-base must be an integer from 1 to ${65536 - PORT_SPAN}, not '${text}'`,
          );
        }
        parsed.portBase = base;
        break;
      }
      case '--timeout': {
        const text = value();
        const seconds = Number(text);
        if (!Number.isFinite(seconds) || seconds <= 0) {
          usageError(`--timeout must be a positive number of seconds, not '${text}'`);
        }
        parsed.timeoutS = seconds;
        break;
      }
      case '--transport': {
        const text = value();
        if (text !== 'host' && text !== 'sim') {
          usageError(`--transport must be 'host' or 'sim', not '${text}'`);
        }
        parsed.transport = text;
        break;
      }
      case '--pcap':
        parsed.pcap = value();
        break;
      default:
        usageError(`unknown option for demo: ${arg}`);
    }
  }
  if (parsed.pcap !== undefined && parsed.transport !== 'sim') {
    usageError('--pcap needs --transport sim');
  }
  return parsed;
}

function fail(message: string): never {
  process.stderr.write(`wirestack demo: ${message}\n`);
  process.exit(1);
}

async function demo(args: string[]): Promise<void> {
  const { portBase, timeoutS, transport, pcap } = parseDemoArgs(args);
  try {
    await runDemo({ portBase, timeoutMs: timeoutS * 1000, transport, pcap });
  } catch (err) {
    if (err instanceof PortInUseError) {
      fail(`${err.message}; free it or choose other ports with --port-base N`);
    }
    if (err instanceof DemoTimeoutError || err instanceof SetupError) fail(err.message);
    fail(`an example failed: ${describeFailure(err)}`);
  }
  console.log('\nAll examples finished.');
  // Everything the examples opened is closed, so the process should now exit
  // by itself. If something still holds the event loop, say what, and fail.
  setTimeout(() => {
    const holders = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap');
    fail(`all examples finished, but the process did not exit; still open: ${holders.join(', ')}`);
  }, EXIT_GRACE_MS).unref();
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(help());
      return;
    case '-v':
    case '--version':
      console.log(version());
      return;
    case 'demo':
      void demo(rest);
      return;
    case 'sim':
      void import('./sim.js').then((sim) => sim.simCommand(rest));
      return;
    case 'run':
      void import('./run.js').then((run) => run.runCommand(rest));
      return;
    case undefined:
      process.stderr.write(help());
      process.exit(2);
      break;
    default:
      usageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2));
