/**
 * Hostile and malformed segments against the TCP layer (RFC 5961, RFC 9293
 * §3.10.7.4, §3.10.7.2): blind RSTs, SYNs and data from an off-path
 * attacker, an ACK of unsent data, a SYN flood against a listener,
 * overlapping retransmissions whose bytes differ, and random segments with
 * random options. Frames are built with src/wire and put on the simulated
 * link; a "raw peer" plays the client by hand where exact sequence numbers
 * matter. Nothing may throw, and no stream may ever be corrupted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { IpAddr } from '../../src/stack/address.js';
import type { NetInterface } from '../../src/stack/interface.js';
import type { TcpConnection } from '../../src/stack/tcp/connection.js';
import { seqAdd } from '../../src/stack/tcp/seq.js';
import { finishChecksum, pseudoHeaderSum, sumBytes } from '../../src/wire/checksum.js';
import { IP_PROTO_TCP } from '../../src/wire/ipv4.js';
import {
  TCP_ACK,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type TcpFields,
  type TcpOptions,
} from '../../src/wire/tcp.js';
import { ip, type Pair, pair, pattern, sha256, transfer } from './tcp-helpers.js';
import { buildFrame, decodeFrame, runUntil, type TcpFrame } from './tcp-wire.js';

const SERVER_PORT = 80;

function eth0(host: { stack: { interfaces: NetInterface[] } }): NetInterface {
  const iface = host.stack.interfaces.find((i) => i.name === 'eth0');
  if (iface === undefined) throw new Error('no eth0');
  return iface;
}

/** Puts a raw segment on the link from a's side (anyone on the wire may). */
function inject(p: Pair, src: IpAddr, dst: IpAddr, fields: TcpFields, payload?: Uint8Array): void {
  const frame = buildFrame({
    srcMac: eth0(p.a).mac,
    dstMac: eth0(p.b).mac,
    src,
    dst,
    fields,
    payload,
  });
  p.link.a.send(frame);
}

/** An established connection a → b with b reading; what b receives is kept. */
function established(family: 4 | 6 = 4) {
  const p = pair({ latencyMs: 5 }, 3);
  const clock = p.net.clock;
  // Dual-stack: IPv4 and IPv6 alike.
  const listener = p.b.stack.tcp.listen({ address: null, port: SERVER_PORT, family: 6 });
  if (!('onconnection' in listener)) throw new Error(listener.message);
  const received: Uint8Array[] = [];
  const errors: string[] = [];
  let server: TcpConnection | null = null;
  listener.onconnection = (conn) => {
    server = conn;
    conn.ondata = (d) => received.push(d);
    conn.onerror = (e) => errors.push(`server ${e.code}`);
    conn.readStart(clock.now());
  };
  const client = p.a.stack.tcp.connect(
    { remote: ip(family === 4 ? '10.0.0.2' : 'fd00::2'), remotePort: SERVER_PORT },
    clock.now(),
  );
  if (!('onestablished' in client)) throw new Error(client.message);
  client.onerror = (e) => errors.push(`client ${e.code}`);
  let up = false;
  client.onestablished = () => {
    up = true;
  };
  p.a.reschedule();
  assert.ok(runUntil(p.net, () => up && server !== null, 5_000));
  // b's segments to the client, recorded from the wire.
  const fromServer: TcpFrame[] = [];
  p.link.tap((timeMs, frame, from) => {
    if (from !== p.link.b) return;
    const f = decodeFrame(frame, timeMs);
    if (f !== null && f.seg.dstPort === client.localPort) fromServer.push(f);
  });
  const s = server as unknown as TcpConnection;
  const spoof = (fields: Partial<TcpFields> & { flags: number }, payload?: Uint8Array) =>
    inject(
      p,
      client.localAddress,
      client.remoteAddress,
      {
        srcPort: client.localPort,
        dstPort: SERVER_PORT,
        seq: s.rcvNxt,
        ack: s.sndNxt,
        window: 1000,
        ...fields,
      },
      payload,
    );
  /** Sends `data` from the client and runs until b has all of it. */
  const send = (data: Uint8Array) => {
    const before = received.reduce((n, d) => n + d.length, 0);
    client.send(data, clock.now());
    p.a.reschedule();
    assert.ok(
      runUntil(
        p.net,
        () => received.reduce((n, d) => n + d.length, 0) >= before + data.length,
        10_000,
      ),
      'data delivered',
    );
    // The rest of the instant: the ACK owed for the last frames taken.
    clock.runUntil(clock.now());
  };
  return { p, client, server: s, received, errors, fromServer, spoof, send, clock };
}

