/**
 * `wirestack sim` — a small scenario on two simulated hosts (ping both
 * families, then the notes' UDP exchange, with retries), with faults from
 * flags and every frame written to a pcap file — and the simulated side of
 * `wirestack demo --transport sim`, which runs the notes' UDP examples
 * between two simulated hosts.
 */
import type { Capture } from '../link/capture.js';
import {
  faultOptionsHelp,
  OptionError,
  parseBandwidth,
  parseByteCount,
  parseNonNegative,
  readFaultOption,
} from '../link/fault-options.js';
import { type LinkConditions, Simulation, type Stack } from '../sim.js';
import type { Sides } from './demo/context.js';
import { describeFailure, SetupError } from './failure.js';
import { readOptions } from './options.js';
import { runTcpScenario } from './sim-tcp.js';

// ---- demo --transport sim ------------------------------------------------------

/** The demo's simulated network: every example's server on `beta`, its client on `alpha`. */
export interface SimDemo {
  sides: Sides;
  /** A line for the transcript saying what runs where. */
  banner: string;
  close(): void;
}

export function startSimDemo(pcap?: string): SimDemo {
  const sim = new Simulation({ seed: 1 });
  const alpha = sim.addHost('alpha');
  const beta = sim.addHost('beta');
  const capture = pcap === undefined ? null : openCapture(sim, pcap);
  const where = (s: Stack) => `${s.name} (${s.addresses().join(', ')})`;
  return {
    sides: {
      server: { modules: beta, name: 'beta', address: beta.addresses()[0]! },
      client: { modules: alpha, name: 'alpha', address: alpha.addresses()[0]! },
    },
    banner:
      `Simulated network (seed 1), wirestack's own TCP/IP on both hosts: servers on ${where(beta)}, ` +
      `clients on ${where(alpha)}.${pcap ? ` Capture: ${pcap}` : ''}`,
    close() {
      sim.close();
      if (capture) capture.close();
    },
  };
}

// ---- wirestack sim -----------------------------------------------------------------

export interface SimScenarioOptions {
  seed: number;
  /** Faults on the path between the hosts, end to end. */
  conditions: Partial<LinkConditions>;
  /** Echo requests per family. */
  count: number;
  /** pcap file to write, or null. */
  pcap: string | null;
  realTime: boolean;
  /** UDP attempts before giving up. */
  attempts: number;
  /** Bytes of the TCP bulk transfer (0: none). */
  bytes: number;
  /** HTTP requests (0: none). */
  requests: number;
}

export interface SimScenarioResult {
  pingsSent: number;
  pingsReceived: number;
  udpExchanged: boolean;
  /** The TCP transfer arrived byte-exact (true when not asked for). */
  tcpTransferred: boolean;
  /** Every HTTP request was answered (true when not asked for). */
  httpAnswered: boolean;
  frames: number;
}

/**
 * The capture file, opened before anything runs. When it cannot be opened
 * (a missing folder, no permission) the simulation is closed and a
 * `SetupError` names the file and the system's reason.
 */
function openCapture(sim: Simulation, path: string): Capture {
  try {
    return sim.capture({ path });
  } catch (err) {
    sim.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new SetupError(`cannot write the capture file: ${reason}`, { cause: err });
  }
}

function fmtTime(ms: number): string {
  return `[${(ms / 1000).toFixed(3).padStart(8)} s]`;
}

/**
 * Two hosts on a LAN; `alpha`'s link carries the faults, so every frame
 * between the hosts meets them exactly once. Pings beta over IPv4 and IPv6,
 * then exchanges 'Hello World' / 'exit' over UDP (8001 → 8000), retrying
 * each second.
 */
