/**
 * The TCP layer's timers: the connections that have one running, in a binary
 * min-heap keyed by their earliest deadline, so that a poll and the next
 * deadline cost O(log n) in the connections whose timers run, and nothing
 * in idle ones (no scan over every connection).
 *
 * A connection reports a deadline when one of its timers is set earlier
 * than its key (`lower`); timers switched off or pushed later are not
 * reported (that is every ACK moving the retransmission timer on). Keys may
 * therefore be early, never late: before the heap answers, an entry whose
 * real deadline (`deadline()`) is later is moved to it, or dropped when no
 * timer runs. So `next` is exact, and a poll never visits a connection
 * with nothing due.
 *
 * Ties go to the connection created first (`timerSeq`): the order of a
 * poll is a function of the run, whatever the heap's shape.
 */

/** What the heap keeps per connection (fields on the connection, so an entry allocates nothing). */
export interface TimedEntry {
  /** The key: no later than the earliest deadline (ms); Infinity when not in the heap. */
  timerKey: number;
  /** Position in the heap; -1 when not in it. */
  timerIndex: number;
  /** Creation order, for ties. */
  readonly timerSeq: number;
  /** The earliest timer now (ms); Infinity when none runs. */
  deadline(): number;
}

const NEVER = Number.POSITIVE_INFINITY;

export class TimerHeap<T extends TimedEntry> {
  private readonly heap: T[] = [];

  /** Entries in the heap (stale ones included until they reach the top). */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Makes sure `entry` is polled by `at`: inserts it, or moves its key
   * earlier. Returns true when it is now the earliest entry.
   */
  lower(entry: T, at: number): boolean {
    if (at >= entry.timerKey) return false;
    entry.timerKey = at;
    if (entry.timerIndex < 0) {
      entry.timerIndex = this.heap.length;
      this.heap.push(entry);
    }
    this.up(entry.timerIndex);
    return entry.timerIndex === 0;
  }

  /** Takes `entry` out (a connection that closed). */
  remove(entry: T): void {
    const i = entry.timerIndex;
    if (i < 0) return;
    const heap = this.heap;
    const last = heap.pop()!;
    entry.timerIndex = -1;
    entry.timerKey = NEVER;
    if (last === entry) return;
    heap[i] = last;
    last.timerIndex = i;
    this.down(i);
    this.up(last.timerIndex);
  }

  /** The earliest real deadline (ms), Infinity when no timer runs. */
  next(): number {
    this.settleTop();
    const top = this.heap[0];
    return top === undefined ? NEVER : top.timerKey;
  }

  /**
   * Takes out every entry with a timer due at `now`, earliest first, into
   * `due` (cleared first). They are out of the heap: once polled, each goes
   * back with `lower(entry, entry.deadline())` (the timers its poll set are
   * reported as it sets them, but not those left running).
   */
  takeDue(now: number, due: T[]): void {
    due.length = 0;
    for (;;) {
      this.settleTop();
      const top = this.heap[0];
      if (top === undefined || top.timerKey > now) return;
      this.remove(top);
      due.push(top);
    }
  }

  /** Until the top's key is its real deadline: re-keys it (later) or drops it (no timer). */
  private settleTop(): void {
    const heap = this.heap;
    for (;;) {
      const top = heap[0];
      if (top === undefined) return;
      const at = top.deadline();
      if (at <= top.timerKey) {
        top.timerKey = at; // already the earliest: it stays on top
        return;
      }
      if (at === NEVER) {
        this.remove(top);
        continue;
      }
      top.timerKey = at;
      this.down(0);
    }
  }

  private less(a: T, b: T): boolean {
    return a.timerKey < b.timerKey || (a.timerKey === b.timerKey && a.timerSeq < b.timerSeq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!this.less(entry, above)) break;
      heap[i] = above;
      above.timerIndex = i;
      i = parent;
    }
    heap[i] = entry;
    entry.timerIndex = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.less(heap[r]!, heap[l]!) ? r : l;
      const below = heap[child]!;
      if (!this.less(below, entry)) break;
      heap[i] = below;
      below.timerIndex = i;
      i = child;
    }
    heap[i] = entry;
    entry.timerIndex = i;
  }
}
