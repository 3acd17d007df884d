/**
 * TCP runs are a function of the seed: the same seed gives a byte-identical
 * capture (faults included), another seed another one. tshark decodes
 * every segment with no malformed packet and no bad checksum, and flags
 * retransmissions only in runs where faults were injected — none in a
 * clean run. Our own parser agrees (every checksum verifies; no segment
 * sent twice in a clean run).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { LinkConditions } from '../../src/link/sim/link.js';
import { requirePeer } from '../helpers/peers.js';
import { pair, pattern, sha256, transfer } from './tcp-helpers.js';
import { readCapture, tshark } from './tcp-wire.js';

const FAULTS: Partial<LinkConditions> = {
  loss: 0.03,
  duplicate: 0.02,
  reorder: 0.03,
  jitterMs: 2,
};

/** A 256 KiB transfer a → b each way of IP, captured; returns the pcap. */
function run(seed: number, conditions: Partial<LinkConditions>): Uint8Array {
  const p = pair({ latencyMs: 5, ...conditions }, seed);
  const capture = p.net.capture();
  for (const family of [4, 6] as const) {
    const data = pattern(256 * 1024, seed + family);
    const r = transfer(p, data, { family });
    assert.equal(r.hash, sha256(data));
    assert.ok(r.finished);
  }
  // Let both connections finish closing (FIN-WAIT / LAST-ACK), TIME-WAIT aside.
  p.net.clock.runUntil(p.net.clock.now() + 5_000);
  return capture.bytes();
}

/** Data segments (by connection and sequence number) that appear more than once. */
function resent(pcap: Uint8Array): number {
  const seen = new Set<string>();
  let again = 0;
  for (const f of readCapture(pcap)) {
    if (f.seg.payload.length === 0) continue;
    const key = `${f.seg.srcPort}>${f.seg.dstPort}:${f.seg.seq}`;
    if (seen.has(key)) again++;
    seen.add(key);
  }
  return again;
}

describe('determinism', () => {
  test('the same seed gives a byte-identical capture, with faults', () => {
    const first = run(77, FAULTS);
    const second = run(77, FAULTS);
    assert.ok(readCapture(first).length > 400);
    assert.equal(Buffer.compare(Buffer.from(first), Buffer.from(second)), 0);
    assert.notEqual(Buffer.compare(Buffer.from(first), Buffer.from(run(78, FAULTS))), 0);
  });

  test('every segment checksums; segments are sent twice only when faults are injected', () => {
    const clean = run(5, {});
    const faulty = run(5, FAULTS);
    for (const pcap of [clean, faulty]) {
      const frames = readCapture(pcap);
      assert.ok(frames.every((f) => f.checksumOk));
      assert.ok(frames.some((f) => f.family === 4) && frames.some((f) => f.family === 6));
    }
    assert.equal(resent(clean), 0);
    assert.ok(resent(faulty) > 0);
  });
});

describe('tshark', () => {
  test('decodes every segment: nothing malformed, no bad checksum; retransmissions only with faults', (t) => {
    const path = requirePeer(t, 'tshark');
    if (!path) return;
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-tcp-'));
    try {
      const problems =
        '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == 0 || tcp.checksum.status == 0';
      const retransmissions =
        'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission';
      for (const [name, conditions] of [
        ['clean', {}],
        ['faulty', FAULTS],
      ] as const) {
        const pcap = run(9, conditions);
        const file = join(dir, `${name}.pcap`);
        writeFileSync(file, pcap);
        const all = tshark(path, file);
        const tcp = tshark(path, file, ['-Y', 'tcp']);
        assert.equal(tcp.length, readCapture(pcap).length, `${name}: every segment decoded as TCP`);
        assert.ok(all.length >= tcp.length);
        assert.deepEqual(tshark(path, file, ['-Y', problems]), [], name);
        const flagged = tshark(path, file, ['-Y', retransmissions]);
        if (name === 'clean') assert.deepEqual(flagged, [], 'a clean run retransmits nothing');
        else assert.ok(flagged.length > 0, 'faults show as retransmissions');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
