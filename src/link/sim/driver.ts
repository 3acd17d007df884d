/**
 * Runs a `SimClock` from Node's event loop, so code written against Node's
 * API (callbacks, promises, `process.nextTick`) can drive a simulation.
 *
 * - Virtual time: one `setImmediate` turn per instant of simulated time:
 *   the events due at the same instant run together (as a kernel takes the
 *   segments that arrived together before the reader wakes, so they reach
 *   it as one read), and everything user code defers (`nextTick`, promise
 *   reactions) runs between two instants, in the same order on every run.
 *   Time jumps straight to the next instant.
 * - Real time (a clock with a source): a timer fires when the source reaches
 *   the next event; an event already due (a packet queued on a loopback
 *   interface, which asks for a poll at once) runs on the next `setImmediate`
 *   instead, as the kernel would deliver it, not a timer's 1 ms later.
 *
 * In virtual time the pending events are worked off at once (an unref'd
 * immediate would let Node's poll phase block on other timers), so the
 * process lives until the simulation runs out of events. In real time the
 * driver's timer is unref'd: what keeps a process alive is what would on
 * the host — open sockets (see the userspace handle).
 */
import type { SimClock } from './clock.js';

export class ClockDriver {
  private readonly clock: SimClock;
  private immediate: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  /** Errors thrown by event callbacks; the default rethrows them outside the loop. */
  onerror: (err: unknown) => void = (err) => {
    throw err;
  };

  constructor(clock: SimClock) {
    this.clock = clock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.clock.onschedule = () => this.kick();
    this.kick();
  }

  stop(): void {
    this.running = false;
    this.clock.onschedule = () => {};
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = null;
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private kick(): void {
    if (!this.running) return;
    const next = this.clock.nextTime();
    if (next === Number.POSITIVE_INFINITY) return;
    if (!this.clock.realTime) {
      if (this.immediate === null) {
        this.immediate = setImmediate(() => this.turn());
      }
      return;
    }
    if (this.immediate !== null) return;
    const delay = next - this.clock.now();
    if (delay <= 0) {
      // Due now: the next turn of the loop, not a timer (at least 1 ms in Node).
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      // Ref'd: Node's poll phase waits for the next timer or I/O while only
      // unref'd immediates are pending. It runs at once, so the process ends as before.
      this.immediate = setImmediate(() => this.turn());
      return;
    }
    if (this.timer !== null && this.timerAt <= next) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.turn(), delay);
    this.timer.unref();
  }

  private turn(): void {
    this.immediate = null;
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (!this.running) return;
    try {
      if (!this.clock.realTime) this.clock.runUntil(this.clock.nextTime(), 100_000);
      else this.clock.runUntil(this.clock.now(), 100_000);
    } catch (err) {
      // The events still pending run on, even when the error is thrown on.
      this.kick();
      this.onerror(err);
      return;
    }
    this.kick();
  }
}
