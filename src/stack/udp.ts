/**
 * UDP sockets (RFC 768; RFC 1122 §4.1) in the stack: bind (with port
 * conflicts and SO_REUSEADDR), connect, send, receive, broadcast, multicast
 * membership, and the ICMP errors a connected socket reports (Linux: only
 * hard errors, only when connected). Delivery calls `ondatagram`
 * synchronously from `NetStack.input` / `poll`.
 */
import { pseudoHeaderSum } from '../wire/checksum.js';
import { WireError } from '../wire/errors.js';
import { IP_PROTO_UDP } from '../wire/ipv4.js';
import { emitUdp, parseUdp, UDP_HEADER_LEN } from '../wire/udp.js';
import {
  type IpAddr,
  ipEquals,
  isLimitedBroadcast,
  isMulticast,
  isUnspecified,
  unmapV4,
} from './address.js';
import { EphemeralPorts } from './ephemeral.js';
import { StackError, type StackErrorCode } from './errors.js';
import type { NetInterface } from './interface.js';
import type { IpHost } from './ip-host.js';

/** Linux's default socket buffer size (net.core.rmem_default / wmem_default). */
export const DEFAULT_BUFFER_SIZE = 212992;

export interface UdpBindOptions {
  reuseAddr?: boolean;
  /** udp6 only: do not also receive IPv4 (IPV6_V6ONLY). */
  v6Only?: boolean;
}

export class UdpSocket {
  readonly family: 4 | 6;
  /** Called for each datagram received: payload (a view), source, source port, destination. */
  ondatagram: (data: Uint8Array, src: IpAddr, srcPort: number, dst: IpAddr) => void = () => {};
  /** Called with the errors a connected socket reports (ECONNREFUSED, ...). */
  onerror: (err: StackError) => void = () => {};

  localAddress: IpAddr;
  localPort = 0;
  remoteAddress: IpAddr | null = null;
  remotePort = 0;
  reuseAddr = false;
  v6Only = false;
  broadcast = false;
  ttl = 64;
  multicastTtl = 1;
  multicastLoop = true;
  multicastInterface: NetInterface | null = null;
  recvBufferSize = DEFAULT_BUFFER_SIZE;
  sendBufferSize = DEFAULT_BUFFER_SIZE;
  closed = false;
  readonly memberships: Array<{ group: IpAddr; iface: NetInterface; source: IpAddr | null }> = [];
  private readonly layer: UdpLayer;

  constructor(layer: UdpLayer, family: 4 | 6) {
    this.layer = layer;
    this.family = family;
    this.localAddress = new Uint8Array(family === 4 ? 4 : 16);
  }

  get bound(): boolean {
    return this.localPort !== 0;
  }

  /** Binds to `address` (null: any) and `port` (0: an ephemeral one). */
  bind(address: IpAddr | null, port: number, options: UdpBindOptions = {}): StackError | null {
    return this.layer.bind(this, address, port, options);
  }

  /** Sets the default peer; binds first if needed. Picks the local address as Linux does. */
  connect(address: IpAddr, port: number): StackError | null {
    return this.layer.connect(this, address, port);
  }

  disconnect(): void {
    this.remoteAddress = null;
    this.remotePort = 0;
  }

  /** Sends one datagram of `chunks` to `address:port` (or the connected peer); returns its size. */
  send(
    chunks: readonly Uint8Array[],
    address: IpAddr | null,
    port: number,
    now: number,
  ): number | StackError {
    return this.layer.send(this, chunks, address, port, now);
  }

  addMembership(
    group: IpAddr,
    ifaceAddress: IpAddr | null,
    now: number,
    source: IpAddr | null = null,
  ): StackError | null {
    return this.layer.addMembership(this, group, ifaceAddress, now, source);
  }

  dropMembership(
    group: IpAddr,
    ifaceAddress: IpAddr | null,
    now: number,
    source: IpAddr | null = null,
  ): StackError | null {
    return this.layer.dropMembership(this, group, ifaceAddress, now, source);
  }