describe('blind attacks on an established connection (RFC 5961)', () => {
  for (const family of [4, 6] as const) {
    test(`a RST in the window but not at RCV.NXT draws a challenge ACK; the connection survives (IPv${family})`, () => {
      const e = established(family);
      e.send(pattern(3000, 1));
      const acks = e.fromServer.length;
      e.spoof({ flags: TCP_RST, seq: seqAdd(e.server.rcvNxt, 1000) });
      e.p.net.clock.runUntil(e.clock.now() + 50);
      assert.equal(e.p.b.stack.counter('tcp.rstChallenged'), 1);
      assert.equal(e.p.b.stack.counter('tcp.challengeAcks'), 1);
      const challenge = e.fromServer.slice(acks);
      assert.equal(challenge.length, 1);
      assert.equal(challenge[0]!.seg.flags, TCP_ACK);
      assert.equal(challenge[0]!.seg.ack, e.server.rcvNxt, 'tells the true peer where it is');
      assert.equal(e.server.state, 'ESTABLISHED');
      assert.equal(e.client.state, 'ESTABLISHED');
      e.send(pattern(3000, 2));
      assert.deepEqual(e.errors, []);
      assert.equal(sha256(e.received), sha256([pattern(3000, 1), pattern(3000, 2)]));
    });
  }

  test('a RST outside the window is ignored: no answer', () => {
    const e = established();
    const acks = e.fromServer.length;
    for (const offset of [-5000, 300_000, 0x7fff_0000]) {
      e.spoof({ flags: TCP_RST, seq: seqAdd(e.server.rcvNxt, offset) });
    }
    e.p.net.clock.runUntil(e.clock.now() + 50);
    assert.equal(e.p.b.stack.counter('tcp.rstOutOfWindow'), 3);
    assert.equal(e.fromServer.length, acks);
    assert.equal(e.server.state, 'ESTABLISHED');
    e.send(pattern(1000));
    assert.deepEqual(e.errors, []);
  });

  test('a RST exactly at RCV.NXT does reset (the check above is not vacuous)', () => {
    const e = established();
    e.spoof({ flags: TCP_RST });
    e.p.net.clock.runUntil(e.clock.now() + 50);
    assert.deepEqual(e.errors, ['server ECONNRESET']);
  });

  test('a SYN into an established connection draws a challenge ACK; the connection survives', () => {
    const e = established();
    const acks = e.fromServer.length;
    for (const seq of [e.server.rcvNxt, seqAdd(e.server.rcvNxt, 100), seqAdd(e.server.irs, -5)]) {
      e.spoof({ flags: TCP_SYN, seq, ack: 0, options: { mss: 1000 } });
    }
    e.p.net.clock.runUntil(e.clock.now() + 50);
    // In the window: a challenge ACK each; outside: the ACK of an unacceptable segment.
    assert.equal(e.p.b.stack.counter('tcp.synChallenged'), 2);
    const answers = e.fromServer.slice(acks);
    assert.equal(answers.length, 3);
    for (const a of answers) {
      assert.equal(a.seg.flags, TCP_ACK);
      assert.equal(a.seg.ack, e.server.rcvNxt);
    }
    assert.equal(e.server.state, 'ESTABLISHED');
    e.send(pattern(5000, 3));
    assert.deepEqual(e.errors, []);
    assert.equal(sha256(e.received), sha256(pattern(5000, 3)));
  });

  test('blind data outside the window is dropped (and ACKed); inside the stream nothing changes', () => {
    const e = established();
    e.send(pattern(2000, 4));
    const evil = new Uint8Array(500).fill(0x45);
    // Below RCV.NXT (already received) and beyond the window.
    e.spoof({ flags: TCP_ACK | TCP_PSH, seq: seqAdd(e.server.rcvNxt, -2000) }, evil);
    e.spoof({ flags: TCP_ACK | TCP_PSH, seq: seqAdd(e.server.rcvNxt, 400_000) }, evil);
    e.spoof({ flags: TCP_ACK | TCP_PSH, seq: seqAdd(e.server.rcvNxt, -0x4000_0000) }, evil);
    e.p.net.clock.runUntil(e.clock.now() + 50);
    assert.equal(e.server.reassembly.bytes, 0, 'nothing queued');
    e.send(pattern(2000, 5));
    assert.equal(sha256(e.received), sha256([pattern(2000, 4), pattern(2000, 5)]));
    assert.deepEqual(e.errors, []);
  });

  test('a segment that ACKs unsent data is dropped, its text too', () => {
    const e = established();
    const evil = new Uint8Array(300).fill(0x66);
    const acks = e.fromServer.length;
    e.spoof({ flags: TCP_ACK | TCP_PSH, ack: seqAdd(e.server.sndMax, 100_000) }, evil);
    e.p.net.clock.runUntil(e.clock.now() + 50);
    assert.equal(e.p.b.stack.counter('tcp.ackUnsent'), 1);
    assert.equal(e.received.length, 0, 'the text was not taken');
    assert.equal(e.fromServer.length, acks + 1, 'answered with an ACK');
    // RFC 5961 §5.2: an ACK far below SND.UNA is challenged, not taken.
    e.spoof({ flags: TCP_ACK | TCP_PSH, ack: seqAdd(e.server.sndUna, -0x1000_0000) }, evil);
    e.p.net.clock.runUntil(e.clock.now() + 50);
    assert.equal(e.p.b.stack.counter('tcp.ackTooOld'), 1);
    assert.equal(e.received.length, 0);
    e.send(pattern(4000, 6));
    assert.equal(sha256(e.received), sha256(pattern(4000, 6)));
    assert.deepEqual(e.errors, []);
  });
});

