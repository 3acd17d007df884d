/**
 * How the stack hands TCP its input: segments for this host (IPv4 and IPv6,
 * never answered with ICMP: TCP resets closed ports itself), ICMP errors
 * that quote a TCP segment (Destination Unreachable → errno, RFC 792 /
 * RFC 1122 §3.2.2.1 / RFC 4443 §3.1; fragmentation needed and Packet Too
 * Big → path MTU, RFC 1191 §4 / RFC 4443 §3.2), its timers and its options.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpAddr } from '../../src/stack/address.js';
import type { NetInterface } from '../../src/stack/interface.js';
import { NetStack, type StackOptions } from '../../src/stack/stack.js';
import type { TcpIcmpError } from '../../src/stack/tcp/layer.js';
import { WireError } from '../../src/wire/errors.js';
import { emitIcmpv4 } from '../../src/wire/icmpv4.js';
import { emitIcmpv6 } from '../../src/wire/icmpv6.js';
import {
  emitIpv4,
  IP_PROTO_ICMP,
  IP_PROTO_ICMPV6,
  IP_PROTO_TCP,
  parseIpv4,
} from '../../src/wire/ipv4.js';
import { emitIpv6, parseIpv6 } from '../../src/wire/ipv6.js';
import { ip } from './helpers.js';

interface Seen {
  local: string;
  remote: string;
  ports: [number, number];
  error: TcpIcmpError;
}

/** A stack with one IP-medium interface (10.0.0.1/24, fd00::1/64) whose TCP input and ICMP errors are recorded. */
function tcpHost(options: StackOptions = {}) {
  const stack = new NetStack(options);
  const sent: Uint8Array[] = [];
  const tun = stack.addInterface({ name: 'tun0', medium: 'ip', transmit: (p) => sent.push(p) });
  stack.addAddress(tun, '10.0.0.1/24');
  stack.addAddress(tun, 'fd00::1/64');
  const segments: Array<{ iface: NetInterface; src: string; dst: string; length: number }> = [];
  const errors: Seen[] = [];
  stack.tcp.input = (iface, src, dst, segment) => {
    segments.push({ iface, src: String(src), dst: String(dst), length: segment.length });
  };
  stack.tcp.icmpError = (local, remote, quoted, error) => {
    const ports: [number, number] = [
      (quoted[0]! << 8) | quoted[1]!,
      (quoted[2]! << 8) | quoted[3]!,
    ];
    errors.push({ local: String(local), remote: String(remote), ports, error });
  };
  return { stack, tun, sent, segments, errors };
}

/** The first 8 bytes of a TCP header: ports 40000 → 80 and a sequence number. */
const TCP_START = Uint8Array.of(0x9c, 0x40, 0, 80, 1, 2, 3, 4);

function ipv4Packet(src: IpAddr, dst: IpAddr, protocol: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + payload.length);
  out.set(payload, 20);
  emitIpv4(out, 0, {
    identification: 1,
    ttl: 64,
    protocol,
    src,
    dst,
    payloadLength: payload.length,
  });
  return out;
}

function ipv6Packet(src: IpAddr, dst: IpAddr, nextHeader: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(40 + payload.length);
  out.set(payload, 40);
  emitIpv6(out, 0, { payloadLength: payload.length, nextHeader, hopLimit: 64, src, dst });
  return out;
}

/** An ICMPv4 error from a router about our segment 10.0.0.1 → 10.0.0.2 (header and 8 bytes quoted). */
function icmpv4Error(type: number, code: number, rest: number, fragmentOffset = 0): Uint8Array {
  const quote = new Uint8Array(28);
  quote.set(TCP_START, 20);
  emitIpv4(quote, 0, {
    identification: 7,
    ttl: 63,
    protocol: IP_PROTO_TCP,
    src: ip('10.0.0.1'),
    dst: ip('10.0.0.2'),
    payloadLength: 20,
    fragmentOffset,
  });
  const icmp = new Uint8Array(8 + quote.length);
  icmp.set(quote, 8);
  emitIcmpv4(icmp, 0, type, code, rest, quote.length);
  return ipv4Packet(ip('10.0.0.254'), ip('10.0.0.1'), IP_PROTO_ICMP, icmp);
}

/** An ICMPv6 error from a router about our segment fd00::1 → fd00::2. */
function icmpv6Error(type: number, code: number, rest: number): Uint8Array {
  const quote = new Uint8Array(48);
  quote.set(TCP_START, 40);
  emitIpv6(quote, 0, {
    payloadLength: 20,
    nextHeader: IP_PROTO_TCP,
    hopLimit: 63,
    src: ip('fd00::1'),
    dst: ip('fd00::2'),
  });
  const src = ip('fd00::fe');
  const dst = ip('fd00::1');
  const icmp = new Uint8Array(8 + quote.length);
  icmp.set(quote, 8);
  emitIcmpv6(icmp, 0, src, dst, type, code, rest, quote.length);
  return ipv6Packet(src, dst, IP_PROTO_ICMPV6, icmp);
}