  /** Releases the port and the memberships. */
  close(now: number): void {
    this.layer.close(this, now);
  }
}

/**
 * What UDP needs beyond `IpHost`: multicast membership (IP_ADD_MEMBERSHIP:
 * the interface a group is joined on, and the reference-counted join /
 * leave that announces it with IGMP / MLD).
 */
export interface UdpHost extends IpHost {
  /** The interface holding `addr`, if any. */
  interfaceOf(addr: IpAddr): NetInterface | undefined;
  /** The interface multicast to `group` leaves by when none is named (never loopback). */
  multicastInterface(group: IpAddr): NetInterface | undefined;
  /** Joins `group` on `iface` (reference-counted); the first join announces it. */
  joinGroup(iface: NetInterface, group: IpAddr, now: number): void;
  /** Drops one reference; the last leave announces it. */
  leaveGroup(iface: NetInterface, group: IpAddr, now: number): void;
}

export class UdpLayer {
  private readonly host: UdpHost;
  private readonly ports = new Map<number, UdpSocket[]>();
  private readonly ephemeral: EphemeralPorts;

  constructor(host: UdpHost, firstEphemeral: number) {
    this.host = host;
    this.ephemeral = new EphemeralPorts(firstEphemeral);
  }

  open(family: 4 | 6): UdpSocket {
    return new UdpSocket(this, family);
  }

  /** Sockets bound now. */
  get size(): number {
    let n = 0;
    for (const list of this.ports.values()) n += list.length;
    return n;
  }

  bind(
    sock: UdpSocket,
    address: IpAddr | null,
    port: number,
    options: UdpBindOptions,
  ): StackError | null {
    if (sock.closed) return new StackError('EBADF');
    if (sock.bound) return new StackError('EINVAL', 'already bound');
    let addr = address ?? new Uint8Array(sock.family === 4 ? 4 : 16);
    if (sock.family === 4 && addr.length !== 4)
      return new StackError('EINVAL', 'IPv6 address on udp4');
    if (sock.family === 6 && addr.length !== 16)
      return new StackError('EINVAL', 'IPv4 address on udp6');
    const inner = sock.family === 6 ? unmapV4(addr) : null;
    if (inner !== null && options.v6Only)
      return new StackError('EINVAL', 'IPv4-mapped with v6Only');
    const check = inner ?? addr;
    if (!isUnspecified(check) && !isMulticast(check) && !this.host.isLocalAddress(check)) {
      return new StackError('EADDRNOTAVAIL', 'not a local address');
    }
    addr = addr.slice();
    sock.reuseAddr = !!options.reuseAddr;
    sock.v6Only = !!options.v6Only;
    sock.localAddress = addr;
    if (port === 0) {
      port = this.ephemeral.take((candidate) => this.conflicts(sock, candidate));
      if (port === 0) return new StackError('EADDRINUSE', 'no free ephemeral port');
    } else if (this.conflicts(sock, port)) {
      sock.localAddress = new Uint8Array(sock.family === 4 ? 4 : 16);
      return new StackError('EADDRINUSE');
    }
    sock.localPort = port;
    let list = this.ports.get(port);
    if (list === undefined) {
      list = [];
      this.ports.set(port, list);
    }
    list.push(sock);
    return null;
  }

  /** Would `sock` (address set) on `port` clash with a bound socket? */
  private conflicts(sock: UdpSocket, port: number): boolean {
    const list = this.ports.get(port);
    if (list === undefined) return false;
    for (const other of list) {
      if (other === sock) continue;
      if (sock.reuseAddr && other.reuseAddr) continue;
      if (overlaps(sock, other)) return true;
    }
    return false;
  }