export async function runSimScenario(
  options: SimScenarioOptions,
  print: (line: string) => void,
): Promise<SimScenarioResult> {
  const sim = new Simulation({
    seed: options.seed,
    realTime: options.realTime,
    link: { latencyMs: 0 },
  });
  const alpha = sim.addHost('alpha', { link: { latencyMs: 1, ...options.conditions } });
  const beta = sim.addHost('beta');
  const capture: Capture | null = options.pcap === null ? null : openCapture(sim, options.pcap);
  const now = () => sim.clock.now();
  const c = sim.linkOf(alpha).conditions;
  print(`wirestack sim: seed ${options.seed}, ${options.realTime ? 'real' : 'virtual'} time`);
  for (const host of [alpha, beta])
    print(`  ${host.name.padEnd(6)} ${host.addresses().join('  ')}`);
  print(
    `  path   delay ${c.latencyMs} ms` +
      (c.jitterMs ? ` ± ${c.jitterMs} ms` : '') +
      `, loss ${c.loss * 100}%, duplicate ${c.duplicate * 100}%, reorder ${c.reorder * 100}%, ` +
      `corrupt ${c.corrupt * 100}%, MTU ${c.mtu}` +
      (c.bandwidthBps ? `, ${c.bandwidthBps} bit/s` : ''),
  );
  const result: SimScenarioResult = {
    pingsSent: 0,
    pingsReceived: 0,
    udpExchanged: false,
    tcpTransferred: false,
    httpAnswered: false,
    frames: 0,
  };

  for (const family of [4, 6] as const) {
    const address = beta.hosts.resolve('beta', family)[0]!.address;
    print(`\n${fmtTime(now())} alpha: PING beta (${address}) 56 data bytes`);
    const ping = await alpha.ping('beta', {
      family,
      count: options.count,
      intervalMs: 1000,
      timeoutMs: 2000,
    });
    for (const r of ping.replies) {
      print(
        `  64 bytes from ${address}: icmp_seq=${r.sequence} ${family === 4 ? 'ttl' : 'hlim'}=${r.ttl} time=${r.timeMs.toFixed(3)} ms`,
      );
    }
    const lossPct =
      ping.sent === 0 ? 0 : Math.round((100 * (ping.sent - ping.received)) / ping.sent);
    print(`  ${ping.sent} packets transmitted, ${ping.received} received, ${lossPct}% packet loss`);
    result.pingsSent += ping.sent;
    result.pingsReceived += ping.received;
  }

  print(`\n${fmtTime(now())} UDP: beta:8000 answers 'exit' to alpha:8001's 'Hello World'`);
  result.udpExchanged = await new Promise<boolean>((resolve) => {
    const server = beta.dgram.createSocket('udp4');
    const client = alpha.dgram.createSocket('udp4');
    let attempts = 0;
    let timer: (() => void) | null = null;
    const finish = (ok: boolean): void => {
      if (timer) timer();
      client.close();
      server.close();
      resolve(ok);
    };
    server.on('message', (msg, rinfo) => {
      print(`${fmtTime(now())} beta: got '${msg}' from ${rinfo.address}:${rinfo.port}`);
      server.send('exit', rinfo.port, rinfo.address);
    });
    client.on('message', (msg, rinfo) => {
      print(`${fmtTime(now())} alpha: got '${msg}' from ${rinfo.address}:${rinfo.port}`);
      if (msg.toString() === 'exit') finish(true);
    });
    const attempt = (): void => {
      if (attempts >= options.attempts) {
        print(`${fmtTime(now())} alpha: no answer after ${attempts} attempts`);
        finish(false);
        return;
      }
      attempts++;
      print(`${fmtTime(now())} alpha: sending 'Hello World' to beta:8000 (attempt ${attempts})`);
      client.send('Hello World', 8000, 'beta');
      const event = sim.clock.after(1000, attempt);
      timer = () => sim.clock.cancel(event);
    };
    server.bind(8000, () => client.bind(8001, attempt));
  });

  const tcp = await runTcpScenario(
    sim,
    alpha,
    beta,
    { bytes: options.bytes, requests: options.requests },
    print,
  );
  result.tcpTransferred = tcp.transferOk;
  result.httpAnswered = tcp.httpOk;

  // In virtual time, let the last frames land; in real time TCP's TIME-WAIT
  // (60 s after the transfer's close) would keep settle() waiting a minute.
  if (options.realTime) await new Promise((resolve) => setTimeout(resolve, 50));
  else await sim.settle();
  sim.close();
  const stats = sim.linkOf(alpha).a.stats;
  const back = sim.linkOf(alpha).b.stats;
  print(
    `\nalpha's link: ${stats.sent + back.sent} frames, ${stats.lost + back.lost} lost, ` +
      `${stats.duplicated + back.duplicated} duplicated, ${stats.reordered + back.reordered} reordered, ` +
      `${stats.corrupted + back.corrupted} corrupted`,
  );
  if (capture) {
    result.frames = capture.packets;
    print(`pcap: ${capture.packets} frames written to ${options.pcap}`);
  }
  return result;
}

/** IPv6's minimum link MTU (RFC 8200 section 5): smaller links cannot carry it. */
const MIN_MTU = 1280;
/** The largest IP packet a length field allows. */
const MAX_MTU = 65535;

