/**
 * A simulated host: a `NetStack` whose timers run on the simulation clock
 * and whose Ethernet interfaces are plugged into simulated links.
 */
import type { NetInterface } from '../../stack/interface.js';
import { NetStack, type StackOptions } from '../../stack/stack.js';
import type { ClockEvent, SimClock } from './clock.js';
import type { LinkEnd } from './link.js';

export class SimHost {
  readonly name: string;
  readonly stack: NetStack;
  readonly clock: SimClock;
  private timer: ClockEvent | null = null;

  constructor(name: string, clock: SimClock, options: StackOptions = {}) {
    this.name = name;
    this.clock = clock;
    this.stack = new NetStack(options);
    this.stack.onwake = (at) => this.schedule(at);
  }

  /**
   * Adds an Ethernet interface with `mac`, plugged into `end`, with the given
   * addresses (`10.0.0.1/24`, `fd00::1/64`).
   */
  attach(
    end: LinkEnd,
    mac: Uint8Array,
    addresses: readonly string[],
    options: { name?: string; mtu?: number } = {},
  ): NetInterface {
    const stack = this.stack;
    const iface = stack.addInterface({
      name: options.name ?? `eth${stack.interfaces.length - 1}`,
      medium: 'ethernet',
      mac,
      mtu: options.mtu ?? end.link.conditions.mtu,
      transmit: (frame) => end.send(frame),
      // Simulated links carry frames only to stacks in this process.
      checksumOffload: true,
    });
    end.onframe = (frame) => {
      stack.input(iface, frame, this.clock.now());
      this.reschedule();
    };
    for (const address of addresses) stack.addAddress(iface, address);
    return iface;
  }

  /**
   * Makes sure the stack is polled by its next deadline, and drops a timer
   * left for a deadline that has gone (a reply ended an ARP retry): an idle
   * host then leaves no event pending, so `Simulation.settle()` ends with
   * the traffic instead of at a stale timer.
   */
  reschedule(): void {
    const next = this.stack.nextDeadline();
    if (this.timer !== null && !this.timer.cancelled && this.timer.at < next) {
      this.clock.cancel(this.timer);
      this.timer = null;
    }
    this.schedule(next);
  }

  private schedule(at: number): void {
    if (at === Number.POSITIVE_INFINITY) return;
    const now = this.clock.now();
    const when = Math.max(at, now);
    if (this.timer !== null && !this.timer.cancelled && this.timer.at <= when) return;
    if (this.timer !== null) this.clock.cancel(this.timer);
    this.timer = this.clock.schedule(when, () => {
      this.timer = null;
      const next = this.stack.poll(this.clock.now());
      this.schedule(next);
    });
  }
}
