/**
 * The userspace TCP/IP stack of one host (sans-IO): interfaces, routing,
 * neighbour resolution, IPv4/IPv6 in and out, fragmentation and reassembly,
 * ICMP, IGMP/MLD, UDP, TCP. Frames come in through
 * `input(iface, frame, now)`; frames go out through each interface's
 * `transmit`. Timers are deadlines: `poll(now)` runs what is due and returns
 * the next one, and `onwake(at)` is called whenever a new deadline appears,
 * so a driver knows when to poll.
 */

import { WireError } from '../wire/errors.js';
import {
  ETHERNET_HEADER_LEN,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  emitEthernet,
  parseEthernet,
} from '../wire/ethernet.js';
import { IP_PROTO_TCP, IP_PROTO_UDP, parseIpv4 } from '../wire/ipv4.js';
import { parseIpv6 } from '../wire/ipv6.js';
import {
  type Cidr,
  type IpAddr,
  ipEquals,
  ipKey,
  isLimitedBroadcast,
  isLinkLocalV6,
  isLoopback,
  isMulticast,
  isUnspecified,
  linkLocalFromMac,
  parseCidr,
  parseIp,
  prefixMatches,
  V4_LOOPBACK,
  V6_LOOPBACK,
} from './address.js';
import { withChecksums } from './checksum-offload.js';
import { EchoLayer } from './echo.js';
import { EPHEMERAL_LOW, EPHEMERAL_SPAN } from './ephemeral.js';
import { StackError } from './errors.js';
import { type InterfaceOptions, NetInterface } from './interface.js';
import type { IpHost } from './ip-host.js';
import type { IpLayerHost } from './ip-layer-host.js';
import type { IpSendOptions, PayloadWriter, ResolvedRoute } from './ip-types.js';
import { Ipv4Layer } from './ipv4.js';
import { Ipv6Layer } from './ipv6.js';
import { DEFAULT_LIMITS, type StackLimits } from './limits.js';
import { NeighborCache, type NeighborTimers } from './neighbor.js';
import { type Route, RouteTable } from './routing.js';
import type { TcpConfig } from './tcp/config.js';
import { TcpLayer } from './tcp/layer.js';
import { type UdpHost, UdpLayer } from './udp.js';

export type { IpSendOptions, PayloadWriter, ResolvedRoute } from './ip-types.js';
export { DEFAULT_LIMITS, type StackLimits } from './limits.js';

export interface StackOptions {
  /** Seeds IP identifications and ephemeral ports, so runs are reproducible. */
  seed?: number;
  limits?: Partial<StackLimits>;
  neighbor?: Partial<NeighborTimers>;
  /** TCP tunables; unset ones take Linux's defaults (`DEFAULT_TCP_CONFIG`). */
  tcp?: Partial<TcpConfig>;
}

export class NetStack implements IpHost, IpLayerHost, UdpHost {
  readonly interfaces: NetInterface[] = [];
  readonly routes = new RouteTable();
  readonly limits: StackLimits;
  readonly loopback: NetInterface;
  readonly ipv4: Ipv4Layer;
  readonly ipv6: Ipv6Layer;
  readonly udp: UdpLayer;
  readonly echo: EchoLayer;
  readonly tcp: TcpLayer;
  /** Counters by name (`ipv4.checksum`, `udp.noPort`, ...): every drop is counted. */
  readonly counters = new Map<string, number>();
  /** The last malformed input seen, for diagnostics. */
  lastWireError: WireError | null = null;
  /** Called when a new deadline appears; the driver should `poll` by then. */
  onwake: (at: number) => void = () => {};

  private readonly neighborTimers: Partial<NeighborTimers>;
  private localQueue: Array<{ iface: NetInterface; packet: Uint8Array }> = [];
  private icmpTokens: number;
  private icmpRefilledAt = 0;
  private seedState: number;

  constructor(options: StackOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.neighborTimers = options.neighbor ?? {};
    this.seedState = (options.seed ?? 1) >>> 0;
    this.icmpTokens = this.limits.icmpBurst;
    this.ipv4 = new Ipv4Layer(this);
    this.ipv6 = new Ipv6Layer(this);
    this.udp = new UdpLayer(this, EPHEMERAL_LOW + (this.random() % EPHEMERAL_SPAN));
    this.echo = new EchoLayer(this);
    this.loopback = this.addInterface({
      name: 'lo',
      medium: 'ip',
      mtu: 65536,
      transmit: (packet) => this.deliverLocally(this.loopback, packet),
      checksumOffload: true,
    });
    this.addAddress(this.loopback, { address: V4_LOOPBACK, prefixLength: 8 });
    this.addAddress(this.loopback, { address: V6_LOOPBACK, prefixLength: 128 });
    // Last, so TCP finds the stack whole (loopback included).
    this.tcp = new TcpLayer(this, options.tcp);
  }

