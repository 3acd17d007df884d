/**
 * `wirestack run [options] app.js [args]`: runs an unmodified Node program
 * with its `net`, `http`, `https` and `dgram` (and those of its
 * dependencies, workers and child processes) resolved to wirestack's,
 * through `wirestack/register` in `NODE_OPTIONS`, on the transport chosen
 * by `--transport` (default `userspace`: wirestack's own TCP/IP on a
 * loopback-only stack, see docs/userspace.md), with `--link` an interface on
 * a link to the kernel too (VXLAN or bare IP over UDP, with faults; see
 * docs/links.md). The program's exit code is the command's.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import {
  checkAddress,
  checkGateway,
  checkMtu,
  checkVni,
  type LinkConfig,
  linkEnvironment,
  parseLinkSpec,
} from '../link/config.js';
import {
  type FaultSpec,
  faultOptionsHelp,
  OptionError,
  parseNonNegative,
  readFaultOption,
} from '../link/fault-options.js';

const RUN_HELP = `Usage: wirestack run [options] app.js [args...]

Runs a Node program unchanged with net, http, https and dgram resolved to
wirestack's (require and import, with and without 'node:'; in its workers
and child processes too).

Options:
  --transport NAME   userspace (default): wirestack's own TCP/IP stack, with
                     a loopback interface (127.0.0.1/8, ::1) in real time;
                     host: the operating system's sockets
  --pcap FILE        with userspace: write every packet to FILE (libpcap):
                     the link's frames with --link, else loopback's packets
  -h, --help         show this help

A link to the kernel (userspace only; see docs/links.md):
  --link KIND:LOCAL@REMOTE
                     an interface on a UDP tunnel to the kernel: KIND vxlan
                     (Ethernet in VXLAN, RFC 7348, to a vxlan device) or udp
                     (one bare IP packet per datagram, as socat's TUN:
                     address relays); LOCAL and REMOTE are ADDRESS:PORT of
                     this end's host socket and of the peer's, e.g.
                     vxlan:10.99.0.2:4789@10.99.0.1:4789 ([fd99::2]:4789 for
                     IPv6)
  --address CIDR     an address of the interface, e.g. 10.78.0.2/24 or
                     fd78::2/64 (repeat for more)
  --gateway IP       a default route through IP (one per family; repeat)
  --mtu BYTES        the interface's MTU (default 1450 for vxlan, 1430 over an IPv6 underlay; 1500 for udp)
  --vni N            the VXLAN network identifier (default 1)
Faults on the link, each direction, in real time:
${faultOptionsHelp('0')}

The same as: WIRESTACK_TRANSPORT=userspace NODE_OPTIONS='--require
wirestack/register' node app.js
`;

export interface RunOptions {
  transport: 'host' | 'userspace';
  pcap: string | null;
  /** The link to the kernel, or null for loopback only. */
  link: LinkConfig | null;
  /** The program and its arguments. */
  argv: string[];
}

function usage(message: string): never {
  process.stderr.write(`wirestack run: ${message}\nTry 'wirestack run --help'.\n`);
  process.exit(2);
}

/** Reads the options before the program's path; everything from the path on is the program's. */
export function parseRunArgs(args: readonly string[]): RunOptions {
  const options: RunOptions = { transport: 'userspace', pcap: null, link: null, argv: [] };
  let link: ReturnType<typeof parseLinkSpec> | null = null;
  const addresses: string[] = [];
  const gateways: string[] = [];
  let mtu: number | undefined;
  let vni: number | undefined;
  const faults: FaultSpec = { conditions: {}, seed: 1 };
  let faultGiven = false;
  const linkOnly: string[] = [];
  /** A value read by one of the shared parsers; a bad one is a usage error. */
  const read = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof OptionError) usage(err.message);
      throw err;
    }
  };
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
      case '--link':
        link = read(() => parseLinkSpec(value(name, inline)));
        break;
      case '--address':
        addresses.push(read(() => checkAddress(value(name, inline))));
        linkOnly.push(name);
        break;
      case '--gateway':
        gateways.push(read(() => checkGateway(value(name, inline))));
        linkOnly.push(name);
        break;
      case '--mtu':
        mtu = read(() => checkMtu(value(name, inline)));
        linkOnly.push(name);
        break;
      case '--vni':
        vni = read(() => checkVni(value(name, inline)));
        linkOnly.push(name);
        break;
      case '--seed':
        faults.seed = read(() => parseNonNegative(name, value(name, inline), true));
        linkOnly.push(name);
        break;
      default:
        if (read(() => readFaultOption(name, () => value(name, inline), faults.conditions))) {
          faultGiven = true;
          linkOnly.push(name);
          break;
        }
        usage(`unknown option: ${arg}`);
    }
  }
  options.argv = args.slice(i);
  if (options.argv.length === 0) usage('which program? (wirestack run app.js)');
  if (options.pcap !== null && options.transport !== 'userspace')
    usage('--pcap needs --transport userspace');
  if (link === null) {
    if (linkOnly.length > 0) usage(`${linkOnly[0]} needs --link`);
    return options;
  }
  if (options.transport !== 'userspace') usage('--link needs --transport userspace');
  if (vni !== undefined && link.kind !== 'vxlan') usage('--vni is for vxlan links only');
  const families = new Set<string>();
  for (const gateway of gateways) {
    const family = gateway.includes(':') ? 'IPv6' : 'IPv4';
    if (families.has(family)) usage(`one --gateway per family: two ${family} gateways given`);
    families.add(family);
  }
  options.link = { ...link, addresses, gateways, faults: faultGiven ? faults : null };
  if (mtu !== undefined) options.link.mtu = mtu;
  if (vni !== undefined) options.link.vni = vni;
  return options;
}

/** The variables that describe a link (../link/config.ts): a parent's are not passed on. */
const LINK_VARIABLES = [
  'WIRESTACK_LINK',
  'WIRESTACK_ADDRESSES',
  'WIRESTACK_GATEWAYS',
  'WIRESTACK_LINK_MTU',
  'WIRESTACK_VNI',
  'WIRESTACK_FAULTS',
] as const;

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
  for (const name of LINK_VARIABLES) delete env[name];
  if (options.link !== null) Object.assign(env, linkEnvironment(options.link));
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
