/**
 * TCP's mechanics, each shown in a capture of the simulated link and read
 * back with wirestack's own pcap and TCP parsers (and, where installed,
 * checked by tshark too): the three-way handshake and its options; a lost
 * segment retransmitted after the RTO; fast retransmit on three duplicate
 * ACKs; delayed ACKs; a corrupted segment dropped and recovered; data
 * reassembled out of order; a duplicate discarded; a full receive window
 * stopping the sender (zero window, persist probes) until it opens; Nagle's
 * coalescing of small writes, and TCP_NODELAY.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import type { Capture } from '../../src/link/capture.js';
import type { LinkConditions } from '../../src/link/sim/link.js';
import type { TcpConfig } from '../../src/stack/tcp/config.js';
import type { TcpConnection } from '../../src/stack/tcp/connection.js';
import { seqAdd, seqDiff, seqGt, seqLe } from '../../src/stack/tcp/seq.js';
import { TCP_ACK, TCP_SYN } from '../../src/wire/tcp.js';
import { requirePeer } from '../helpers/peers.js';
import { ip, type Pair, pair, pattern, sha256 } from './tcp-helpers.js';
import {
  describe as describeFrame,
  flipLastBit,
  interceptSegments,
  readCapture,
  runUntil,
  type TcpFrame,
  tshark,
} from './tcp-wire.js';

const LATENCY = 5;
const PORT = 80;

interface Session {
  p: Pair;
  capture: Capture;
  client: TcpConnection;
  server: TcpConnection;
  received: Uint8Array[];
  /** Sends all of `data` (as send space allows) and runs until the server has it all. */
  deliver(data: Uint8Array, maxMs?: number): void;
  /** Runs the clock for `ms`. */
  idle(ms: number): void;
  frames(): TcpFrame[];
  /** The client's data segments (payload > 0), in capture order. */
  clientData(): TcpFrame[];
  /** The server's segments. */
  fromServer(): TcpFrame[];
  receivedBytes(): number;
}

/** A connection a → b (server reading), its capture started before the SYN. */
function session(
  options: {
    family?: 4 | 6;
    tcp?: Partial<TcpConfig>;
    seed?: number;
    link?: Partial<LinkConditions>;
  } = {},
): Session {
  const family = options.family ?? 4;
  const p = pair({ latencyMs: LATENCY, ...options.link }, options.seed ?? 1, options.tcp ?? {});
  const capture = p.net.capture();
  const clock = p.net.clock;
  const listener = p.b.stack.tcp.listen({ address: null, port: PORT, family });
  if (!('onconnection' in listener)) throw new Error(listener.message);
  const received: Uint8Array[] = [];
  let server: TcpConnection | null = null;
  listener.onconnection = (conn) => {
    server = conn;
    conn.ondata = (d) => received.push(d);
    conn.readStart(clock.now());
  };
  const client = p.a.stack.tcp.connect(
    { remote: ip(family === 4 ? '10.0.0.2' : 'fd00::2'), remotePort: PORT },
    clock.now(),
  );
  if (!('onestablished' in client)) throw new Error(client.message);
  let established = false;
  client.onestablished = () => {
    established = true;
  };
  p.a.reschedule();
  assert.ok(
    runUntil(p.net, () => established && server !== null, 5_000),
    'handshake',
  );
  const receivedBytes = () => received.reduce((n, d) => n + d.length, 0);
  const frames = () => readCapture(capture.bytes());
  return {
    p,
    capture,
    client,
    server: server!,
    received,
    deliver(data, maxMs = 60_000) {
      const target = receivedBytes() + data.length;
      let offset = 0;
      const pump = () => {
        while (offset < data.length) {
          const n = client.send(data.subarray(offset), clock.now());
          if (n <= 0) break;
          offset += n;
        }
        p.a.reschedule();
      };
      client.onsendspace = pump;
      pump();
      assert.ok(
        runUntil(p.net, () => receivedBytes() >= target, maxMs),
        'delivered',
      );
      // The rest of the instant: the ACK owed for the last frames taken.
      clock.runUntil(clock.now());
    },
    idle(ms) {
      clock.runUntil(clock.now() + ms);
    },
    frames,
    clientData: () =>
      frames().filter((f) => f.seg.srcPort === client.localPort && f.seg.payload.length > 0),
    fromServer: () => frames().filter((f) => f.seg.srcPort === PORT),
    receivedBytes,
  };
}