  /** A deterministic 32-bit pseudo-random number (xorshift32 over the seed). */
  random(): number {
    let x = this.seedState || 0x9e3779b9;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seedState = x >>> 0;
    return this.seedState;
  }

  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** Counts a rejected packet under `<layer>.<kind>` and keeps it for diagnostics. */
  reject(err: WireError): void {
    this.lastWireError = err;
    this.count(`${err.layer}.${err.kind}`);
  }

  wake(at: number): void {
    this.onwake(at);
  }

  /**
   * A neighbour never answered: the frames that waited for it tell their
   * senders the host is unreachable, as Linux does (an ICMP host unreachable
   * to itself): a connect fails with EHOSTUNREACH, a connected UDP socket
   * hears of it.
   */
  private neighborUnreachable(frames: readonly Uint8Array[], now: number): void {
    for (const frame of frames) {
      const packet = frame.subarray(ETHERNET_HEADER_LEN);
      const version = packet.length > 0 ? packet[0]! >>> 4 : 0;
      let src: IpAddr;
      let dst: IpAddr;
      let protocol: number;
      let payload: Uint8Array;
      if (version === 4) {
        const ip = parseIpv4(packet, { verifyChecksum: false });
        if (ip instanceof WireError || ip.fragmentOffset !== 0) continue;
        ({ src, dst, protocol, payload } = ip);
      } else if (version === 6) {
        const ip = parseIpv6(packet);
        if (ip instanceof WireError) continue;
        ({ src, dst, nextHeader: protocol, payload } = ip);
      } else continue;
      if (protocol === IP_PROTO_TCP)
        this.tcp.icmpError(src, dst, payload, { code: 'EHOSTUNREACH' }, now);
      else if (protocol === IP_PROTO_UDP) this.udp.icmpError(src, dst, payload, 'EHOSTUNREACH');
    }
  }

  /** Adds an interface; an Ethernet one gets its IPv6 link-local address (RFC 4862 §5.3). */
  addInterface(options: InterfaceOptions): NetInterface {
    const index = this.interfaces.length;
    let iface!: NetInterface;
    const arp = new NeighborCache(
      {
        solicit: (addr, mac, now) => this.ipv4.sendArpRequest(iface, addr, mac, now),
        failed: (_addr, dropped, now) => {
          this.count('arp.failed');
          this.neighborUnreachable(dropped, now);
        },
        wake: (at) => this.wake(at),
      },
      this.neighborTimers,
    );
    const ndp = new NeighborCache(
      {
        solicit: (addr, mac, now) => this.ipv6.sendNeighborSolicit(iface, addr, mac, now),
        failed: (_addr, dropped, now) => {
          this.count('ndp.failed');
          this.neighborUnreachable(dropped, now);
        },
        wake: (at) => this.wake(at),
      },
      this.neighborTimers,
    );
    iface = new NetInterface(index, options, arp, ndp);
    this.interfaces.push(iface);
    if (iface.medium === 'ethernet') {
      this.addAddress(iface, { address: linkLocalFromMac(iface.mac), prefixLength: 64 });
      this.joinGroup(
        iface,
        Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        0,
        false,
      );
    }
    return iface;
  }

  /** Adds `10.0.0.1/24`-style address and its on-link route; IPv6 joins its solicited-node group. */
  addAddress(iface: NetInterface, cidr: Cidr | string): void {
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
    if (parsed === null) throw new StackError('EINVAL', `bad address ${String(cidr)}`);
    const entry = { address: parsed.address.slice(), prefixLength: parsed.prefixLength };
    if (entry.address.length === 4) iface.v4.push(entry);
    else {
      iface.v6.push(entry);
      if (iface.medium === 'ethernet')
        this.joinGroup(iface, this.ipv6.solicitedNode(entry.address), 0, false);
    }
    this.routes.add({
      prefix: entry.address,
      prefixLength: entry.prefixLength,
      gateway: null,
      iface,
    });
  }

