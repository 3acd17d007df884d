/**
 * The stack between two simulated hosts, under virtual time: ARP and NDP
 * resolution, ping both ways, UDP, port unreachable, broadcast, multicast,
 * loopback, link faults.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EchoReply } from '../../src/stack/echo.js';
import { StackError } from '../../src/stack/errors.js';
import { WireError } from '../../src/wire/errors.js';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  formatMac,
  parseEthernet,
} from '../../src/wire/ethernet.js';
import { parsePcap } from '../../src/wire/pcap.js';
import { collect, ip, str, text, twoHosts } from './helpers.js';

function etherTypes(bytes: Uint8Array): number[] {
  const file = parsePcap(bytes);
  assert.ok(!(file instanceof WireError));
  return file.packets.map((p) => {
    const eth = parseEthernet(p.data);
    assert.ok(!(eth instanceof WireError));
    return eth.etherType;
  });
}

describe('ARP and IPv4 UDP', () => {
  test('the first datagram waits for ARP, then goes; the cache remembers', () => {
    const { net, a, b, ethA, ethB, capture } = twoHosts();
    const server = b.stack.udp.open(4);
    assert.equal(server.bind(null, 8000), null);
    const got = collect(server);
    const client = a.stack.udp.open(4);
    assert.equal(client.bind(null, 8001), null);
    assert.equal(
      client.send([text('Hello '), text('World')], ip('10.0.0.2'), 8000, net.clock.now()),
      11,
    );
    net.clock.advance(100);
    assert.deepEqual(got, [{ data: 'Hello World', from: '10.0.0.1', port: 8001 }]);
    assert.deepEqual(etherTypes(capture.bytes()), [ETHERTYPE_ARP, ETHERTYPE_ARP, ETHERTYPE_IPV4]);
    assert.equal(formatMac(ethA.arp.get(ip('10.0.0.2'))!.mac!), formatMac(ethB.mac));
    // b learnt a from the request (RFC 826: the target merges the sender).
    assert.equal(ethB.arp.get(ip('10.0.0.1'))!.state, 'reachable');
    client.send([text('again')], ip('10.0.0.2'), 8000, net.clock.now());
    net.clock.advance(100);
    assert.equal(got.length, 2);
    assert.equal(etherTypes(capture.bytes()).length, 4, 'no second ARP round');
  });

  test('resolution gives up after 3 requests and drops what waited; no timer is left', () => {
    const { net, a, ethA } = twoHosts();
    const sock = a.stack.udp.open(4);
    for (let i = 0; i < 5; i++) sock.send([text(`m${i}`)], ip('10.0.0.99'), 9, net.clock.now());
    net.clock.runUntilIdle(10_000);
    assert.equal(a.stack.counter('arp.requests'), 3);
    assert.equal(a.stack.counter('arp.failed'), 1);
    assert.equal(ethA.arp.dropped, 5, 'all five waited, then were dropped');
    assert.equal(ethA.arp.size, 0);
    assert.equal(a.stack.nextDeadline(), Number.POSITIVE_INFINITY);
    assert.ok(net.clock.now() >= 3000);
  });

  test('entries go stale after 30 s and are re-confirmed by a unicast probe', () => {
    const { net, a, b, ethA } = twoHosts();
    const sock = a.stack.udp.open(4);
    const server = b.stack.udp.open(4);
    server.bind(null, 7);
    sock.send([text('1')], ip('10.0.0.2'), 7, net.clock.now());
    net.clock.advance(1000);
    assert.equal(ethA.arp.get(ip('10.0.0.2'))!.state, 'reachable');
    net.clock.advance(31_000);
    assert.equal(ethA.arp.get(ip('10.0.0.2'), net.clock.now())!.state, 'stale');
    sock.send([text('2')], ip('10.0.0.2'), 7, net.clock.now());
    assert.equal(ethA.arp.get(ip('10.0.0.2'))!.state, 'probe');
    net.clock.advance(1000);
    assert.equal(ethA.arp.get(ip('10.0.0.2'))!.state, 'reachable');
  });

  test('bind conflicts, SO_REUSEADDR, ephemeral ports, bad addresses', () => {
    const { a } = twoHosts();
    const s1 = a.stack.udp.open(4);
    const s2 = a.stack.udp.open(4);
    assert.equal(s1.bind(null, 5000), null);
    assert.equal((s2.bind(ip('10.0.0.1'), 5000) as StackError).code, 'EADDRINUSE');
    assert.equal((s2.bind(ip('10.9.9.9'), 5001) as StackError).code, 'EADDRNOTAVAIL');
    const r1 = a.stack.udp.open(4);
    const r2 = a.stack.udp.open(4);
    assert.equal(r1.bind(null, 6000, { reuseAddr: true }), null);
    assert.equal(r2.bind(null, 6000, { reuseAddr: true }), null);
    const e = a.stack.udp.open(4);
    assert.equal(e.bind(null, 0), null);
    assert.ok(e.localPort >= 32768 && e.localPort <= 60999);
    // a dual-stack udp6 socket on :: takes the IPv4 port too
    const six = a.stack.udp.open(6);
    assert.equal((six.bind(null, 5000) as StackError).code, 'EADDRINUSE');
    const only6 = a.stack.udp.open(6);
    assert.equal(only6.bind(null, 5000, { v6Only: true }), null);
    s1.close(0);
    assert.equal(s2.bind(ip('10.0.0.1'), 5000), null);
  });

  test('too big for UDP over IPv4 is EMSGSIZE; broadcast needs SO_BROADCAST', () => {
    const { net, a } = twoHosts();
    const sock = a.stack.udp.open(4);
    const big = new Uint8Array(65508);
    assert.equal((sock.send([big], ip('10.0.0.2'), 9, 0) as StackError).code, 'EMSGSIZE');
    assert.equal(sock.send([big.subarray(1)], ip('10.0.0.2'), 9, 0), 65507);
    assert.equal(
      (sock.send([text('x')], ip('255.255.255.255'), 9, 0) as StackError).code,
      'EACCES',
    );
    assert.equal((sock.send([text('x')], ip('10.0.0.255'), 9, 0) as StackError).code, 'EACCES');
    assert.equal(
      (sock.send([text('x')], ip('192.168.7.7'), 9, 0) as StackError).code,
      'ENETUNREACH',
    );
    net.clock.runUntilIdle(10_000);
  });
});

describe('ICMP', () => {
  test('ping both ways over IPv4 and IPv6 (ARP and NDP on the way)', () => {
    const { net, a, b, ethA, ethB } = twoHosts();
    const replies: Array<{ who: string; reply: EchoReply }> = [];
    for (const [who, host, peer] of [
      ['a', a, '10.0.0.2'],
      ['b', b, '10.0.0.1'],
      ['a6', a, 'fd00::2'],
      ['b6', b, 'fd00::1'],
    ] as const) {
      const echo = host.stack.echo.open();
      echo.onreply = (reply) => replies.push({ who, reply });
      for (let seq = 1; seq <= 2; seq++) {
        assert.equal(echo.send(ip(peer), seq, text(`ping ${seq}`), net.clock.now()), null);
      }
    }
    net.clock.advance(100);
    assert.deepEqual(
      replies
        .map((r) => `${r.who} ${r.reply.sequence} ${str(r.reply.data)} ttl ${r.reply.ttl}`)
        .sort(),
      [
        'a 1 ping 1 ttl 64',
        'a 2 ping 2 ttl 64',
        'a6 1 ping 1 ttl 64',
        'a6 2 ping 2 ttl 64',
        'b 1 ping 1 ttl 64',
        'b 2 ping 2 ttl 64',
        'b6 1 ping 1 ttl 64',
        'b6 2 ping 2 ttl 64',
      ],
    );
    assert.equal(formatMac(ethA.ndp.get(ip('fd00::2'))!.mac!), formatMac(ethB.mac));
    assert.ok(b.stack.counter('icmp.echoRequests') >= 2);
    assert.ok(a.stack.counter('icmpv6.echoRequests') >= 2);
  });

  test('ping to link-local addresses and to loopback', () => {
    const { net, a, ethB } = twoHosts();
    const echo = a.stack.echo.open();
    const got: string[] = [];
    echo.onreply = (r) => got.push(`${r.from.length} ${r.sequence}`);
    const linkLocalB = ethB.v6.find((x) => x.address[0] === 0xfe)!.address;
    echo.send(linkLocalB, 1, text('ll'), 0);
    echo.send(ip('127.0.0.1'), 2, text('lo'), 0);
    echo.send(ip('::1'), 3, text('lo6'), 0);
    echo.send(ip('10.0.0.1'), 4, text('self'), 0);
    net.clock.runUntilIdle(10_000);
    assert.deepEqual(got.sort(), ['16 1', '16 3', '4 2', '4 4']);
  });

  test('port unreachable: a connected socket gets ECONNREFUSED, an unconnected one nothing', () => {
    for (const [family, peer] of [
      [4, '10.0.0.2'],
      [6, 'fd00::2'],
    ] as const) {
      const { net, a, b } = twoHosts();
      const connected = a.stack.udp.open(family);
      const errors: string[] = [];
      connected.onerror = (err) => errors.push(err.code);
      assert.equal(connected.connect(ip(peer), 9999), null);
      assert.equal(connected.send([text('anyone?')], null, 0, net.clock.now()), 7);
      const loose = a.stack.udp.open(family);
      loose.onerror = (err) => errors.push(`loose ${err.code}`);
      loose.send([text('anyone?')], ip(peer), 9998, net.clock.now());
      net.clock.runUntilIdle(10_000);
      assert.deepEqual(errors, ['ECONNREFUSED'], `IPv${family}`);
      assert.equal(b.stack.counter(family === 4 ? 'icmp.errorsOut' : 'icmpv6.errorsOut'), 2);
    }
  });

  test('a connected socket only hears its peer', () => {
    const { net, a, b } = twoHosts();
    const server = b.stack.udp.open(4);
    server.bind(null, 4000);
    const connected = b.stack.udp.open(4);
    connected.bind(null, 4001);
    connected.connect(ip('10.0.0.1'), 5555);
    const got = collect(connected);
    const other = a.stack.udp.open(4);
    other.bind(null, 5556);
    other.send([text('not you')], ip('10.0.0.2'), 4001, 0);
    const peer = a.stack.udp.open(4);
    peer.bind(null, 5555);
    peer.send([text('you')], ip('10.0.0.2'), 4001, 0);
    net.clock.runUntilIdle(10_000);
    assert.deepEqual(
      got.map((g) => g.data),
      ['you'],
    );
  });
});

describe('broadcast, multicast, loopback', () => {
  test('limited and directed broadcast reach the other host (and this one)', () => {
    const { net, a, b } = twoHosts();
    const onB = b.stack.udp.open(4);
    onB.bind(null, 6000);
    const gotB = collect(onB);
    const onA = a.stack.udp.open(4);
    onA.bind(null, 6000);
    onA.broadcast = true;
    const gotA = collect(onA);
    assert.equal(onA.send([text('all')], ip('255.255.255.255'), 6000, 0), 3);
    assert.equal(onA.send([text('subnet')], ip('10.0.0.255'), 6000, 0), 6);
    net.clock.runUntilIdle(10_000);
    assert.deepEqual(
      gotB.map((g) => g.data),
      ['all', 'subnet'],
    );
    assert.deepEqual(
      gotA.map((g) => g.data),
      ['all', 'subnet'],
      'Linux loops broadcasts back',
    );
    assert.equal(b.stack.counter('icmp.errorsOut'), 0);
  });

  test('IPv4 and IPv6 multicast: join sends IGMP / MLD, members receive, leave stops it', () => {
    for (const [family, group] of [
      [4, '239.1.2.3'],
      [6, 'ff15::1234'],
    ] as const) {
      const { net, a, b } = twoHosts();
      const member = b.stack.udp.open(family);
      member.bind(null, 7000);
      assert.equal(member.addMembership(ip(group), null, 0), null);
      assert.equal((member.addMembership(ip(group), null, 0) as StackError).code, 'EADDRINUSE');
      const got = collect(member);
      const sender = a.stack.udp.open(family);
      sender.send([text('hello group')], ip(group), 7000, 0);
      net.clock.runUntilIdle(10_000);
      assert.deepEqual(
        got.map((g) => g.data),
        ['hello group'],
        `IPv${family}`,
      );
      assert.equal(b.stack.counter(family === 4 ? 'igmp.out' : 'mld.out'), 1);
      assert.equal(member.dropMembership(ip(group), null, net.clock.now()), null);
      sender.send([text('again')], ip(group), 7000, net.clock.now());
      net.clock.runUntilIdle(10_000);
      assert.equal(got.length, 1);
      assert.equal(b.stack.counter(family === 4 ? 'igmp.out' : 'mld.out'), 2);
    }
  });

  test('multicast loopback delivers to the sending host unless turned off', () => {
    const { net, a } = twoHosts();
    const member = a.stack.udp.open(4);
    member.bind(null, 7100);
    member.addMembership(ip('239.9.9.9'), null, 0);
    const got = collect(member);
    const sender = a.stack.udp.open(4);
    sender.send([text('loop')], ip('239.9.9.9'), 7100, 0);
    sender.multicastLoop = false;
    sender.send([text('no loop')], ip('239.9.9.9'), 7100, 0);
    net.clock.runUntilIdle(10_000);
    assert.deepEqual(
      got.map((g) => g.data),
      ['loop'],
    );
  });

  test('loopback: 127.0.0.1, ::1 and own addresses, delivered on a later poll', () => {
    const { net, a } = twoHosts();
    const server = a.stack.udp.open(6);
    server.bind(null, 8000);
    const got = collect(server);
    const c4 = a.stack.udp.open(4);
    const c6 = a.stack.udp.open(6);
    c4.send([text('v4')], ip('127.0.0.1'), 8000, 0);
    c6.send([text('v6')], ip('::1'), 8000, 0);
    c4.send([text('own')], ip('10.0.0.1'), 8000, 0);
    assert.equal(got.length, 0, 'not delivered inside send()');
    net.clock.runUntilIdle(10_000);
    assert.deepEqual(
      got.map((g) => `${g.data} ${g.from}`),
      ['v4 127.0.0.1', 'v6 ::1', 'own 10.0.0.1'],
    );
  });
});

describe('link faults', () => {
  test('loss, duplication and reordering: datagrams lost or doubled, never corrupted', () => {
    const { net, a, b, link } = twoHosts({
      seed: 42,
      conditions: { loss: 0.2, duplicate: 0.2, reorder: 0.2, latencyMs: 5 },
    });
    const server = b.stack.udp.open(4);
    server.bind(null, 9000);
    const got = collect(server);
    const client = a.stack.udp.open(4);
    // Resolve ARP first without loss, so the counts below are about data.
    link.set({ loss: 0, duplicate: 0, reorder: 0 });
    client.send([text('warm-up')], ip('10.0.0.2'), 9000, 0);
    net.clock.advance(100);
    link.set({ loss: 0.2, duplicate: 0.2, reorder: 0.2 });
    for (let i = 0; i < 200; i++) {
      client.send([text(`m${i}`)], ip('10.0.0.2'), 9000, net.clock.now());
      net.clock.advance(1);
    }
    net.clock.advance(1000);
    const data = got.slice(1).map((g) => g.data);
    const unique = new Set(data);
    assert.ok(unique.size > 120 && unique.size < 190, `${unique.size} distinct`);
    assert.ok(data.length > unique.size, 'some duplicates');
    for (const d of data) assert.match(d, /^m\d+$/);
    const order = data.map((d) => Number(d.slice(1)));
    assert.ok(
      order.some((n, i) => i > 0 && n < order[i - 1]!),
      'some reordering',
    );
    assert.ok(link.a.stats.lost > 0 && link.a.stats.duplicated > 0 && link.a.stats.reordered > 0);
  });

  test('corruption is caught by checksums and counted; nothing crashes', () => {
    const { net, a, b } = twoHosts({ seed: 7, conditions: { corrupt: 0.5 } });
    const server = b.stack.udp.open(4);
    server.bind(null, 9000);
    const got = collect(server);
    const client = a.stack.udp.open(4);
    for (let i = 0; i < 100; i++) {
      client.send([text(`payload-${i}`)], ip('10.0.0.2'), 9000, net.clock.now());
      net.clock.advance(10);
    }
    net.clock.runUntilIdle(100_000);
    for (const g of got) assert.match(g.data, /^payload-\d+$/);
    let rejected = 0;
    for (const [name, n] of b.stack.counters)
      if (/\.(checksum|malformed|truncated)$/.test(name)) rejected += n;
    assert.ok(rejected > 0, 'some corrupt frames were rejected');
    assert.ok(got.length < 100);
  });

  test('a partition drops everything until healed', () => {
    const { net, a, b, link } = twoHosts();
    const server = b.stack.udp.open(4);
    server.bind(null, 9000);
    const got = collect(server);
    const client = a.stack.udp.open(4);
    client.send([text('before')], ip('10.0.0.2'), 9000, 0);
    net.clock.advance(100);
    link.partition();
    client.send([text('during')], ip('10.0.0.2'), 9000, net.clock.now());
    net.clock.advance(100);
    link.heal();
    client.send([text('after')], ip('10.0.0.2'), 9000, net.clock.now());
    net.clock.runUntilIdle(10_000);
    assert.deepEqual(
      got.map((g) => g.data),
      ['before', 'after'],
    );
    assert.equal(link.a.stats.partitioned, 1);
  });

  test('bandwidth: 100 × 1000-byte frames at 1 Mbit/s take about 0.8 s of virtual time', () => {
    const { net, a, b } = twoHosts({ conditions: { bandwidthBps: 1_000_000, latencyMs: 0 } });
    const server = b.stack.udp.open(4);
    server.bind(null, 9000);
    let last = 0;
    let count = 0;
    server.ondatagram = () => {
      count++;
      last = net.clock.now();
    };
    const client = a.stack.udp.open(4);
    client.send([text('arp')], ip('10.0.0.2'), 9000, 0);
    net.clock.advance(100);
    const start = net.clock.now();
    const payload = new Uint8Array(1000 - 14 - 20 - 8);
    for (let i = 0; i < 100; i++) client.send([payload], ip('10.0.0.2'), 9000, net.clock.now());
    net.clock.advance(5000);
    assert.equal(count, 101);
    assert.ok(Math.abs(last - start - 800) < 1, `${last - start} ms`);
  });

  test('frames over the link MTU are dropped by the link', () => {
    const { net, a, link } = twoHosts({ conditions: { mtu: 1500 } });
    a.stack.interfaces[1]!.mtu = 9000; // misconfigured host
    const client = a.stack.udp.open(4);
    client.send([new Uint8Array(3000)], ip('10.0.0.2'), 9000, 0);
    net.clock.runUntilIdle(10_000);
    assert.equal(link.a.stats.tooBig, 1);
  });
});

void ETHERTYPE_IPV6;
void StackError;
