/**
 * What the IPv4 and IPv6 layers need from the stack around them: its limits,
 * counters, the ICMP error rate limit, source selection, the link below
 * (neighbour-resolved output, raw transmit, local delivery), and the inputs
 * of the protocols above (UDP, TCP, ICMP echo). `NetStack` implements it; the
 * IP layers depend on this interface and on the small input interfaces here,
 * not on the stack or the protocol classes, so none of them forms an import
 * circle with the stack.
 */
import type { IpAddr } from './address.js';
import type { StackErrorCode } from './errors.js';
import type { NetInterface } from './interface.js';
import type { IpHost } from './ip-host.js';
import type { ResolvedRoute } from './ip-types.js';
import type { StackLimits } from './limits.js';
import type { TcpIcmpError } from './tcp/layer.js';

/** UDP as the IP layers call it (`UdpLayer`). */
export interface UdpInput {
  /** A datagram (the IP payload) for this host arrived; false: no socket took it (port unreachable). */
  input(iface: NetInterface, src: IpAddr, dst: IpAddr, bytes: Uint8Array, now: number): boolean;
  /** An ICMP error quoted a datagram `local → remote` whose first bytes (the UDP header) are `quoted`. */
  icmpError(local: IpAddr, remote: IpAddr, quoted: Uint8Array, code: StackErrorCode): void;
}

/** TCP as the IP layers call it (`TcpLayer`). */
export interface TcpInput {
  /** A segment (the IP payload) from `src` to `dst` arrived on `iface`; TCP answers closed ports itself (RST). */
  input(iface: NetInterface, src: IpAddr, dst: IpAddr, segment: Uint8Array, now: number): void;
  /** An ICMP error quoted a segment `local → remote` whose first bytes (the TCP header) are `quoted`. */
  icmpError(
    local: IpAddr,
    remote: IpAddr,
    quoted: Uint8Array,
    error: TcpIcmpError,
    now: number,
  ): void;
}

/** The hard errors an ICMP message can give TCP (the codes of `TcpIcmpError`). */
export type TcpIcmpErrorCode = Extract<TcpIcmpError, { code: string }>['code'];

/** ICMP echo as the IP layers call it (`EchoLayer`). */
export interface EchoInput {
  /** An echo reply arrived: its identifier and sequence (the rest-of-header word), data and TTL / hop limit. */
  reply(
    from: IpAddr,
    identifier: number,
    sequence: number,
    data: Uint8Array,
    ttl: number,
    now: number,
  ): void;
}

/** The stack as the IPv4 and IPv6 layers see it. */
export interface IpLayerHost
  extends Pick<IpHost, 'sendIp' | 'isLocalAddress' | 'random' | 'count' | 'reject' | 'wake'> {
  /** Reassembly sizes and timeouts. */
  readonly limits: StackLimits;
  readonly udp: UdpInput;
  readonly tcp: TcpInput;
  readonly echo: EchoInput;
  /** Whether an ICMP error may be sent now (token bucket; counts `icmp.rateLimited` when not). */
  icmpErrorAllowed(now: number): boolean;
  /** Source address for `dst` leaving through `iface`, or null when it has none of that family. */
  selectSource(iface: NetInterface, dst: IpAddr): IpAddr | null;
  /**
   * Sends a frame whose IP packet starts at `frame[ETHERNET_HEADER_LEN]`
   * along `route`: writes the link header, resolving the neighbour (which
   * may queue the frame), and transmits. The frame is handed over.
   */
  linkOutput(route: ResolvedRoute, frame: Uint8Array, now: number): void;
  /** Sends the frames that waited for the neighbour whose link address is now `mac`. */
  flushNeighbor(iface: NetInterface, frames: Uint8Array[], mac: Uint8Array, now: number): void;
  /** Puts a finished frame (link header written) on the interface's link. */
  transmit(iface: NetInterface, frame: Uint8Array, now: number): void;
  /** Queues an IP packet for input on `iface` at the next poll (loopback, multicast loop). */
  deliverLocally(iface: NetInterface, packet: Uint8Array): void;
}
