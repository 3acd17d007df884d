/**
 * The pieces of the links to the kernel that need no kernel: the VXLAN
 * header (RFC 7348 §5), the fault layer over a packet link (seeded, each
 * direction, in a clock's time), the link description `wirestack run
 * --link` hands to the program through its environment, and the VXLAN and
 * bare-IP links over loopback UDP sockets, back to back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkConfigFromEnv, linkEnvironment, parseLinkSpec } from '../../src/link/config.js';
import { formatFaultSpec, OptionError, parseFaultSpec } from '../../src/link/fault-options.js';
import { FaultLink } from '../../src/link/faults.js';
import type { PacketLink } from '../../src/link/packet-link.js';
import { SimClock } from '../../src/link/sim/clock.js';
import { UdpIpLink } from '../../src/link/udp-ip.js';
import { VxlanLink } from '../../src/link/vxlan.js';
import { WireError } from '../../src/wire/errors.js';
import { emitVxlanHeader, parseVxlan } from '../../src/wire/vxlan.js';

/** A link that records what is sent and lets the test deliver frames. */
function recorder(): PacketLink & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  return {
    medium: 'ethernet',
    mtu: 1500,
    onframe: null,
    sent,
    send: (f) => sent.push(f),
    close() {},
  };
}

describe('VXLAN header', () => {
  test('emit and parse: the I flag, the 24-bit VNI, reserved bits zero', () => {
    const header = emitVxlanHeader(0x123456);
    assert.deepEqual([...header], [0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
    const packet = parseVxlan(Uint8Array.of(...header, 1, 2, 3));
    assert.ok(!(packet instanceof WireError));
    assert.equal(packet.vni, 0x123456);
    assert.deepEqual([...packet.frame], [1, 2, 3]);
    assert.ok(parseVxlan(Uint8Array.of(0x08, 0, 0)) instanceof WireError);
    assert.ok(parseVxlan(Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 0)) instanceof WireError);
    assert.throws(() => emitVxlanHeader(1 << 24), RangeError);
  });
});

describe('fault layer', () => {
  const frames = (n: number) =>
    Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, 7, 7));

  test('loss, duplication and corruption follow the seed, each direction on its own', () => {
    const run = (seed: number) => {
      const inner = recorder();
      const clock = new SimClock();
      const link = new FaultLink(inner, {
        conditions: { loss: 0.1, duplicate: 0.05, corrupt: 0.05 },
        seed,
        clock,
      });
      const received: Uint8Array[] = [];
      link.onframe = (f) => received.push(f);
      for (const f of frames(2000)) {
        link.send(f);
        inner.onframe!(f);
      }
      return {
        out: inner.sent.map((f) => [...f].join()),
        in: received.map((f) => [...f].join()),
        stats: link.stats,
      };
    };
    const a = run(3);
    assert.deepEqual(run(3), a);
    assert.notDeepEqual(run(4).out, a.out);
    for (const stats of [a.stats.out, a.stats.in]) {
      assert.equal(stats.frames, 2000);
      assert.ok(stats.lost > 140 && stats.lost < 260, `lost ${stats.lost}`);
      assert.ok(stats.duplicated > 50 && stats.duplicated < 150, `duplicated ${stats.duplicated}`);
      assert.ok(stats.corrupted > 50 && stats.corrupted < 150, `corrupted ${stats.corrupted}`);
      assert.equal(stats.delivered, 2000 - stats.lost + stats.duplicated);
    }
    assert.equal(a.out.length, a.stats.out.delivered);
    // The two directions draw from different generators.
    assert.notDeepEqual(a.out, a.in);
  });

  test('delay, jitter and reordering run on the clock', () => {
    const inner = recorder();
    const clock = new SimClock();
    const link = new FaultLink(inner, {
      conditions: { latencyMs: 20, jitterMs: 5, reorder: 0.25 },
      seed: 1,
      clock,
    });
    const sentAt = new Map<number, number>();
    const arrivals: Array<{ id: number; at: number }> = [];
    inner.send = (f) => arrivals.push({ id: f[0]! | (f[1]! << 8), at: clock.now() });
    for (const [i, f] of frames(400).entries()) {
      clock.runUntil(i);
      sentAt.set(i, clock.now());
      link.send(f);
    }
    clock.runUntilIdle();
    assert.equal(arrivals.length, 400);
    let reordered = 0;
    for (const { id, at } of arrivals) {
      const delay = at - sentAt.get(id)!;
      assert.ok(delay >= 20 && delay < 25 + 41, `delay ${delay}`);
      if (delay >= 41) reordered++;
    }
    assert.ok(reordered > 60 && reordered < 140, `${reordered} reordered`);
    assert.ok(
      arrivals.some((a, i) => i > 0 && a.id < arrivals[i - 1]!.id),
      'some frames overtook others',
    );
  });
});

