/**
 * IPv6 in the stack: receive with the extension-header chain (RFC 8200),
 * send with fragmentation (§4.5) and reassembly, Neighbor Discovery
 * (RFC 4861: address resolution with NS/NA), ICMPv6 (RFC 4443: echo and
 * errors) and MLDv1 (RFC 2710), minimal. No router discovery, SLAAC or DAD:
 * addresses are configured.
 */

import { WireError } from '../wire/errors.js';
import {
  ETHERNET_HEADER_LEN,
  ETHERTYPE_IPV6,
  emitEthernet,
  multicastMacV6,
} from '../wire/ethernet.js';
import {
  emitIcmpv6,
  emitNdpLinkOption,
  ICMPV6_DEST_UNREACHABLE,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
  ICMPV6_PACKET_TOO_BIG,
  ICMPV6_PARAMETER_PROBLEM,
  ICMPV6_PORT_UNREACHABLE,
  ICMPV6_REASSEMBLY_TIME_EXCEEDED,
  ICMPV6_TIME_EXCEEDED,
  MLD_DONE,
  MLD_QUERY,
  MLD_REPORT,
  NA_OVERRIDE,
  NA_SOLICITED,
  NDP_NEIGHBOR_ADVERT,
  NDP_NEIGHBOR_SOLICIT,
  NDP_OPT_SOURCE_LL,
  NDP_OPT_TARGET_LL,
  parseIcmpv6,
  parseMld,
  parseNdp,
  solicitedNodeAddress,
} from '../wire/icmpv6.js';
import { IP_PROTO_ICMPV6, IP_PROTO_TCP, IP_PROTO_UDP } from '../wire/ipv4.js';
import {
  emitIpv6,
  emitIpv6Fragment,
  emitIpv6RouterAlert,
  IPV6_FRAGMENT,
  IPV6_FRAGMENT_HEADER_LEN,
  IPV6_HEADER_LEN,
  IPV6_HOP_BY_HOP,
  IPV6_MIN_MTU,
  IPV6_NO_NEXT_HEADER,
  parseIpv6,
  walkIpv6Chain,
} from '../wire/ipv6.js';
import {
  type IpAddr,
  ipEquals,
  ipKey,
  isMulticast,
  isUnspecified,
  V6_ALL_NODES,
  V6_ALL_ROUTERS,
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

/** Destination Unreachable codes → errno, as Linux's icmpv6_err_convert (all are hard errors). */
const UNREACH_ERRORS: Record<number, StackErrorCode> = {
  0: 'ENETUNREACH',
  1: 'EACCES',
  2: 'EHOSTUNREACH',
  3: 'EHOSTUNREACH',
  4: 'ECONNREFUSED',
  5: 'EACCES',
  6: 'EACCES',
};

/**
 * Destination Unreachable codes → TCP's error: as the table above where
 * TCP has the errno; administratively prohibited, source address failed
 * policy and reject route (EACCES there) and codes not here are
 * EHOSTUNREACH.
 */
const TCP_UNREACH_ERRORS: Record<number, TcpIcmpErrorCode> = {
  0: 'ENETUNREACH',
  4: 'ECONNREFUSED',
};

export class Ipv6Layer extends IpLayer {
  constructor(stack: IpLayerHost) {
    super(stack, stack.limits.reassemblyTimeoutV6Ms, 65535, {
      type: ICMPV6_TIME_EXCEEDED,
      code: ICMPV6_REASSEMBLY_TIME_EXCEEDED,
    });
  }

  solicitedNode(address: IpAddr): IpAddr {
    return solicitedNodeAddress(address);
  }

  multicastMac(group: IpAddr): Uint8Array {
    return multicastMacV6(group);
  }

  // ---- receive ---------------------------------------------------------------

  input(iface: NetInterface, bytes: Uint8Array, now: number, linkGroup: boolean): void {
    const stack = this.stack;
    const pkt = parseIpv6(bytes);
    if (pkt instanceof WireError) {
      stack.reject(pkt);
      return;
    }
    const dst = pkt.dst;
    const unicast = stack.isLocalAddress(dst);
    const multicast = isMulticast(dst) && iface.hasGroup(dst);
    if (!unicast && !multicast) {
      stack.count('ipv6.notForUs');
      return;
    }
    if (isMulticast(pkt.src)) {
      stack.count('ipv6.martian');
      return;
    }
    stack.count('ipv6.in');
    let chain = walkIpv6Chain(pkt.nextHeader, pkt.payload);
    if (chain instanceof WireError) {
      stack.reject(chain);
      return;
    }
    if (chain.unknownOption !== null) {
      // RFC 8200 §4.2: actions 01, 10, 11 discard (the ICMP for 10/11 is not sent here).
      stack.count('ipv6.unknownOption');
      return;
    }
    let payload = pkt.payload;
    let quote = bytes.subarray(0, IPV6_HEADER_LEN + pkt.payloadLength);
    if (chain.fragment !== null) {
      const frag = chain.fragment;
      // An atomic fragment (offset 0, no more) is processed at once (RFC 6946).
      const data = payload.subarray(chain.offset);
      let whole: Uint8Array;
      if (frag.offset === 0 && !frag.more) {
        whole = data;
      } else {
        const key = `${ipKey(pkt.src)}${ipKey(dst)}:${frag.identification}`;
        const first =
          frag.offset === 0 ? bytes.slice(0, Math.min(bytes.length, IPV6_MIN_MTU - 48)) : undefined;
        const done = this.reassembly.add(key, frag.offset, frag.more, data, now, first);
        if (done === null) return;
        whole = done.payload;
        quote = (done.first as Uint8Array | undefined) ?? quote;
      }
      payload = whole;
      chain = walkIpv6Chain(frag.nextHeader, whole);
      if (chain instanceof WireError) {
        stack.reject(chain);
        return;
      }
      if (chain.fragment !== null) {
        stack.count('ipv6.nestedFragment');
        return;
      }
    }
    const upper = payload.subarray(chain.offset);
    switch (chain.protocol) {
      case IP_PROTO_UDP:
        if (!stack.udp.input(iface, pkt.src, dst, upper, now) && unicast && !linkGroup) {
          this.sendIcmpError(ICMPV6_DEST_UNREACHABLE, ICMPV6_PORT_UNREACHABLE, 0, quote, now);
        }
        break;
      case IP_PROTO_ICMPV6:
        this.icmpInput(iface, pkt.src, dst, upper, pkt.hopLimit, unicast, now);
        break;
      case IP_PROTO_TCP:
        // TCP answers a segment for a closed port itself, with a RST (RFC 9293 §3.10.7.1).
        stack.tcp.input(iface, pkt.src, dst, upper, now);
        break;
      case IPV6_NO_NEXT_HEADER:
        break;
      default:
        stack.count('ipv6.unknownProtocol');
        if (unicast && chain.offset === 0 && !linkGroup) {
          // Unrecognized Next Header; the pointer is the fixed header's Next Header field.
          this.sendIcmpError(ICMPV6_PARAMETER_PROBLEM, 1, 6, quote, now);
        }
    }
  }

  private icmpInput(
    iface: NetInterface,
    src: IpAddr,
    dst: IpAddr,
    bytes: Uint8Array,
    hopLimit: number,
    unicast: boolean,
    now: number,
  ): void {
    const stack = this.stack;
    const msg = parseIcmpv6(bytes, src, dst);
    if (msg instanceof WireError) {
      stack.reject(msg);
      return;
    }
    switch (msg.type) {
      case ICMPV6_ECHO_REQUEST: {
        stack.count('icmpv6.echoRequests');
        const body = msg.body;
        stack.sendIp(
          src,
          IP_PROTO_ICMPV6,
          8 + body.length,
          (buf, at, s, d) => {
            buf.set(body, at + 8);
            emitIcmpv6(buf, at, s, d, ICMPV6_ECHO_REPLY, 0, msg.rest, body.length);
          },
          { src: unicast ? dst : null, iface },
          now,
        );
        return;
      }
      case ICMPV6_ECHO_REPLY:
        stack.echo.reply(src, msg.rest >>> 16, msg.rest & 0xffff, msg.body, hopLimit, now);
        return;
      case NDP_NEIGHBOR_SOLICIT:
      case NDP_NEIGHBOR_ADVERT: {
        // RFC 4861 §7.1: only from on-link (hop limit 255).
        if (hopLimit !== 255 || iface.medium !== 'ethernet') {
          stack.count('ndp.invalid');
          return;
        }
        const ndp = parseNdp(msg);
        if (ndp instanceof WireError) {
          stack.reject(ndp);
          return;
        }
        if (msg.type === NDP_NEIGHBOR_SOLICIT)
          this.neighborSolicitInput(iface, src, ndp.target!, ndp.options.sourceLinkAddress, now);
        else {
          const tlla = ndp.options.targetLinkAddress;
          if (tlla === null) return;
          const solicited = (msg.rest & NA_SOLICITED) !== 0;
          const waiting = iface.ndp.update(ndp.target!, tlla, now, solicited, false);
          if (waiting.length > 0) stack.flushNeighbor(iface, waiting, tlla, now);
        }
        return;
      }
      case MLD_QUERY: {
        const mld = parseMld(msg);
        if (mld instanceof WireError) {
          stack.reject(mld);
          return;
        }
        for (const { group } of iface.groups.values()) {
          if (group.length !== 16) continue;
          if (isUnspecified(mld.group) || ipEquals(mld.group, group))
            this.sendMldReport(iface, group, now);
        }
        return;
      }
      case ICMPV6_DEST_UNREACHABLE:
      case ICMPV6_PACKET_TOO_BIG:
      case ICMPV6_TIME_EXCEEDED:
      case ICMPV6_PARAMETER_PROBLEM: {
        stack.count('icmpv6.errorsIn');
        const quoted = parseIpv6(msg.body, { allowTruncated: true });
        if (quoted instanceof WireError) return;
        // A quoted fragment walks to protocol 44 (Fragment) and reaches no transport.
        const chain = walkIpv6Chain(quoted.nextHeader, quoted.payload);
        if (chain instanceof WireError) return;
        const transport = quoted.payload.subarray(chain.offset);
        if (chain.protocol === IP_PROTO_UDP) {
          const code = msg.type === ICMPV6_DEST_UNREACHABLE ? UNREACH_ERRORS[msg.code] : undefined;
          if (code !== undefined) stack.udp.icmpError(quoted.src, quoted.dst, transport, code);
        } else if (chain.protocol === IP_PROTO_TCP) {
          // Packet Too Big carries the next hop's MTU in its rest-of-header word (RFC 4443 §3.2).
          const error: TcpIcmpError | null =
            msg.type === ICMPV6_DEST_UNREACHABLE
              ? { code: TCP_UNREACH_ERRORS[msg.code] ?? 'EHOSTUNREACH' }
              : msg.type === ICMPV6_PACKET_TOO_BIG
                ? { mtu: msg.rest }
                : null;
          if (error !== null) stack.tcp.icmpError(quoted.src, quoted.dst, transport, error, now);
        }
        return;
      }
      default:
        stack.count('icmpv6.ignored');
    }
  }

  private neighborSolicitInput(
    iface: NetInterface,
    src: IpAddr,
    target: IpAddr,
    slla: Uint8Array | null,
    now: number,
  ): void {
    const stack = this.stack;
    const dad = isUnspecified(src);
    if (!dad && slla !== null) {
      const waiting = iface.ndp.update(src, slla, now, false, true);
      if (waiting.length > 0) stack.flushNeighbor(iface, waiting, slla, now);
    }
    if (!iface.v6.some((a) => ipEquals(a.address, target))) return;
    // RFC 4861 §7.2.4: solicited, override; to the source, or all-nodes for DAD.
    const dst = dad ? V6_ALL_NODES : src;
    const dstMac = dad ? multicastMacV6(V6_ALL_NODES) : slla;
    const flags = (dad ? 0 : NA_SOLICITED) | NA_OVERRIDE;
    const targetCopy = target.slice();
    const write: PayloadWriter = (buf, at, s, d) => {
      buf.set(targetCopy, at + 8);
      emitNdpLinkOption(buf, at + 24, NDP_OPT_TARGET_LL, iface.mac);
      emitIcmpv6(buf, at, s, d, NDP_NEIGHBOR_ADVERT, 0, flags, 24);
    };
    stack.count('ndp.advertsOut');
    if (dstMac !== null) {
      this.emitOnLink(iface, targetCopy, dst, dstMac, 32, write, now);
    } else {
      stack.sendIp(dst, IP_PROTO_ICMPV6, 32, write, { src: targetCopy, iface, ttl: 255 }, now);
    }
  }

  /** Sends an NS for `target` (to its solicited-node group, or unicast to `mac` to re-confirm). */
  sendNeighborSolicit(
    iface: NetInterface,
    target: IpAddr,
    mac: Uint8Array | null,
    now: number,
  ): void {
    const src = this.stack.selectSource(iface, target);
    if (src === null) return;
    const dst = mac === null ? solicitedNodeAddress(target) : target;
    const dstMac = mac ?? multicastMacV6(dst);
    const targetCopy = target.slice();
    this.stack.count('ndp.solicitsOut');
    this.emitOnLink(
      iface,
      src,
      dst,
      dstMac,
      32,
      (buf, at, s, d) => {
        buf.set(targetCopy, at + 8);
        emitNdpLinkOption(buf, at + 24, NDP_OPT_SOURCE_LL, iface.mac);
        emitIcmpv6(buf, at, s, d, NDP_NEIGHBOR_SOLICIT, 0, 0, 24);
      },
      now,
    );
  }

  /** An ICMPv6 packet with hop limit 255 straight to a known link address (NDP). */
  private emitOnLink(
    iface: NetInterface,
    src: IpAddr,
    dst: IpAddr,
    dstMac: Uint8Array,
    length: number,
    write: PayloadWriter,
    now: number,
  ): void {
    const frame = new Uint8Array(ETHERNET_HEADER_LEN + IPV6_HEADER_LEN + length);
    write(frame, ETHERNET_HEADER_LEN + IPV6_HEADER_LEN, src, dst, false);
    emitIpv6(frame, ETHERNET_HEADER_LEN, {
      payloadLength: length,
      nextHeader: IP_PROTO_ICMPV6,
      hopLimit: 255,
      src,
      dst,
    });
    emitEthernet(frame, 0, dstMac, iface.mac, ETHERTYPE_IPV6);
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
    const multicast = isMulticast(dst);
    const hopLimit = options.ttl ?? (multicast ? 1 : 64);
    const hbh = options.routerAlert ? 8 : 0;
    if (hbh + payloadLength > 65535) return new StackError('EMSGSIZE');
    const src = route.src;
    const mtu = Math.max(route.iface.mtu, IPV6_MIN_MTU);
    const nextHeader = hbh > 0 ? IPV6_HOP_BY_HOP : protocol;
    const loopCopy =
      !route.local && multicast && options.multicastLoop !== false && route.iface.hasGroup(dst);
    const base = {
      hopLimit,
      src,
      dst,
      trafficClass: options.tos ?? 0,
      nextHeader: 0,
      payloadLength: 0,
    };
    if (IPV6_HEADER_LEN + hbh + payloadLength <= mtu) {
      // A hop-by-hop header would sit where `withChecksums` looks for TCP's.
      const left = hbh === 0 && leavesChecksum(options, route, loopCopy);
      const frame = allocFrame(ETHERNET_HEADER_LEN + IPV6_HEADER_LEN + hbh + payloadLength, left);
      write(frame, ETHERNET_HEADER_LEN + IPV6_HEADER_LEN + hbh, src, dst, left);
      if (hbh > 0) emitIpv6RouterAlert(frame, ETHERNET_HEADER_LEN + IPV6_HEADER_LEN, protocol);
      base.nextHeader = nextHeader;
      base.payloadLength = hbh + payloadLength;
      emitIpv6(frame, ETHERNET_HEADER_LEN, base);
      if (loopCopy) stack.deliverLocally(route.iface, frame.slice(ETHERNET_HEADER_LEN));
      stack.count('ipv6.out');
      stack.linkOutput(route, frame, now);
      return null;
    }
    // RFC 8200 §4.5: the unfragmentable part (fixed header, hop-by-hop) in
    // every fragment, then a Fragment header, then a slice of the rest.
    const payload = new Uint8Array(payloadLength);
    write(payload, 0, src, dst, false);
    if (loopCopy) {
      const whole = new Uint8Array(IPV6_HEADER_LEN + hbh + payloadLength);
      whole.set(payload, IPV6_HEADER_LEN + hbh);
      if (hbh > 0) emitIpv6RouterAlert(whole, IPV6_HEADER_LEN, protocol);
      emitIpv6(whole, 0, { ...base, nextHeader, payloadLength: hbh + payloadLength });
      stack.deliverLocally(route.iface, whole);
    }
    const identification = stack.random();
    const headers = IPV6_HEADER_LEN + hbh + IPV6_FRAGMENT_HEADER_LEN;
    const plan = fragmentPlan(payloadLength, mtu - headers);
    for (let i = 0; i < plan.length; i++) {
      const [offset, size] = plan[i]!;
      const frame = allocFrame(ETHERNET_HEADER_LEN + headers + size);
      const at = ETHERNET_HEADER_LEN;
      if (hbh > 0) emitIpv6RouterAlert(frame, at + IPV6_HEADER_LEN, IPV6_FRAGMENT);
      emitIpv6Fragment(frame, at + IPV6_HEADER_LEN + hbh, {
        nextHeader: protocol,
        offset,
        more: i < plan.length - 1,
        identification,
      });
      frame.set(payload.subarray(offset, offset + size), at + headers);
      emitIpv6(frame, at, {
        ...base,
        nextHeader: hbh > 0 ? IPV6_HOP_BY_HOP : IPV6_FRAGMENT,
        payloadLength: headers - IPV6_HEADER_LEN + size,
      });
      stack.count('ipv6.fragmentsOut');
      stack.linkOutput(route, frame, now);
    }
    return null;
  }

  /**
   * Sends an ICMPv6 error about `original` to its source unless RFC 4443
   * §2.4 (e) forbids it (about an error, to or from multicast, from an
   * unspecified source) or the rate limit says no; quotes as much as fits
   * in the minimum MTU.
   */
  override sendIcmpError(
    type: number,
    code: number,
    rest: number,
    original: Uint8Array,
    now: number,
  ): void {
    const stack = this.stack;
    const pkt = parseIpv6(original, { allowTruncated: true });
    if (pkt instanceof WireError) return;
    if (isMulticast(pkt.dst) || isMulticast(pkt.src) || isUnspecified(pkt.src)) return;
    const chain = walkIpv6Chain(pkt.nextHeader, pkt.payload);
    if (!(chain instanceof WireError) && chain.protocol === IP_PROTO_ICMPV6) {
      const t = pkt.payload[chain.offset];
      if (t === undefined || t < 128) return;
    }
    if (!(chain instanceof WireError) && chain.fragment !== null && chain.fragment.offset > 0)
      return;
    if (!stack.icmpErrorAllowed(now)) return;
    const quoteLength = Math.min(original.length, IPV6_MIN_MTU - IPV6_HEADER_LEN - 8);
    const quote = original.slice(0, quoteLength);
    const src = pkt.dst.slice();
    stack.count('icmpv6.errorsOut');
    stack.sendIp(
      pkt.src.slice(),
      IP_PROTO_ICMPV6,
      8 + quoteLength,
      (buf, at, s, d) => {
        buf.set(quote, at + 8);
        emitIcmpv6(buf, at, s, d, type, code, rest, quoteLength);
      },
      { src: stack.isLocalAddress(src) ? src : null },
      now,
    );
  }

  // ---- MLD -------------------------------------------------------------------------

  sendMldReport(iface: NetInterface, group: IpAddr, now: number): void {
    if (!reportable(group)) return;
    this.sendMld(iface, MLD_REPORT, group, group, now);
  }

  sendMldDone(iface: NetInterface, group: IpAddr, now: number): void {
    if (!reportable(group)) return;
    this.sendMld(iface, MLD_DONE, group, V6_ALL_ROUTERS, now);
  }

  private sendMld(
    iface: NetInterface,
    type: number,
    group: IpAddr,
    dst: IpAddr,
    now: number,
  ): void {
    const g = group.slice();
    this.stack.count('mld.out');
    this.stack.sendIp(
      dst,
      IP_PROTO_ICMPV6,
      24,
      (buf, at, s, d) => {
        buf.set(g, at + 8);
        emitIcmpv6(buf, at, s, d, type, 0, 0, 16);
      },
      { iface, ttl: 1, routerAlert: true, multicastLoop: false },
      now,
    );
  }
}

/** MLD never reports the all-nodes group or scopes below link-local (RFC 2710 §5). */
function reportable(group: IpAddr): boolean {
  if (ipEquals(group, V6_ALL_NODES)) return false;
  return (group[1]! & 0x0f) >= 2;
}
