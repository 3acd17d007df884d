/**
 * IPv4 in the stack: receive (RFC 791, RFC 1122 §3.2.1), send with
 * fragmentation, reassembly, ARP (RFC 826), ICMP (RFC 792; echo and the
 * errors of RFC 1122 §3.2.2) and IGMPv2 membership (RFC 2236), minimal.
 */
import { ARP_REPLY, ARP_REQUEST, emitArp, parseArp } from '../wire/arp.js';
import { WireError } from '../wire/errors.js';
import {
  ETHERNET_HEADER_LEN,
  ETHERTYPE_ARP,
  emitEthernet,
  multicastMacV4,
} from '../wire/ethernet.js';
import {
  emitIcmpv4,
  ICMPV4_DEST_UNREACHABLE,
  ICMPV4_ECHO_REPLY,
  ICMPV4_ECHO_REQUEST,
  ICMPV4_FRAG_NEEDED,
  ICMPV4_PORT_UNREACHABLE,
  ICMPV4_PROTOCOL_UNREACHABLE,
  ICMPV4_REASSEMBLY_TIME_EXCEEDED,
  ICMPV4_TIME_EXCEEDED,
  parseIcmpv4,
} from '../wire/icmpv4.js';
import { emitIgmp, IGMP_LEAVE, IGMP_QUERY, IGMP_V2_REPORT, parseIgmp } from '../wire/igmp.js';
import {
  emitIpv4,
  IP_PROTO_ICMP,
  IP_PROTO_IGMP,
  IP_PROTO_TCP,
  IP_PROTO_UDP,
  IPV4_HEADER_LEN,
  IPV4_MAX_LEN,
  IPV4_ROUTER_ALERT,
  ipv4HeaderLength,
  parseIpv4,
} from '../wire/ipv4.js';
import {
  type IpAddr,
  ipEquals,
  ipKey,
  isLimitedBroadcast,
  isMulticast,
  isUnspecified,
  V4_ALL_HOSTS,
  V4_ALL_ROUTERS,
} from './address.js';
import { StackError, type StackErrorCode } from './errors.js';
import { fragmentPlan } from './fragment.js';
import { allocFrame } from './frames.js';
import type { NetInterface } from './interface.js';
import { IpLayer } from './ip-layer.js';
import type { IpLayerHost, TcpIcmpErrorCode } from './ip-layer-host.js';
import {
  type IpSendOptions,
  leavesChecksum,
  type PayloadWriter,
  type ResolvedRoute,
} from './ip-types.js';
import type { TcpIcmpError } from './tcp/layer.js';

/** Destination Unreachable codes Linux treats as hard errors for UDP, and their errno (icmp_err_convert). */
const UNREACH_ERRORS: Record<number, StackErrorCode> = {
  2: 'ENOPROTOOPT',
  3: 'ECONNREFUSED',
  6: 'ENETUNREACH',
  7: 'EHOSTDOWN',
  9: 'ENETUNREACH',
  10: 'EHOSTUNREACH',
  13: 'EHOSTUNREACH',
};

/**
 * Destination Unreachable codes → TCP's error (RFC 1122 §3.2.2.1), errno as
 * Linux's icmp_err_convert except that protocol unreachable, like port
 * unreachable, refuses the connection; codes not here are EHOSTUNREACH, and
 * code 4 (fragmentation needed) is a path MTU instead. Whether an error ends
 * the connection is TCP's call (RFC 1122 §4.2.3.9: codes 0, 1 and 5 are
 * soft).
 */
const TCP_UNREACH_ERRORS: Record<number, TcpIcmpErrorCode> = {
  0: 'ENETUNREACH',
  2: 'ECONNREFUSED',
  3: 'ECONNREFUSED',
  6: 'ENETUNREACH',
  7: 'EHOSTDOWN',
  9: 'ENETUNREACH',
  11: 'ENETUNREACH',
};

export class Ipv4Layer extends IpLayer {
  private identification: number;

  constructor(stack: IpLayerHost) {
    super(stack, stack.limits.reassemblyTimeoutV4Ms, IPV4_MAX_LEN - IPV4_HEADER_LEN, {
      type: ICMPV4_TIME_EXCEEDED,
      code: ICMPV4_REASSEMBLY_TIME_EXCEEDED,
    });
    this.identification = stack.random() & 0xffff;
  }

  multicastMac(group: IpAddr): Uint8Array {
    return multicastMacV4(group);
  }

  // ---- receive ---------------------------------------------------------------

