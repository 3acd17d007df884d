/**
 * `Stack` and `Simulation`: Node's `net`, `dgram`, `http`, `https` and
 * WebSocket modules on wirestack's userspace stack, and a simulated network
 * of such stacks.
 *
 * This sits above the modules and `handle/` — it binds them to a userspace
 * transport — so it cannot live in `stack/`, which stays free of Node
 * built-ins (DESIGN.md). Like the package entry point, it is a top-level
 * module that assembles the layers below it.
 *
 * ```js
 * const sim = new Simulation({ seed: 1 });
 * const alpha = sim.addHost('alpha'); // 10.0.0.1, fd00::1
 * const beta = sim.addHost('beta');   // 10.0.0.2, fd00::2
 * beta.http.createServer((req, res) => res.end('hello from beta')).listen(80);
 * alpha.http.get('http://beta/', (res) => res.pipe(process.stdout));
 * ```
 */
import {
  type BoundDgram,
  type BoundHttp,
  type BoundHttps,
  type BoundNet,
  type BoundWs,
  bindTransport,
} from './bind-transport.js';
import { dnsError } from './errors/index.js';
import {
  createUserspaceTransport,
  HostsTable,
  type UserspaceTransport,
} from './handle/userspace.js';
import { Capture, type CaptureOptions } from './link/capture.js';
import type { SimClock } from './link/sim/clock.js';
import { ClockDriver } from './link/sim/driver.js';
import type { SimHost } from './link/sim/host.js';
import type { LinkConditions, SimLink } from './link/sim/link.js';
import { SimNetwork } from './link/sim/network.js';
import type { SimSwitch } from './link/sim/switch.js';
import { validateHostOptions, validateSimulationOptions } from './sim-options.js';
import { parseIp } from './stack/address.js';
import { StackError } from './stack/errors.js';
import type { NetInterface } from './stack/interface.js';
import type { NetStack } from './stack/stack.js';
import { isIP } from './wire/ip-address.js';
import { formatIP } from './wire/ip-format.js';

export { bindTransport, type TransportModules } from './bind-transport.js';
export type { LinkConditions } from './link/sim/link.js';
export { Capture };

/** The `dgram` module of one stack: `createSocket` and `Socket`, bound to its transport. */
export type StackDgram = BoundDgram;

/** Time for a stack: its clock and a way to run something later on it. */
export interface StackEnvironment {
  now(): number;
  /** Runs `fn` after `delayMs` on the stack's clock; returns a cancel function. */
  schedule(delayMs: number, fn: () => void): () => void;
}

export interface PingOptions {
  /** Echo requests to send (default 1). */
  count?: number;
  /** Between requests, ms (default 1000, as ping). */
  intervalMs?: number;
  /** How long to wait for the last reply, ms (default 1000). */
  timeoutMs?: number;
  /** Data bytes per request (default 56, as ping). */
  size?: number;
  /** Resolve the name to this family (default: the first address). */
  family?: 4 | 6;
}

export interface PingReply {
  sequence: number;
  /** Round-trip time, ms. */
  timeMs: number;
  ttl: number;
  bytes: number;
}

export interface PingResult {
  host: string;
  address: string;
  sent: number;
  received: number;
  replies: PingReply[];
}

/**
 * One host's userspace stack, with Node's modules bound to it: `net`,
 * `dgram`, `http`, `https` and `ws` have the API of `wirestack/net`, ...
 * (Node's) and make their sockets on this stack; `http` and `https` have a
 * `globalAgent` of their own. `netstack` is the stack itself.
 */
export class Stack {
  readonly name: string;
  /** The userspace TCP/IP stack: interfaces, routes, counters, TCP / UDP layers. */
  readonly netstack: NetStack;
  readonly hosts: HostsTable;
  readonly transport: UserspaceTransport;
  /** Node's `net` on this stack: `host.net.connect(80, 'beta')`, `host.net.createServer(...)`. */
  readonly net: BoundNet;
  readonly dgram: BoundDgram;
  /** Node's `http` on this stack: `host.http.createServer(app).listen(80)`, `host.http.get(url)`. */
  readonly http: BoundHttp;
  readonly https: BoundHttps;
  /** The WebSocket module (the `ws` package's API) on this stack. */
  readonly ws: BoundWs;
  private readonly env: StackEnvironment;

  constructor(name: string, netstack: NetStack, env: StackEnvironment, hosts = new HostsTable()) {
    this.name = name;
    this.netstack = netstack;
    this.env = env;
    this.hosts = hosts;
    const transport = createUserspaceTransport({
      name,
      stack: netstack,
      now: () => env.now(),
      hosts,
    });
    this.transport = transport;
    const modules = bindTransport(transport);
    this.net = modules.net;
    this.dgram = modules.dgram;
    this.http = modules.http;
    this.https = modules.https;
    this.ws = modules.ws;
  }