describe('a SYN flood', () => {
  test('thousands of spoofed SYNs: the SYN queue stays bounded, established connections keep working', () => {
    const e = established();
    const limit = e.p.b.stack.tcp.config.synQueueLimit;
    const listenerSize = () => e.p.b.stack.tcp.size;
    const baseline = listenerSize();
    // 3000 SYNs over 300 ms, from 30 addresses × 100 ports (v4 and v6).
    const dst4 = ip('10.0.0.2');
    const dst6 = ip('fd00::2');
    for (let i = 0; i < 3000; i++) {
      const v4 = i % 2 === 0;
      const host = 100 + (i % 30);
      const src = v4 ? ip(`10.0.0.${host}`) : ip(`fd00::${host.toString(16)}`);
      e.clock.schedule(e.clock.now() + i / 10, () =>
        inject(e.p, src, v4 ? dst4 : dst6, {
          srcPort: 1024 + Math.floor(i / 30),
          dstPort: SERVER_PORT,
          seq: (i * 2654435761) >>> 0,
          ack: 0,
          flags: TCP_SYN,
          window: 65535,
          options: { mss: 1460, sackPermitted: true },
        }),
      );
    }
    let peak = 0;
    // The established connection carries data during the flood.
    const data = pattern(200_000, 7);
    e.client.send(data.subarray(0, 100_000), e.clock.now());
    e.p.a.reschedule();
    runUntil(
      e.p.net,
      () => {
        peak = Math.max(peak, listenerSize() - baseline);
        return false;
      },
      400,
    );
    assert.ok(e.p.b.stack.counter('tcp.synQueueFull') >= 3000 - limit);
    assert.ok(peak <= limit, `half-open connections: ${peak} > ${limit}`);
    e.send(data.subarray(100_000));
    assert.equal(sha256(e.received), sha256(data));
    assert.deepEqual(e.errors, []);
    // The half-open ones give up after their SYN-ACK retries (1 + 2 + ... + 32 s).
    e.clock.runUntil(e.clock.now() + 70_000);
    assert.equal(listenerSize(), baseline);
    // And the listener takes new connections again.
    const r = transfer(e.p, pattern(50_000, 8), { maxMs: 10_000 });
    assert.equal(r.error, null);
    assert.equal(r.hash, sha256(pattern(50_000, 8)));
  });
});

