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
 *   was delivered) and sends it again, no retransmission timeout;
 *
 * and the record of segments in flight on its own (splits, counters, the FIN).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SentQueue } from '../../src/stack/tcp/rack-sent.js';
import { SackScoreboard } from '../../src/stack/tcp/sack-scoreboard.js';
import { dropData, pair, pattern, sha256, transfer } from './tcp-helpers.js';

const MSS = 1448;

describe('RACK-TLP', () => {
  test('25 % reordering, no loss: few needless retransmissions, all undone', () => {
    const runs = [1, 2, 3].map((seed) => {
      const counts = {
        rack: 0,
        dupThresh: 0,
        segments: 0,
        dsacks: 0,
        reordered: 0,
        rackMs: 0,
        dupThreshMs: 0,
        recoveries: 0,
        undos: 0,
      };
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
          counts.rackMs = result.elapsedMs;
          counts.recoveries = stats.fastRecoveries;
          counts.undos = stats.undos;
        } else {
          counts.dupThresh = stats.retransmits;
          counts.dupThreshMs = result.elapsedMs;
        }
      }
      return counts;
    });
    for (const c of runs) {
      assert.ok(c.reordered > c.segments / 5, `the link reordered ${c.reordered} segments`);
      // No loss: a retransmission is needless; the receiver reports most by D-SACK.
      // Most of RACK's come early, before the D-SACKs have widened its reordering
      // window, while slow start still doubles the window every round trip; and
      // the recoveries are undone (all but one at most: one whose retransmissions
      // are not all reported as duplicates stays), so they cost little time.
      assert.ok(c.rack <= c.segments / 8, `RACK: ${c.rack} of ${c.segments} segments resent`);
      assert.ok(c.dsacks <= c.rack, `${c.dsacks} D-SACKs for ${c.rack} retransmissions`);
      assert.ok(
        c.undos >= 1 && c.undos >= c.recoveries - 1,
        `${c.undos} of ${c.recoveries} recoveries undone`,
      );
      assert.ok(c.dupThresh > c.rack, `DupThresh resends more: ${c.dupThresh}, RACK ${c.rack}`);
      assert.ok(
        c.rackMs * 5 < c.dupThreshMs,
        `RACK five times faster: ${c.rackMs} ms, DupThresh ${c.dupThreshMs} ms (virtual time)`,
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

describe('the segments in flight (rack-sent.ts)', () => {
  /** The entries as [start, end, flags]. */
  const entries = (q: SentQueue) =>
    Array.from({ length: q.size }, (_, i) => {
      const e = q.at(i);
      const flags = `${e.retransmitted ? 'R' : ''}${e.sacked ? 'S' : ''}${e.lost ? 'L' : ''}`;
      return [e.start, e.end, flags];
    });

  test('a retransmission of part of a segment splits it; counters follow', () => {
    const q = new SentQueue();
    q.sent(1000, 2000, false, false, 1);
    q.sent(2000, 3000, false, false, 1);
    q.markLost(q.at(0));
    q.markLost(q.at(1));
    assert.equal(q.lostBytes, 2000);
    // Resent at a smaller MSS: [1500, 2500) straddles both.
    q.sent(1500, 2500, false, true, 5);
    assert.deepEqual(entries(q), [
      [1000, 1500, 'L'],
      [1500, 2500, 'R'],
      [2500, 3000, 'L'],
    ]);
    assert.equal(q.lostBytes, 1000);
    assert.equal(q.firstLost()?.start, 1000);
    assert.ok(q.retransmissionOutstanding(1000));
    const delivered: number[] = [];
    q.acknowledge(2700, (e) => delivered.push(e.start));
    assert.deepEqual(delivered, [1000, 1500], 'whole entries only');
    assert.deepEqual(entries(q), [[2700, 3000, 'L']]);
    assert.equal(q.lostBytes, 300);
    assert.ok(!q.retransmissionOutstanding(2700));
  });

  test('SACKed whole entries are delivered once; one with the FIN counts its data', () => {
    const q = new SentQueue();
    q.sent(0, 100, false, false, 1);
    q.sent(100, 200, false, false, 1);
    q.sent(200, 301, true, false, 1); // 100 bytes and the FIN
    const board = new SackScoreboard();
    board.update(
      [
        [150, 300],
        [50, 60],
      ],
      0,
      301,
    );
    const delivered: number[] = [];
    q.markSacked(board, (e) => delivered.push(e.start));
    assert.deepEqual(delivered, [200], 'partly SACKed entries are not delivered');
    assert.equal(q.sackedSegments, 1);
    assert.equal(q.sackedFins, 1);
    q.markSacked(board, (e) => delivered.push(e.start));
    assert.deepEqual(delivered, [200], 'not twice');
    q.acknowledge(301, (e) => delivered.push(e.start));
    assert.deepEqual(delivered, [200, 0, 100]);
    assert.equal(q.size, 0);
    assert.equal(q.sackedSegments, 0);
    assert.equal(q.sackedFins, 0);
  });
});