  /** Adds a route: `addRoute('0.0.0.0/0', '10.0.0.254', eth0)`. */
  addRoute(prefix: string, gateway: string | null, iface: NetInterface, metric = 0): Route {
    const cidr = parseCidr(prefix);
    if (cidr === null) throw new StackError('EINVAL', `bad prefix ${prefix}`);
    const gw = gateway === null ? null : parseIp(gateway);
    if (gateway !== null && gw === null) throw new StackError('EINVAL', `bad gateway ${gateway}`);
    return this.routes.add({
      prefix: cidr.address,
      prefixLength: cidr.prefixLength,
      gateway: gw,
      iface,
      metric,
    });
  }

  /** True when `addr` is one of this host's addresses (any interface; 127/8 counts). */
  isLocalAddress(addr: IpAddr): boolean {
    if (addr.length === 4 && addr[0] === 127) return true;
    for (const iface of this.interfaces) {
      for (const a of iface.addresses(addr.length === 4 ? 4 : 6))
        if (ipEquals(a.address, addr)) return true;
    }
    return false;
  }

  /** The interface holding `addr`, if any. */
  interfaceOf(addr: IpAddr): NetInterface | undefined {
    for (const iface of this.interfaces) {
      for (const a of iface.addresses(addr.length === 4 ? 4 : 6))
        if (ipEquals(a.address, addr)) return iface;
    }
    return undefined;
  }

  /** The interface multicast to `group` leaves by when none is named: its route's, unless that is loopback, else the default one. */
  multicastInterface(group: IpAddr): NetInterface | undefined {
    const route = this.routes.lookup(group);
    if (route && route.iface !== this.loopback) return route.iface;
    return this.defaultInterface(group.length === 4 ? 4 : 6);
  }

  /** An interface with an address of `family`, other than loopback (for broadcast / multicast defaults). */
  defaultInterface(family: 4 | 6): NetInterface | undefined {
    const route = this.routes.lookup(family === 4 ? new Uint8Array(4) : new Uint8Array(16));
    if (route && route.iface !== this.loopback) return route.iface;
    return this.interfaces.find(
      (i) => i !== this.loopback && i.up && i.addresses(family).length > 0,
    );
  }

  // ---- input -------------------------------------------------------------

  /** A frame arrived on `iface` (an Ethernet frame, or an IP packet on an IP interface). */
  input(iface: NetInterface, frame: Uint8Array, now: number): void {
    if (!iface.up) return;
    if (iface.taps.length > 0) this.tapped(iface, frame, 'in', now);
    this.count('frames.in');
    if (iface.medium === 'ip') {
      this.ipInput(iface, frame, now, false);
      return;
    }
    const eth = parseEthernet(frame);
    if (eth instanceof WireError) {
      this.reject(eth);
      return;
    }
    const group = (eth.dst[0]! & 1) === 1;
    if (!group && !macMatches(eth.dst, iface.mac)) {
      this.count('ethernet.notForUs');
      return;
    }
    switch (eth.etherType) {
      case ETHERTYPE_IPV4:
        this.ipv4.input(iface, eth.payload, now, group);
        break;
      case ETHERTYPE_IPV6:
        this.ipv6.input(iface, eth.payload, now, group);
        break;
      case ETHERTYPE_ARP:
        this.ipv4.arpInput(iface, eth.payload, now);
        break;
      default:
        this.count('ethernet.unknownType');
    }
  }

  private ipInput(iface: NetInterface, packet: Uint8Array, now: number, linkGroup: boolean): void {
    const version = packet.length > 0 ? packet[0]! >>> 4 : 0;
    if (version === 4) this.ipv4.input(iface, packet, now, linkGroup);
    else if (version === 6) this.ipv6.input(iface, packet, now, linkGroup);
    else this.reject(new WireError('ip', 'malformed', `version ${version}`));
  }

  // ---- timers --------------------------------------------------------------

  /** Runs everything due at `now`; returns the next deadline (Infinity when none). */
  poll(now: number): number {
    // Local deliveries first, in order; what they send locally waits for the next poll.
    if (this.localQueue.length > 0) {
      const queue = this.localQueue;
      this.localQueue = [];
      for (const { iface, packet } of queue) {
        if (iface === this.loopback && iface.taps.length > 0) this.tapped(iface, packet, 'in', now);
        this.ipInput(iface, packet, now, false);
      }
    }
    for (const iface of this.interfaces) {
      iface.arp.poll(now);
      iface.ndp.poll(now);
    }
    this.ipv4.poll(now);
    this.ipv6.poll(now);
    this.tcp.poll(now);
    return this.nextDeadline();
  }

