/**
 * The userspace transport: sockets on wirestack's own TCP/IP stack instead
 * of the OS's. `createUserspaceTransport(host)` binds it to one stack (a
 * simulated host today, a TUN device later). UDP is here; TCP streams
 * (`createStream(...).connect`, `listen`) come with the stack's TCP and fail
 * with `ERR_NOT_IMPLEMENTED` until then.
 *
 * Keeping the process alive: as with the OS's sockets, a bound, ref'd
 * datagram handle keeps Node's event loop alive (one ref'd timer stands in
 * for all of them), and `unref()` lets the process exit.
 */
import { codedError, dnsError, systemError } from '../errors/index.js';
import type { NetStack } from '../stack/stack.js';
import { isIP } from '../wire/ip-address.js';
import type {
  DatagramHandle,
  ErrorCallback,
  LookupAddress,
  LookupFunction,
  ServerHandle,
  StreamHandle,
  Transport,
} from './types.js';
import { createUserspaceDatagram } from './userspace-datagram.js';
import { HostsTable } from './userspace-hosts.js';

export { HostsTable };

/** What the transport needs from the stack's environment. */
export interface UserspaceHost {
  /** The host's name (shown in errors and by the CLI). */
  readonly name: string;
  readonly stack: NetStack;
  /** The stack's clock, in ms (virtual time in a simulation). */
  now(): number;
  /** Names `lookup` resolves. */
  readonly hosts: HostsTable;
}

/** Counts the handles that should keep the process alive, and holds one ref'd timer while any do. */
export class KeepAlive {
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  acquire(): void {
    if (this.count++ === 0) this.timer = setInterval(() => {}, 1 << 30);
  }

  release(): void {
    if (this.count === 0) return;
    if (--this.count === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  get active(): number {
    return this.count;
  }
}

/** A Transport whose datagram handles live on `host.stack`. */
export interface UserspaceTransport extends Transport {
  readonly host: UserspaceHost;
  readonly keepAlive: KeepAlive;
}

/** A stream or server handle for TCP / IPC, which the userspace stack does not have yet. */
function notImplemented(what: string): Error {
  return codedError('ERR_NOT_IMPLEMENTED', `${what} on the userspace stack (TCP comes next)`);
}

function missingStream(kind: 'tcp' | 'pipe'): StreamHandle {
  let closed = false;
  return {
    onread: noop,
    onend: noop,
    onerror: noop,
    writeQueueSize: 0,
    fd: -1,
    connect(_target, cb) {
      process.nextTick(() => {
        if (!closed) cb(notImplemented(kind === 'tcp' ? 'TCP connect' : 'IPC connect'));
      });
    },
    readStart: noop,
    readStop: noop,
    writev(_chunks, cb) {
      process.nextTick(cb, systemError('ENOTCONN', 'write'));
    },
    shutdown(cb) {
      process.nextTick(cb, systemError('ENOTCONN', 'shutdown'));
    },
    close(cb) {
      closed = true;
      if (cb) process.nextTick(cb);
    },
    reset(cb) {
      closed = true;
      if (cb) process.nextTick(cb);
    },
    setNoDelay: noop,
    setKeepAlive: noop,
    getsockname: () => undefined,
    getpeername: () => undefined,
    ref: noop,
    unref: noop,
  };
}

function missingServer(cb: ErrorCallback): ServerHandle {
  process.nextTick(cb, notImplemented('TCP listen'));
  return {
    onconnection: noop,
    onerror: noop,
    address: () => null,
    fd: -1,
    close(done) {
      if (done) process.nextTick(done);
    },
    ref: noop,
    unref: noop,
  };
}

function noop(): void {}

export function createUserspaceTransport(host: UserspaceHost): UserspaceTransport {
  const keepAlive = new KeepAlive();

  const lookup: LookupFunction = (hostname, options, cb) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    let addresses: LookupAddress[];
    const literal = isIP(hostname);
    if (literal !== 0) {
      addresses =
        family === 0 || family === literal ? [{ address: hostname, family: literal }] : [];
    } else {
      addresses = host.hosts.resolve(hostname, family);
    }
    // dns.lookup answers on a later tick: a list with `all`, else the first address and its family.
    process.nextTick(() => {
      if (addresses.length === 0) {
        const err = dnsError('ENOTFOUND', 'getaddrinfo', hostname);
        if (options.all) cb(err, []);
        else (cb as unknown as (e: Error) => void)(err);
      } else if (options.all) {
        cb(null, addresses);
      } else {
        const first = addresses[0]!;
        (cb as unknown as (e: null, a: string, f: number) => void)(
          null,
          first.address,
          first.family,
        );
      }
    });
  };

  return {
    name: `userspace:${host.name}`,
    host,
    keepAlive,
    lookup,
    createStream: missingStream,
    openStream(): StreamHandle {
      throw codedError('ERR_NOT_IMPLEMENTED', 'file descriptors on the userspace stack');
    },
    listen(_options, cb: ErrorCallback): ServerHandle {
      return missingServer(cb);
    },
    createDatagram(type: 'udp4' | 'udp6'): DatagramHandle {
      return createUserspaceDatagram(host, type, keepAlive);
    },
  };
}
