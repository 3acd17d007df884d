/**
 * A network interface of the stack: its medium (Ethernet frames or raw IP
 * packets), link address, MTU, IP addresses, multicast memberships, and the
 * function that puts a frame on its link.
 */
import { type IpAddr, ipKey, isDirectedBroadcastOf } from './address.js';
import type { NeighborCache } from './neighbor.js';

export type Medium = 'ethernet' | 'ip';

export interface InterfaceOptions {
  name: string;
  /** `ethernet`: frames carry an Ethernet II header; `ip`: bare IPv4/IPv6 packets. */
  medium: Medium;
  /** Required for Ethernet. */
  mac?: Uint8Array;
  /** IP MTU in bytes. Default 1500 (65536 for loopback). */
  mtu?: number;
  /** Sends one frame; the buffer is handed over (not reused by the stack). */
  transmit: (frame: Uint8Array) => void;
  /**
   * The interface carries frames only to stacks in this process (a simulated
   * link, loopback), so TCP may leave its checksum to be completed where a
   * frame is seen or copied — a tap, a capture, a link's filter, a corrupted
   * or duplicated copy (`withChecksums`, ./checksum-offload.ts) — as Linux
   * leaves it to a NIC or never computes it on loopback (CHECKSUM_PARTIAL).
   * Default false: every frame leaves complete.
   */
  checksumOffload?: boolean;
}

export interface InterfaceAddress {
  address: IpAddr;
  prefixLength: number;
}

/** Called for every frame sent (`out`) or received (`in`) on an interface. */
export type InterfaceTap = (timeMs: number, frame: Uint8Array, direction: 'in' | 'out') => void;

export class NetInterface {
  readonly index: number;
  readonly name: string;
  readonly medium: Medium;
  readonly mac: Uint8Array;
  mtu: number;
  transmit: (frame: Uint8Array) => void;
  readonly v4: InterfaceAddress[] = [];
  readonly v6: InterfaceAddress[] = [];
  /** Multicast groups joined, with a reference count (sockets, solicited-node groups). */
  readonly groups = new Map<string, { group: IpAddr; refs: number }>();
  readonly arp: NeighborCache;
  readonly ndp: NeighborCache;
  readonly taps: InterfaceTap[] = [];
  /** See `InterfaceOptions.checksumOffload`. */
  readonly checksumOffload: boolean;
  up = true;

  constructor(index: number, options: InterfaceOptions, arp: NeighborCache, ndp: NeighborCache) {
    this.index = index;
    this.name = options.name;
    this.medium = options.medium;
    this.mac = options.mac ?? new Uint8Array(6);
    this.mtu = options.mtu ?? 1500;
    this.transmit = options.transmit;
    this.checksumOffload = options.checksumOffload ?? false;
    this.arp = arp;
    this.ndp = ndp;
  }

  hasGroup(group: IpAddr): boolean {
    return this.groups.has(ipKey(group));
  }

  /** True when `addr` is the directed broadcast address of one of its IPv4 subnets (not /31, /32). */
  isDirectedBroadcast(addr: IpAddr): boolean {
    for (const a of this.v4) {
      if (a.prefixLength < 31 && isDirectedBroadcastOf(addr, a.address, a.prefixLength))
        return true;
    }
    return false;
  }

  /** The addresses of one family. */
  addresses(family: 4 | 6): InterfaceAddress[] {
    return family === 4 ? this.v4 : this.v6;
  }
}