  nextDeadline(): number {
    if (this.localQueue.length > 0) return Number.NEGATIVE_INFINITY;
    let next = Math.min(
      this.ipv4.nextDeadline(),
      this.ipv6.nextDeadline(),
      this.tcp.nextDeadline(),
    );
    for (const iface of this.interfaces) {
      next = Math.min(next, iface.arp.nextDeadline(), iface.ndp.nextDeadline());
    }
    return next;
  }

  /** Queues an IP packet for input on `iface` at the next poll (loopback, multicast loop). */
  deliverLocally(iface: NetInterface, packet: Uint8Array): void {
    this.localQueue.push({ iface, packet });
    this.wake(Number.NEGATIVE_INFINITY);
  }

  // ---- output --------------------------------------------------------------

  /** Whether an ICMP error may be sent now (token bucket). */
  icmpErrorAllowed(now: number): boolean {
    const elapsed = now - this.icmpRefilledAt;
    if (elapsed > 0) {
      this.icmpTokens = Math.min(
        this.limits.icmpBurst,
        this.icmpTokens + (elapsed * this.limits.icmpPerSecond) / 1000,
      );
      this.icmpRefilledAt = now;
    }
    if (this.icmpTokens < 1) {
      this.count('icmp.rateLimited');
      return false;
    }
    this.icmpTokens -= 1;
    return true;
  }

  /** Chooses interface, next hop and source for `dst`, or says why not. */
  resolveRoute(dst: IpAddr, options: IpSendOptions): ResolvedRoute | StackError {
    const family = dst.length === 4 ? 4 : 6;
    const wantedSrc = options.src && !isUnspecified(options.src) ? options.src : null;
    if (isLoopback(dst) || this.isLocalAddress(dst)) {
      const src = wantedSrc ?? (isLoopback(dst) ? (family === 4 ? V4_LOOPBACK : V6_LOOPBACK) : dst);
      return {
        iface: this.loopback,
        nextHop: null,
        dstMac: null,
        src,
        local: true,
        broadcast: false,
      };
    }
    let iface: NetInterface | undefined;
    let nextHop: IpAddr | null = null;
    let dstMac: Uint8Array | null = null;
    let broadcast = false;
    if (isLimitedBroadcast(dst)) {
      iface =
        options.iface ??
        (wantedSrc ? this.interfaceOf(wantedSrc) : undefined) ??
        this.defaultInterface(4);
      dstMac = BROADCAST;
      broadcast = true;
    } else if (isMulticast(dst)) {
      iface =
        options.iface ??
        (wantedSrc ? this.interfaceOf(wantedSrc) : undefined) ??
        this.multicastInterface(dst);
      if (iface === this.loopback) iface = this.defaultInterface(family);
      if (iface) dstMac = family === 4 ? this.ipv4.multicastMac(dst) : this.ipv6.multicastMac(dst);
    } else if (family === 6 && isLinkLocalV6(dst) && options.iface) {
      iface = options.iface;
      nextHop = dst;
    } else {
      const route = this.routes.lookup(dst);
      if (route === undefined) return new StackError('ENETUNREACH', 'no route to the network');
      iface = route.iface;
      nextHop = route.gateway ?? dst;
      if (family === 4 && route.gateway === null && iface.isDirectedBroadcast(dst)) {
        nextHop = null;
        dstMac = BROADCAST;
        broadcast = true;
      }
    }
    if (iface === undefined || !iface.up) return new StackError('ENETUNREACH', 'no interface');
    const src = wantedSrc ?? this.selectSource(iface, dst);
    if (src === null)
      return new StackError('EADDRNOTAVAIL', `no IPv${family} address on ${iface.name}`);
    if (iface.medium === 'ip') {
      nextHop = null;
      dstMac = null;
    }
    return { iface, nextHop, dstMac, src, local: false, broadcast };
  }

  /** Source address for `dst` leaving through `iface`. */
  selectSource(iface: NetInterface, dst: IpAddr): IpAddr | null {
    if (dst.length === 4) {
      const own =
        iface.v4.find((a) => prefixMatches(dst, a.address, a.prefixLength)) ?? iface.v4[0];
      if (own) return own.address;
      for (const other of this.interfaces)
        if (other.v4[0] && other !== this.loopback) return other.v4[0].address;
      return null;
    }
    const linkScope = isLinkLocalV6(dst) || (dst[0] === 0xff && (dst[1]! & 0x0f) <= 2);
    const linkLocal = iface.v6.find((a) => isLinkLocalV6(a.address));
    const global =
      iface.v6.find(
        (a) => !isLinkLocalV6(a.address) && prefixMatches(dst, a.address, a.prefixLength),
      ) ?? iface.v6.find((a) => !isLinkLocalV6(a.address));
    if (linkScope) return (linkLocal ?? global)?.address ?? null;
    return (global ?? linkLocal)?.address ?? null;
  }

