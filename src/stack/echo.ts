/**
 * ICMP / ICMPv6 echo from this host (ping): an `EchoSocket` sends requests
 * with its identifier and hears the replies that carry it. Answering other
 * hosts' requests is done by the IP layers.
 */
import { echoRest, emitIcmpv4, ICMPV4_ECHO_REQUEST } from '../wire/icmpv4.js';
import { emitIcmpv6, ICMPV6_ECHO_REQUEST } from '../wire/icmpv6.js';
import { IP_PROTO_ICMP, IP_PROTO_ICMPV6 } from '../wire/ipv4.js';
import type { IpAddr } from './address.js';
import type { StackError } from './errors.js';
import type { IpHost } from './ip-host.js';

export interface EchoReply {
  from: IpAddr;
  sequence: number;
  data: Uint8Array;
  /** TTL / hop limit of the reply as received. */
  ttl: number;
  /** When it arrived (the stack's clock). */
  at: number;
}

export class EchoSocket {
  readonly identifier: number;
  onreply: (reply: EchoReply) => void = () => {};
  private readonly layer: EchoLayer;

  constructor(layer: EchoLayer, identifier: number) {
    this.layer = layer;
    this.identifier = identifier;
  }

  /** Sends an echo request; null when sent (or queued for address resolution). */
  send(
    dst: IpAddr,
    sequence: number,
    data: Uint8Array,
    now: number,
    ttl?: number,
  ): StackError | null {
    return this.layer.send(this, dst, sequence, data, now, ttl);
  }

  close(): void {
    this.layer.close(this);
  }
}

export class EchoLayer {
  private readonly host: IpHost;
  private readonly sockets = new Map<number, EchoSocket>();
  private nextId: number;

  constructor(host: IpHost) {
    this.host = host;
    this.nextId = host.random() & 0xffff;
  }

  open(): EchoSocket {
    for (let i = 0; i < 0x10000; i++) {
      const id = this.nextId;
      this.nextId = (this.nextId + 1) & 0xffff;
      if (!this.sockets.has(id)) {
        const sock = new EchoSocket(this, id);
        this.sockets.set(id, sock);
        return sock;
      }
    }
    throw new Error('no free echo identifier');
  }

  send(
    sock: EchoSocket,
    dst: IpAddr,
    sequence: number,
    data: Uint8Array,
    now: number,
    ttl?: number,
  ): StackError | null {
    const rest = echoRest(sock.identifier, sequence);
    const body = data.slice();
    const v4 = dst.length === 4;
    return this.host.sendIp(
      dst,
      v4 ? IP_PROTO_ICMP : IP_PROTO_ICMPV6,
      8 + body.length,
      (buf, at, s, d) => {
        buf.set(body, at + 8);
        if (v4) emitIcmpv4(buf, at, ICMPV4_ECHO_REQUEST, 0, rest, body.length);
        else emitIcmpv6(buf, at, s, d, ICMPV6_ECHO_REQUEST, 0, rest, body.length);
      },
      { ttl },
      now,
    );
  }

  /** @internal An echo reply arrived. */
  reply(
    from: IpAddr,
    identifier: number,
    sequence: number,
    data: Uint8Array,
    ttl: number,
    now: number,
  ): void {
    const sock = this.sockets.get(identifier);
    if (sock === undefined) {
      this.host.count('icmp.unmatchedReplies');
      return;
    }
    sock.onreply({ from: from.slice(), sequence, data: data.slice(), ttl, at: now });
  }

  close(sock: EchoSocket): void {
    if (this.sockets.get(sock.identifier) === sock) this.sockets.delete(sock.identifier);
  }
}