  connect(sock: UdpSocket, address: IpAddr, port: number): StackError | null {
    if (sock.closed) return new StackError('EBADF');
    const target = this.targetFamily(sock, address);
    if (target instanceof StackError) return target;
    if (!sock.bound) {
      const err = this.bind(sock, null, 0, {});
      if (err) return err;
    }
    const local = this.sourceAddress(sock, target);
    const route = this.host.resolveRoute(target, { src: local });
    if (route instanceof StackError) return route;
    sock.remoteAddress = target.slice();
    sock.remotePort = port;
    // Linux (ip4_datagram_connect) fixes an unbound source address at connect.
    if (isUnspecified(sock.localAddress)) {
      sock.localAddress =
        sock.family === 6 && route.src.length === 4 ? mapped(route.src) : route.src.slice();
    }
    return null;
  }

  send(
    sock: UdpSocket,
    chunks: readonly Uint8Array[],
    address: IpAddr | null,
    port: number,
    now: number,
  ): number | StackError {
    if (sock.closed) return new StackError('EBADF');
    let dst: IpAddr;
    if (address === null) {
      if (sock.remoteAddress === null) return new StackError('ENOTCONN');
      dst = sock.remoteAddress;
      port = sock.remotePort;
    } else {
      const target = this.targetFamily(sock, address);
      if (target instanceof StackError) return target;
      dst = target;
    }
    if (port <= 0 || port > 65535) return new StackError('EINVAL', `port ${port}`);
    let length = 0;
    for (const c of chunks) length += c.length;
    const max = dst.length === 4 ? 65535 - 20 - UDP_HEADER_LEN : 65535 - UDP_HEADER_LEN;
    if (length > max) return new StackError('EMSGSIZE');
    if (!sock.bound) {
      const err = this.bind(sock, null, 0, {});
      if (err) return err;
    }
    const multicast = isMulticast(dst);
    const host = this.host;
    const src = this.sourceAddress(sock, dst);
    let iface: NetInterface | null = null;
    if (multicast) iface = sock.multicastInterface;
    const route = host.resolveRoute(dst, { src, iface });
    if (route instanceof StackError) return route;
    if (route.broadcast && !sock.broadcast)
      return new StackError('EACCES', 'broadcast not enabled');
    const srcPort = sock.localPort;
    const udpLength = UDP_HEADER_LEN + length;
    const err = host.sendIp(
      dst,
      IP_PROTO_UDP,
      udpLength,
      (buf, at, s, d) => {
        let p = at + UDP_HEADER_LEN;
        for (const c of chunks) {
          buf.set(c, p);
          p += c.length;
        }
        emitUdp(buf, at, srcPort, port, length, pseudoHeaderSum(s, d, IP_PROTO_UDP, udpLength));
      },
      {
        src: route.src,
        iface: route.iface,
        ttl: multicast ? sock.multicastTtl : sock.ttl,
        multicastLoop: sock.multicastLoop,
      },
      now,
    );
    if (err) return err;
    host.count('udp.out');
    return length;
  }

  /** The destination in the packet's family (an IPv4-mapped address to IPv4 for a dual-stack socket). */
  private targetFamily(sock: UdpSocket, address: IpAddr): IpAddr | StackError {
    if (sock.family === 4) {
      if (address.length !== 4) return new StackError('EINVAL', 'IPv6 destination on udp4');
      return address;
    }
    const v4 = address.length === 16 ? unmapV4(address) : address;
    if (v4 !== null && v4.length === 4) {
      if (sock.v6Only) return new StackError('ENETUNREACH', 'IPv4 destination with v6Only');
      return v4;
    }
    return address;
  }

  /** The bound source address in the destination's family, or null (choose per route). */
  private sourceAddress(sock: UdpSocket, dst: IpAddr): IpAddr | null {
    const local = sock.localAddress;
    if (isUnspecified(local) || isMulticast(local)) return null;
    if (dst.length === 4 && local.length === 16) return unmapV4(local);
    return local;
  }