  input(iface: NetInterface, bytes: Uint8Array, now: number, linkGroup: boolean): void {
    const stack = this.stack;
    const pkt = parseIpv4(bytes);
    if (pkt instanceof WireError) {
      stack.reject(pkt);
      return;
    }
    const dst = pkt.dst;
    const unicast = stack.isLocalAddress(dst);
    const broadcast = !unicast && (isLimitedBroadcast(dst) || iface.isDirectedBroadcast(dst));
    const multicast = isMulticast(dst) && (iface.hasGroup(dst) || ipEquals(dst, V4_ALL_HOSTS));
    if (!unicast && !broadcast && !multicast) {
      stack.count('ipv4.notForUs');
      return;
    }
    if (isMulticast(pkt.src) || isLimitedBroadcast(pkt.src)) {
      stack.count('ipv4.martian');
      return;
    }
    stack.count('ipv4.in');
    let payload = pkt.payload;
    let quote = bytes.subarray(0, pkt.totalLength);
    if (pkt.moreFragments || pkt.fragmentOffset > 0) {
      const key = `${ipKey(pkt.src)}${ipKey(dst)}${pkt.protocol}:${pkt.identification}`;
      const first = pkt.fragmentOffset === 0 ? bytes.slice(0, pkt.headerLength + 8) : undefined;
      const whole = this.reassembly.add(
        key,
        pkt.fragmentOffset,
        pkt.moreFragments,
        pkt.payload,
        now,
        first,
      );
      if (whole === null) return;
      payload = whole.payload;
      quote = (whole.first as Uint8Array | undefined) ?? quote;
    }
    const linkUnicast = unicast && !linkGroup;
    switch (pkt.protocol) {
      case IP_PROTO_UDP:
        if (!stack.udp.input(iface, pkt.src, dst, payload, now) && linkUnicast) {
          this.sendIcmpError(ICMPV4_DEST_UNREACHABLE, ICMPV4_PORT_UNREACHABLE, 0, quote, now);
        }
        break;
      case IP_PROTO_ICMP:
        this.icmpInput(iface, pkt.src, dst, payload, pkt.ttl, unicast, now);
        break;
      case IP_PROTO_IGMP:
        this.igmpInput(iface, payload, now);
        break;
      case IP_PROTO_TCP:
        // TCP answers a segment for a closed port itself, with a RST (RFC 9293 §3.10.7.1).
        stack.tcp.input(iface, pkt.src, dst, payload, now);
        break;
      default:
        stack.count('ipv4.unknownProtocol');
        if (linkUnicast) {
          this.sendIcmpError(ICMPV4_DEST_UNREACHABLE, ICMPV4_PROTOCOL_UNREACHABLE, 0, quote, now);
        }
    }
  }

  private icmpInput(
    iface: NetInterface,
    src: IpAddr,
    dst: IpAddr,
    bytes: Uint8Array,
    ttl: number,
    unicast: boolean,
    now: number,
  ): void {
    const stack = this.stack;
    const msg = parseIcmpv4(bytes);
    if (msg instanceof WireError) {
      stack.reject(msg);
      return;
    }
    switch (msg.type) {
      case ICMPV4_ECHO_REQUEST: {
        // Requests to broadcast / multicast are ignored, as Linux does by default.
        if (!unicast) return;
        stack.count('icmp.echoRequests');
        const body = msg.body;
        stack.sendIp(
          src,
          IP_PROTO_ICMP,
          8 + body.length,
          (buf, at) => {
            buf.set(body, at + 8);
            emitIcmpv4(buf, at, ICMPV4_ECHO_REPLY, 0, msg.rest, body.length);
          },
          { src: dst },
          now,
        );
        return;
      }
      case ICMPV4_ECHO_REPLY:
        stack.echo.reply(src, msg.rest >>> 16, msg.rest & 0xffff, msg.body, ttl, now);
        return;
      case ICMPV4_DEST_UNREACHABLE:
      case ICMPV4_TIME_EXCEEDED: {
        const quoted = parseIpv4(msg.body, { verifyChecksum: false, allowTruncated: true });
        if (quoted instanceof WireError) {
          stack.reject(quoted);
          return;
        }
        // Only a first fragment's quote starts with the transport header (RFC 792: its first 64 bits).
        if (msg.type === ICMPV4_DEST_UNREACHABLE && quoted.fragmentOffset === 0) {
          if (quoted.protocol === IP_PROTO_UDP) {
            const code = UNREACH_ERRORS[msg.code];
            if (code !== undefined)
              stack.udp.icmpError(quoted.src, quoted.dst, quoted.payload, code);
          } else if (quoted.protocol === IP_PROTO_TCP) {
            const error: TcpIcmpError =
              msg.code === ICMPV4_FRAG_NEEDED
                ? { mtu: msg.rest & 0xffff } // the next-hop MTU (RFC 1191 §4)
                : { code: TCP_UNREACH_ERRORS[msg.code] ?? 'EHOSTUNREACH' };
            stack.tcp.icmpError(quoted.src, quoted.dst, quoted.payload, error, now);
          }
        }
        stack.count('icmp.errorsIn');
        return;
      }
      default:
        stack.count('icmp.ignored');
    }
    void iface;
  }