const SIM_HELP = `Usage: wirestack sim [options]

Two simulated hosts, alpha (10.0.0.1, fd00::1) and beta (10.0.0.2, fd00::2),
on a simulated LAN: alpha pings beta over IPv4 and IPv6, sends 'Hello World'
over UDP (8001 → 8000) until beta's 'exit' comes back, sends a bulk transfer
over TCP (net, port 5001) and makes HTTP requests over one keep-alive
connection (http, port 80), all on wirestack's own TCP/IP. Each part ends
with a summary (goodput, retransmissions, RTT). Every frame is written to a
pcap file. The faults apply to the path between the
hosts; the same seed gives the same run, byte for byte.

Options:
${faultOptionsHelp('1')}
  --bandwidth BPS    bits per second, e.g. 1000000 or 10M (default unlimited)
  --mtu BYTES        link MTU, ${MIN_MTU} to ${MAX_MTU} (default 1500; ${MIN_MTU} is the
                     smallest MTU IPv6 allows, and both hosts speak IPv6)
  --count N          pings per family, at least 1 (default 4)
  --attempts N       UDP attempts, at least 1 (default 10)
  --bytes N          TCP transfer size, e.g. 1048576 or 4M (default 1M; 0: none)
  --requests N       HTTP requests (default 5; 0: none)
  --pcap FILE        capture file (default wirestack-sim.pcap); --no-pcap for none
  --realtime         follow the real clock instead of virtual time
  -h, --help         show this help

Exit status: 0 when the UDP exchange, the TCP transfer and the HTTP requests
all completed, 1 when one did not, 2 on a usage error.
`;

function usage(message: string): never {
  process.stderr.write(`wirestack sim: ${message}\nTry 'wirestack sim --help'.\n`);
  process.exit(2);
}

/** A value read by one of the shared parsers; a bad one is a usage error. */
function read<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof OptionError) usage(err.message);
    throw err;
  }
}

/** A whole number ≥ 1; 0 or less is a usage error. */
function atLeastOne(name: string, text: string): number {
  const n = read(() => parseNonNegative(name, text, true));
  if (n < 1) usage(`${name} must be at least 1, not '${text}'`);
  return n;
}

export function parseSimArgs(args: readonly string[]): SimScenarioOptions {
  const options: SimScenarioOptions = {
    seed: 1,
    conditions: {},
    count: 4,
    pcap: 'wirestack-sim.pcap',
    realTime: false,
    attempts: 10,
    bytes: 1 << 20,
    requests: 5,
  };
  for (const { arg, name, value } of readOptions(args, usage)) {
    if (read(() => readFaultOption(name, value, options.conditions))) continue;
    switch (name) {
      case '-h':
      case '--help':
        process.stdout.write(SIM_HELP);
        process.exit(0);
        break;
      case '--seed': {
        const text = value();
        options.seed = read(() => parseNonNegative(name, text, true));
        if (options.seed > 0xffffffff) usage(`--seed must be at most 4294967295, not '${text}'`);
        break;
      }
      case '--bandwidth':
        options.conditions.bandwidthBps = read(() => parseBandwidth(name, value()));
        break;
      case '--mtu': {
        const text = value();
        const mtu = read(() => parseNonNegative(name, text, true));
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
          usage(
            `--mtu must be from ${MIN_MTU} (the smallest IPv6 MTU) to ${MAX_MTU}, not '${text}'`,
          );
        }
        options.conditions.mtu = mtu;
        break;
      }
      case '--count':
        // As ping(8) (iputils) refuses `-c 0`: asking for no echo requests is a mistake.
        options.count = atLeastOne(name, value());
        break;
      case '--attempts':
        options.attempts = atLeastOne(name, value());
        break;
      case '--bytes':
        options.bytes = read(() => parseByteCount(name, value()));
        break;
      case '--requests':
        options.requests = read(() => parseNonNegative(name, value(), true));
        break;
      case '--pcap':
        options.pcap = value();
        break;
      case '--no-pcap':
        options.pcap = null;
        break;
      case '--realtime':
        options.realTime = true;
        break;
      default:
        usage(`unknown option: ${arg}`);
    }
  }
  return options;
}

/** The `wirestack sim` command. */
export async function simCommand(args: readonly string[]): Promise<void> {
  const options = parseSimArgs(args);
  try {
    const result = await runSimScenario(options, (line) => console.log(line));
    process.exitCode = result.udpExchanged && result.tcpTransferred && result.httpAnswered ? 0 : 1;
  } catch (err) {
    process.stderr.write(`wirestack sim: ${describeFailure(err)}\n`);
    process.exitCode = 1;
  }
}
