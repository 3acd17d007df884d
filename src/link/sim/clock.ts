/**
 * The simulator's clock: a time-ordered event queue. In virtual time, `now`
 * jumps from event to event; with `source` set (real time), `now` follows
 * that source and events run when it reaches them (see ./driver.ts).
 * Events at the same time run in the order they were scheduled, so a run is
 * a pure function of its inputs.
 */

/** A scheduled callback; pass it to `cancel`. */
export interface ClockEvent {
  readonly at: number;
  readonly seq: number;
  cancelled: boolean;
  readonly run: (arg: unknown) => void;
  /** What `run` is called with (see `schedule`). */
  readonly arg: unknown;
}

export class SimClock {
  private virtualNow = 0;
  private seq = 0;
  private heap: ClockEvent[] = [];
  private readonly source: (() => number) | undefined;
  /** Called whenever a new event becomes the earliest (drivers reschedule on it). */
  onschedule: (at: number) => void = () => {};

  /** @param source Real-time source (ms); omit for virtual time starting at 0. */
  constructor(source?: () => number) {
    this.source = source;
  }

  /** True when time follows a real source. */
  get realTime(): boolean {
    return this.source !== undefined;
  }

  /** The current time in milliseconds. */
  now(): number {
    return this.source ? Math.max(this.source(), this.virtualNow) : this.virtualNow;
  }

  /**
   * Runs `run(arg)` at time `at` (or now, if `at` is in the past). Passing
   * what the callback needs as `arg` lets a hot caller (a link delivering a
   * frame) reuse one function instead of making a closure per event.
   */
  schedule<T>(at: number, run: (arg: T) => void, arg?: T): ClockEvent {
    const event: ClockEvent = {
      at: Math.max(at, this.virtualNow),
      seq: this.seq++,
      cancelled: false,
      run: run as (arg: unknown) => void,
      arg,
    };
    this.push(event);
    if (this.heap[0] === event) this.onschedule(event.at);
    return event;
  }

  /** Runs `run` after `delay` milliseconds. */
  after(delay: number, run: () => void): ClockEvent {
    return this.schedule(this.now() + delay, run);
  }

  cancel(event: ClockEvent): void {
    event.cancelled = true;
  }

  /** The time of the earliest pending event, or Infinity. */
  nextTime(): number {
    this.dropCancelled();
    return this.heap.length > 0 ? this.heap[0]!.at : Number.POSITIVE_INFINITY;
  }

  /** Pending events (cancelled ones excluded once they reach the front). */
  get pending(): number {
    this.dropCancelled();
    return this.heap.length;
  }

  /** Runs the earliest event, advancing time to it; false when there is none. */
  step(): boolean {
    this.dropCancelled();
    const event = this.pop();
    if (event === undefined) return false;
    if (event.at > this.virtualNow) this.virtualNow = event.at;
    event.run(event.arg);
    return true;
  }

  /**
   * Runs every event due at or before `time`, then sets the time to `time`.
   * Throws after `maxEvents` (a runaway simulation), so loops stay bounded.
   */
  runUntil(time: number, maxEvents = 10_000_000): number {
    let count = 0;
    while (this.nextTime() <= time) {
      if (count++ >= maxEvents) throw new Error(`simulation ran more than ${maxEvents} events`);
      this.step();
    }
    if (time > this.virtualNow && Number.isFinite(time)) this.virtualNow = time;
    return count;
  }

  /** Runs events until none is left; throws after `maxEvents`. Returns the count run. */
  runUntilIdle(maxEvents = 10_000_000): number {
    let count = 0;
    while (this.step()) {
      if (++count >= maxEvents) throw new Error(`simulation ran more than ${maxEvents} events`);
    }
    return count;
  }

  /** Advances time by `ms`, running what falls due. */
  advance(ms: number, maxEvents?: number): number {
    return this.runUntil(this.now() + ms, maxEvents);
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: ClockEvent, b: ClockEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(event: ClockEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      const swap = heap[i]!;
      heap[i] = heap[parent]!;
      heap[parent] = swap;
      i = parent;
    }
  }

  private pop(): ClockEvent | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        // A plain swap: a destructuring one allocates an array per step.
        const swap = heap[i]!;
        heap[i] = heap[m]!;
        heap[m] = swap;
        i = m;
      }
    }
    return top;
  }
}
