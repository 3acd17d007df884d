/**
 * The TCP layer's timers at scale: the heap that orders connections by
 * their earliest deadline (keys may be early, never late; ties by creation
 * order), and two runs that once stalled — a write on an idle connection
 * whose segment is lost is sent again by a timer without anyone asking the
 * host to poll, and a keep-alive timer that fires while data is outstanding lets
 * simulated time move on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type TimedEntry, TimerHeap } from '../../src/stack/tcp/timer-heap.js';
import { ip, pair } from './tcp-helpers.js';

/** A stand-in connection: `at` is its real deadline. */
class Entry implements TimedEntry {
  timerKey = Number.POSITIVE_INFINITY;
  timerIndex = -1;
  constructor(
    readonly timerSeq: number,
    public at = Number.POSITIVE_INFINITY,
  ) {}
  deadline(): number {
    return this.at;
  }
}

describe('TimerHeap', () => {
  test('due entries come out earliest first, ties in creation order, each once', () => {
    const heap = new TimerHeap<Entry>();
    const entries = [50, 10, 30, 10, 20].map((at, i) => new Entry(i, at));
    for (const e of entries) heap.lower(e, e.at);
    assert.equal(heap.next(), 10);
    const due: Entry[] = [];
    heap.takeDue(30, due);
    assert.deepEqual(
      due.map((e) => e.timerSeq),
      [1, 3, 4, 2],
    );
    assert.ok(due.every((e) => e.timerIndex === -1));
    assert.equal(heap.next(), 50);
  });

  test('an early key is moved to the real deadline, or dropped when no timer runs', () => {
    const heap = new TimerHeap<Entry>();
    const a = new Entry(0, 10);
    const b = new Entry(1, 20);
    heap.lower(a, 10);
    heap.lower(b, 20);
    a.at = 40; // pushed later without telling the heap
    assert.equal(heap.next(), 20);
    b.at = Number.POSITIVE_INFINITY; // switched off
    assert.equal(heap.next(), 40);
    assert.equal(heap.size, 1);
    const due: Entry[] = [];
    heap.takeDue(39, due);
    assert.equal(due.length, 0);
    heap.takeDue(40, due);
    assert.deepEqual(due, [a]);
    assert.equal(heap.next(), Number.POSITIVE_INFINITY);
  });

  test('lower only moves a key earlier; remove takes an entry from anywhere', () => {
    const heap = new TimerHeap<Entry>();
    const entries = Array.from({ length: 20 }, (_, i) => new Entry(i, 100 + i));
    for (const e of entries) heap.lower(e, e.at);
    assert.equal(heap.lower(entries[5]!, 200), false);
    assert.equal(entries[5]!.timerKey, 105);
    entries[7]!.at = 1;
    assert.equal(heap.lower(entries[7]!, 1), true);
    for (const i of [0, 7, 13, 19]) heap.remove(entries[i]!);
    heap.remove(entries[0]!); // twice: nothing
    const due: Entry[] = [];
    heap.takeDue(1000, due);
    assert.deepEqual(
      due.map((e) => e.timerSeq),
      [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18],
    );
  });
});

/** An established connection a → b, and what b has read; nothing polls the hosts unless they ask. */
function established(tcp = {}) {
  const p = pair({ latencyMs: 5 }, 3, tcp);
  const clock = p.net.clock;
  const listener = p.b.stack.tcp.listen({ address: null, port: 80, family: 4 });
  if (!('onconnection' in listener)) throw listener;
  const received: number[] = [];
  listener.onconnection = (conn) => {
    conn.ondata = (data) => received.push(...data);
    conn.readStart(clock.now());
  };
  const client = p.a.stack.tcp.connect({ remote: ip('10.0.0.2'), remotePort: 80 }, clock.now());
  if (!('onestablished' in client)) throw client;
  p.a.reschedule();
  clock.runUntil(clock.now() + 5000, 10_000);
  assert.equal(client.state, 'ESTABLISHED');
  return { p, clock, client, received };
}

describe('timers of idle connections', () => {
  test('a write on an idle connection whose segment is lost is sent again', () => {
    const { p, clock, client, received } = established();
    // Idle: the next thing scheduled is the neighbour caches' expiry, tens of seconds away.
    assert.ok(clock.nextTime() > clock.now() + 10_000);
    let dropped = 0;
    p.link.filter((_time, frame) => (frame.length > 60 && dropped++ === 0 ? 'drop' : 'pass'));
    // No reschedule here: the retransmission timer the write arms must reach the host's driver.
    assert.equal(client.send(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), clock.now()), 8);
    clock.runUntil(clock.now() + 10_000, 10_000);
    assert.equal(dropped > 1, true);
    assert.deepEqual(received, [1, 2, 3, 4, 5, 6, 7, 8]);
    // Resent by a timer (the tail loss probe's, or the retransmission timeout's).
    assert.ok(client.stats.retransmits >= 1);
  });

  test('a keep-alive timer firing while data is outstanding lets time move on', () => {
    const { p, clock, client } = established();
    client.setKeepAlive(true, 1000, clock.now());
    p.link.partition();
    client.send(Uint8Array.of(1), clock.now());
    // Bounded: a timer due again at once, for ever, would run out of events here.
    const start = clock.now();
    clock.runUntil(start + 5000, 10_000);
    assert.equal(clock.now(), start + 5000);
    assert.ok(client.keepAliveAt > start + 5000, 'the keep-alive timer looks again later');
    assert.ok(client.stats.timeouts >= 1, 'the retransmission timer watches the peer');
  });
});