  /**
   * Sends a frame whose IP packet starts at `frame[ETHERNET_HEADER_LEN]`:
   * writes the link header (resolving the neighbour, which may queue it) and
   * transmits. The frame is handed over.
   */
  linkOutput(route: ResolvedRoute, frame: Uint8Array, now: number): void {
    const iface = route.iface;
    if (iface.medium === 'ip') {
      this.transmit(iface, frame.subarray(ETHERNET_HEADER_LEN), now);
      return;
    }
    const ethertype = route.src.length === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
    if (route.dstMac !== null) {
      emitEthernet(frame, 0, route.dstMac, iface.mac, ethertype);
      this.transmit(iface, frame, now);
      return;
    }
    const hop = route.nextHop!;
    const cache = hop.length === 4 ? iface.arp : iface.ndp;
    const mac = cache.lookup(hop, now);
    if (mac !== null) {
      emitEthernet(frame, 0, mac, iface.mac, ethertype);
      this.transmit(iface, frame, now);
      return;
    }
    // The Ethernet header is written when the neighbour answers (see `flushNeighbor`).
    cache.enqueue(hop, frame, now);
  }

  /** Sends frames that waited for `mac`. */
  flushNeighbor(iface: NetInterface, frames: Uint8Array[], mac: Uint8Array, now: number): void {
    for (const frame of frames) {
      const ethertype = frame[ETHERNET_HEADER_LEN]! >>> 4 === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
      emitEthernet(frame, 0, mac, iface.mac, ethertype);
      this.transmit(iface, frame, now);
    }
  }

  /** Puts a finished frame on the interface's link. */
  transmit(iface: NetInterface, frame: Uint8Array, now: number): void {
    if (iface.taps.length > 0) this.tapped(iface, frame, 'out', now);
    this.count('frames.out');
    iface.transmit(frame);
  }

  /** Shows `frame` to `iface`'s taps, its checksums complete (./checksum-offload.ts). */
  private tapped(
    iface: NetInterface,
    frame: Uint8Array,
    direction: 'in' | 'out',
    now: number,
  ): void {
    const seen = withChecksums(frame, iface.medium === 'ip' ? 0 : ETHERNET_HEADER_LEN);
    for (const tap of iface.taps) tap(now, seen, direction);
  }

  /** Sends one IP datagram (fragmenting as needed); null on success. */
  sendIp(
    dst: IpAddr,
    protocol: number,
    payloadLength: number,
    write: PayloadWriter,
    options: IpSendOptions,
    now: number,
  ): StackError | null {
    const route = this.resolveRoute(dst, options);
    if (route instanceof StackError) return route;
    return dst.length === 4
      ? this.ipv4.output(route, dst, protocol, payloadLength, write, options, now)
      : this.ipv6.output(route, dst, protocol, payloadLength, write, options, now);
  }

  // ---- multicast membership --------------------------------------------------

  /** Joins `group` on `iface` (reference-counted); the first join announces it (IGMP / MLD). */
  joinGroup(iface: NetInterface, group: IpAddr, now: number, announce = true): void {
    const key = ipKey(group);
    const entry = iface.groups.get(key);
    if (entry) {
      entry.refs++;
      return;
    }
    iface.groups.set(key, { group: group.slice(), refs: 1 });
    if (announce && iface.medium === 'ethernet') {
      if (group.length === 4) this.ipv4.sendIgmpReport(iface, group, now);
      else this.ipv6.sendMldReport(iface, group, now);
    }
  }

  /** Drops one reference; the last leave announces it. */
  leaveGroup(iface: NetInterface, group: IpAddr, now: number): void {
    const key = ipKey(group);
    const entry = iface.groups.get(key);
    if (!entry) return;
    if (--entry.refs > 0) return;
    iface.groups.delete(key);
    if (iface.medium === 'ethernet') {
      if (group.length === 4) this.ipv4.sendIgmpLeave(iface, group, now);
      else this.ipv6.sendMldDone(iface, group, now);
    }
  }
}

const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

function macMatches(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}
