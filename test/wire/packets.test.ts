/**
 * Known packets (bytes checked by hand or computed by an independent
 * implementation) and emit → parse round trips for every format.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ARP_REPLY, ARP_REQUEST, emitArp, parseArp } from '../../src/wire/arp.js';
import { pseudoHeaderSum, pseudoHeaderSumV4 } from '../../src/wire/checksum.js';
import {
  BROADCAST_MAC,
  ETHERTYPE_ARP,
  emitEthernet,
  formatMac,
  multicastMacV4,
  multicastMacV6,
  parseEthernet,
  parseMac,
} from '../../src/wire/ethernet.js';
import { echoRest, emitIcmpv4, ICMPV4_ECHO_REQUEST, parseIcmpv4 } from '../../src/wire/icmpv4.js';
import {
  emitIcmpv6,
  emitNdpLinkOption,
  ICMPV6_ECHO_REQUEST,
  NA_SOLICITED,
  NDP_NEIGHBOR_ADVERT,
  NDP_NEIGHBOR_SOLICIT,
  NDP_OPT_SOURCE_LL,
  NDP_OPT_TARGET_LL,
  parseIcmpv6,
  parseNdp,
  solicitedNodeAddress,
} from '../../src/wire/icmpv6.js';
import { emitIgmp, IGMP_V2_REPORT, parseIgmp } from '../../src/wire/igmp.js';
import { parseIPv6 } from '../../src/wire/ip-address.js';
import { formatIPv6 } from '../../src/wire/ip-format.js';
import {
  emitIpv4,
  IP_PROTO_TCP,
  IP_PROTO_UDP,
  IPV4_ROUTER_ALERT,
  parseIpv4,
  setIpv4Ttl,
} from '../../src/wire/ipv4.js';
import {
  emitIpv6,
  emitIpv6Fragment,
  emitIpv6RouterAlert,
  IPV6_FRAGMENT,
  IPV6_HOP_BY_HOP,
  parseIpv6,
  walkIpv6Chain,
} from '../../src/wire/ipv6.js';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  parsePcap,
  pcapGlobalHeader,
  pcapRecord,
} from '../../src/wire/pcap.js';
import { emitTcp, parseTcp, TCP_ACK, TCP_SYN, tcpHeaderLength } from '../../src/wire/tcp.js';
import { emitUdp, parseUdp } from '../../src/wire/udp.js';
import { fails, hex, ok, toHex } from './helpers.js';

const ip = (text: string): Uint8Array => {
  if (text.includes(':')) return parseIPv6(text)!;
  return Uint8Array.from(text.split('.').map(Number));
};

describe('Ethernet and ARP', () => {
  test('an ARP request (RFC 826) from 192.168.1.1 for 192.168.1.2, byte by byte', () => {
    const frame = hex(`
      ffffffffffff 001122334455 0806
      0001 0800 06 04 0001 001122334455 c0a80101 000000000000 c0a80102
      000000000000000000000000000000000000`); // padded to 60 bytes
    const eth = ok(parseEthernet(frame));
    assert.equal(eth.etherType, ETHERTYPE_ARP);
    assert.equal(formatMac(eth.src), '00:11:22:33:44:55');
    const arp = ok(parseArp(eth.payload));
    assert.equal(arp.operation, ARP_REQUEST);
    assert.deepEqual([...arp.senderIp], [192, 168, 1, 1]);
    assert.deepEqual([...arp.targetIp], [192, 168, 1, 2]);

    const out = new Uint8Array(42);
    emitEthernet(out, 0, BROADCAST_MAC, parseMac('00:11:22:33:44:55')!, ETHERTYPE_ARP);
    emitArp(out, 14, arp);
    assert.equal(toHex(out), toHex(frame.subarray(0, 42)));
  });

  test('ARP rejects other hardware types and truncation', () => {
    fails(parseArp(hex('0006 0800 0604 0001')), 'unsupported');
    fails(parseArp(hex('0001 0800 0604 0002 0011')), 'truncated');
    fails(parseArp(hex('000108000604 0009'.padEnd(57, '0'))), 'unsupported');
    fails(parseEthernet(hex('ffffffffffff')), 'truncated');
    fails(parseEthernet(hex('ffffffffffff 001122334455 0040')), 'unsupported');
  });

  test('ARP round trip', () => {
    const packet = {
      operation: ARP_REPLY,
      senderMac: hex('020000000001'),
      senderIp: ip('10.0.0.1'),
      targetMac: hex('020000000002'),
      targetIp: ip('10.0.0.2'),
    };
    const buf = new Uint8Array(28);
    emitArp(buf, 0, packet);
    const back = ok(parseArp(buf));
    assert.deepEqual({ ...back }, packet);
  });

  test('multicast MACs (RFC 1112 §6.4, RFC 2464 §7)', () => {
    assert.equal(formatMac(multicastMacV4(ip('239.129.2.3'))), '01:00:5e:01:02:03');
    assert.equal(formatMac(multicastMacV6(ip('ff02::1:ff00:1'))), '33:33:ff:00:00:01');
    assert.equal(parseMac('zz:00:00:00:00:00'), null);
  });
});

describe('IPv4 and UDP', () => {
  // 10.0.0.2:8001 → 10.0.0.1:8000 "Hello World", DF, id 1, TTL 64 (checksums
  // computed independently: IP 26c3, UDP 5b76).
  const known = hex(
    '4500002700014000401126c30a0000020a0000011f411f4000135b7648656c6c6f20576f726c64',
  );

  test('parses the known datagram', () => {
    const pkt = ok(parseIpv4(known));
    assert.equal(pkt.totalLength, 39);
    assert.equal(pkt.identification, 1);
    assert.ok(pkt.dontFragment);
    assert.equal(pkt.ttl, 64);
    assert.equal(pkt.protocol, IP_PROTO_UDP);
    const sum = pseudoHeaderSumV4(pkt.src, pkt.dst, IP_PROTO_UDP, pkt.payload.length);
    const udp = ok(parseUdp(pkt.payload, sum));
    assert.equal(udp.srcPort, 8001);
    assert.equal(udp.dstPort, 8000);
    assert.equal(udp.checksum, 0x5b76);
    assert.equal(new TextDecoder().decode(udp.payload), 'Hello World');
  });

  test('emits the same bytes', () => {
    const out = new Uint8Array(39);
    out.set(new TextEncoder().encode('Hello World'), 28);
    const src = ip('10.0.0.2');
    const dst = ip('10.0.0.1');
    emitUdp(out, 20, 8001, 8000, 11, pseudoHeaderSumV4(src, dst, IP_PROTO_UDP, 19));
    emitIpv4(out, 0, {
      identification: 1,
      dontFragment: true,
      ttl: 64,
      protocol: IP_PROTO_UDP,
      src,
      dst,
      payloadLength: 19,
    });
    assert.equal(toHex(out), toHex(known));
  });

  test('rejects corruption, bad versions and lengths', () => {
    const bad = known.slice();
    bad[15] ^= 1;
    fails(parseIpv4(bad), 'checksum');
    const udpBad = known.slice();
    udpBad[30] ^= 1;
    const pkt = ok(parseIpv4(udpBad));
    fails(
      parseUdp(pkt.payload, pseudoHeaderSumV4(pkt.src, pkt.dst, 17, pkt.payload.length)),
      'checksum',
    );
    fails(parseIpv4(known.subarray(0, 30)), 'truncated');
    const v6 = known.slice();
    v6[0] = 0x65;
    fails(parseIpv4(v6), 'malformed');
    fails(parseUdp(hex('1f411f400004 0000'), null), 'malformed');
    // a zero UDP checksum means "none" over IPv4 and is an error over IPv6
    ok(parseUdp(hex('1f411f40000800 00'), 0));
    fails(parseUdp(hex('1f411f40000800 00'), 0, true), 'checksum');
  });

  test('trailing link padding is ignored', () => {
    const padded = new Uint8Array(60);
    padded.set(known);
    assert.equal(ok(parseIpv4(padded)).payload.length, 19);
  });

  test('options are skipped and checked; TTL rewrite keeps the checksum right', () => {
    const buf = new Uint8Array(24 + 8);
    const len = emitIpv4(buf, 0, {
      identification: 7,
      ttl: 1,
      protocol: 2,
      src: ip('10.0.0.1'),
      dst: ip('224.0.0.22'),
      options: IPV4_ROUTER_ALERT,
      payloadLength: 8,
    });
    assert.equal(len, 24);
    const pkt = ok(parseIpv4(buf));
    assert.equal(toHex(pkt.options), '94040000');
    setIpv4Ttl(buf, 200);
    assert.equal(ok(parseIpv4(buf)).ttl, 200);
    const broken = buf.slice();
    broken[21] = 9; // option length past the header
    fails(parseIpv4(broken, { verifyChecksum: false }), 'malformed');
  });

  test('round trip (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          identification: fc.integer({ min: 0, max: 0xffff }),
          dontFragment: fc.boolean(),
          moreFragments: fc.boolean(),
          fragmentOffset: fc.integer({ min: 0, max: 8191 }).map((n) => n * 8),
          ttl: fc.integer({ min: 0, max: 255 }),
          protocol: fc.integer({ min: 0, max: 255 }),
          dscp: fc.integer({ min: 0, max: 63 }),
          src: fc.uint8Array({ minLength: 4, maxLength: 4 }),
          dst: fc.uint8Array({ minLength: 4, maxLength: 4 }),
        }),
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (fields, payload, sport, dport) => {
          const buf = new Uint8Array(28 + payload.length);
          buf.set(payload, 28);
          const sum = pseudoHeaderSum(fields.src, fields.dst, IP_PROTO_UDP, 8 + payload.length);
          emitUdp(buf, 20, sport, dport, payload.length, sum);
          emitIpv4(buf, 0, { ...fields, payloadLength: 8 + payload.length });
          const pkt = ok(parseIpv4(buf));
          assert.equal(pkt.identification, fields.identification);
          assert.equal(pkt.dontFragment, fields.dontFragment);
          assert.equal(pkt.moreFragments, fields.moreFragments);
          assert.equal(pkt.fragmentOffset, fields.fragmentOffset);
          assert.equal(pkt.ttl, fields.ttl);
          assert.equal(pkt.dscp, fields.dscp);
          assert.deepEqual([...pkt.src], [...fields.src]);
          const udp = ok(parseUdp(pkt.payload, sum));
          assert.equal(udp.srcPort, sport);
          assert.equal(udp.dstPort, dport);
          assert.deepEqual([...udp.payload], [...payload]);
        },
      ),
    );
  });
});

describe('ICMPv4 and IGMP', () => {
  test('an echo request round trip; corruption fails the checksum', () => {
    const buf = new Uint8Array(8 + 4);
    buf.set([1, 2, 3, 4], 8);
    emitIcmpv4(buf, 0, ICMPV4_ECHO_REQUEST, 0, echoRest(0x1234, 7), 4);
    const msg = ok(parseIcmpv4(buf));
    assert.equal(msg.type, ICMPV4_ECHO_REQUEST);
    assert.equal(msg.rest >>> 16, 0x1234);
    assert.equal(msg.rest & 0xffff, 7);
    buf[9] ^= 0x80;
    fails(parseIcmpv4(buf), 'checksum');
    fails(parseIcmpv4(buf.subarray(0, 5)), 'truncated');
  });

  test('IGMPv2 report for 224.0.0.251 is 16 00 09 04 e0 00 00 fb', () => {
    const buf = new Uint8Array(8);
    emitIgmp(buf, 0, IGMP_V2_REPORT, 0, ip('224.0.0.251'));
    assert.equal(toHex(buf), '16000904e00000fb');
    assert.deepEqual([...ok(parseIgmp(buf)).group], [224, 0, 0, 251]);
  });
});

describe('IPv6, ICMPv6 and NDP', () => {
  const s6 = ip('fd00::2');
  const d6 = ip('fd00::1');

  test('an echo request fd00::2 → fd00::1 has checksum 94ae (computed independently)', () => {
    const buf = new Uint8Array(12);
    buf.set(new TextEncoder().encode('ping'), 8);
    emitIcmpv6(buf, 0, s6, d6, ICMPV6_ECHO_REQUEST, 0, echoRest(0x1234, 1), 4);
    assert.equal(toHex(buf), '800094ae12340001' + '70696e67');
    const msg = ok(parseIcmpv6(buf, s6, d6));
    assert.equal(msg.type, ICMPV6_ECHO_REQUEST);
    fails(
      parseIcmpv6(
        buf,
        d6,
        s6.map((b, i) => (i === 15 ? 3 : b)),
      ),
      'checksum',
    );
  });

  test('a neighbor solicitation with a source link-layer option round-trips', () => {
    const target = ip('fe80::1');
    const mac = hex('020000000002');
    const buf = new Uint8Array(8 + 16 + 8);
    buf.set(target, 8);
    emitNdpLinkOption(buf, 24, NDP_OPT_SOURCE_LL, mac);
    const dst = solicitedNodeAddress(target);
    assert.equal(formatIPv6(dst), 'ff02::1:ff00:1');
    emitIcmpv6(buf, 0, s6, dst, NDP_NEIGHBOR_SOLICIT, 0, 0, 24);
    const ndp = ok(parseNdp(ok(parseIcmpv6(buf, s6, dst))));
    assert.deepEqual([...ndp.target!], [...target]);
    assert.deepEqual([...ndp.options.sourceLinkAddress!], [...mac]);
  });

  test('NDP option errors', () => {
    const buf = new Uint8Array(8 + 16 + 8);
    buf[24] = NDP_OPT_TARGET_LL;
    buf[25] = 0; // zero length is forbidden (RFC 4861 §4.6)
    emitIcmpv6(buf, 0, s6, d6, NDP_NEIGHBOR_ADVERT, 0, NA_SOLICITED, 24);
    fails(parseNdp(ok(parseIcmpv6(buf, s6, d6))), 'malformed');
  });

  test('header with hop-by-hop router alert and a fragment header: the chain walk', () => {
    const buf = new Uint8Array(40 + 8 + 8 + 4);
    emitIpv6(buf, 0, {
      payloadLength: 20,
      nextHeader: IPV6_HOP_BY_HOP,
      hopLimit: 1,
      src: s6,
      dst: d6,
      flowLabel: 0xabcde,
      trafficClass: 0x12,
    });
    emitIpv6RouterAlert(buf, 40, IPV6_FRAGMENT);
    emitIpv6Fragment(buf, 48, {
      nextHeader: 17,
      offset: 1448,
      more: true,
      identification: 0xdeadbeef,
    });
    const pkt = ok(parseIpv6(buf));
    assert.equal(pkt.flowLabel, 0xabcde);
    assert.equal(pkt.trafficClass, 0x12);
    const chain = ok(walkIpv6Chain(pkt.nextHeader, pkt.payload));
    assert.equal(chain.protocol, IPV6_FRAGMENT);
    assert.equal(chain.offset, 16);
    assert.deepEqual(chain.fragment, {
      headerOffset: 8,
      nextHeader: 17,
      offset: 1448,
      more: true,
      identification: 0xdeadbeef,
    });
    fails(parseIpv6(buf.subarray(0, 50)), 'truncated');
    const hbhLate = buf.slice();
    hbhLate[48] = IPV6_HOP_BY_HOP;
    hbhLate[50] = 0; // not a fragment any more: make 44 → 0 via the router alert's next header
    hbhLate[40] = IPV6_HOP_BY_HOP;
    fails(walkIpv6Chain(IPV6_HOP_BY_HOP, ok(parseIpv6(hbhLate)).payload), 'malformed');
  });
});

describe('TCP', () => {
  // A Linux-style SYN: 10.0.0.2:40000 → 10.0.0.1:80, seq 1000, MSS 1460,
  // SACK-permitted, timestamps 1/0, NOP, window scale 7; checksum 9893
  // computed independently.
  const syn = hex(
    '9c400050000003e800000000a002faf09893000002040 5b4 0402 080a 00000001 00000000 01 030307',
  );
  const src = ip('10.0.0.2');
  const dst = ip('10.0.0.1');

  test('parses a known SYN with its options', () => {
    const seg = ok(parseTcp(syn, pseudoHeaderSumV4(src, dst, IP_PROTO_TCP, syn.length)));
    assert.equal(seg.srcPort, 40000);
    assert.equal(seg.seq, 1000);
    assert.equal(seg.flags, TCP_SYN);
    assert.equal(seg.window, 64240);
    assert.deepEqual(seg.options, {
      mss: 1460,
      sackPermitted: true,
      timestamps: { value: 1, echo: 0 },
      windowScale: 7,
    });
    const bad = syn.slice();
    bad[4] ^= 1;
    fails(parseTcp(bad, pseudoHeaderSumV4(src, dst, IP_PROTO_TCP, syn.length)), 'checksum');
  });

  test('option errors are malformed', () => {
    const withBadMss = hex('9c400050000003e800000000 6002faf0 0000 0000 02030000');
    fails(parseTcp(withBadMss, null), 'malformed');
    fails(parseTcp(hex('9c400050000003e800000000 f002faf0 0000 0000'), null), 'truncated');
    fails(parseTcp(hex('9c400050000003e800000000 4002faf0 0000 0000'), null), 'malformed');
  });

  test('round trip with every option (property)', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            mss: fc.integer({ min: 0, max: 0xffff }),
            windowScale: fc.integer({ min: 0, max: 14 }),
            sackPermitted: fc.constant(true),
            sack: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
            timestamps: fc.record({ value: fc.nat(), echo: fc.nat() }),
          },
          { requiredKeys: [] },
        ),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (options, payload, seq) => {
          // A SYN carries no SACK blocks; keep the header within 60 bytes.
          if (options.sack && options.timestamps && options.mss !== undefined) delete options.sack;
          const headerLength = tcpHeaderLength(options);
          if (headerLength > 60) return;
          const buf = new Uint8Array(headerLength + payload.length);
          buf.set(payload, headerLength);
          const sum = pseudoHeaderSumV4(src, dst, IP_PROTO_TCP, buf.length);
          const written = emitTcp(
            buf,
            0,
            { srcPort: 1, dstPort: 2, seq, ack: 5, flags: TCP_ACK, window: 100, options },
            payload.length,
            sum,
          );
          assert.equal(written, headerLength);
          const seg = ok(parseTcp(buf, sum));
          assert.equal(seg.seq, seq);
          assert.deepEqual(seg.options, JSON.parse(JSON.stringify(options)));
          assert.deepEqual([...seg.payload], [...payload]);
        },
      ),
    );
  });
});

describe('pcap', () => {
  test('writes the libpcap global header and records, and reads them back', () => {
    const header = pcapGlobalHeader(LINKTYPE_ETHERNET);
    assert.equal(
      toHex(header),
      'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000',
    );
    const record = pcapRecord(1500.25, hex('0102030405'));
    // 1 s, 500250 µs, 5 captured, 5 on the wire
    assert.equal(toHex(record.subarray(0, 16)), '010000001aa20700050000000500000000'.slice(0, 32));
    const file = new Uint8Array(header.length + record.length);
    file.set(header);
    file.set(record, header.length);
    const parsed = ok(parsePcap(file));
    assert.equal(parsed.linkType, LINKTYPE_ETHERNET);
    assert.equal(parsed.packets.length, 1);
    assert.equal(parsed.packets[0]!.timeMs, 1500.25);
    assert.equal(toHex(parsed.packets[0]!.data), '0102030405');
    fails(parsePcap(file.subarray(0, file.length - 1)), 'truncated');
    fails(parsePcap(new Uint8Array(24)), 'malformed');
  });

  test('reads big-endian nanosecond files', () => {
    const file = hex(
      'a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065' +
        '00000002 000003e8 00000001 00000001 45',
    );
    const parsed = ok(parsePcap(file));
    assert.equal(parsed.linkType, LINKTYPE_RAW);
    assert.ok(parsed.nanosecond);
    assert.equal(parsed.packets[0]!.timeMs, 2000.001);
  });
});
