/**
 * Bulk transfers over a faulty link, seeded: sizes from 1 KiB to 16 MiB ×
 * loss 0 to 30 % × receive / send buffer sizes, then reordering,
 * duplication, corruption, jitter and a bandwidth limit, each over IPv4 and
 * IPv6 — every transfer byte-exact (sha256) and finished with the FIN.
 * Large sizes run only at low loss, high loss only with small sizes, so the
 * grid stays a few seconds of real time. Partitions: healed within the
 * retransmission backoff the connection survives; healed too late the
 * sender fails with ETIMEDOUT.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimHost } from '../../src/link/sim/host.js';
import type { LinkConditions } from '../../src/link/sim/link.js';
import type { TcpConfig } from '../../src/stack/tcp/config.js';
import type { TcpConnection } from '../../src/stack/tcp/connection.js';
import {
  ip,
  type Pair,
  pair,
  pattern,
  sha256,
  type TransferResult,
  transfer,
} from './tcp-helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function size(n: number): string {
  return n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`;
}

/** Runs one transfer and checks it arrived whole, in order, once. */
function exact(
  conditions: Partial<LinkConditions>,
  bytes: number,
  family: 4 | 6,
  seed: number,
  tcp: Partial<TcpConfig> = {},
): { p: Pair; r: TransferResult } {
  const p = pair({ latencyMs: 5, ...conditions }, seed, tcp);
  const data = pattern(bytes, seed + bytes);
  const r = transfer(p, data, { family, maxMs: 3_600_000 });
  const what = `${size(bytes)} v${family} seed ${seed} ${JSON.stringify(conditions)} ${JSON.stringify(tcp)}`;
  assert.equal(r.error, null, what);
  assert.ok(r.finished, `${what}: no FIN after ${r.received} bytes`);
  assert.equal(r.received, bytes, what);
  assert.equal(r.hash, sha256(data), what);
  return { p, r };
}

describe('loss × size', () => {
  // Larger sizes only where the loss leaves them quick.
  const grid: Array<[number, number[]]> = [
    [0, [1 * KiB, 64 * KiB, 1 * MiB, 16 * MiB]],
    [0.01, [1 * KiB, 64 * KiB, 1 * MiB, 4 * MiB]],
    [0.05, [1 * KiB, 64 * KiB, 1 * MiB]],
    [0.1, [1 * KiB, 64 * KiB, 256 * KiB]],
    [0.3, [1 * KiB, 16 * KiB]],
  ];
  for (const [loss, sizes] of grid) {
    for (const bytes of sizes) {
      for (const family of [4, 6] as const) {
        test(`${loss * 100} % loss, ${size(bytes)}, IPv${family}`, () => {
          const { r } = exact({ loss }, bytes, family, 11 + family);
          if (loss === 0) assert.equal(r.client.stats.retransmits, 0, 'no loss, no retransmission');
        });
      }
    }
  }
});

describe('loss × buffer sizes', () => {
  const buffers: Array<Partial<TcpConfig>> = [
    { receiveBufferSize: 4 * KiB, sendBufferSize: 4 * KiB },
    { receiveBufferSize: 16 * KiB, sendBufferSize: 64 * KiB },
    { receiveBufferSize: 64 * KiB, sendBufferSize: 8 * KiB },
    { receiveBufferSize: 1 * MiB, sendBufferSize: 1 * MiB },
  ];
  for (const tcp of buffers) {
    for (const loss of [0, 0.05, 0.1]) {
      for (const family of [4, 6] as const) {
        test(`rcvbuf ${size(tcp.receiveBufferSize!)} sndbuf ${size(tcp.sendBufferSize!)}, ${loss * 100} % loss, IPv${family}`, () => {
          exact({ loss }, 256 * KiB, family, 21, tcp);
        });
      }
    }
  }
  test('30 % loss with 16 KiB buffers, several seeds', () => {
    for (const seed of [1, 2, 3, 4]) {
      exact({ loss: 0.3 }, 32 * KiB, seed % 2 === 0 ? 4 : 6, seed, {
        receiveBufferSize: 16 * KiB,
        sendBufferSize: 16 * KiB,
      });
    }
  });
  test('without SACK, timestamps or window scaling, NewReno and CUBIC', () => {
    for (const congestionControl of ['newreno', 'cubic'] as const) {
      for (const family of [4, 6] as const) {
        exact({ loss: 0.05 }, 512 * KiB, family, 5, {
          sack: false,
          timestamps: false,
          windowScaling: false,
          congestionControl,
        });
      }
    }
  });
});

