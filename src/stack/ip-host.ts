/**
 * What a transport protocol (UDP, TCP, ICMP echo) needs from the IP layer
 * below it: route lookup, sending a datagram, local-address tests, counters
 * and malformed-input reports, randomness and a way to ask to be polled.
 * `NetStack` implements it; the protocol layers depend on this interface
 * only, so they do not import the stack (and the stack does not form an
 * import circle with them).
 */
import type { WireError } from '../wire/errors.js';
import type { IpAddr } from './address.js';
import type { StackError } from './errors.js';
import type { NetInterface } from './interface.js';
import type { IpSendOptions, PayloadWriter, ResolvedRoute } from './ip-types.js';

export interface IpHost {
  /** Sends one IP datagram (fragmenting as needed); null on success. */
  sendIp(
    dst: IpAddr,
    protocol: number,
    payloadLength: number,
    write: PayloadWriter,
    options: IpSendOptions,
    now: number,
  ): StackError | null;
  /** Chooses interface, next hop and source for `dst`, or says why not. */
  resolveRoute(dst: IpAddr, options: IpSendOptions): ResolvedRoute | StackError;
  /** True when `addr` is one of this host's addresses (127/8 counts). */
  isLocalAddress(addr: IpAddr): boolean;
  /** A deterministic 32-bit pseudo-random number from the stack's seed. */
  random(): number;
  /** Adds `n` to the counter `name` (`tcp.checksum`, `udp.noPort`, ...). */
  count(name: string, n?: number): void;
  /** Counts a malformed packet under `<layer>.<kind>` and keeps it for diagnostics. */
  reject(err: WireError): void;
  /** Asks to be polled by `at` (ms); -Infinity: as soon as possible. */
  wake(at: number): void;
  /** The loopback interface (MTU for local routes). */
  readonly loopback: NetInterface;
}
