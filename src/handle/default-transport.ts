/**
 * The transport of sockets made without one (`net.Socket`, `net.Server`,
 * `dgram.Socket`, and so `http`, `https` and `ws` too): the host's sockets,
 * or, with `WIRESTACK_TRANSPORT=userspace` in the environment, wirestack's
 * own stack — one per process, with only a loopback interface, in real time
 * (userspace-loopback.ts). IPC (Unix domain sockets) stays on the host's
 * sockets either way. The variable is read once, when wirestack loads.
 */
import process from 'node:process';
import { codedError } from '../errors/index.js';
import { hostTransport } from './host.js';
import type { Transport } from './types.js';

/** `WIRESTACK_TRANSPORT`'s values: `host` (also when unset or empty) and `userspace`. */
export type DefaultTransportName = 'host' | 'userspace';

function readVariable(value: string | undefined): DefaultTransportName {
  if (value === undefined || value === '' || value === 'host') return 'host';
  if (value === 'userspace') return 'userspace';
  throw codedError(
    'ERR_INVALID_ARG_VALUE',
    'WIRESTACK_TRANSPORT',
    value,
    "must be 'host' or 'userspace'",
  );
}

/** Which transport `WIRESTACK_TRANSPORT` chose when wirestack loaded. */
export const defaultTransportName: DefaultTransportName = readVariable(
  process.env.WIRESTACK_TRANSPORT,
);

let userspace: Transport | null = null;

/** The transport sockets use when their options name none. */
export function defaultTransport(): Transport {
  if (defaultTransportName === 'host') return hostTransport;
  if (userspace === null) {
    // Loaded only when asked for: a process on the host's sockets never builds a stack.
    const loopback = require('./userspace-loopback.js') as typeof import('./userspace-loopback.js');
    userspace = loopback.loopbackTransport();
  }
  return userspace;
}