describe('other faults', () => {
  for (const family of [4, 6] as const) {
    test(`reordering, IPv${family}`, () => {
      const { r } = exact({ reorder: 0.1 }, 1 * MiB, family, 3);
      assert.ok(r.server!.stats.outOfOrderReceived > 0, 'segments did arrive out of order');
    });

    test(`duplication, IPv${family}`, () => {
      const { p, r } = exact({ duplicate: 0.1 }, 1 * MiB, family, 3);
      assert.ok(p.link.a.stats.duplicated > 0);
      assert.ok(r.server!.stats.duplicatesReceived > 0, 'duplicates were seen and discarded');
    });

    test(`corruption is caught by the checksum, IPv${family}`, () => {
      const { p } = exact({ corrupt: 0.05 }, 1 * MiB, family, 3);
      assert.ok(p.link.a.stats.corrupted > 0);
      // A flipped bit in the TCP part fails the TCP checksum; one in a header
      // below fails that layer's check (IPv4 header checksum, Ethernet / IP fields).
      const caught = p.b.stack.counter('tcp.checksum') + p.a.stack.counter('tcp.checksum');
      assert.ok(caught > 0, 'tcp.checksum counted');
    });

    test(`jitter, IPv${family}`, () => {
      exact({ jitterMs: 8 }, 1 * MiB, family, 3);
    });

    test(`bandwidth limit with a finite queue, IPv${family}`, () => {
      const { p, r } = exact({ bandwidthBps: 20e6, queueBytes: 32 * KiB }, 2 * MiB, family, 3);
      // 2 MiB at 20 Mbit/s takes at least 0.84 s of virtual time.
      assert.ok(r.elapsedMs >= (2 * MiB * 8 * 1000) / 20e6, `${r.elapsedMs} ms`);
      assert.ok(p.link.a.stats.queueDrops > 0, 'slow start overran the queue');
    });

    test(`everything at once, IPv${family}`, () => {
      for (const seed of [1, 2]) {
        exact(
          {
            loss: 0.03,
            reorder: 0.05,
            duplicate: 0.05,
            corrupt: 0.02,
            jitterMs: 3,
            bandwidthBps: 50e6,
          },
          1 * MiB,
          family,
          seed,
        );
      }
    });
  }
});

describe('partitions', () => {
  test('healed within the backoff: the connection survives and completes', () => {
    for (const family of [4, 6] as const) {
      const p = pair({ latencyMs: 5 }, 9, { dataRetries: 6 });
      // Cut both ways 50 ms into the transfer for 2 s (RTOs of 0.2 + 0.4 + 0.8 + 1.6 s span it).
      p.net.clock.schedule(50, () => p.link.partition());
      p.net.clock.schedule(2050, () => p.link.heal());
      const data = pattern(1 * MiB, 3);
      const r = transfer(p, data, { family, maxMs: 120_000 });
      assert.equal(r.error, null);
      assert.ok(r.finished);
      assert.equal(r.hash, sha256(data));
      assert.ok(r.client.stats.timeouts >= 2, `${r.client.stats.timeouts} timeouts`);
      assert.ok(p.link.a.stats.partitioned > 0);
    }
  });

  test('healed too late: the sender fails with ETIMEDOUT', () => {
    for (const family of [4, 6] as const) {
      const p = pair({ latencyMs: 5 }, 9, { dataRetries: 3 });
      p.net.clock.schedule(50, () => p.link.partition());
      // 0.2 + 0.4 + 0.8 + 1.6 s of retransmission timeouts end the connection first.
      p.net.clock.schedule(60_000, () => p.link.heal());
      const data = pattern(1 * MiB, 3);
      const r = transfer(p, data, { family, maxMs: 120_000 });
      assert.equal(r.error, 'client ETIMEDOUT');
      assert.ok(r.client.isClosed());
      assert.equal(r.client.stats.timeouts, 4, 'dataRetries + 1 timeouts');
      assert.ok(r.received < data.length);
    }
  });

  test('a one-way partition (ACKs lost) healed in time is survived too', () => {
    const p = pair({ latencyMs: 5 }, 9, { dataRetries: 6 });
    p.net.clock.schedule(50, () => {
      p.link.b.up = false;
    });
    p.net.clock.schedule(1500, () => {
      p.link.b.up = true;
    });
    const data = pattern(512 * KiB, 4);
    const r = transfer(p, data, { maxMs: 120_000 });
    assert.equal(r.error, null);
    assert.ok(r.finished);
    assert.equal(r.hash, sha256(data));
  });
});

