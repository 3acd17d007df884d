/**
 * Undoing needless window reductions (src/stack/tcp/undo.ts) in the
 * simulator, seeded and in virtual time:
 *
 * - one segment held back by the link past RACK's reordering window: it is
 *   resent and the window cut, then the original arrives after the resend,
 *   the receiver reports it in a D-SACK block (RFC 2883), and the cut is
 *   undone (RFC 3708) — the slow-start threshold is back where it was;
 * - every ACK held back for longer than the retransmission timeout: the
 *   timeout fires and resends, then the held ACKs arrive echoing timestamps
 *   older than the resend (Eifel, RFC 3522) and the timeout's cut is undone
 *   (RFC 4015);
 * - a link that reorders a quarter of the segments and loses none: the
 *   recoveries it draws are undone;
 *
 * and the episode bookkeeping on its own.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CongestionUndo } from '../../src/stack/tcp/undo.js';
import { dataSegment, pair, pattern, sha256, transfer } from './tcp-helpers.js';

const MSS = 1448;
/** The initial slow-start threshold: no reduction happened, or every one was undone. */
const NO_THRESHOLD = Number.MAX_SAFE_INTEGER;

describe('undoing needless window reductions', () => {
  test('a segment held past the reordering window: resent, D-SACKed, the cut undone', () => {
    const p = pair({ latencyMs: 5 }, 1);
    const data = pattern(2000 * MSS, 5);
    let base: number | null = null;
    let held = 0;
    p.link.filter((now, frame, from) => {
      if (from !== p.link.a) return 'pass';
      const seg = dataSegment(frame);
      if (seg === null) return 'pass';
      base ??= seg.seq;
      if ((seg.seq - base) / MSS !== 40 || held > 0) return 'pass';
      held++;
      // Arrives 40 ms late: after RACK resent it, and after the resend arrived.
      p.net.clock.schedule(now + 45, p.link.b.arrive, frame.slice());
      return 'drop';
    });
    const result = transfer(p, data);
    assert.ok(result.finished, result.error ?? 'not finished');
    assert.equal(result.hash, sha256(data));
    assert.equal(held, 1);
    const stats = result.client.stats;
    assert.equal(stats.fastRecoveries, 1, 'one recovery');
    assert.ok(stats.retransmits >= 1, 'the held segment was resent');
    assert.ok(stats.dsacksReceived >= 1, 'the late original was reported');
    assert.equal(stats.undos, 1);
    assert.equal(stats.timeouts, 0);
    assert.equal(result.client.cc.ssthresh, NO_THRESHOLD, 'the threshold is restored');
  });

  test('ACKs held past the retransmission timeout: a spurious timeout, found by timestamps and undone', () => {
    const p = pair({ latencyMs: 5 }, 2);
    const data = pattern(2000 * MSS, 6);
    const HOLD_FROM = 80;
    const RELEASE_AT = 600;
    let held = 0;
    p.link.filter((now, frame, from) => {
      if (from !== p.link.b || now < HOLD_FROM || now >= RELEASE_AT) return 'pass';
      // Every frame from the receiver in the window arrives at the release, in order.
      held++;
      p.net.clock.schedule(RELEASE_AT + 5 + held * 0.001, p.link.a.arrive, frame.slice());
      return 'drop';
    });
    const result = transfer(p, data);
    assert.ok(result.finished, result.error ?? 'not finished');
    assert.equal(result.hash, sha256(data));
    assert.ok(held > 0);
    const stats = result.client.stats;
    assert.ok(stats.timeouts >= 1, 'the retransmission timer fired');
    assert.ok(stats.undos >= 1, 'the timeout was found spurious');
    assert.equal(result.client.cc.ssthresh, NO_THRESHOLD, 'the threshold is restored');
    assert.ok(result.client.cc.cwnd > 10 * MSS, `the window is back: ${result.client.cc.cwnd}`);
  });

  test('25 % reordering, no loss: the recoveries are undone', () => {
    for (const seed of [1, 2, 3]) {
      const p = pair({ latencyMs: 10, reorder: 0.25 }, seed);
      const data = pattern(2_000_000, seed);
      const result = transfer(p, data);
      assert.ok(result.finished, result.error ?? 'not finished');
      assert.equal(result.hash, sha256(data));
      assert.equal(p.link.a.stats.lost + p.link.b.stats.lost, 0);
      const stats = result.client.stats;
      assert.ok(stats.fastRecoveries > 0, `seed ${seed}: the reordering drew recoveries`);
      assert.ok(
        stats.undos * 2 >= stats.fastRecoveries,
        `seed ${seed}: ${stats.undos} of ${stats.fastRecoveries} recoveries undone`,
      );
    }
  });
});

describe('the undo episode (undo.ts)', () => {
  test('undone when every retransmission is D-SACKed; a network duplicate does not count', () => {
    const u = new CongestionUndo();
    u.begin(20_000, 50_000, false);
    u.retransmitted(1000, 2000, 10);
    u.retransmitted(5000, 6000, 11);
    assert.equal(u.dsack(3000, 4000), false, 'data never resent');
    assert.equal(u.dsack(1000, 2000), false, 'one of two');
    assert.equal(u.dsack(1000, 2000), false, 'the same one again');
    assert.equal(u.dsack(5000, 6000), true, 'both');
    assert.equal(u.priorCwnd, 20_000);
    assert.equal(u.priorSsthresh, 50_000);
    u.close();
    assert.equal(u.undoable, false);
    assert.equal(u.dsack(5000, 6000), false, 'decided once');
  });

  test('Eifel: the first ACK covering the first resend decides, by its echo', () => {
    const spurious = new CongestionUndo();
    spurious.begin(20_000, 50_000, false);
    spurious.retransmitted(1000, 2000, 100);
    assert.equal(spurious.acknowledged(1500, 90), false, 'not yet covered');
    assert.equal(spurious.acknowledged(2000, 99), true, 'the original was acknowledged');

    const needed = new CongestionUndo();
    needed.begin(20_000, 50_000, false);
    needed.retransmitted(1000, 2000, 100);
    assert.equal(needed.acknowledged(2000, 100), false, 'the resend was acknowledged');
    assert.equal(needed.acknowledged(3000, 50), false, 'only the first covering ACK decides');
  });

  test('a timeout inside an open episode keeps the window from before it', () => {
    const u = new CongestionUndo();
    u.begin(40_000, NO_THRESHOLD, false);
    u.retransmitted(1000, 2000, 5);
    u.begin(28_000, 28_000, true);
    assert.equal(u.priorCwnd, 40_000);
    assert.equal(u.priorSsthresh, NO_THRESHOLD);
    u.begin(28_000, 28_000, false);
    assert.equal(u.priorCwnd, 28_000, 'a new episode');
  });
});