/**
 * A client played by hand (IPv4 10.0.0.1:40000 → b:80, no timestamps, so
 * no PAWS): b's answers to it are taken off the wire before host a (which
 * knows nothing of the connection) would reset it.
 */
function rawPeer(seed = 1) {
  const p = pair({ latencyMs: 1 }, seed);
  const clock = p.net.clock;
  const port = 40000;
  const seen: TcpFrame[] = [];
  p.link.filter((timeMs, frame, from) => {
    if (from !== p.link.b) return 'pass';
    const f = decodeFrame(frame, timeMs);
    if (f === null || f.seg.dstPort !== port) return 'pass';
    seen.push(f);
    return 'drop';
  });
  const listener = p.b.stack.tcp.listen({ address: null, port: SERVER_PORT, family: 4 });
  if (!('onconnection' in listener)) throw new Error(listener.message);
  const received: Uint8Array[] = [];
  let server: TcpConnection | null = null;
  listener.onconnection = (conn) => {
    server = conn;
    conn.ondata = (d) => received.push(d);
    conn.readStart(clock.now());
  };
  const iss = 1_000_000;
  const send = (fields: Partial<TcpFields> & { flags: number }, payload?: Uint8Array) =>
    inject(
      p,
      ip('10.0.0.1'),
      ip('10.0.0.2'),
      { srcPort: port, dstPort: SERVER_PORT, seq: iss + 1, ack: 0, window: 65535, ...fields },
      payload,
    );
  send({ flags: TCP_SYN, seq: iss, options: { mss: 1460, sackPermitted: true, windowScale: 7 } });
  assert.ok(runUntil(p.net, () => seen.length > 0, 1000));
  const synAck = seen[0]!;
  assert.equal(synAck.seg.flags, TCP_SYN | TCP_ACK);
  const ack = seqAdd(synAck.seg.seq, 1);
  send({ flags: TCP_ACK, ack });
  assert.ok(runUntil(p.net, () => server !== null, 1000));
  return {
    p,
    server: server as unknown as TcpConnection,
    received,
    seen,
    /** Data at stream offset `offset` (0: the first byte after the SYN). */
    data(offset: number, bytes: Uint8Array, extra: Partial<TcpFields> = {}) {
      send({ flags: TCP_ACK, seq: seqAdd(iss + 1, offset), ack, ...extra }, bytes);
    },
    send,
    ack,
    iss,
    run(ms: number) {
      clock.runUntil(clock.now() + ms);
    },
  };
}