describe('both directions, and the close', () => {
  /** a and b each send to the other at once, then half-close; returns what each received. */
  function both(family: 4 | 6, loss: number, seed: number) {
    const p = pair({ latencyMs: 5, loss }, seed, { mslMs: 1000 });
    const clock = p.net.clock;
    const toB = pattern(400 * KiB, seed);
    const toA = pattern(300 * KiB, seed + 1);
    const atB: Uint8Array[] = [];
    const atA: Uint8Array[] = [];
    let fins = 0;
    const errors: string[] = [];
    const start = (conn: TcpConnection, data: Uint8Array, into: Uint8Array[], host: SimHost) => {
      let offset = 0;
      const pump = () => {
        while (offset < data.length) {
          const n = conn.send(data.subarray(offset), clock.now());
          if (n <= 0) break;
          offset += n;
        }
        if (offset >= data.length) conn.shutdown(clock.now());
        host.reschedule();
      };
      conn.ondata = (d) => into.push(d);
      conn.onfin = () => fins++;
      conn.onerror = (e) => errors.push(e.code);
      conn.onsendspace = pump;
      conn.readStart(clock.now());
      pump();
    };
    const listener = p.b.stack.tcp.listen({ address: null, port: 7, family });
    if (!('onconnection' in listener)) throw new Error(listener.message);
    listener.onconnection = (conn) => start(conn, toA, atB, p.b);
    const client = p.a.stack.tcp.connect(
      { remote: ip(family === 4 ? '10.0.0.2' : 'fd00::2'), remotePort: 7 },
      clock.now(),
    );
    if (!('onestablished' in client)) throw new Error(client.message);
    client.onestablished = () => start(client, toB, atA, p.a);
    p.a.reschedule();
    const end = clock.now() + 600_000;
    while (fins < 2 && errors.length === 0 && clock.now() < end && clock.step()) {}
    listener.close(clock.now());
    return { p, toA, toB, atA, atB, fins, errors };
  }

  for (const family of [4, 6] as const) {
    test(`data both ways at once under loss (SACK blocks ride on data), IPv${family}`, () => {
      for (const seed of [1, 2, 3]) {
        const r = both(family, 0.1, seed);
        assert.deepEqual(r.errors, []);
        assert.equal(r.fins, 2, `seed ${seed}`);
        assert.equal(sha256(r.atB), sha256(r.toB));
        assert.equal(sha256(r.atA), sha256(r.toA));
        // Options take their room from the payload: no segment is too big for the link.
        for (const h of [r.p.a, r.p.b]) {
          assert.equal(h.stack.counter('tcp.sendFailed.EMSGSIZE'), 0);
          assert.equal(r.p.link.a.stats.tooBig + r.p.link.b.stats.tooBig, 0);
        }
      }
    });
  }

  test('after transfers under loss, both ends close down completely (TIME-WAIT included)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = both(seed % 2 === 0 ? 4 : 6, 0.1, seed);
      assert.equal(r.fins, 2);
      // 2 MSL of TIME-WAIT (2 s here) and any FIN retransmissions.
      r.p.net.clock.runUntil(r.p.net.clock.now() + 300_000);
      assert.equal(
        r.p.a.stack.tcp.size,
        0,
        `seed ${seed}: ${r.p.a.stack.tcp.connectionList().map((c) => c.state)}`,
      );
      assert.equal(
        r.p.b.stack.tcp.size,
        0,
        `seed ${seed}: ${r.p.b.stack.tcp.connectionList().map((c) => c.state)}`,
      );
    }
  });
});