/** Whether `f` is the client's data segment starting at `seq`. */
function dataAt(s: Session, seq: number) {
  return (f: TcpFrame) =>
    f.seg.srcPort === s.client.localPort && f.seg.payload.length > 0 && f.seg.seq === seq;
}

/** Writes the capture to a file and runs tshark on it, or returns null when tshark is missing (skipped). */
function withTshark(t: TestContext, s: Session, args: string[]): string[] | null {
  const path = requirePeer(t, 'tshark');
  if (!path) return null;
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-tcp-'));
  try {
    const file = join(dir, 'tcp.pcap');
    writeFileSync(file, s.capture.bytes());
    return tshark(path, file, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the three-way handshake', () => {
  for (const family of [4, 6] as const) {
    test(`SYN, SYN-ACK, ACK with MSS, window scale, SACK-permitted and timestamps (IPv${family})`, (t) => {
      const s = session({ family });
      const [syn, synAck, ack] = s.frames();
      assert.ok(syn && synAck && ack);
      const mss = family === 4 ? 1460 : 1440;
      for (const f of [syn, synAck, ack]) assert.ok(f.checksumOk, describeFrame(f));
      assert.equal(syn.seg.flags, TCP_SYN);
      assert.equal(syn.seg.ack, 0);
      assert.equal(syn.seg.options.mss, mss);
      assert.equal(syn.seg.options.windowScale, 3, '256 KiB buffer: shift 3');
      assert.equal(syn.seg.options.sackPermitted, true);
      assert.ok(syn.seg.options.timestamps!.value > 0);
      assert.equal(syn.seg.options.timestamps!.echo, 0);
      assert.equal(synAck.seg.flags, TCP_SYN | TCP_ACK);
      assert.equal(synAck.seg.ack, seqAdd(syn.seg.seq, 1));
      assert.equal(synAck.seg.options.mss, mss);
      assert.equal(synAck.seg.options.windowScale, 3);
      assert.equal(synAck.seg.options.sackPermitted, true);
      assert.equal(synAck.seg.options.timestamps!.echo, syn.seg.options.timestamps!.value);
      assert.equal(ack.seg.flags, TCP_ACK);
      assert.equal(ack.seg.seq, seqAdd(syn.seg.seq, 1));
      assert.equal(ack.seg.ack, seqAdd(synAck.seg.seq, 1));
      assert.equal(ack.seg.payload.length, 0);
      assert.equal(ack.seg.options.mss, undefined, 'MSS only in a SYN');
      assert.equal(ack.seg.options.timestamps!.echo, synAck.seg.options.timestamps!.value);
      assert.equal(s.client.state, 'ESTABLISHED');
      assert.equal(s.server.state, 'ESTABLISHED');
      // The segment size follows the MSS less the timestamps option.
      s.deliver(pattern(20_000));
      assert.equal(s.clientData()[0]!.seg.payload.length, mss - 12);

      const lines = withTshark(t, s, [
        '-Y',
        'tcp.flags.syn == 1',
        '-T',
        'fields',
        '-e',
        'tcp.flags.ack',
        '-e',
        'tcp.options.mss_val',
        '-e',
        'tcp.options.wscale.shift',
        '-e',
        'tcp.options.sack_perm',
        '-e',
        'tcp.checksum.status',
      ]);
      if (lines === null) return;
      assert.equal(lines.length, 2);
      for (const line of lines) {
        const [, mssVal, shift, , status] = line.split('\t');
        assert.equal(Number(mssVal), mss);
        assert.equal(Number(shift), 3);
        assert.equal(status, '1', 'checksum good'); // 1: PROTO_CHECKSUM_E_GOOD
      }
    });
  }
});

describe('loss recovery', () => {
  // With RACK-TLP (RFC 8985 §7.2) the tail loss probe of a lone segment is due at
  // 2 × SRTT + 200 ms, which is later than the RTO here: the probe goes at the RTO's
  // time in its place, as Linux's does. Without RACK, the RTO itself fires.
  for (const rack of [true, false]) {
    test(`a lost lone segment is retransmitted after the RTO (${rack ? 'as a tail loss probe' : 'RACK off'})`, (t) => {
      const s = session({ tcp: { rack } });
      const seq = s.client.sndNxt;
      const dropped = interceptSegments(s.p.link, dataAt(s, seq));
      const data = pattern(1000, 2);
      s.deliver(data);
      assert.equal(dropped.length, 1);
      const copies = s.clientData().filter((f) => f.seg.seq === seq);
      assert.equal(copies.length, 2, 'the original and one retransmission');
      const [first, again] = copies as [TcpFrame, TcpFrame];
      assert.deepEqual(again.seg.payload, first.seg.payload);
      const waited = again.timeMs - first.timeMs;
      assert.ok(waited >= 200, `RTO floor (200 ms): waited ${waited} ms`);
      assert.ok(waited < 1000, `RTO from the handshake RTT, not the initial 1 s: ${waited} ms`);
      assert.equal(s.client.stats.timeouts, rack ? 0 : 1);
      assert.equal(s.client.stats.lossProbes, rack ? 1 : 0);
      assert.equal(s.client.stats.fastRecoveries, 0);
      assert.equal(sha256(s.received), sha256(data));

      const lines = withTshark(t, s, [
        '-Y',
        'tcp.analysis.retransmission',
        '-T',
        'fields',
        '-e',
        'tcp.seq',
      ]);
      if (lines === null) return;
      assert.deepEqual(lines, [String(seq)]);
    });
  }

  for (const sack of [true, false]) {
    // Without SACK, each segment past the hole draws its own duplicate ACK, the sender's
    // only sign of the loss. With SACK, the segments that arrive together draw one ACK
    // whose block covers them all, which tells the sender as much (RACK, RFC 8985).
    test(`a lost segment is sent again before the RTO: ${sack ? 'one SACK for the burst past the hole' : 'three duplicate ACKs'}`, (t) => {
      const s = session({ tcp: { sack } });
      const mss = s.client.smss;
      const lost = seqAdd(s.client.sndNxt, 2 * mss);
      interceptSegments(s.p.link, dataAt(s, lost));
      const data = pattern(10 * mss, 3); // the initial window: all sent at once
      s.deliver(data);
      const copies = s.clientData().filter((f) => f.seg.seq === lost);
      assert.equal(copies.length, 2);
      const [first, again] = copies as [TcpFrame, TcpFrame];
      const waited = again.timeMs - first.timeMs;
      assert.ok(waited < 200, `before the RTO could fire: ${waited} ms`);
      const stillWaiting = s
        .fromServer()
        .filter((f) => f.seg.ack === lost && f.seg.payload.length === 0 && f.timeMs < again.timeMs);
      if (sack) {
        assert.equal(stillWaiting.length, 1, 'one ACK for the whole burst');
        assert.deepEqual(
          stillWaiting[0]!.seg.options.sack,
          [[seqAdd(lost, mss), seqAdd(lost, 8 * mss)]],
          'its block covers the seven segments past the hole',
        );
      } else {
        // The first ACK of `lost` is new: it acknowledges the two segments before it.
        const dupAcks = stillWaiting.slice(1);
        assert.ok(dupAcks.length >= 3, `${dupAcks.length} duplicate ACKs`);
        for (const d of dupAcks) assert.equal(d.seg.options.sack, undefined);
      }
      assert.equal(s.client.stats.fastRecoveries, 1);
      assert.equal(s.client.stats.timeouts, 0);
      assert.equal(s.client.stats.retransmits, 1, 'only the lost segment was sent again');
      assert.equal(sha256(s.received), sha256(data));

      const lines = withTshark(t, s, [
        '-Y',
        sack ? 'tcp.analysis.retransmission' : 'tcp.analysis.fast_retransmission',
        '-T',
        'fields',
        '-e',
        'tcp.seq',
      ]);
      if (lines === null) return;
      assert.deepEqual(lines, [String(lost)]);
    });
  }

  test('a corrupted segment is dropped by the checksum, counted, and recovered', () => {
    for (const family of [4, 6] as const) {
      const s = session({ family });
      const mss = s.client.smss;
      const target = seqAdd(s.client.sndNxt, mss);
      const hit = interceptSegments(s.p.link, dataAt(s, target), { rewrite: flipLastBit });
      const data = pattern(6 * mss, 4);
      s.deliver(data);
      assert.equal(hit.length, 1);
      assert.equal(s.p.b.stack.counter('tcp.checksum'), 1, 'counted at the receiver');
      assert.equal(s.server.stats.outOfOrderReceived > 0, true, 'the rest arrived around the hole');
      assert.equal(s.clientData().filter((f) => f.seg.seq === target).length, 2, 'sent again');
      assert.equal(sha256(s.received), sha256(data), 'byte-exact');
    }
  });
});

describe('the receiver', () => {
  test('out-of-order data is held and delivered in order', () => {
    const s = session();
    const mss = s.client.smss;
    const late = seqAdd(s.client.sndNxt, mss);
    // Hold the second segment back 3 ms (the others pass it), then let it go.
    interceptSegments(s.p.link, dataAt(s, late), {
      rewrite: (frame) => {
        const copy = frame.slice();
        s.p.net.clock.schedule(s.p.net.clock.now() + 3, () => s.p.link.a.send(copy));
        return 'drop';
      },
    });
    const data = pattern(5 * mss, 5);
    s.deliver(data);
    assert.ok(s.server.stats.outOfOrderReceived >= 3, `${s.server.stats.outOfOrderReceived}`);
    assert.equal(sha256(s.received), sha256(data));
    // The receiver ACKed the hole with SACK blocks, then everything at once.
    const acks = s.fromServer().filter((f) => f.seg.payload.length === 0);
    const holding = acks.filter((f) => f.seg.ack === late && f.seg.options.sack !== undefined);
    assert.ok(holding.length >= 1);
    const end = seqAdd(late, 4 * mss);
    assert.ok(
      acks.some((f) => f.seg.ack === end),
      'one cumulative ACK past the refilled hole',
    );
  });

  test('a duplicate segment is discarded (and ACKed at once)', () => {
    const s = session();
    const mss = s.client.smss;
    const seq = seqAdd(s.client.sndNxt, mss);
    let copy: Uint8Array | null = null;
    interceptSegments(s.p.link, dataAt(s, seq), {
      rewrite: (frame) => {
        copy = frame.slice();
        return frame;
      },
    });
    const data = pattern(4 * mss, 6);
    s.deliver(data);
    assert.ok(copy !== null);
    const acksBefore = s.fromServer().length;
    s.p.link.a.send(copy);
    s.idle(50);
    assert.equal(s.server.stats.duplicatesReceived, 1);
    assert.equal(sha256(s.received), sha256(data), 'delivered once');
    const after = s.fromServer().slice(acksBefore);
    assert.equal(after.length, 1, 'one immediate ACK');
    assert.ok(after[0]!.timeMs - s.p.net.clock.now() < 0);
  });

  test('delayed ACKs: one per two full segments, one per burst, a lone segment after the delayed-ACK timer', () => {
    // 100 Mbit/s: each full frame reaches the receiver about 0.12 ms after the one before.
    const s = session({ link: { bandwidthBps: 100e6 } });
    const mss = s.client.smss;
    const start = s.client.sndNxt;
    s.deliver(pattern(8 * mss, 7));
    const acks = s.fromServer().filter((f) => seqGt(f.seg.ack, start));
    assert.deepEqual(
      acks.map((f) => seqDiff(f.seg.ack, start)),
      [2, 4, 6, 8].map((n) => n * mss),
      'every second full segment',
    );
    // No serialization delay: the eight arrive in the same instant, and are answered together.
    const b = session();
    const burst = b.client.sndNxt;
    b.deliver(pattern(8 * mss, 7));
    const burstAcks = b.fromServer().filter((f) => seqGt(f.seg.ack, burst));
    assert.deepEqual(
      burstAcks.map((f) => seqDiff(f.seg.ack, burst)),
      [8 * mss],
      'one ACK for the burst',
    );
    const last = b.clientData().find((f) => seqDiff(f.seg.seq, burst) === 7 * mss)!;
    assert.equal(
      burstAcks[0]!.timeMs - last.timeMs,
      LATENCY,
      'at once, not after the delayed-ACK timer',
    );
    b.idle(100);
    const lone = b.client.sndNxt;
    b.deliver(pattern(100, 8));
    b.idle(100);
    const data = b.clientData().find((f) => f.seg.seq === lone)!;
    const ack = b.fromServer().find((f) => f.seg.ack === seqAdd(lone, 100))!;
    const delay = b.p.b.stack.tcp.config.delayedAckMs;
    assert.equal(ack.timeMs - data.timeMs, LATENCY + delay, 'held for the delayed-ACK timer');
  });

  test('a full receive window stops the sender (zero window, persist probes) until it opens', (t) => {
    const rcvBuf = 64 * 1024;
    // More data than the send buffer holds: writes continue from `onsendspace` as ACKs come.
    const s = session({ tcp: { receiveBufferSize: rcvBuf, sendBufferSize: 32 * 1024 } });
    s.server.readStop();
    const data = pattern(200 * 1024, 9);
    let offset = 0;
    const clock = s.p.net.clock;
    const pump = () => {
      while (offset < data.length) {
        const n = s.client.send(data.subarray(offset), clock.now());
        if (n <= 0) break;
        offset += n;
      }
      s.p.a.reschedule();
    };
    s.client.onsendspace = pump;
    pump();
    s.idle(10_000);
    // The sender filled the window and stopped; only probes went out since.
    const frames = s.frames();
    const shift = s.server.rcvWndShift;
    const zero = frames.find((f) => f.seg.srcPort === PORT && f.seg.window === 0);
    assert.ok(zero, 'a zero window was advertised');
    assert.equal(s.server.readQueueBytes, seqDiff(zero.seg.ack, s.client.iss + 1));
    assert.ok(s.server.readQueueBytes <= rcvBuf && s.server.readQueueBytes > rcvBuf - 4096);
    // Never a byte beyond the right edge the receiver offered.
    let right = 0;
    for (const f of frames) {
      if (f.seg.srcPort === PORT && (f.seg.flags & TCP_SYN) === 0)
        right = seqAdd(f.seg.ack, f.seg.window << shift);
      else if (f.seg.srcPort === s.client.localPort && f.seg.payload.length > 0 && right !== 0)
        assert.ok(
          seqLe(seqAdd(f.seg.seq, f.seg.payload.length), right),
          `beyond the window: ${describeFrame(f)}`,
        );
    }
    const probes = frames.filter(
      (f) => f.seg.srcPort === s.client.localPort && f.timeMs > zero.timeMs,
    );
    assert.ok(probes.length >= 3, `${probes.length} probes`);
    for (const probe of probes) assert.ok(probe.seg.payload.length <= 1, describeFrame(probe));
    const gaps = probes.slice(1).map((f, i) => f.timeMs - probes[i]!.timeMs);
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i]! > gaps[i - 1]!, `backoff ${gaps}`);
    assert.ok(s.p.a.stack.counter('tcp.windowProbes') >= 3);
    assert.equal(s.client.stats.timeouts, 0, 'probes, not retransmission timeouts');
    assert.equal(s.client.stats.retransmits, 0);
    // The reader comes back: the window opens, the rest follows.
    const before = s.frames().length;
    s.server.readStart(clock.now());
    s.p.b.reschedule();
    assert.ok(runUntil(s.p.net, () => s.receivedBytes() === data.length, 10_000));
    assert.equal(sha256(s.received), sha256(data));
    const update = s.frames()[before]!;
    assert.equal(update.seg.srcPort, PORT);
    assert.ok(update.seg.window > 0, 'a window update at once');

    const lines = withTshark(t, s, [
      '-Y',
      'tcp.analysis.zero_window',
      '-T',
      'fields',
      '-e',
      'tcp.window_size_value',
    ]);
    if (lines === null) return;
    assert.ok(lines.length >= 1);
  });
});