  /** A datagram for this host arrived; true when a socket took it (else: port unreachable). */
  input(iface: NetInterface, src: IpAddr, dst: IpAddr, bytes: Uint8Array, now: number): boolean {
    const host = this.host;
    const sum = pseudoHeaderSum(src, dst, IP_PROTO_UDP, bytes.length);
    const udp = parseUdp(bytes, sum, dst.length === 16);
    if (udp instanceof WireError) {
      host.reject(udp);
      return true; // a bad datagram is dropped, not answered
    }
    host.count('udp.in');
    const list = this.ports.get(udp.dstPort);
    const groupcast =
      isMulticast(dst) ||
      isLimitedBroadcast(dst) ||
      (dst.length === 4 && iface.isDirectedBroadcast(dst));
    if (list === undefined || list.length === 0) {
      host.count('udp.noPort');
      return groupcast;
    }
    if (groupcast) {
      let delivered = false;
      for (const sock of list.slice()) {
        if (!acceptsLocal(sock, dst, true) || !acceptsRemote(sock, src, udp.srcPort)) continue;
        sock.ondatagram(delivered ? udp.payload.slice() : udp.payload, src, udp.srcPort, dst);
        delivered = true;
      }
      if (!delivered) host.count('udp.noPort');
      return true;
    }
    let best: UdpSocket | null = null;
    let bestScore = -1;
    for (const sock of list) {
      if (!acceptsLocal(sock, dst, false) || !acceptsRemote(sock, src, udp.srcPort)) continue;
      const score =
        (sock.remoteAddress !== null ? 2 : 0) + (isUnspecified(sock.localAddress) ? 0 : 1);
      // Ties go to the most recently bound socket, as Linux does with SO_REUSEADDR.
      if (score >= bestScore) {
        best = sock;
        bestScore = score;
      }
    }
    if (best === null) {
      host.count('udp.noPort');
      return false;
    }
    best.ondatagram(udp.payload, src, udp.srcPort, dst);
    void now;
    return true;
  }

  /**
   * An ICMP error quoted a datagram `local → remote` whose UDP header (or
   * its first 4 bytes, the ports) is `quoted`. Like Linux without
   * IP_RECVERR, only a connected socket hears of it.
   */
  icmpError(local: IpAddr, remote: IpAddr, quoted: Uint8Array, code: StackErrorCode): void {
    if (quoted.length < 4) return;
    const localPort = (quoted[0]! << 8) | quoted[1]!;
    const remotePort = (quoted[2]! << 8) | quoted[3]!;
    const list = this.ports.get(localPort);
    if (list === undefined) return;
    for (const sock of list) {
      if (sock.remoteAddress === null) continue;
      if (!ipEquals(sock.remoteAddress, remote) || sock.remotePort !== remotePort) continue;
      if (!acceptsLocal(sock, local, false)) continue;
      this.host.count('udp.icmpErrors');
      sock.onerror(new StackError(code));
      return;
    }
  }

  addMembership(
    sock: UdpSocket,
    group: IpAddr,
    ifaceAddress: IpAddr | null,
    now: number,
    source: IpAddr | null,
  ): StackError | null {
    const m = this.findMembership(sock, group, ifaceAddress, source);
    if (m instanceof StackError) return m;
    if (m.index >= 0) return new StackError('EADDRINUSE', 'already a member');
    sock.memberships.push({
      group: m.group.slice(),
      iface: m.iface,
      source: source?.slice() ?? null,
    });
    this.host.joinGroup(m.iface, m.group, now);
    return null;
  }

  dropMembership(
    sock: UdpSocket,
    group: IpAddr,
    ifaceAddress: IpAddr | null,
    now: number,
    source: IpAddr | null,
  ): StackError | null {
    const m = this.findMembership(sock, group, ifaceAddress, source);
    if (m instanceof StackError) return m;
    if (m.index < 0) return new StackError('EADDRNOTAVAIL', 'not a member');
    sock.memberships.splice(m.index, 1);
    this.host.leaveGroup(m.iface, m.group, now);
    return null;
  }

