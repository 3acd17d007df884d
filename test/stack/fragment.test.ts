/**
 * Fragmentation and reassembly, IPv4 and IPv6: big datagrams across a
 * 1500-byte link, lost fragments and the reassembly timeout (with ICMP time
 * exceeded), reordering and duplicates, overlaps, and a flood of fragments
 * that must stay within the memory limits.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fragmentPlan, Reassembler } from '../../src/stack/fragment.js';
import { WireError } from '../../src/wire/errors.js';
import { ETHERTYPE_IPV4, emitEthernet, parseEthernet } from '../../src/wire/ethernet.js';
import { parseIcmpv4 } from '../../src/wire/icmpv4.js';
import { parseIcmpv6 } from '../../src/wire/icmpv6.js';
import { emitIpv4, IP_PROTO_UDP, parseIpv4 } from '../../src/wire/ipv4.js';
import { parseIpv6, walkIpv6Chain } from '../../src/wire/ipv6.js';
import { ip, twoHosts } from './helpers.js';

function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** Drops the frames `drop(frame, index)` picks on their way into host b. */
function filterIntoB(
  pair: ReturnType<typeof twoHosts>,
  drop: (frame: Uint8Array, index: number) => boolean,
): void {
  const deliver = pair.link.b.onframe;
  let index = 0;
  pair.link.b.onframe = (frame) => {
    if (!drop(frame, index++)) deliver(frame);
  };
}

function isFragment(frame: Uint8Array): boolean {
  const eth = parseEthernet(frame);
  if (eth instanceof WireError) return false;
  if (eth.etherType === ETHERTYPE_IPV4) {
    const pkt = parseIpv4(eth.payload);
    return !(pkt instanceof WireError) && (pkt.moreFragments || pkt.fragmentOffset > 0);
  }
  const pkt = parseIpv6(eth.payload);
  if (pkt instanceof WireError) return false;
  const chain = walkIpv6Chain(pkt.nextHeader, pkt.payload);
  return !(chain instanceof WireError) && chain.fragment !== null;
}

describe('fragmentation over the sim', () => {
  for (const [family, peer] of [
    [4, '10.0.0.2'],
    [6, 'fd00::2'],
  ] as const) {
    test(`IPv${family}: an 8 KiB datagram is fragmented and reassembled intact`, () => {
      const pair = twoHosts();
      const { net, a, b } = pair;
      const server = b.stack.udp.open(family);
      server.bind(null, 9000);
      const got: Uint8Array[] = [];
      server.ondatagram = (data) => got.push(data.slice());
      const client = a.stack.udp.open(family);
      const payload = pattern(8192);
      assert.equal(client.send([payload], ip(peer), 9000, 0), 8192);
      net.clock.advance(100);
      assert.equal(got.length, 1);
      assert.deepEqual(got[0], payload);
      assert.equal(a.stack.counter(`ipv${family}.fragmentsOut`), 6);
      const reasm = family === 4 ? b.stack.ipv4.reassembly : b.stack.ipv6.reassembly;
      assert.equal(reasm.stats.reassembled, 1);
      assert.equal(reasm.heldBytes, 0);
    });

    test(`IPv${family}: fragments in reverse order, with duplicates, still reassemble`, () => {
      const pair = twoHosts({ conditions: { duplicate: 1 } });
      const { net, a, b, link } = pair;
      const server = b.stack.udp.open(family);
      server.bind(null, 9000);
      const got: Uint8Array[] = [];
      server.ondatagram = (data) => got.push(data.slice());
      const client = a.stack.udp.open(family);
      client.send([new Uint8Array(1)], ip(peer), 9000, 0); // resolve the neighbour first
      net.clock.advance(100);
      // Hold the fragments and deliver them backwards.
      const held: Uint8Array[] = [];
      const deliver = link.b.onframe;
      link.b.onframe = (frame) => (isFragment(frame) ? held.push(frame) : deliver(frame));
      const payload = pattern(5000, 3);
      client.send([payload], ip(peer), 9000, net.clock.now());
      net.clock.advance(100);
      assert.equal(held.length, 8, '4 fragments, each duplicated');
      for (const frame of held.reverse()) deliver(frame);
      net.clock.advance(100);
      assert.equal(got.length, 3, 'the warm-up twice, the big one once');
      assert.deepEqual(got[2], payload);
    });

    test(`IPv${family}: a lost fragment times out and the sender hears "reassembly time exceeded"`, () => {
      const pair = twoHosts();
      const { net, a, b } = pair;
      const server = b.stack.udp.open(family);
      server.bind(null, 9000);
      let delivered = 0;
      server.ondatagram = () => delivered++;
      const client = a.stack.udp.open(family);
      let fragments = 0;
      filterIntoB(pair, (frame) => isFragment(frame) && ++fragments === 3);
      const icmp: number[] = [];
      const deliverA = pair.link.a.onframe;
      pair.link.a.onframe = (frame) => {
        const eth = parseEthernet(frame);
        if (!(eth instanceof WireError)) {
          if (family === 4 && eth.etherType === ETHERTYPE_IPV4) {
            const pkt = parseIpv4(eth.payload);
            if (!(pkt instanceof WireError) && pkt.protocol === 1) {
              const msg = parseIcmpv4(pkt.payload);
              if (!(msg instanceof WireError)) icmp.push(msg.type * 100 + msg.code);
            }
          } else if (family === 6) {
            const pkt = parseIpv6(eth.payload);
            if (!(pkt instanceof WireError) && pkt.nextHeader === 58) {
              const msg = parseIcmpv6(pkt.payload, pkt.src, pkt.dst);
              if (!(msg instanceof WireError) && msg.type < 128)
                icmp.push(msg.type * 100 + msg.code);
            }
          }
        }
        deliverA(frame);
      };
      client.send([pattern(8192)], ip(peer), 9000, 0);
      const timeout = family === 4 ? 30_000 : 60_000;
      net.clock.advance(timeout - 100);
      const reasm = family === 4 ? b.stack.ipv4.reassembly : b.stack.ipv6.reassembly;
      assert.equal(reasm.pending, 1);
      net.clock.advance(1000);
      assert.equal(reasm.pending, 0);
      assert.equal(reasm.stats.timedOut, 1);
      assert.equal(reasm.heldBytes, 0);
      assert.equal(delivered, 0);
      assert.deepEqual(icmp, [family === 4 ? 1101 : 301]);
    });
  }

  test('IPv4: a flood of fragments stays within the limits, and real traffic still gets through', () => {
    const pair = twoHosts();
    const { net, a, b, ethA, ethB } = pair;
    const limits = b.stack.limits;
    const reasm = b.stack.ipv4.reassembly;
    const frame = new Uint8Array(14 + 20 + 1480);
    let maxHeld = 0;
    let maxPending = 0;
    for (let i = 0; i < 5000; i++) {
      emitEthernet(frame, 0, ethB.mac, ethA.mac, ETHERTYPE_IPV4);
      emitIpv4(frame, 14, {
        identification: i & 0xffff,
        moreFragments: true,
        fragmentOffset: (i % 7) * 1480,
        ttl: 64,
        protocol: IP_PROTO_UDP,
        src: Uint8Array.of(10, 0, (i >>> 8) & 0xff, i & 0xff),
        dst: ip('10.0.0.2'),
        payloadLength: 1480,
      });
      b.stack.input(ethB, frame.slice(), i);
      maxHeld = Math.max(maxHeld, reasm.heldBytes);
      maxPending = Math.max(maxPending, reasm.pending);
    }
    assert.ok(maxHeld <= limits.reassemblyBytes, `${maxHeld} bytes held`);
    assert.ok(maxPending <= limits.reassemblyDatagrams, `${maxPending} datagrams`);
    assert.ok(reasm.stats.evicted > 4000);
    const server = b.stack.udp.open(4);
    server.bind(null, 9000);
    let got: Uint8Array | null = null;
    server.ondatagram = (data) => {
      got = data.slice();
    };
    const client = a.stack.udp.open(4);
    client.send([pattern(8192, 9)], ip('10.0.0.2'), 9000, net.clock.now() + 5000);
    net.clock.advance(6000);
    assert.deepEqual(got, pattern(8192, 9));
  });
});