describe('Nagle', () => {
  /** One 100-byte write, then five 10-byte writes while it is unacknowledged. */
  function smallWrites(noDelay: boolean): number[] {
    const s = session();
    s.client.setNoDelay(noDelay);
    const now = s.p.net.clock.now();
    const start = s.client.sndNxt;
    s.client.send(pattern(100, 1), now);
    for (let i = 0; i < 5; i++) s.client.send(pattern(10, i + 2), now);
    s.p.a.reschedule();
    assert.ok(runUntil(s.p.net, () => s.receivedBytes() === 150, 5_000));
    s.idle(100);
    return s
      .clientData()
      .filter((f) => seqLe(start, f.seg.seq))
      .map((f) => f.seg.payload.length);
  }

  test('small writes wait for the outstanding data and leave as one segment', () => {
    assert.deepEqual(smallWrites(false), [100, 50]);
  });

  test('setNoDelay(true): each write leaves at once', () => {
    assert.deepEqual(smallWrites(true), [100, 10, 10, 10, 10, 10]);
  });

  test("Minshall's form: a write's small tail leaves with its full segment (no small one is outstanding)", () => {
    const s = session();
    const mss = s.client.smss;
    const start = s.client.sndNxt;
    s.client.send(pattern(mss + mss / 2, 3), s.p.net.clock.now());
    s.p.a.reschedule();
    assert.ok(runUntil(s.p.net, () => s.receivedBytes() === mss + mss / 2, 5_000));
    const sent = s.clientData().filter((f) => seqLe(start, f.seg.seq));
    assert.deepEqual(
      sent.map((f) => f.seg.payload.length),
      [mss, mss / 2],
    );
    // Not held for the full segment's ACK, which the receiver delays (one segment: 40 ms).
    assert.equal(sent[1]!.timeMs, sent[0]!.timeMs);
  });
});