  private igmpInput(iface: NetInterface, bytes: Uint8Array, now: number): void {
    const msg = parseIgmp(bytes);
    if (msg instanceof WireError) {
      this.stack.reject(msg);
      return;
    }
    if (msg.type !== IGMP_QUERY) return;
    // A general query (group 0) asks for every group; a specific one for that group.
    for (const { group } of iface.groups.values()) {
      if (group.length !== 4 || ipEquals(group, V4_ALL_HOSTS)) continue;
      if (isUnspecified(msg.group) || ipEquals(msg.group, group))
        this.sendIgmpReport(iface, group, now);
    }
  }

  // ---- ARP -----------------------------------------------------------------------

  arpInput(iface: NetInterface, bytes: Uint8Array, now: number): void {
    const stack = this.stack;
    const arp = parseArp(bytes);
    if (arp instanceof WireError) {
      stack.reject(arp);
      return;
    }
    if (isUnspecified(arp.senderIp) && arp.operation === ARP_REQUEST) {
      stack.count('arp.probe'); // RFC 5227 probe: nothing to learn
    }
    const forUs = iface.v4.some((a) => ipEquals(a.address, arp.targetIp));
    // RFC 826 "merge": refresh a known sender; create one only when the packet is for us.
    if (!isUnspecified(arp.senderIp)) {
      const waiting = iface.arp.update(arp.senderIp, arp.senderMac, now, forUs, forUs);
      if (waiting.length > 0) stack.flushNeighbor(iface, waiting, arp.senderMac, now);
    }
    if (forUs && arp.operation === ARP_REQUEST) {
      const frame = new Uint8Array(ETHERNET_HEADER_LEN + 28);
      emitEthernet(frame, 0, arp.senderMac, iface.mac, ETHERTYPE_ARP);
      emitArp(frame, ETHERNET_HEADER_LEN, {
        operation: ARP_REPLY,
        senderMac: iface.mac,
        senderIp: arp.targetIp,
        targetMac: arp.senderMac,
        targetIp: arp.senderIp,
      });
      stack.transmit(iface, frame, now);
    }
  }

  /** Sends an ARP request for `target` (broadcast, or unicast to `mac` when re-confirming). */
  sendArpRequest(iface: NetInterface, target: IpAddr, mac: Uint8Array | null, now: number): void {
    const source = this.stack.selectSource(iface, target);
    if (source === null) return;
    const frame = new Uint8Array(ETHERNET_HEADER_LEN + 28);
    emitEthernet(frame, 0, mac ?? BROADCAST, iface.mac, ETHERTYPE_ARP);
    emitArp(frame, ETHERNET_HEADER_LEN, {
      operation: ARP_REQUEST,
      senderMac: iface.mac,
      senderIp: source,
      targetMac: ZERO_MAC,
      targetIp: target,
    });
    this.stack.count('arp.requests');
    this.stack.transmit(iface, frame, now);
  }

  // ---- send ------------------------------------------------------------------------

