/**
 * The fault layer: seeded loss, delay, jitter, reordering, duplication and
 * corruption — the faults of the simulated links (./sim/link.ts), with the
 * same meaning, the same defaults and the same PRNG drawn in the same order
 * per frame — applied to the frames of any `PacketLink`, in each direction,
 * in the time of a clock (real time for a link to the kernel).
 *
 * `new FaultLink(inner, { conditions, seed })` is itself a `PacketLink`:
 * frames sent through it meet the faults on the way out, frames arriving
 * from `inner` meet them on the way in; each direction has its own PRNG
 * (forked from the seed), so the decisions for one direction's n-th frame
 * depend only on the seed and n. Timing on a real link is not repeatable,
 * so a run is not either; the fault decisions are.
 */
import { performance } from 'node:perf_hooks';
import type { PacketLink, PacketMedium } from './packet-link.js';
import { SimClock } from './sim/clock.js';
import { ClockDriver } from './sim/driver.js';
import { FaultDraw } from './sim/fault-draw.js';
import type { LinkConditions } from './sim/link.js';
import { Prng } from './sim/prng.js';

/** The faults a real link can be given (the simulated links' conditions less bandwidth and MTU). */
export type FaultConditions = Pick<
  LinkConditions,
  'latencyMs' | 'jitterMs' | 'loss' | 'duplicate' | 'reorder' | 'reorderDelayMs' | 'corrupt'
>;

/** No faults: a real link's own delay only. */
export const NO_FAULTS: FaultConditions = {
  latencyMs: 0,
  jitterMs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: undefined,
  corrupt: 0,
};

/** True when `conditions` would change some frame. */
export function hasFaults(conditions: Partial<FaultConditions>): boolean {
  const c = { ...NO_FAULTS, ...conditions };
  return (
    c.latencyMs > 0 ||
    c.jitterMs > 0 ||
    c.loss > 0 ||
    c.duplicate > 0 ||
    c.reorder > 0 ||
    c.corrupt > 0
  );
}

/** What one direction of a fault layer did. */
export interface FaultStats {
  frames: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
}

export interface FaultLinkOptions {
  /** The faults, each direction; unset ones are none (`NO_FAULTS`). */
  conditions?: Partial<FaultConditions>;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** The clock frames are delayed on (a real-time `SimClock`); default one of its own on `performance.now()`. */
  clock?: SimClock;
  /** Which directions meet the faults. Default both. */
  directions?: 'both' | 'out' | 'in';
}

function emptyFaultStats(): FaultStats {
  return { frames: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0 };
}

export class FaultLink implements PacketLink {
  readonly inner: PacketLink;
  conditions: FaultConditions;
  onframe: ((frame: Uint8Array) => void) | null = null;
  /** Frames sent through this layer (`out`) and arriving from the inner link (`in`). */
  readonly stats: { out: FaultStats; in: FaultStats } = {
    out: emptyFaultStats(),
    in: emptyFaultStats(),
  };
  private readonly clock: SimClock;
  private readonly driver: ClockDriver | null = null;
  private readonly outRng: Prng;
  private readonly inRng: Prng;
  private readonly faultOut: boolean;
  private readonly faultIn: boolean;
  private closed = false;
  /** Reused for every frame's fault draw (both directions; consumed at once). */
  private readonly draw = new FaultDraw();

  constructor(inner: PacketLink, options: FaultLinkOptions = {}) {
    this.inner = inner;
    this.conditions = { ...NO_FAULTS, ...options.conditions };
    const root = new Prng(options.seed ?? 1);
    this.outRng = root.fork(0);
    this.inRng = root.fork(1);
    const directions = options.directions ?? 'both';
    this.faultOut = directions !== 'in';
    this.faultIn = directions !== 'out';
    if (options.clock !== undefined) {
      this.clock = options.clock;
    } else {
      const origin = performance.now();
      this.clock = new SimClock(() => performance.now() - origin);
      this.driver = new ClockDriver(this.clock);
      this.driver.start();
    }
    inner.onframe = (frame) => {
      if (this.faultIn) this.apply(frame, this.inRng, this.stats.in, (f) => this.onframe?.(f));
      else this.onframe?.(frame);
    };
  }

  get medium(): PacketMedium {
    return this.inner.medium;
  }

  get mtu(): number {
    return this.inner.mtu;
  }

  /** Changes the faults from now on (frames already delayed keep their time). */
  set(conditions: Partial<FaultConditions>): void {
    this.conditions = { ...this.conditions, ...conditions };
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    if (this.faultOut) this.apply(frame, this.outRng, this.stats.out, (f) => this.inner.send(f));
    else this.inner.send(frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onframe = null;
    this.driver?.stop();
    this.inner.close();
  }

  /** One frame through the faults, drawn as a simulated link draws them (./sim/fault-draw.ts). */
  private apply(
    frame: Uint8Array,
    rng: Prng,
    stats: FaultStats,
    deliver: (frame: Uint8Array) => void,
  ): void {
    const c = this.conditions;
    stats.frames++;
    const draw = this.draw.draw(c, rng);
    if (draw.lost) {
      stats.lost++;
      return;
    }
    const payload = draw.payload(frame, rng);
    if (payload !== frame) stats.corrupted++;
    const delay = c.latencyMs + draw.jitterMs + draw.holdMs(c);
    if (draw.reorder) stats.reordered++;
    const dup = draw.duplicate;
    const copy = dup ? payload.slice() : null;
    if (dup) stats.duplicated++;
    const run = (f: Uint8Array) => () => {
      if (this.closed) return;
      stats.delivered++;
      deliver(f);
    };
    if (delay <= 0) {
      run(payload)();
      if (copy) run(copy)();
      return;
    }
    const at = this.clock.now() + delay;
    this.clock.schedule(at, run(payload));
    if (copy) this.clock.schedule(at, run(copy));
  }
}
