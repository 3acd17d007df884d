/**
 * What every demo example gets from the runner, and the small bookkeeping
 * that lets the runner tell which step an example is stuck on.
 */
import type { TransportModules } from '../../bind-transport.js';

/** The ports the examples use; `portsFor` below maps them from a base. */
export interface DemoPorts {
  /** TCP, the net examples' server (8124 in the notes). */
  netServer: number;
  /** UDP, the dgram server that answers 'exit' (8000). */
  dgramServer: number;
  /** UDP, its client (8001). */
  dgramClient: number;
  /** UDP, the server that receives 'Some bytes' (41234). */
  dgramBytes: number;
  /** TCP, the http server (1334). */
  httpServer: number;
}

/** One row per port: the port in the notes and its offset from `--port-base`. */
export const PORT_TABLE: readonly {
  key: keyof DemoPorts;
  seed: number;
  offset: number;
  what: string;
}[] = [
  { key: 'netServer', seed: 8124, offset: 0, what: 'net server (TCP)' },
  { key: 'dgramServer', seed: 8000, offset: 1, what: 'dgram server (UDP)' },
  { key: 'dgramClient', seed: 8001, offset: 2, what: 'dgram client (UDP)' },
  { key: 'dgramBytes', seed: 41234, offset: 3, what: 'dgram server for "Some bytes" (UDP)' },
  { key: 'httpServer', seed: 1334, offset: 4, what: 'http server (TCP)' },
];

/** The notes' own ports, or `base + offset` for each when a base is given. */
export function portsFor(base?: number): DemoPorts {
  const ports = {} as DemoPorts;
  for (const row of PORT_TABLE) ports[row.key] = base === undefined ? row.seed : base + row.offset;
  return ports;
}

/** The highest offset in PORT_TABLE: a base must leave room for it. */
export const PORT_SPAN = Math.max(...PORT_TABLE.map((row) => row.offset)) + 1;

/** A listen or bind failed because another socket holds the port. */
export class PortInUseError extends Error {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  constructor(port: number, protocol: 'TCP' | 'UDP', cause: Error) {
    super(`${protocol} port ${port} is already in use`, { cause });
    this.name = 'PortInUseError';
    this.port = port;
    this.protocol = protocol;
  }
}

/** Turns a listen/bind error into a PortInUseError when that is what it is. */
export function listenFailure(err: Error, port: number, protocol: 'TCP' | 'UDP'): Error {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new PortInUseError(port, protocol, err);
  }
  return err;
}

/**
 * The named steps an example waits for. `done` resolves once every step has
 * been marked, and rejects on the first `fail`. Marking twice is harmless.
 */
export class Steps {
  readonly done: Promise<void>;
  readonly #pending: Set<string>;
  #resolve!: () => void;
  #reject!: (err: Error) => void;
  #settled = false;

  constructor(names: readonly string[]) {
    this.#pending = new Set(names);
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  mark(name: string): void {
    if (!this.#pending.has(name)) return;
    this.#pending.delete(name);
    if (this.#pending.size === 0 && !this.#settled) {
      this.#settled = true;
      this.#resolve();
    }
  }

  fail(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(err);
  }

  /** The steps not yet marked, in the order they were declared. */
  remaining(): string[] {
    return [...this.#pending];
  }
}

/**
 * One side of the examples (the servers' or the clients'): the modules it
 * uses, the name the other side reaches it by, and its IPv4 address.
 */
export interface Side {
  modules: TransportModules;
  name: string;
  address: string;
}

/** Where the examples' servers and clients run: both on this machine, or two simulated hosts. */
export interface Sides {
  server: Side;
  client: Side;
}

export interface ExampleContext {
  readonly ports: DemoPorts;
  /** The servers' side and the clients': this machine twice, or two simulated hosts (`--transport sim`). */
  readonly server: Side;
  readonly client: Side;
  /** Prints one transcript line (or several, for a string with newlines). */
  log(text: string): void;
  /** Declares the steps this example waits for; the runner reports them on a timeout. */
  steps(names: readonly string[]): Steps;
}

export interface Example {
  /** The heading line, given the ports in use. */
  title(ports: DemoPorts): string;
  /** Runs the example; resolves once everything it opened is closed. */
  run(ctx: ExampleContext): Promise<void>;
}