/** Whether any packet sent is ICMP / ICMPv6. */
function sentIcmp(sent: Uint8Array[]): boolean {
  return sent.some((p) => {
    const v4 = parseIpv4(p);
    if (!(v4 instanceof WireError)) return v4.protocol === IP_PROTO_ICMP;
    const v6 = parseIpv6(p);
    return !(v6 instanceof WireError) && v6.nextHeader === IP_PROTO_ICMPV6;
  });
}

describe('TCP in the stack', () => {
  test('segments for this host reach tcp.input; no ICMP answers them', () => {
    const h = tcpHost();
    const segment = new Uint8Array(20);
    h.stack.input(h.tun, ipv4Packet(ip('10.0.0.2'), ip('10.0.0.1'), IP_PROTO_TCP, segment), 0);
    h.stack.input(h.tun, ipv6Packet(ip('fd00::2'), ip('fd00::1'), IP_PROTO_TCP, segment), 0);
    assert.deepEqual(h.segments, [
      { iface: h.tun, src: '10,0,0,2', dst: '10,0,0,1', length: 20 },
      { iface: h.tun, src: String(ip('fd00::2')), dst: String(ip('fd00::1')), length: 20 },
    ]);
    assert.equal(sentIcmp(h.sent), false);
  });

  test('ICMPv4 Destination Unreachable: errno by code, fragmentation needed gives the next-hop MTU', () => {
    const h = tcpHost();
    const cases: Array<[number, number, TcpIcmpError]> = [
      [0, 0, { code: 'ENETUNREACH' }],
      [1, 0, { code: 'EHOSTUNREACH' }],
      [2, 0, { code: 'ECONNREFUSED' }],
      [3, 0, { code: 'ECONNREFUSED' }],
      [4, 0x0000_05c8, { mtu: 1480 }],
      [7, 0, { code: 'EHOSTDOWN' }],
      [13, 0, { code: 'EHOSTUNREACH' }],
    ];
    for (const [code, rest] of cases) h.stack.input(h.tun, icmpv4Error(3, code, rest), 0);
    assert.deepEqual(
      h.errors.map((e) => e.error),
      cases.map((c) => c[2]),
    );
    assert.deepEqual(h.errors[0], {
      local: '10,0,0,1',
      remote: '10,0,0,2',
      ports: [40000, 80],
      error: { code: 'ENETUNREACH' },
    });
    assert.equal(h.stack.counter('icmp.errorsIn'), cases.length);
  });

  test('ICMPv4: Time Exceeded, and errors quoting a non-first fragment, do not reach TCP', () => {
    const h = tcpHost();
    h.stack.input(h.tun, icmpv4Error(11, 0, 0), 0);
    h.stack.input(h.tun, icmpv4Error(3, 3, 0, 1480), 0);
    assert.deepEqual(h.errors, []);
    assert.equal(h.stack.counter('icmp.errorsIn'), 2);
  });

  test('ICMPv6 Destination Unreachable and Packet Too Big', () => {
    const h = tcpHost();
    const cases: Array<[number, number, number, TcpIcmpError]> = [
      [1, 0, 0, { code: 'ENETUNREACH' }],
      [1, 1, 0, { code: 'EHOSTUNREACH' }],
      [1, 3, 0, { code: 'EHOSTUNREACH' }],
      [1, 4, 0, { code: 'ECONNREFUSED' }],
      [1, 6, 0, { code: 'EHOSTUNREACH' }],
      [2, 0, 1280, { mtu: 1280 }],
    ];
    for (const [type, code, rest] of cases) h.stack.input(h.tun, icmpv6Error(type, code, rest), 0);
    assert.deepEqual(
      h.errors.map((e) => e.error),
      cases.map((c) => c[3]),
    );
    assert.equal(h.errors[0]!.local, String(ip('fd00::1')));
    assert.equal(h.errors[0]!.remote, String(ip('fd00::2')));
    assert.deepEqual(h.errors[0]!.ports, [40000, 80]);
    h.stack.input(h.tun, icmpv6Error(3, 0, 0), 0); // Time Exceeded
    assert.equal(h.errors.length, cases.length);
  });

  test('poll runs TCP and nextDeadline includes its deadline; options.tcp reaches its config', () => {
    const h = tcpHost({ tcp: { minRtoMs: 1000, sack: false } });
    assert.equal(h.stack.tcp.config.minRtoMs, 1000);
    assert.equal(h.stack.tcp.config.sack, false);
    assert.equal(h.stack.tcp.config.maxRtoMs, 120_000);
    const polled: number[] = [];
    h.stack.tcp.poll = (now) => polled.push(now);
    h.stack.tcp.nextDeadline = () => 5000;
    assert.equal(h.stack.poll(42), 5000);
    assert.deepEqual(polled, [42]);
    assert.equal(h.stack.nextDeadline(), 5000);
  });
});
