/**
 * The shapes of an IP send: its options, the callback that writes the
 * upper-layer payload, and the route chosen for it; and whether the writer
 * leaves its checksum to the interface.
 */
import type { IpAddr } from './address.js';
import type { NetInterface } from './interface.js';

/** How to send one IP datagram. */
export interface IpSendOptions {
  /** Source address; null or unspecified picks one (RFC 1122 §3.3.4.3 / RFC 6724, simplified). */
  src?: IpAddr | null;
  /** TTL / hop limit; default 64 (1 for multicast). */
  ttl?: number;
  tos?: number;
  /** Outgoing interface for multicast, broadcast and link-local destinations. */
  iface?: NetInterface | null;
  /** IPv4: never fragment, fail with EMSGSIZE instead. */
  dontFragment?: boolean;
  /** Deliver a copy of a multicast datagram to this host too (IP_MULTICAST_LOOP). */
  multicastLoop?: boolean;
  /** Add a Router Alert (IGMP, MLD). */
  routerAlert?: boolean;
  /**
   * The writer can leave its checksum for the interface to complete (TCP):
   * when the interface offloads checksums, the datagram is written into
   * offload memory and the writer is told to leave it (./checksum-offload.ts).
   */
  checksumOffload?: boolean;
}

/**
 * Writes the upper-layer payload at `buf[offset]`, given the chosen
 * addresses; `checksumLeft`: leave the checksum field zero, for
 * `withChecksums` to complete (see `IpSendOptions.checksumOffload`).
 */
export type PayloadWriter = (
  buf: Uint8Array,
  offset: number,
  src: IpAddr,
  dst: IpAddr,
  checksumLeft: boolean,
) => void;

/**
 * Whether the datagram's writer leaves its checksum (`checksumLeft`): it
 * asked to, and the interface offloads checksums — never for a copy this
 * host loops back to itself (multicast, broadcast), which is delivered apart.
 */
export function leavesChecksum(
  options: IpSendOptions,
  route: ResolvedRoute,
  loopCopy: boolean,
): boolean {
  return options.checksumOffload === true && route.iface.checksumOffload && !loopCopy;
}

/** Where a datagram goes: interface, link-layer next hop, source. */
export interface ResolvedRoute {
  iface: NetInterface;
  /** The neighbour to resolve, or null when `dstMac` is fixed (broadcast, multicast) or no link layer. */
  nextHop: IpAddr | null;
  dstMac: Uint8Array | null;
  src: IpAddr;
  /** Delivered to this host (loopback). */
  local: boolean;
  broadcast: boolean;
}
