import { codedError } from '../errors/index.js';
import { isPipeName } from '../util/validators.js';

/** Options of `socket.connect(options)` / `net.connect(options)` (Node's net doc). */
export interface ConnectOptions {
  port?: number | string;
  host?: string;
  /** IPC: a Unix domain socket path. */
  path?: string;
  localAddress?: string;
  localPort?: number;
  /** 4, 6 or 0 (both), for name resolution. */
  family?: number;
  hints?: number;
  lookup?: (...args: never[]) => void;
  /** Idle timeout in milliseconds, as `socket.setTimeout()`. */
  timeout?: number;
  noDelay?: boolean;
  keepAlive?: boolean;
  /** Happy Eyeballs (RFC 8305) over the resolved addresses (default: `net.getDefaultAutoSelectFamily()`). */
  autoSelectFamily?: boolean;
  /** Milliseconds each attempt gets before the next starts (at least 10). */
  autoSelectFamilyAttemptTimeout?: number;
  /** Milliseconds. */
  keepAliveInitialDelay?: number;
  [option: string]: unknown;
}

type Listener = () => void;

/** Marks an argument list that normalizeConnectArgs already produced. */
const kNormalized = Symbol('normalizedArgs');

/**
 * Node's `normalizeArgs` for connect: `(options[, cb])`, `(path[, cb])`,
 * `(port[, host][, cb])`.
 * @throws ERR_MISSING_ARGS when nothing usable is given.
 */
export function normalizeConnectArgs(args: unknown[]): [ConnectOptions, Listener | null] {
  // Already normalized (net.createConnection hands its result to socket.connect, as Node does).
  const first0 = args[0] as { [kNormalized]?: boolean } | undefined;
  if (Array.isArray(first0) && first0[kNormalized] === true) {
    return first0 as unknown as [ConnectOptions, Listener | null];
  }
  if (args.length === 0) throw codedError('ERR_MISSING_ARGS', ['options', 'port', 'path']);
  const last = args[args.length - 1];
  const cb = typeof last === 'function' ? (last as Listener) : null;
  const first = args[0];
  let options: ConnectOptions;
  if (first !== null && typeof first === 'object') {
    options = first as ConnectOptions;
  } else if (isPipeName(first)) {
    options = { path: first };
  } else {
    options = { port: first as number | string };
    if (args.length > 1 && typeof args[1] === 'string') options.host = args[1];
  }
  if (options.port === undefined && options.path === undefined) {
    throw codedError('ERR_MISSING_ARGS', ['options', 'port', 'path']);
  }
  const normalized = [options, cb] as [ConnectOptions, Listener | null] & {
    [kNormalized]?: boolean;
  };
  normalized[kNormalized] = true;
  return normalized;
}