  /** The stack's addresses, e.g. `['10.0.0.1', 'fd00::1', ...]` (loopback and link-local left out). */
  addresses(): string[] {
    const out: string[] = [];
    for (const iface of this.netstack.interfaces) {
      if (iface === this.netstack.loopback) continue;
      for (const a of [...iface.v4, ...iface.v6]) {
        if (a.address[0] === 0xfe && (a.address[1]! & 0xc0) === 0x80) continue;
        out.push(formatIP(a.address));
      }
    }
    return out;
  }

  /** Pings `host` (a name in the hosts table or an IP literal) with ICMP / ICMPv6 echo. */
  ping(host: string, options: PingOptions = {}): Promise<PingResult> {
    const count = options.count ?? 1;
    const interval = options.intervalMs ?? 1000;
    const timeout = options.timeoutMs ?? 1000;
    const size = options.size ?? 56;
    return new Promise((resolve, reject) => {
      let address: string;
      if (isIP(host) !== 0) address = host;
      else {
        const found = this.hosts.resolve(host, options.family ?? 0)[0];
        if (found === undefined) {
          reject(dnsError('ENOTFOUND', 'getaddrinfo', host));
          return;
        }
        address = found.address;
      }
      const dst = parseIp(address)!;
      const echo = this.netstack.echo.open();
      const sentAt = new Map<number, number>();
      const result: PingResult = { host, address, sent: 0, received: 0, replies: [] };
      const keepAlive = this.transport.keepAlive;
      keepAlive.acquire();
      const cancels: Array<() => void> = [];
      const finish = (err?: Error): void => {
        for (const cancel of cancels) cancel();
        echo.close();
        keepAlive.release();
        if (err) reject(err);
        else resolve(result);
      };
      echo.onreply = (reply) => {
        const at = sentAt.get(reply.sequence);
        if (at === undefined) return;
        sentAt.delete(reply.sequence);
        result.received++;
        result.replies.push({
          sequence: reply.sequence,
          timeMs: reply.at - at,
          ttl: reply.ttl,
          bytes: reply.data.length + 8,
        });
      };
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i++) data[i] = i & 0xff;
      const sendOne = (sequence: number): void => {
        const now = this.env.now();
        sentAt.set(sequence, now);
        result.sent++;
        const err = echo.send(dst, sequence, data, now);
        if (err instanceof StackError) {
          finish(Object.assign(new Error(`ping ${address}: ${err.message}`), { code: err.code }));
          return;
        }
        if (sequence < count)
          cancels.push(this.env.schedule(interval, () => sendOne(sequence + 1)));
        else cancels.push(this.env.schedule(timeout, () => finish()));
      };
      sendOne(1);
    });
  }
}

export interface SimulationOptions {
  /** Seeds every random choice (faults, IP ids, ports); the same seed gives the same run. Default 1. */
  seed?: number;
  /** Follow the real clock instead of jumping through virtual time. */
  realTime?: boolean;
  /** Run the simulation from Node's event loop (default true); false: step `clock` by hand. */
  autoRun?: boolean;
  /** Default conditions of each host's link to the LAN. */
  link?: Partial<LinkConditions>;
}

export interface HostOptions {
  /** IPv4 address and prefix; default `10.0.0.N/24` for the N-th host. */
  ipv4?: string | null;
  /** IPv6 address and prefix; default `fd00::N/64`. */
  ipv6?: string | null;
  /** This host's link to the LAN; default the simulation's `link`. */
  link?: Partial<LinkConditions>;
}

/**
 * A simulated LAN: hosts, each a `Stack`, each plugged by its own link into
 * one learning switch. A frame between two hosts crosses two links (the
 * sender's and the receiver's), so per-link faults apply on each. Every
 * host knows every other by name (its hosts table).
 */
export class Simulation {
  readonly network: SimNetwork;
  readonly clock: SimClock;
  readonly lan: SimSwitch;
  readonly hosts: Stack[] = [];
  private readonly simHosts = new Map<
    Stack,
    { host: SimHost; link: SimLink; iface: NetInterface }
  >();
  private readonly defaults: Partial<LinkConditions>;
  /** Every host's addresses by name, which each host's own table reads through to. */
  private readonly names = new HostsTable(false);
  private readonly captures: Capture[] = [];
  private readonly driver: ClockDriver | null;

