/**
 * The userspace transport: sockets on wirestack's own TCP/IP stack instead
 * of the OS's. `createUserspaceTransport(host)` binds it to one stack (a
 * simulated host, the process-wide loopback stack of
 * `WIRESTACK_TRANSPORT=userspace`, a TUN device later): TCP streams and
 * listeners on the stack's TCP (userspace-stream.ts, userspace-server.ts),
 * UDP on its UDP (userspace-datagram.ts). IPC (Unix domain sockets) and
 * file descriptors are the OS's: those stay on the host's sockets.
 *
 * Keeping the process alive: as with the OS's sockets, a ref'd open TCP
 * handle, listening server or bound datagram handle keeps Node's event loop
 * alive (one ref'd timer stands in for all of them), and `unref()` lets the
 * process exit.
 */
import dns from 'node:dns';
import { codedError, dnsError } from '../errors/index.js';
import type { NetStack } from '../stack/stack.js';
import { isIP } from '../wire/ip-address.js';
import { hostTransport } from './host.js';
import type {
  DatagramHandle,
  ErrorCallback,
  ListenOptions,
  LookupAddress,
  LookupFunction,
  ServerHandle,
  StreamHandle,
  Transport,
} from './types.js';
import { createUserspaceDatagram } from './userspace-datagram.js';
import { HostsTable } from './userspace-hosts.js';
import { listenUserspace } from './userspace-server.js';
import { createUserspaceStream } from './userspace-stream.js';

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
  /**
   * Resolves names the hosts table does not know (the host's resolver, for
   * a stack on a real network); without it they fail with ENOTFOUND.
   */
  readonly resolve?: (
    hostname: string,
    family: 0 | 4 | 6,
    cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => void;
}

/** Counts the handles that should keep the process alive, and holds one ref'd timer while any do. */
export class KeepAlive {
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  acquire(): void {
    if (this.count++ === 0 && !this.closed) this.timer = setInterval(() => {}, 1 << 30);
  }

  /**
   * Lets go of the process for good: the stack stopped (a closed simulation
   * runs no more events), so its open handles can no longer do anything that
   * would be worth waiting for. Claims still count, without a timer.
   */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  release(): void {
    if (this.count === 0) return;
    if (--this.count === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Acquires or releases one handle's claim so that it matches `want`; returns the claim now held. */
  claim(held: boolean, want: boolean): boolean {
    if (want && !held) this.acquire();
    else if (!want && held) this.release();
    return want;
  }

  get active(): number {
    return this.count;
  }
}

/** A Transport whose TCP and UDP handles live on `host.stack`. */
export interface UserspaceTransport extends Transport {
  readonly host: UserspaceHost;
  readonly keepAlive: KeepAlive;
}

export function createUserspaceTransport(host: UserspaceHost): UserspaceTransport {
  const keepAlive = new KeepAlive();

  const lookup: LookupFunction = (hostname, options, cb) => {
    // dns.lookup's check: only ADDRCONFIG, V4MAPPED and ALL are hints.
    const hints = options.hints ?? 0;
    if ((hints & ~(dns.ADDRCONFIG | dns.V4MAPPED | dns.ALL)) !== 0) {
      throw codedError('ERR_INVALID_ARG_VALUE', 'hints', hints);
    }
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    if (isIP(hostname) !== 0) {
      // An IP literal is dns.lookup's to answer: it does so itself, on a later tick, whatever
      // the family asked, without a resolver. Read at each call, so a replaced dns.lookup sees
      // the call, as when Node's dgram binds.
      (dns.lookup as (h: string, o: object, c: unknown) => void)(hostname, options, cb);
      return;
    }
    const addresses = host.hosts.resolve(hostname, family);
    if (addresses.length === 0 && host.resolve !== undefined) {
      host.resolve(hostname, family, (err, found) => {
        if (err) {
          if (options.all) cb(err, []);
          else (cb as unknown as (e: Error) => void)(err);
        } else answer(found);
      });
      return;
    }
    // dns.lookup answers on a later tick: a list with `all`, else the first address and its family.
    process.nextTick(() => answer(addresses));
    function answer(addresses: LookupAddress[]): void {
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
    }
  };

  return {
    name: `userspace:${host.name}`,
    host,
    keepAlive,
    lookup,
    createStream(kind: 'tcp' | 'pipe'): StreamHandle {
      return kind === 'pipe'
        ? hostTransport.createStream(kind)
        : createUserspaceStream(host, keepAlive);
    },
    // A file descriptor is the OS's: a socket, pipe or terminal of the host.
    openStream: hostTransport.openStream,
    listen(options: ListenOptions, cb: ErrorCallback): ServerHandle {
      // IPC paths, file descriptors and shared handles are the OS's.
      if (options.port === undefined) return hostTransport.listen(options, cb);
      return listenUserspace(host, keepAlive, options, cb);
    },
    // In a cluster worker, IPC paths and descriptors go through the primary as on
    // the host; a port is this process's own stack's, which no other process shares.
    listenInCluster(options, owner, cb): ServerHandle | null {
      if (options.port !== undefined) return null;
      return hostTransport.listenInCluster?.(options, owner, cb) ?? null;
    },
    createDatagram(type: 'udp4' | 'udp6'): DatagramHandle {
      return createUserspaceDatagram(host, type, keepAlive);
    },
  };
}
