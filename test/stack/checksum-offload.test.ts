/**
 * Checksum offload on simulated links (src/stack/checksum-offload.ts): the
 * frames between two stacks in one process carry no TCP checksum, and the
 * receiver trusts them; everything that looks at or copies a frame — a
 * link capture, an interface tap, a link's filter, a duplicated or
 * corrupted copy — sees it with its checksum complete; a link to outside
 * the process always gets complete frames.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attachLink } from '../../src/link/attach.js';
import type { PacketLink } from '../../src/link/packet-link.js';
import { withChecksums } from '../../src/stack/checksum-offload.js';
import { allocFrame, checksumLeft } from '../../src/stack/frames.js';
import { pair, pattern, sha256, transfer } from './tcp-helpers.js';
import { decodeFrame, decodePacket, readCapture } from './tcp-wire.js';

const MiB = 1 << 20;

describe('TCP checksum offload on simulated links', () => {
  for (const family of [4, 6] as const) {
    test(`segments travel without a checksum, and are delivered (IPv${family})`, () => {
      const p = pair({ latencyMs: 1 });
      // Peek at what reaches b as it is, without a tap (a tap would see complete copies).
      const seen: Uint8Array[] = [];
      const deliver = p.link.b.onframe;
      p.link.b.onframe = (frame) => {
        seen.push(frame);
        deliver(frame);
      };
      const data = pattern(MiB, 3);
      const r = transfer(p, data, { family });
      assert.ok(r.finished, 'transferred');
      assert.equal(r.hash, sha256(data), 'byte-exact');
      const segments = seen.map((f) => decodeFrame(f)).filter((f) => f !== null);
      const withData = segments.filter((f) => f.seg.payload.length > 0);
      assert.ok(withData.length > 700);
      assert.ok(
        withData.every((f) => f.seg.checksum === 0 && checksumLeft(f.seg.payload)),
        'left for the link',
      );
      assert.equal(p.b.stack.counter('tcp.checksum'), 0);
    });
  }

  test('a link capture and interface taps see every segment with its checksum', () => {
    const p = pair({ latencyMs: 1 });
    const capture = p.net.capture();
    const tapped: Uint8Array[] = [];
    p.a.stack.interfaces[1]!.taps.push((_t, frame) => tapped.push(frame.slice()));
    const data = pattern(256 * 1024, 4);
    assert.equal(transfer(p, data).hash, sha256(data));
    const captured = readCapture(capture.bytes());
    const fromTaps = tapped.map((f) => decodeFrame(f)).filter((f) => f !== null);
    for (const frames of [captured, fromTaps]) {
      assert.ok(frames.filter((f) => f.seg.payload.length > 0).length > 150);
      assert.ok(
        frames.every((f) => f.checksumOk),
        'every checksum verifies',
      );
    }
  });

  test('duplicated and corrupted copies are completed before the link copies them', () => {
    const dup = pair({ latencyMs: 1, duplicate: 0.1 }, 5);
    const data = pattern(MiB, 5);
    const r = transfer(dup, data);
    assert.equal(r.hash, sha256(data));
    assert.ok(dup.link.a.stats.duplicated > 0);
    assert.equal(dup.b.stack.counter('tcp.checksum'), 0, 'every duplicate verifies');
    assert.ok((r.server?.stats.duplicatesReceived ?? 0) > 0);

    const bad = pair({ latencyMs: 1, corrupt: 0.02 }, 6);
    const r2 = transfer(bad, data);
    assert.equal(r2.hash, sha256(data));
    assert.ok(bad.b.stack.counter('tcp.checksum') > 0, 'corruption caught by the checksum');
  });

  test('a packet link to outside the process gets complete frames', () => {
    const p = pair({ latencyMs: 1 });
    const sent: Uint8Array[] = [];
    const link: PacketLink = {
      medium: 'ip',
      mtu: 1500,
      send: (frame) => sent.push(frame),
      onframe: null,
      close: () => {},
    };
    attachLink(p.a, link, { addresses: ['10.9.0.1/24'] });
    const conn = p.a.stack.tcp.connect(
      { remote: Uint8Array.of(10, 9, 0, 2), remotePort: 80 },
      p.net.clock.now(),
    );
    assert.ok('onestablished' in conn);
    p.a.reschedule();
    p.net.clock.runUntil(p.net.clock.now() + 10);
    const syns = sent.map((f) => decodePacket(f)).filter((f) => f !== null);
    assert.ok(syns.length > 0);
    assert.ok(syns.every((f) => f.checksumOk && !checksumLeft(f.seg.payload)));
  });

  test('withChecksums leaves complete frames alone', () => {
    const frame = allocFrame(64);
    assert.equal(withChecksums(frame, 14), frame);
    const outside = new Uint8Array(64);
    assert.equal(withChecksums(outside, 14), outside);
  });
});