describe('link configuration', () => {
  test('parse, carry through the environment, read back', () => {
    const spec = parseLinkSpec('vxlan:[fd99::2]:4789@[fd99::1]:4790');
    assert.deepEqual(spec, {
      kind: 'vxlan',
      local: { address: 'fd99::2', port: 4789 },
      remote: { address: 'fd99::1', port: 4790 },
    });
    const config = {
      ...parseLinkSpec('udp:10.99.0.2:4789@10.99.0.1:4789'),
      addresses: ['10.78.0.2/24', 'fd78::2/64'],
      gateways: ['10.78.0.1'],
      mtu: 1400,
      faults: parseFaultSpec('delay=20,jitter=5,loss=1%,seed=7'),
    };
    const env = linkEnvironment(config);
    assert.equal(env.WIRESTACK_LINK, 'udp:10.99.0.2:4789@10.99.0.1:4789');
    assert.equal(env.WIRESTACK_FAULTS, 'delay=20,jitter=5,loss=0.01,seed=7');
    assert.deepEqual(linkConfigFromEnv(env), config);
    assert.equal(linkConfigFromEnv({}), null);
    assert.equal(formatFaultSpec({ conditions: {}, seed: 1 }), 'seed=1');
  });

  test('errors name what is wrong', () => {
    assert.throws(() => parseLinkSpec('gre:1.2.3.4:1@1.2.3.5:1'), /KIND vxlan or udp/);
    assert.throws(() => parseLinkSpec('vxlan:10.0.0.1:4789'), /LOCAL_ADDRESS:PORT@REMOTE/);
    assert.throws(() => parseLinkSpec('vxlan:10.0.0.1:4789@[fd00::1]:4789'), /one family/);
    assert.throws(() => parseLinkSpec('udp:host:1@10.0.0.1:1'), /IP literal/);
    assert.throws(() => parseFaultSpec('loss=2'), OptionError);
    assert.throws(() => parseFaultSpec('speed=1'), /unknown fault 'speed'/);
    assert.throws(
      () =>
        linkConfigFromEnv({
          WIRESTACK_LINK: 'udp:10.0.0.2:1@10.0.0.1:1',
          WIRESTACK_ADDRESSES: '10.0.0.2',
        }),
      /WIRESTACK_ADDRESSES must be ADDRESS\/PREFIX/,
    );
  });
});

describe('links over host UDP sockets, back to back on loopback', () => {
  for (const kind of ['vxlan', 'udp'] as const) {
    test(`${kind}: frames both ways; strangers and other VNIs are dropped`, async () => {
      const make = (local: number, remote: number, vni = 5) =>
        kind === 'vxlan'
          ? new VxlanLink({
              local: { address: '127.0.0.1', port: local },
              remote: { address: '127.0.0.1', port: remote },
              vni,
            })
          : new UdpIpLink({
              local: { address: '127.0.0.1', port: local },
              remote: { address: '127.0.0.1', port: remote },
            });
      const base = 40000 + (process.pid % 10000);
      const a = make(base, base + 1);
      const b = make(base + 1, base);
      const other = make(base + 2, base + 1, 6);
      // The links' sockets are unref'd (the stack's sockets keep a process alive): hold it here.
      const keep = setInterval(() => {}, 1000);
      try {
        await Promise.all([a.ready, b.ready, other.ready]);
        const frame =
          kind === 'vxlan'
            ? Uint8Array.from({ length: 60 }, (_, i) => i)
            : Uint8Array.of(0x45, 0, 0, 20, ...new Uint8Array(16));
        const got = new Promise<Uint8Array>((resolve) => {
          b.onframe = resolve;
        });
        if (kind === 'vxlan') other.send(frame); // another VNI: dropped by b
        a.send(frame);
        assert.deepEqual([...(await got)], [...frame]);
        const back = new Promise<Uint8Array>((resolve) => {
          a.onframe = resolve;
        });
        b.send(frame);
        assert.deepEqual([...(await back)], [...frame]);
        if (kind === 'vxlan') {
          await new Promise((r) => setTimeout(r, 50));
          assert.equal(b.stats.rejected, 1);
        }
        assert.equal(a.stats.framesOut, 1);
        assert.equal(b.stats.framesIn, 1);
      } finally {
        clearInterval(keep);
        a.close();
        b.close();
        other.close();
      }
    });
  }
});

describe('wirestack run --link: options to environment', () => {
  test('the link, its addresses, gateways and faults reach the program as variables', async () => {
    const { parseRunArgs, runEnvironment } = await import('../../src/cli/run.js');
    const options = parseRunArgs([
      '--link',
      'vxlan:10.99.0.2:4789@10.99.0.1:4789',
      '--vni=42',
      '--address',
      '10.78.0.2/24',
      '--address',
      'fd78::2/64',
      '--gateway',
      '10.78.0.1',
      '--loss',
      '1%',
      '--delay',
      '20',
      '--seed',
      '9',
      'app.js',
      '--loss',
      'not ours',
    ]);
    assert.deepEqual(options.argv, ['app.js', '--loss', 'not ours']);
    const env = runEnvironment(options, { WIRESTACK_FAULTS: 'stale', PATH: '/bin' });
    assert.equal(env.WIRESTACK_TRANSPORT, 'userspace');
    assert.equal(env.WIRESTACK_LINK, 'vxlan:10.99.0.2:4789@10.99.0.1:4789');
    assert.equal(env.WIRESTACK_VNI, '42');
    assert.equal(env.WIRESTACK_ADDRESSES, '10.78.0.2/24,fd78::2/64');
    assert.equal(env.WIRESTACK_GATEWAYS, '10.78.0.1');
    assert.equal(env.WIRESTACK_FAULTS, 'delay=20,loss=0.01,seed=9');
    assert.deepEqual(linkConfigFromEnv(env), options.link);
    // Without --link, a parent's link variables are not passed on.
    const plain = runEnvironment(parseRunArgs(['app.js']), {
      WIRESTACK_LINK: 'udp:1.2.3.4:1@1.2.3.5:1',
    });
    assert.equal(plain.WIRESTACK_LINK, undefined);
  });
});