  output(
    route: ResolvedRoute,
    dst: IpAddr,
    protocol: number,
    payloadLength: number,
    write: PayloadWriter,
    options: IpSendOptions,
    now: number,
  ): StackError | null {
    const stack = this.stack;
    const ipOptions = options.routerAlert ? IPV4_ROUTER_ALERT : undefined;
    const headerLength = ipv4HeaderLength(ipOptions);
    if (headerLength + payloadLength > IPV4_MAX_LEN) return new StackError('EMSGSIZE');
    const multicast = isMulticast(dst);
    const ttl = options.ttl ?? (multicast ? 1 : 64);
    const src = route.src;
    const mtu = route.iface.mtu;
    const fields = {
      identification: 0,
      ttl,
      protocol,
      src,
      dst,
      dscp: (options.tos ?? 0) >>> 2,
      ecn: (options.tos ?? 0) & 3,
      options: ipOptions,
      payloadLength,
      dontFragment: false,
    };
    const loopCopy =
      !route.local &&
      ((multicast && options.multicastLoop !== false && route.iface.hasGroup(dst)) ||
        route.broadcast);
    if (headerLength + payloadLength <= mtu) {
      const left = leavesChecksum(options, route, loopCopy);
      const frame = allocFrame(ETHERNET_HEADER_LEN + headerLength + payloadLength, left);
      write(frame, ETHERNET_HEADER_LEN + headerLength, src, dst, left);
      // Like Linux with path-MTU discovery: DF on whatever leaves unfragmented,
      // except that a zero identification is only valid with DF (RFC 6864).
      fields.identification = this.nextId();
      fields.dontFragment = true;
      emitIpv4(frame, ETHERNET_HEADER_LEN, fields);
      if (loopCopy) stack.deliverLocally(route.iface, frame.slice(ETHERNET_HEADER_LEN));
      stack.count('ipv4.out');
      stack.linkOutput(route, frame, now);
      return null;
    }
    if (options.dontFragment) return new StackError('EMSGSIZE');
    const payload = new Uint8Array(payloadLength);
    write(payload, 0, src, dst, false);
    fields.identification = this.nextId();
    if (loopCopy) {
      const whole = new Uint8Array(headerLength + payloadLength);
      whole.set(payload, headerLength);
      emitIpv4(whole, 0, fields);
      stack.deliverLocally(route.iface, whole);
    }
    const plan = fragmentPlan(payloadLength, mtu - headerLength);
    for (let i = 0; i < plan.length; i++) {
      const [offset, size] = plan[i]!;
      const frame = allocFrame(ETHERNET_HEADER_LEN + headerLength + size);
      frame.set(payload.subarray(offset, offset + size), ETHERNET_HEADER_LEN + headerLength);
      emitIpv4(frame, ETHERNET_HEADER_LEN, {
        ...fields,
        payloadLength: size,
        fragmentOffset: offset,
        moreFragments: i < plan.length - 1,
      });
      stack.count('ipv4.fragmentsOut');
      stack.linkOutput(route, frame, now);
    }
    return null;
  }

  private nextId(): number {
    this.identification = (this.identification + 1) & 0xffff;
    return this.identification;
  }

  /**
   * Sends an ICMP error about `original` (its IP header and data) to its
   * source, unless RFC 1122 §3.2.2 forbids it (about an ICMP error, a
   * non-first fragment, a broadcast / multicast, or from a non-unicast
   * source) or the rate limit says no.
   */
  override sendIcmpError(
    type: number,
    code: number,
    rest: number,
    original: Uint8Array,
    now: number,
  ): void {
    const stack = this.stack;
    const pkt = parseIpv4(original, { verifyChecksum: false, allowTruncated: true });
    if (pkt instanceof WireError) return;
    if (pkt.fragmentOffset > 0) return;
    if (isMulticast(pkt.dst) || isLimitedBroadcast(pkt.dst)) return;
    if (isUnspecified(pkt.src) || isMulticast(pkt.src) || isLimitedBroadcast(pkt.src)) return;
    if (pkt.protocol === IP_PROTO_ICMP && pkt.payload.length > 0) {
      const t = pkt.payload[0]!;
      if (t !== ICMPV4_ECHO_REQUEST && t !== ICMPV4_ECHO_REPLY && t !== 13 && t !== 14) return;
    }
    if (!stack.icmpErrorAllowed(now)) return;
    // As much of the original as fits in 576 bytes (RFC 1812 §4.3.2.3).
    const quoteLength = Math.min(original.length, 576 - IPV4_HEADER_LEN - 8);
    const quote = original.slice(0, quoteLength);
    const src = pkt.dst.slice();
    const dst = pkt.src.slice();
    stack.count('icmp.errorsOut');
    stack.sendIp(
      dst,
      IP_PROTO_ICMP,
      8 + quoteLength,
      (buf, at) => {
        buf.set(quote, at + 8);
        emitIcmpv4(buf, at, type, code, rest, quoteLength);
      },
      { src: stack.isLocalAddress(src) ? src : null },
      now,
    );
  }

  // ---- IGMP ------------------------------------------------------------------------

  sendIgmpReport(iface: NetInterface, group: IpAddr, now: number): void {
    if (ipEquals(group, V4_ALL_HOSTS)) return; // never reported (RFC 2236 §6)
    this.sendIgmp(iface, IGMP_V2_REPORT, group, group, now);
  }

  sendIgmpLeave(iface: NetInterface, group: IpAddr, now: number): void {
    if (ipEquals(group, V4_ALL_HOSTS)) return;
    this.sendIgmp(iface, IGMP_LEAVE, group, V4_ALL_ROUTERS, now);
  }

  private sendIgmp(
    iface: NetInterface,
    type: number,
    group: IpAddr,
    dst: IpAddr,
    now: number,
  ): void {
    if (iface.v4.length === 0) return;
    this.stack.count('igmp.out');
    this.stack.sendIp(
      dst,
      IP_PROTO_IGMP,
      8,
      (buf, at) => emitIgmp(buf, at, type, 0, group),
      { iface, ttl: 1, routerAlert: true, multicastLoop: false },
      now,
    );
  }
}

const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
const ZERO_MAC = new Uint8Array(6);