/** The stream a receiver must deliver: each byte as first received (offsets below `n`). */
function firstWins(n: number, segments: ReadonlyArray<readonly [number, Uint8Array]>): Uint8Array {
  const out = new Uint8Array(n);
  const set = new Uint8Array(n);
  for (const [offset, bytes] of segments) {
    for (let i = 0; i < bytes.length && offset + i < n; i++) {
      if (set[offset + i] === 0) {
        out[offset + i] = bytes[i]!;
        set[offset + i] = 1;
      }
    }
  }
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe('answers to refused segments', () => {
  test('refused pure ACKs are answered at most every 500 ms (no ACK loop); refused data every time', () => {
    const r = rawPeer();
    const beyond = seqAdd(r.iss + 1, 10_000_000); // far right of the window
    const answers = () => r.seen.filter((f) => f.seg.flags === TCP_ACK).length;
    const before = answers();
    for (let i = 0; i < 3; i++) {
      r.send({ flags: TCP_ACK, seq: beyond, ack: r.ack });
      r.run(10);
    }
    assert.equal(answers() - before, 1, 'one answer for three refused ACKs');
    assert.equal(r.p.b.stack.counter('tcp.refusedAckSkipped'), 2);
    r.run(500);
    r.send({ flags: TCP_ACK, seq: beyond, ack: r.ack });
    r.run(10);
    assert.equal(answers() - before, 2, 'answered again once the interval has passed');
    for (let i = 0; i < 2; i++) {
      r.send({ flags: TCP_ACK, seq: beyond, ack: r.ack }, new Uint8Array(10));
      r.run(10);
    }
    assert.equal(answers() - before, 4, 'refused data: answered each time');
    assert.equal(r.received.length, 0);
  });
});

describe('D-SACK above the cumulative ACK (RFC 2883 §4)', () => {
  test('a segment that arrives again while it waits out of order is reported first, in a D-SACK block', () => {
    const r = rawPeer();
    const ackFrames = () => r.seen.filter((f) => f.seg.payload.length === 0);
    const bytes = new Uint8Array(100).fill(7);
    r.data(1000, bytes); // a hole before it: held out of order
    r.run(5);
    const before = ackFrames().length;
    r.data(1000, bytes); // again
    r.run(5);
    const after = ackFrames().slice(before);
    assert.equal(after.length, 1, 'answered at once');
    const left = seqAdd(r.iss + 1, 1000);
    assert.deepEqual(after[0]!.seg.options.sack, [
      [left, seqAdd(left, 100)], // the D-SACK block: the duplicate
      [left, seqAdd(left, 100)], // the block it lies in
    ]);
    assert.equal(after[0]!.seg.ack, seqAdd(r.iss, 1), 'still waiting for the hole');
    assert.equal(r.server.stats.duplicatesReceived, 1);
  });
});

describe('overlapping segments with different bytes', () => {
  test('the first bytes received win, in order and out of order; the stream is never corrupted', () => {
    const r = rawPeer();
    const fill = (v: number, n: number) => new Uint8Array(n).fill(v);
    const segments: Array<[number, Uint8Array]> = [
      [0, fill(0x41, 100)], // in order: delivered
      [50, fill(0x42, 100)], // overlaps delivered bytes: only [100, 150) is new
      [300, fill(0x43, 100)], // out of order: held
      [250, fill(0x44, 100)], // overlaps the held range from below
      [350, fill(0x45, 100)], // and from above
      [150, fill(0x46, 200)], // fills the hole, overlapping what is held
    ];
    for (const [offset, bytes] of segments) {
      r.data(offset, bytes);
      r.run(5);
    }
    r.run(100);
    const got = concat(r.received);
    assert.equal(got.length, 450);
    assert.deepEqual(got, firstWins(450, segments));
    assert.equal(got[120], 0x42);
    assert.equal(got[320], 0x43, 'held bytes beat the later in-order copy');
    assert.equal(got[260], 0x44);
    assert.equal(got[420], 0x45);
    assert.equal(got[200], 0x46);
  });
});

/** Random TCP options, well-formed (parsed) ones only: anything else is a malformed segment. */
const optionsArb: fc.Arbitrary<TcpOptions | undefined> = fc.option(
  fc.record(
    {
      mss: fc.integer({ min: 0, max: 0xffff }),
      windowScale: fc.integer({ min: 0, max: 14 }),
      sackPermitted: fc.constant(true),
      sack: fc.array(
        fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
        { minLength: 1, maxLength: 2 },
      ),
      timestamps: fc.record({
        value: fc.integer({ min: 0, max: 0xffffffff }),
        echo: fc.integer({ min: 0, max: 0xffffffff }),
      }),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

describe('random segments (fast-check)', () => {
  test('random overlapping data with random options: the stream is each byte as first received', () => {
    const N = 3000;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: N - 1 }),
            fc.uint8Array({ minLength: 1, maxLength: 700 }),
            optionsArb,
          ),
          { maxLength: 25 },
        ),
        fc.integer({ min: 1, max: 1000 }),
        (segments, seed) => {
          const r = rawPeer(seed);
          const given: Array<[number, Uint8Array]> = [];
          for (const [offset, bytes, options] of segments) {
            const b = bytes.subarray(0, Math.min(bytes.length, N - offset));
            given.push([offset, b]);
            r.data(offset, b, { options });
            r.run(2);
          }
          // Then the whole stream in order, in 500-byte pieces, fills every gap.
          const tail = pattern(N, seed);
          for (let at = 0; at < N; at += 500) {
            given.push([at, tail.subarray(at, at + 500)]);
            r.data(at, tail.subarray(at, at + 500));
            r.run(2);
          }
          r.run(100);
          assert.deepEqual(concat(r.received), firstWins(N, given));
          assert.equal(r.server.state, 'ESTABLISHED');
        },
      ),
      { numRuns: 60, seed: 4242 },
    );
  });

  test('random segments (any flags, numbers and options) never throw nor corrupt a stream', () => {
    const segmentArb = fc.record({
      flags: fc.integer({ min: 0, max: 0xff }),
      seqOffset: fc.oneof(
        fc.integer({ min: -3000, max: 70_000 }),
        fc.integer({ min: 0, max: 0xffffffff }),
      ),
      ackOffset: fc.oneof(
        fc.integer({ min: -3000, max: 3000 }),
        fc.integer({ min: 0, max: 0xffffffff }),
      ),
      window: fc.integer({ min: 0, max: 0xffff }),
      options: optionsArb,
      payload: fc.uint8Array({ maxLength: 600 }),
    });
    fc.assert(
      fc.property(
        fc.array(segmentArb, { maxLength: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        (segments, seed) => {
          const r = rawPeer(seed);
          // A well-behaved prefix, so the stream has known contents.
          const known = pattern(1000, seed);
          r.data(0, known);
          r.run(5);
          for (const s of segments) {
            r.send(
              {
                flags: s.flags,
                seq: seqAdd(r.iss + 1, s.seqOffset),
                ack: seqAdd(r.ack, s.ackOffset),
                window: s.window,
                options: s.options,
              },
              s.payload,
            );
            r.run(1);
          }
          r.run(200);
          const got = concat(r.received);
          // Whatever was accepted after the known prefix, the prefix itself is intact.
          assert.ok(got.length >= 1000);
          assert.deepEqual(got.subarray(0, 1000), known);
          // And the layer still serves a normal connection.
          const t = transfer(r.p, pattern(20_000, seed), { maxMs: 20_000 });
          assert.equal(t.error, null);
          assert.equal(t.hash, sha256(pattern(20_000, seed)));
        },
      ),
      { numRuns: 80, seed: 99 },
    );
  });

  test('random bytes as TCP segments are rejected and counted, never thrown', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { maxLength: 40 }),
        (blobs) => {
          const e = established();
          const iface = eth0(e.p.b);
          for (const blob of blobs) {
            // Straight into the layer (the IP payload), with the connection's ports half the time.
            const bytes = blob.slice();
            if (bytes.length >= 4 && bytes[0]! % 2 === 0) {
              bytes[0] = e.client.localPort >> 8;
              bytes[1] = e.client.localPort & 0xff;
              bytes[2] = 0;
              bytes[3] = SERVER_PORT;
            }
            if (bytes.length >= 20 && bytes[1]! % 2 === 0) {
              // A checksum that verifies, so the header and options get parsed.
              bytes[16] = 0;
              bytes[17] = 0;
              const sum = pseudoHeaderSum(
                ip('10.0.0.1'),
                ip('10.0.0.2'),
                IP_PROTO_TCP,
                bytes.length,
              );
              const c = finishChecksum(sumBytes(bytes, 0, bytes.length, sum));
              bytes[16] = c >> 8;
              bytes[17] = c & 0xff;
            }
            e.p.b.stack.tcp.input(iface, ip('10.0.0.1'), ip('10.0.0.2'), bytes, e.clock.now());
          }
          e.p.b.reschedule();
          e.send(pattern(3000, 9));
          assert.equal(sha256(e.received), sha256(pattern(3000, 9)));
        },
      ),
      { numRuns: 50, seed: 7 },
    );
  });
});
