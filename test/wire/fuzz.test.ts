/**
 * Every parser, given any byte string, returns either a value or a
 * `WireError` — never throws. Inputs mix random bytes with mutations of
 * valid packets, so the deeper branches are reached too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseArp } from '../../src/wire/arp.js';
import { pseudoHeaderSumV4 } from '../../src/wire/checksum.js';
import { WireError } from '../../src/wire/errors.js';
import { parseEthernet } from '../../src/wire/ethernet.js';
import { parseIcmpv4 } from '../../src/wire/icmpv4.js';
import { parseIcmpv6, parseMld, parseNdp } from '../../src/wire/icmpv6.js';
import { parseIgmp } from '../../src/wire/igmp.js';
import { parseIpv4 } from '../../src/wire/ipv4.js';
import { parseIpv6, walkIpv6Chain } from '../../src/wire/ipv6.js';
import { parsePcap } from '../../src/wire/pcap.js';
import { parseTcp } from '../../src/wire/tcp.js';
import { parseUdp } from '../../src/wire/udp.js';
import { hex } from './helpers.js';

const SEEDS = [
  hex('4500002700014000401126c30a0000020a0000011f411f4000135b7648656c6c6f20576f726c64'),
  hex('0001080006040001001122334455c0a80101000000000000c0a80102'),
  hex('9c400050000003e800000000a002faf098930000020405b40402080a0000000100000000 01030307'),
  hex(
    '6000000000140001fd000000000000000000000000000002fd000000000000000000000000000001' +
      '2c00050200000100 1100 05a9 deadbeef 01020304',
  ),
  hex('d4c3b2a1020004000000000000000000000004000100000001000000000000000100000001000000ff'),
];

/** Random bytes, or a seed packet with a few bytes changed and maybe cut short. */
const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  fc
    .tuple(
      fc.constantFrom(...SEEDS),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
    )
    .map(([seed, edits, cut]) => {
      const out = seed.slice(0, seed.length - (cut % 8 === 0 ? cut % seed.length : 0));
      for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
      return out;
    }),
);

const zero16 = new Uint8Array(16);
const PARSERS: Array<[string, (b: Uint8Array) => unknown]> = [
  ['ethernet', parseEthernet],
  ['arp', parseArp],
  ['ipv4', (b) => parseIpv4(b)],
  ['ipv4 lenient', (b) => parseIpv4(b, { verifyChecksum: false, allowTruncated: true })],
  ['ipv6', (b) => parseIpv6(b)],
  ['ipv6 chain', (b) => (b.length > 0 ? walkIpv6Chain(b[0]!, b.subarray(1)) : null)],
  ['icmpv4', parseIcmpv4],
  [
    'icmpv6/ndp/mld',
    (b) => {
      // Checksum-correct variants reach the NDP and MLD parsers.
      const msg = parseIcmpv6(b, zero16, zero16);
      if (msg instanceof WireError) return msg;
      parseMld(msg);
      return parseNdp(msg);
    },
  ],
  [
    'ndp unchecked',
    (b) =>
      b.length >= 8
        ? parseNdp({ type: b[0]!, code: 0, checksum: 0, rest: 0, body: b.subarray(8) })
        : null,
  ],
  ['igmp', parseIgmp],
  ['udp', (b) => parseUdp(b, pseudoHeaderSumV4(zero16, zero16, 17, b.length))],
  ['udp6', (b) => parseUdp(b, 0, true)],
  ['tcp', (b) => parseTcp(b, null)],
  ['pcap', parsePcap],
];

for (const [name, parse] of PARSERS) {
  test(`${name}: any bytes parse or give a WireError`, () => {
    fc.assert(
      fc.property(inputs, (bytes) => {
        const result = parse(bytes);
        assert.ok(result === null || typeof result === 'object');
        if (result instanceof WireError) {
          assert.ok(['truncated', 'malformed', 'checksum', 'unsupported'].includes(result.kind));
        }
      }),
      { numRuns: 400 },
    );
  });
}