  /**
   * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE (`seed` not an integer
   *   0..2^32-1, a probability outside 0..1, a negative delay, ...),
   *   ERR_INVALID_ARG_VALUE (an unknown option or link condition).
   */
  constructor(options: SimulationOptions = {}) {
    validateSimulationOptions(options);
    const origin = performance.now();
    this.network = new SimNetwork({
      seed: options.seed ?? 1,
      realTime: options.realTime ? () => performance.now() - origin : undefined,
    });
    this.clock = this.network.clock;
    this.lan = this.network.switch('lan');
    this.defaults = options.link ?? {};
    this.driver = options.autoRun === false ? null : new ClockDriver(this.clock);
    this.driver?.start();
  }

  /**
   * Adds a host named `name` on the LAN and returns its stack.
   * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_VALUE
   *   (a name already taken, a malformed address, an unknown option).
   */
  addHost(name: string, options: HostOptions = {}): Stack {
    validateHostOptions(name, options, (taken) => this.hosts.some((h) => h.name === taken));
    const n = this.hosts.length + 1;
    const link = this.network.link({ ...this.defaults, ...options.link }, `${name}-lan`);
    this.lan.attach(link.b);
    const host = this.network.host(name);
    const addresses: string[] = [];
    const v4 = options.ipv4 === undefined ? `10.0.0.${n}/24` : options.ipv4;
    const v6 = options.ipv6 === undefined ? `fd00::${n.toString(16)}/64` : options.ipv6;
    if (v4 !== null) addresses.push(v4);
    if (v6 !== null) addresses.push(v6);
    const iface = host.attach(link.a, this.network.nextMac(), addresses, { name: 'eth0' });
    const clock = this.clock;
    const env: StackEnvironment = {
      now: () => clock.now(),
      schedule: (delay, fn) => {
        const event = clock.after(delay, fn);
        return () => clock.cancel(event);
      },
    };
    const stack = new Stack(name, host.stack, env, new HostsTable(true, this.names));
    for (const capture of this.captures) this.tapHost(link, capture);
    this.hosts.push(stack);
    this.simHosts.set(stack, { host, link, iface });
    // Every host knows every other by name (through the shared table).
    for (const address of stack.addresses()) this.names.add(name, address);
    return stack;
  }

  /** The host named `name`. */
  host(name: string): Stack {
    const found = this.hosts.find((h) => h.name === name);
    if (found === undefined) throw new Error(`no host named ${name}`);
    return found;
  }

  /** The link between `host` and the LAN: change its conditions, partition it, read its stats. */
  linkOf(host: Stack): SimLink {
    const entry = this.simHosts.get(host);
    if (entry === undefined) throw new Error(`${host.name} is not in this simulation`);
    return entry.link;
  }

  /**
   * Captures every frame as it enters the LAN (each frame once, stamped with
   * the simulated time), for the hosts there now and those added later.
   */
  capture(options: CaptureOptions = {}): Capture {
    const capture = new Capture({ ...options, linkType: 'ethernet' });
    this.captures.push(capture);
    for (const { link } of this.simHosts.values()) this.tapHost(link, capture);
    return capture;
  }

  private tapHost(link: SimLink, capture: Capture): void {
    link.tap((time, frame, from) => {
      if (from === link.a) capture.record(time, frame);
    });
  }

  /**
   * Resolves once no simulated event is pending and none appeared for two
   * event-loop turns (so work deferred with `nextTick` or promises, such as
   * sends waiting for an implicit bind, has had its chance).
   *
   * What it waits for: frames in flight on the links, and every stack timer
   * with work behind it — ARP / NDP resolution and its retries, TCP
   * retransmission, persist, delayed-ACK and keep-alive timers, FIN-WAIT-2
   * and TIME-WAIT (2 × MSL, 60 s of virtual time after a TCP close, as on
   * Linux), fragment reassembly — and timers set with the stacks' own
   * clocks. What it does not wait for: neighbour-cache aging (REACHABLE to
   * STALE after 30 s, STALE forgotten after 10 min), which is applied
   * lazily when an entry is next used, so after a UDP exchange the virtual
   * clock stays where the exchange ended. A listening server or a bound
   * socket sets no timer and does not hold it either.
   *
   * @throws Error when events keep appearing for `maxTurns` event-loop turns
   *   (a periodic timer that never stops, say).
   */
  async settle(maxTurns = 1_000_000): Promise<void> {
    let idle = 0;
    for (let i = 0; i < maxTurns; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      idle = this.clock.pending === 0 ? idle + 1 : 0;
      if (idle >= 2) return;
    }
    throw new Error('the simulation did not settle');
  }

  /**
   * Stops running the clock and closes the capture files. Sockets and servers
   * still open on the hosts stay open but stop holding the process alive, since
   * nothing moves on a stopped clock.
   */
  close(): void {
    this.driver?.stop();
    for (const host of this.hosts) host.transport.keepAlive.close();
    for (const capture of this.captures) capture.close();
  }
}
