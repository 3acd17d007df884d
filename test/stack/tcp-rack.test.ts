/**
 * RACK-TLP (RFC 8985) in the simulator, seeded and in virtual time, each case
 * run with RACK on (the default with SACK) and off (RFC 6675's duplicate-ACK
 * threshold) so that the difference RACK makes is what is checked:
 *
 * - 25 % reordering and no loss: every retransmission is needless; RACK's
 *   reordering window keeps them few, where DupThresh resends a segment for
 *   most reorderings;
 * - the last segments of a transfer lost: the tail loss probe repairs them,
 *   no retransmission timeout;
 * - a retransmission lost too: RACK finds it by time (a segment sent after it
 *   was delivered) and sends it again, no retransmission timeout.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dropData, pair, pattern, sha256, transfer } from './tcp-helpers.js';

const MSS = 1448;

describe('RACK-TLP', () => {
  test('25 % reordering, no loss: few needless retransmissions', () => {
    const runs = [1, 2, 3].map((seed) => {
      const counts = { rack: 0, dupThresh: 0, segments: 0, dsacks: 0, reordered: 0 };
      for (const rack of [true, false]) {
        const p = pair({ latencyMs: 10, reorder: 0.25 }, seed, { rack });
        const data = pattern(2_000_000, seed);
        const result = transfer(p, data);
        assert.ok(result.finished, result.error ?? 'not finished');
        assert.equal(result.hash, sha256(data));
        const stats = result.client.stats;
        assert.equal(p.link.a.stats.lost + p.link.b.stats.lost, 0);
        if (rack) {
          counts.rack = stats.retransmits;
          counts.segments = Math.ceil(data.length / MSS);
          counts.dsacks = stats.dsacksReceived;
          counts.reordered = p.link.a.stats.reordered;
        } else counts.dupThresh = stats.retransmits;
      }
      return counts;
    });
    for (const c of runs) {
      assert.ok(c.reordered > c.segments / 5, `the link reordered ${c.reordered} segments`);
      // No loss: a retransmission is needless; the receiver reports most by D-SACK.
      assert.ok(c.rack <= c.segments / 50, `RACK: ${c.rack} of ${c.segments} segments resent`);
      assert.ok(c.dsacks <= c.rack, `${c.dsacks} D-SACKs for ${c.rack} retransmissions`);
      assert.ok(
        c.dupThresh >= 5 * c.rack,
        `DupThresh resends many more: ${c.dupThresh}, RACK ${c.rack}`,
      );
    }
  });

  for (const rack of [true, false]) {
    test(`the last two segments lost: ${rack ? 'a tail loss probe repairs them' : 'RACK off, the RTO does'}`, () => {
      const p = pair({ latencyMs: 5 }, 1, { rack });
      const data = pattern(20 * MSS, 3);
      let base: number | null = null;
      const dropped = new Set<number>();
      dropData(p, ({ seq }) => {
        base ??= seq;
        const index = (seq - base) / MSS;
        if (index >= 18 && !dropped.has(index)) {
          dropped.add(index);
          return true;
        }
        return false;
      });
      const result = transfer(p, data);
      assert.ok(result.finished, result.error ?? 'not finished');
      assert.equal(result.hash, sha256(data));
      assert.equal(dropped.size, 2);
      const stats = result.client.stats;
      if (rack) {
        assert.equal(stats.timeouts, 0, 'no RTO');
        assert.equal(stats.lossProbes, 1);
      } else {
        assert.equal(stats.timeouts, 1);
        assert.equal(stats.lossProbes, 0);
      }
    });

    test(`a lost retransmission: ${rack ? 'RACK sends it again without an RTO' : 'RACK off, the RTO does'}`, () => {
      const p = pair({ latencyMs: 5 }, 1, { rack });
      const data = pattern(200 * MSS, 4);
      let base: number | null = null;
      let copies = 0;
      dropData(p, ({ seq }) => {
        base ??= seq;
        if ((seq - base) / MSS !== 5) return false;
        copies++;
        return copies <= 2; // the original and its first retransmission
      });
      const result = transfer(p, data);
      assert.ok(result.finished, result.error ?? 'not finished');
      assert.equal(result.hash, sha256(data));
      assert.equal(copies, 3, 'sent three times');
      const stats = result.client.stats;
      if (rack) assert.equal(stats.timeouts, 0, 'no RTO');
      else assert.equal(stats.timeouts, 1);
    });
  }
});