  /**
   * The group in the socket's family, the interface it is joined on, and the
   * index of that (group, interface, source) among the socket's memberships
   * (-1 when it is not one of them).
   */
  private findMembership(
    sock: UdpSocket,
    group: IpAddr,
    ifaceAddress: IpAddr | null,
    source: IpAddr | null,
  ): { group: IpAddr; iface: NetInterface; index: number } | StackError {
    const target = this.targetFamily(sock, group);
    if (target instanceof StackError) return target;
    if (!isMulticast(target)) return new StackError('EINVAL', 'not a multicast address');
    const iface = this.membershipInterface(target, ifaceAddress);
    if (iface instanceof StackError) return iface;
    const index = sock.memberships.findIndex(
      (m) => ipEquals(m.group, target) && m.iface === iface && sameSource(m.source, source),
    );
    return { group: target, iface, index };
  }

  private membershipInterface(
    group: IpAddr,
    ifaceAddress: IpAddr | null,
  ): NetInterface | StackError {
    if (ifaceAddress !== null && !isUnspecified(ifaceAddress)) {
      const addr = unmapV4(ifaceAddress) ?? ifaceAddress;
      const iface = this.host.interfaceOf(addr);
      if (iface === undefined) return new StackError('EADDRNOTAVAIL', 'no such interface address');
      return iface;
    }
    return (
      this.host.multicastInterface(group) ?? new StackError('ENODEV', 'no multicast interface')
    );
  }

  close(sock: UdpSocket, now: number): void {
    if (sock.closed) return;
    sock.closed = true;
    for (const m of sock.memberships.splice(0)) this.host.leaveGroup(m.iface, m.group, now);
    if (sock.localPort !== 0) {
      const list = this.ports.get(sock.localPort);
      if (list) {
        const i = list.indexOf(sock);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.ports.delete(sock.localPort);
      }
    }
    sock.ondatagram = () => {};
    sock.onerror = () => {};
  }
}

function mapped(v4: IpAddr): IpAddr {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

function sameSource(a: IpAddr | null, b: IpAddr | null): boolean {
  if (a === null || b === null) return a === b;
  return ipEquals(a, b);
}

/** Does `sock`'s local address take a datagram to `dst`? */
function acceptsLocal(sock: UdpSocket, dst: IpAddr, groupcast: boolean): boolean {
  const local = sock.localAddress;
  if (dst.length === 4) {
    if (sock.family === 4) {
      return (
        isUnspecified(local) ||
        ipEquals(local, dst) ||
        (groupcast && isMulticast(local) && ipEquals(local, dst))
      );
    }
    if (sock.v6Only) return false;
    if (isUnspecified(local)) return true;
    const inner = unmapV4(local);
    return inner !== null && ipEquals(inner, dst);
  }
  if (sock.family !== 6) return false;
  return isUnspecified(local) || ipEquals(local, dst);
}

function acceptsRemote(sock: UdpSocket, src: IpAddr, srcPort: number): boolean {
  if (sock.remoteAddress === null) return true;
  return sock.remotePort === srcPort && ipEquals(sock.remoteAddress, src);
}

/** Do two sockets' local addresses overlap (same port assumed)? */
function overlaps(a: UdpSocket, b: UdpSocket): boolean {
  const aAny = isUnspecified(a.localAddress);
  const bAny = isUnspecified(b.localAddress);
  if (a.family === b.family) {
    return aAny || bAny || ipEquals(a.localAddress, b.localAddress);
  }
  // A dual-stack udp6 socket on :: overlaps every IPv4 binding, and the reverse.
  const six = a.family === 6 ? a : b;
  const four = a.family === 6 ? b : a;
  if (six.v6Only) return false;
  if (isUnspecified(six.localAddress)) return true;
  const inner = unmapV4(six.localAddress);
  if (inner === null) return false;
  return isUnspecified(four.localAddress) || ipEquals(inner, four.localAddress);
}
