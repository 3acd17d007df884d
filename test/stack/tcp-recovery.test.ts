/**
 * Loss recovery cases found on a real link (test/link/kernel-bulk.test.ts,
 * nftables loss on the kernel's side), replayed deterministically in the
 * simulator with chosen frames dropped:
 *
 * - the first segment sent at or after a recovery's `recover` point, lost:
 *   its duplicate ACKs start the next fast recovery (RFC 6582 §3.2 step 1:
 *   the ACK covers the old recovery point), not a wait for the RTO;
 * - with SACK, a partial ACK: the segment at the new SND.UNA is retransmitted
 *   at once, even with fewer than DupThresh segments SACKed above it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dropData, pair, pattern, sha256, transfer } from './tcp-helpers.js';

describe('TCP loss recovery', () => {
  for (const sack of [true, false]) {
    test(`a loss right after a recovery is fast-retransmitted too (${sack ? 'SACK' : 'no SACK'})`, () => {
      const p = pair({ latencyMs: 5 }, 1, { sack });
      let lost: number | null = null;
      let seenLost = 0;
      let highest = 0;
      let recoverPoint: number | null = null;
      let droppedSecond = false;
      dropData(p, ({ seq, len }) => {
        const end = (seq + len) >>> 0;
        // The third segment of the initial window is lost once.
        if (lost === null) lost = (seq + 2 * len) >>> 0;
        if (seq === lost) {
          seenLost++;
          if (seenLost === 1) {
            highest = Math.max(highest, end);
            return true;
          }
          // Its fast retransmit: `recover` is the end of everything sent so far.
          if (recoverPoint === null) recoverPoint = highest;
          return false;
        }
        highest = Math.max(highest, end);
        // Then the first segment sent at the recovery point is lost once.
        if (recoverPoint !== null && seq === recoverPoint && !droppedSecond) {
          droppedSecond = true;
          return true;
        }
        return false;
      });
      const data = pattern(200_000, 11);
      const result = transfer(p, data);
      assert.ok(result.finished, result.error ?? 'not finished');
      assert.equal(result.hash, sha256(data));
      assert.ok(droppedSecond, 'the segment at the recovery point was dropped');
      assert.equal(result.client.stats.timeouts, 0, 'no RTO');
      assert.equal(result.client.stats.fastRecoveries, 2);
    });
  }

  test('SACK: a partial ACK retransmits the segment at SND.UNA at once', () => {
    const p = pair({ latencyMs: 5 }, 1, { sack: true });
    // Ten full segments: the initial window. The 3rd and the 8th are lost once; after the 3rd
    // is repaired, the ACK stops at the 8th with only two segments SACKed above it.
    let base: number | null = null;
    let size = 0;
    const dropped = new Set<number>();
    dropData(p, ({ seq, len }) => {
      if (base === null) {
        base = seq;
        size = len;
      }
      const index = (seq - base) / size;
      if ((index === 2 || index === 7) && !dropped.has(index)) {
        dropped.add(index);
        return true;
      }
      return false;
    });
    const data = pattern(10 * 1448, 5);
    const result = transfer(p, data);
    assert.equal(size, 1448, 'full-sized segments');
    assert.ok(result.finished, result.error ?? 'not finished');
    assert.equal(result.hash, sha256(data));
    assert.equal(dropped.size, 2);
    assert.equal(result.client.stats.timeouts, 0, 'no RTO');
    assert.equal(result.client.stats.fastRecoveries, 1);
  });
});
