/**
 * The `transport` option of `net.createServer()`, `new net.Socket()` and
 * `net.connect()` (wirestack's own), checked, and the options that look like
 * a way to pick a stack but are not: a `stack` key, which Node's API would
 * ignore, refused, so a server meant for a simulated host never quietly
 * takes the machine's real port instead.
 */
import { codedError } from '../errors/index.js';
import { defaultTransport } from '../handle/default-transport.js';
import type { Transport } from '../handle/types.js';

const HOW_TO_PICK = "choose a stack's transport with { transport: host.transport } or use host.net";

/** @throws ERR_INVALID_ARG_VALUE when `options` has a `stack` key. */
function refuseStackKey(options: object, name: string): void {
  const stack = (options as { stack?: unknown }).stack;
  if (stack !== undefined) {
    throw codedError(
      'ERR_INVALID_ARG_VALUE',
      `${name}.stack`,
      stack,
      `is not an option of net (${HOW_TO_PICK})`,
    );
  }
}

/**
 * The transport `options` choose: `options.transport`, else the default
 * (the host's sockets, or what `WIRESTACK_TRANSPORT` says).
 * @throws ERR_INVALID_ARG_TYPE when `transport` is not a transport (a
 *   simulated host's `Stack` instead of its `.transport`, say);
 *   ERR_INVALID_ARG_VALUE for a `stack` key.
 */
export function transportOption(options: object, name = 'options'): Transport {
  refuseStackKey(options, name);
  const transport = (options as { transport?: unknown }).transport;
  if (transport === undefined) return defaultTransport();
  const t = transport as Partial<Transport> | null;
  if (
    t === null ||
    typeof t !== 'object' ||
    typeof t.createStream !== 'function' ||
    typeof t.listen !== 'function'
  ) {
    throw codedError('ERR_INVALID_ARG_TYPE', `${name}.transport`, 'Transport', transport);
  }
  return t as Transport;
}

/**
 * `server.listen(options)` takes no transport: the server's comes from
 * `createServer()`. A `transport` or `stack` key there is refused rather
 * than ignored. @throws ERR_INVALID_ARG_VALUE
 */
export function refuseListenTransport(options: object): void {
  refuseStackKey(options, 'options');
  const transport = (options as { transport?: unknown }).transport;
  if (transport !== undefined) {
    throw codedError(
      'ERR_INVALID_ARG_VALUE',
      'options.transport',
      transport,
      'is not an option of server.listen() (pass it to net.createServer({ transport }))',
    );
  }
}
