/** The simulator's parts: PRNG, clock, links and the learning switch. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SimClock } from '../../src/link/sim/clock.js';
import { ClockDriver } from '../../src/link/sim/driver.js';
import { SimLink } from '../../src/link/sim/link.js';
import { SimNetwork } from '../../src/link/sim/network.js';
import { Prng } from '../../src/link/sim/prng.js';
import { parseIp } from '../../src/stack/address.js';

describe('Prng', () => {
  test('same seed, same sequence; values in range', () => {
    const a = new Prng(99);
    const b = new Prng(99);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b.next()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05);
    assert.notDeepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => new Prng(100).next()),
    );
  });
});

describe('SimClock', () => {
  test('runs events in time order, ties in scheduling order; cancel works', () => {
    const clock = new SimClock();
    const seen: string[] = [];
    clock.schedule(5, () => seen.push('b'));
    clock.schedule(1, () => seen.push('a'));
    clock.schedule(5, () => seen.push('c'));
    const x = clock.schedule(3, () => seen.push('x'));
    clock.cancel(x);
    clock.schedule(2, () => clock.after(10, () => seen.push('d')));
    assert.equal(clock.runUntilIdle(), 5);
    assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
    assert.equal(clock.now(), 12);
  });

  test('a runaway simulation is stopped', () => {
    const clock = new SimClock();
    const again = (): void => {
      clock.after(1, again);
    };
    again();
    assert.throws(() => clock.runUntilIdle(1000), /more than 1000 events/);
  });

  test('the driver runs virtual time from the event loop, one instant per turn', async () => {
    const clock = new SimClock();
    const driver = new ClockDriver(clock);
    const order: string[] = [];
    driver.start();
    await new Promise<void>((resolve) => {
      const event = (name: string, at: number, then?: () => void) =>
        clock.schedule(at, () => {
          order.push(name);
          process.nextTick(() => order.push(`tick after ${name}`));
          then?.();
        });
      // Two events of one instant run together; what they defer runs before the next instant.
      event('a', 1000);
      event('b', 1000);
      event('c', 1001, resolve);
    });
    await new Promise((resolve) => setImmediate(resolve));
    driver.stop();
    assert.deepEqual(order, ['a', 'b', 'tick after a', 'tick after b', 'c', 'tick after c']);
    assert.equal(clock.now(), 1001);
  });

  test('real time: events run when the source reaches them', async () => {
    const start = performance.now();
    const clock = new SimClock(() => performance.now() - start);
    const driver = new ClockDriver(clock);
    driver.start();
    // The driver's real-time timer is unref'd (sockets keep a process alive); hold the loop here.
    const hold = setTimeout(() => {}, 5000);
    const at = await new Promise<number>((resolve) => clock.after(20, () => resolve(clock.now())));
    clearTimeout(hold);
    driver.stop();
    assert.ok(at >= 19, `${at}`);
  });
});

describe('SimLink and SimSwitch', () => {
  test('latency, and frames never modified in place', () => {
    const clock = new SimClock();
    const link = new SimLink(clock, new Prng(1), { latencyMs: 3, corrupt: 1, headerBytes: 0 });
    const got: Array<[number, Uint8Array]> = [];
    link.b.onframe = (f) => got.push([clock.now(), f]);
    const frame = new Uint8Array(100);
    link.a.send(frame);
    clock.runUntilIdle();
    assert.equal(got[0]![0], 3);
    assert.ok(
      frame.every((b) => b === 0),
      'the sender buffer is untouched',
    );
    assert.equal(
      got[0]![1].reduce((n, b) => n + (b === 0 ? 0 : 1), 0),
      1,
      'one byte changed',
    );
  });

  test('a learning switch floods unknown destinations, then forwards', () => {
    const net = new SimNetwork({ seed: 3 });
    const sw = net.switch();
    const hosts = ['h1', 'h2', 'h3'].map((name, i) => {
      const link = net.link({ latencyMs: 1 });
      sw.attach(link.b);
      const host = net.host(name);
      host.attach(link.a, net.nextMac(), [`10.1.0.${i + 1}/24`]);
      return { host, link };
    });
    const got: string[] = [];
    for (const { host } of hosts) {
      const sock = host.stack.udp.open(4);
      sock.bind(null, 7);
      sock.ondatagram = (d) => got.push(`${host.name}:${new TextDecoder().decode(d)}`);
    }
    const sender = hosts[0]!.host.stack.udp.open(4);
    sender.send([new TextEncoder().encode('hi')], parseIp('10.1.0.3')!, 7, 0);
    net.clock.advance(100);
    assert.deepEqual(got, ['h3:hi']);
    // The ARP request was flooded to h2 and h3; the reply and the datagram went to one port each.
    assert.equal(hosts[1]!.link.b.stats.sent, 1);
    assert.equal(hosts[2]!.link.b.stats.sent, 2);
  });
});
