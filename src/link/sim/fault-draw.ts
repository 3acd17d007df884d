/**
 * One frame's fate under seeded faults — lost, duplicated, held back,
 * corrupted, jittered — drawn from a link's PRNG always in the same order,
 * so a seed gives one run. Shared by the simulated links and the fault
 * layer over real links; one instance per link is reused for every frame
 * (no allocation per frame).
 */
import type { Prng } from './prng.js';

/** The conditions a draw reads (probabilities 0..1, times in ms; see `LinkConditions`). */
export interface DrawConditions {
  latencyMs: number;
  jitterMs: number;
  loss: number;
  duplicate: number;
  reorder: number;
  reorderDelayMs: number | undefined;
  corrupt: number;
}

export class FaultDraw {
  lost = false;
  duplicate = false;
  reorder = false;
  corrupt = false;
  /** Extra uniform delay, ms. */
  jitterMs = 0;

  /** Draws the next frame's faults. */
  draw(c: DrawConditions, rng: Prng): this {
    this.lost = rng.chance(c.loss);
    this.duplicate = rng.chance(c.duplicate);
    this.reorder = rng.chance(c.reorder);
    this.corrupt = rng.chance(c.corrupt);
    this.jitterMs = c.jitterMs > 0 ? rng.next() * c.jitterMs : 0;
    return this;
  }

  /** `frame`, or a copy with one random bit flipped when the draw corrupts it. */
  payload(frame: Uint8Array, rng: Prng): Uint8Array {
    if (!this.corrupt || frame.length === 0) return frame;
    const copy = frame.slice();
    const bit = rng.below(frame.length * 8);
    copy[bit >>> 3]! ^= 1 << (bit & 7);
    return copy;
  }

  /** How long a reordered frame is held back beyond its delay, ms (0 when it is not). */
  holdMs(c: DrawConditions): number {
    return this.reorder ? (c.reorderDelayMs ?? 2 * c.latencyMs + 1) : 0;
  }
}