describe('Reassembler', () => {
  const limits = { timeoutMs: 1000, maxDatagrams: 4, maxBytes: 4096, maxPayload: 65515 };

  test('overlaps drop the datagram; exact duplicates are ignored', () => {
    const r = new Reassembler(limits);
    assert.equal(r.add('k', 0, true, new Uint8Array(16), 0), null);
    assert.equal(r.add('k', 0, true, new Uint8Array(16), 0), null, 'duplicate');
    assert.equal(r.pending, 1);
    assert.equal(r.add('k', 8, true, new Uint8Array(16), 0), null, 'overlap');
    assert.equal(r.pending, 0);
    assert.equal(r.stats.overlaps, 1);
  });

  test('bad sizes are refused: unaligned middle fragments, past 65535', () => {
    const r = new Reassembler(limits);
    assert.equal(r.add('a', 0, true, new Uint8Array(13), 0), null);
    assert.equal(r.add('b', 65512, false, new Uint8Array(8), 0), null);
    assert.equal(r.stats.invalid, 2);
    assert.equal(r.pending, 0);
  });

  test('completes in any order; the last fragment fixes the length', () => {
    const r = new Reassembler(limits);
    assert.equal(r.add('x', 16, false, Uint8Array.of(3, 3), 0), null);
    assert.equal(r.add('x', 8, true, new Uint8Array(8).fill(2), 0), null);
    const done = r.add('x', 0, true, new Uint8Array(8).fill(1), 0, 'first');
    assert.ok(done !== null);
    assert.equal(done.payload.length, 18);
    assert.equal(done.first, 'first');
    assert.deepEqual([...done.payload.subarray(6, 10)], [1, 1, 2, 2]);
  });

  test('memory and count limits evict the oldest; timeouts expire', () => {
    const r = new Reassembler(limits);
    for (let i = 0; i < 10; i++) r.add(`d${i}`, 0, true, new Uint8Array(1024), i);
    assert.ok(r.heldBytes <= 4096);
    assert.ok(r.pending <= 4);
    assert.ok(r.stats.evicted >= 6);
    assert.equal(r.nextDeadline(), 6 + 1000);
    assert.equal(r.poll(2000).length, r.stats.timedOut);
    assert.equal(r.pending, 0);
    assert.equal(r.heldBytes, 0);
  });

  test('fragmentPlan cuts at multiples of 8', () => {
    assert.deepEqual(fragmentPlan(3000, 1480), [
      [0, 1480],
      [1480, 1480],
      [2960, 40],
    ]);
    assert.deepEqual(fragmentPlan(100, 5), []);
  });
});
