import { codedError, uvError } from '../errors/index.js';
import type { LookupAddress, StreamHandle, Transport } from '../handle/types.js';
import { validateBoolean, validateInt32 } from '../util/validators.js';

/**
 * Happy Eyeballs (RFC 8305) as Node's `autoSelectFamily` does it: the
 * resolved addresses are tried one at a time, families interleaved, each
 * attempt given `attemptTimeout` milliseconds before the next one starts.
 */

let defaultAutoSelectFamily = !hasFlag('--no-network-family-autoselection');
let defaultAttemptTimeout = Math.max(
  10,
  flagNumber('--network-family-autoselection-attempt-timeout') ?? 250,
);

function nodeFlags(): string[] {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
}

function hasFlag(flag: string): boolean {
  return nodeFlags().includes(flag);
}

function flagNumber(flag: string): number | undefined {
  for (const arg of nodeFlags()) {
    if (arg.startsWith(`${flag}=`)) {
      const n = Number(arg.slice(flag.length + 1));
      if (Number.isInteger(n) && n > 0) return n;
    }
  }
  return undefined;
}

/** `net.getDefaultAutoSelectFamily()`: true unless turned off (flag or setter). */
export function getDefaultAutoSelectFamily(): boolean {
  return defaultAutoSelectFamily;
}

/** `net.setDefaultAutoSelectFamily(value)`. @throws ERR_INVALID_ARG_TYPE */
export function setDefaultAutoSelectFamily(value: boolean): void {
  validateBoolean(value, 'value');
  defaultAutoSelectFamily = value;
}

/** `net.getDefaultAutoSelectFamilyAttemptTimeout()`, in milliseconds (default 250). */
export function getDefaultAutoSelectFamilyAttemptTimeout(): number {
  return defaultAttemptTimeout;
}

/**
 * `net.setDefaultAutoSelectFamilyAttemptTimeout(value)`: milliseconds, at
 * least 1; values under 10 become 10. @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE
 */
export function setDefaultAutoSelectFamilyAttemptTimeout(value: number): void {
  validateInt32(value, 'value', 1);
  defaultAttemptTimeout = Math.max(10, value);
}

/**
 * Keeps valid, distinct addresses and interleaves the families, starting with
 * the family of the first valid one (RFC 8305 §4).
 */
export function interleaveFamilies(addresses: readonly LookupAddress[]): LookupAddress[] {
  const groups: [LookupAddress[], LookupAddress[]] = [[], []];
  let firstFamily = 0;
  const seen = new Set<string>();
  for (const a of addresses) {
    if (a.family !== 4 && a.family !== 6) continue;
    if (seen.has(a.address)) continue;
    seen.add(a.address);
    firstFamily ||= a.family;
    groups[a.family === firstFamily ? 0 : 1].push(a);
  }
  const out: LookupAddress[] = [];
  const n = Math.max(groups[0].length, groups[1].length);
  for (let i = 0; i < n; i++) {
    if (i < groups[0].length) out.push(groups[0][i]!);
    if (i < groups[1].length) out.push(groups[1][i]!);
  }
  return out;
}

export interface MultipleConnectOptions {
  transport: Transport;
  /** The socket's handle: the first attempt's, as in Node. */
  handle: StreamHandle;
  /** Each later attempt's new handle becomes the socket's (Node's `kReinitializeHandle`). */
  replaceHandle(handle: StreamHandle): void;
  addresses: LookupAddress[];
  port: number;
  localPort?: number;
  /** Milliseconds per attempt before the next one starts. */
  attemptTimeout: number;
  /** Called with `address:port` as each attempt starts. */
  onAttempt(label: string): void;
  /** False once the socket gave up (destroyed): stop everything. */
  stillWanted(): boolean;
  /**
   * The outcome: null once the socket's current handle is connected, or an
   * error — an `AggregateError` of every attempt's error (with the first
   * one's `code`), or `ERR_SOCKET_CONNECTION_TIMEOUT`. The last attempt's
   * handle is the socket's, still open, either way.
   */
  done(err: Error | null): void;
}

/**
 * Runs the attempts: the first on the socket's handle, each later one on a
 * new handle that replaces it; a handle whose attempt failed or timed out is
 * closed once another takes its place.
 */
export function connectMultiple(options: MultipleConnectOptions): void {
  const errors: Error[] = [];
  let current = 0;
  let timer: NodeJS.Timeout | undefined;

  const next = (): void => {
    clearTimeout(timer);
    if (!options.stillWanted()) return;
    if (current === options.addresses.length) {
      options.done(aggregate(errors));
      return;
    }
    const attemptIndex = current;
    const { address, family } = options.addresses[current++]!;
    let handle = options.handle;
    if (attemptIndex > 0) {
      handle = options.transport.createStream('tcp');
      options.replaceHandle(handle);
    }
    options.onAttempt(`${address}:${options.port}`);
    let settled = false;
    handle.connect(
      {
        address,
        port: options.port,
        family: family === 6 ? 6 : 4,
        localAddress: options.localPort === undefined ? undefined : family === 6 ? '::' : '0.0.0.0',
        localPort: options.localPort,
      },
      (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A socket that gave up has closed (or replaced) its handle itself.
        if (!options.stillWanted()) return;
        if (!err) {
          options.done(null);
          return;
        }
        errors.push(err);
        // The last attempt's handle stays the socket's: destroying it closes the handle.
        if (current < options.addresses.length) handle.close();
        next();
      },
    );
    if (current < options.addresses.length) {
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        errors.push(uvError(UV_ETIMEDOUT, 'connect', address, options.port));
        handle.close();
        next();
      }, options.attemptTimeout);
    }
  };
  next();
}

const UV_ETIMEDOUT = -110;

/**
 * Node's `NodeAggregateError`: every attempt's error, `code` from the first.
 * Node leaves its message empty, so `console.log(err)` shows a bare
 * `AggregateError`; here it joins the attempts' messages (`connect
 * ECONNREFUSED 10.0.0.2:81; connect ECONNREFUSED fd00::2:81`) to say what
 * failed where.
 */
function aggregate(errors: Error[]): Error {
  if (errors.length === 0) return codedError('ERR_SOCKET_CONNECTION_TIMEOUT');
  const message = errors.map((e) => e.message).join('; ');
  const err = new AggregateError(errors, message) as AggregateError & { code?: unknown };
  err.code = (errors[0] as { code?: unknown }).code;
  return err;
}
