/**
 * `wirestack demo`: the examples from the project's notes, one after another in
 * one process, on wirestack's own net, dgram, http and https modules.
 */
import type { TransportModules } from '../bind-transport.js';
import * as dgram from '../dgram/index.js';
import * as http from '../http/index.js';
import * as https from '../https/index.js';
import * as net from '../net/index.js';
import { createWebSocketStream, WebSocket, WebSocketServer } from '../ws/index.js';
import { type DemoPorts, type Example, portsFor, type Sides, Steps } from './demo/context.js';
import { dgramBytes } from './demo/dgram-bytes.js';
import { dgramExit } from './demo/dgram-exit.js';
import { httpHello } from './demo/http-hello.js';
import { httpsHello } from './demo/https-hello.js';
import { netGreeting } from './demo/net-greeting.js';
import { netLoan } from './demo/net-loan.js';
import { wsEcho } from './demo/ws-echo.js';

export { PORT_SPAN, PORT_TABLE, PortInUseError } from './demo/context.js';

/** In the order they run. */
export const EXAMPLES: readonly Example[] = [
  netLoan,
  netGreeting,
  dgramExit,
  dgramBytes,
  httpHello,
  httpsHello,
  wsEcho,
];

/** wirestack's modules on the host's sockets. */
const HOST_MODULES: TransportModules = {
  net,
  dgram,
  http,
  https,
  ws: { WebSocket, WebSocketServer, Server: WebSocketServer, createWebSocketStream },
};

export interface DemoOptions {
  /** Shift every port to `portBase + offset` (see PORT_TABLE); default: the notes' ports. */
  portBase?: number;
  /** Give up after this long in all, in milliseconds. */
  timeoutMs: number;
  /** Where transcript and heading lines go; default console.log. */
  print?: (text: string) => void;
  /** `sim`: run every example between two simulated hosts (./sim.ts); default `host`. */
  transport?: 'host' | 'sim';
  /** With `sim`: write every simulated frame to this pcap file. */
  pcap?: string;
}

/** The demo ran out of time; the message names the example and the steps it was waiting for. */
export class DemoTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoTimeoutError';
  }
}

/** Runs every example in turn; rejects on the first failure or when time runs out. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const print = options.print ?? ((text: string) => console.log(text));
  const ports: DemoPorts = portsFor(options.portBase);
  const sim =
    options.transport === 'sim' ? (await import('./sim.js')).startSimDemo(options.pcap) : null;
  const sides: Sides = sim?.sides ?? {
    server: { modules: HOST_MODULES, name: 'localhost', address: '127.0.0.1' },
    client: { modules: HOST_MODULES, name: 'localhost', address: '127.0.0.1' },
  };
  const examples = EXAMPLES;
  if (sim) print(sim.banner);
  let current: { index: number; title: string; steps: Steps[] } | undefined;

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      let where = 'before the first example';
      if (current) {
        const waiting = current.steps.flatMap((s) => s.remaining());
        where =
          `in example ${current.index + 1} (${current.title})` +
          (waiting.length > 0 ? `, still waiting for: ${waiting.join(', ')}` : '');
      }
      reject(new DemoTimeoutError(`timed out after ${options.timeoutMs / 1000} s ${where}`));
    }, options.timeoutMs);
  });

  try {
    for (const [index, example] of examples.entries()) {
      const title = example.title(ports);
      const here = { index, title, steps: [] as Steps[] };
      current = here;
      print(`${index > 0 || sim ? '\n' : ''}=== [${index + 1}/${examples.length}] ${title} ===`);
      const run = example.run({
        ports,
        server: sides.server,
        client: sides.client,
        log: print,
        steps: (names) => {
          const steps = new Steps(names);
          here.steps.push(steps);
          return steps;
        },
      });
      await Promise.race([run, timedOut]);
    }
  } finally {
    clearTimeout(timer);
    sim?.close();
  }
}
