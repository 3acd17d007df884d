/**
 * A simulated point-to-point link: two ends, each direction with its own
 * queue. Per-link conditions: latency (+ jitter), bandwidth (serialisation
 * delay and a bounded FIFO queue), MTU, loss, duplication, reordering,
 * corruption, and partition (per direction or both). Every random choice
 * comes from the link's own seeded PRNG, drawn in a fixed order.
 */

import { withChecksums } from '../../stack/checksum-offload.js';
import { validateLinkConditions } from './check-conditions.js';
import type { SimClock } from './clock.js';
import { FaultDraw } from './fault-draw.js';
import type { Prng } from './prng.js';

export interface LinkConditions {
  /** One-way propagation delay, ms. Default 1. */
  latencyMs: number;
  /** Extra uniform random delay in [0, jitterMs), ms. Default 0. */
  jitterMs: number;
  /** Bits per second; 0 for unlimited. Default 0. */
  bandwidthBps: number;
  /** Bytes that may wait for the wire before tail drop (with a bandwidth). Default 256 KiB. */
  queueBytes: number;
  /** Largest payload after the link header (the frame minus `headerBytes`). Default 1500. */
  mtu: number;
  /** Link header counted outside the MTU: 14 for Ethernet, 0 for raw IP. Default 14. */
  headerBytes: number;
  /** Probability a frame is lost. */
  loss: number;
  /** Probability a frame is delivered twice. */
  duplicate: number;
  /** Probability a frame is held back by `reorderDelayMs`, letting later ones pass. */
  reorder: number;
  /** Extra delay of a reordered frame, ms. Default 2 × latency + 1. */
  reorderDelayMs: number | undefined;
  /** Probability one random bit of a frame is flipped. */
  corrupt: number;
}

export const DEFAULT_CONDITIONS: LinkConditions = {
  latencyMs: 1,
  jitterMs: 0,
  bandwidthBps: 0,
  queueBytes: 256 * 1024,
  mtu: 1500,
  headerBytes: 14,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: undefined,
  corrupt: 0,
};

/** What a link reports per direction. */
export interface LinkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
  tooBig: number;
  queueDrops: number;
  partitioned: number;
  /** Frames a filter dropped or replaced. */
  filtered: number;
}

/** Where a frame sent on a link is seen: taps run for every frame put on the wire. */
export type FrameTap = (timeMs: number, frame: Uint8Array, from: LinkEnd) => void;

/**
 * A deliberate fault on chosen frames: `'pass'` lets the frame through (to
 * the link's random faults), `'drop'` loses it, a byte array is sent in its
 * place (a modified copy: the original must not be changed). Filters run in
 * the order added, after the taps (a capture still shows a dropped frame,
 * as a capture before a lossy hop would).
 */
export type FrameFilter = (
  timeMs: number,
  frame: Uint8Array,
  from: LinkEnd,
) => 'pass' | 'drop' | Uint8Array;

function emptyStats(): LinkStats {
  return {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    corrupted: 0,
    tooBig: 0,
    queueDrops: 0,
    partitioned: 0,
    filtered: 0,
  };
}

/** One end of a link: send frames into it, receive what the other end sent. */
export class LinkEnd {
  readonly link: SimLink;
  readonly side: 0 | 1;
  /** Receives frames that arrive at this end. */
  onframe: (frame: Uint8Array) => void = () => {};
  /** False: frames sent from this end are dropped (a one-way partition). */
  up = true;
  readonly stats: LinkStats = emptyStats();
  /** Serialisation: when the wire from this end is next free, and bytes waiting. */
  busyUntil = 0;
  queued = 0;
  /** Hands a frame that reached this end to `onframe` (one function for every frame: see SimClock.schedule). */
  readonly arrive: (frame: Uint8Array) => void;

  constructor(link: SimLink, side: 0 | 1) {
    this.link = link;
    this.side = side;
    this.arrive = (frame) => {
      this.peer.stats.delivered++;
      this.onframe(frame);
    };
  }

  /** The other end. */
  get peer(): LinkEnd {
    return this.side === 0 ? this.link.b : this.link.a;
  }

  /** Puts a frame on the wire. The link never modifies `frame` (corruption works on a copy). */
  send(frame: Uint8Array): void {
    this.link.transmit(this, frame);
  }
}

export class SimLink {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly name: string;
  conditions: LinkConditions;
  private readonly clock: SimClock;
  private readonly rng: Prng;
  /** Reused for every frame's fault draw. */
  private readonly draw = new FaultDraw();
  private readonly taps: FrameTap[] = [];
  private readonly filters: FrameFilter[] = [];

  constructor(clock: SimClock, rng: Prng, conditions: Partial<LinkConditions> = {}, name = 'link') {
    this.clock = clock;
    this.rng = rng;
    this.name = name;
    validateLinkConditions(conditions, 'conditions');
    this.conditions = { ...DEFAULT_CONDITIONS, ...conditions };
    this.a = new LinkEnd(this, 0);
    this.b = new LinkEnd(this, 1);
  }

  /**
   * Changes conditions for both directions from now on.
   * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_VALUE
   *   (an unknown condition), with nothing changed.
   */
  set(conditions: Partial<LinkConditions>): void {
    validateLinkConditions(conditions, 'conditions');
    this.conditions = { ...this.conditions, ...conditions };
  }

  /** Cuts the link both ways (frames in flight still arrive). */
  partition(): void {
    this.a.up = false;
    this.b.up = false;
  }

  heal(): void {
    this.a.up = true;
    this.b.up = true;
  }

  /** Calls `tap` for every frame sent on this link, before any fault is applied. */
  tap(tap: FrameTap): () => void {
    this.taps.push(tap);
    return () => {
      const i = this.taps.indexOf(tap);
      if (i >= 0) this.taps.splice(i, 1);
    };
  }

  /**
   * Adds a filter that may drop or replace chosen frames (see `FrameFilter`);
   * returns its removal. Filters draw nothing from the link's PRNG (a frame
   * they drop makes no draws), so runs stay a function of the seed.
   */
  filter(filter: FrameFilter): () => void {
    this.filters.push(filter);
    return () => {
      const i = this.filters.indexOf(filter);
      if (i >= 0) this.filters.splice(i, 1);
    };
  }

  /** @internal Called by `LinkEnd.send`. */
  transmit(from: LinkEnd, sent: Uint8Array): void {
    const c = this.conditions;
    const now = this.clock.now();
    const stats = from.stats;
    stats.sent++;
    let frame = sent;
    // Whatever looks at or copies the frame sees it complete (../../stack/checksum-offload.ts).
    if (this.taps.length > 0 || this.filters.length > 0 || c.corrupt > 0 || c.duplicate > 0)
      frame = withChecksums(sent, c.headerBytes);
    for (const tap of this.taps) tap(now, frame, from);
    for (const filter of this.filters) {
      const verdict = filter(now, frame, from);
      if (verdict === 'pass') continue;
      stats.filtered++;
      if (verdict === 'drop') return;
      frame = verdict;
    }
    if (!from.up) {
      stats.partitioned++;
      return;
    }
    if (frame.length - c.headerBytes > c.mtu) {
      stats.tooBig++;
      return;
    }
    // The random draws happen in a fixed order for every frame.
    const draw = this.draw.draw(c, this.rng);

    let departure = now;
    if (c.bandwidthBps > 0) {
      if (from.busyUntil < now) {
        from.busyUntil = now;
        from.queued = 0;
      }
      if (from.queued + frame.length > c.queueBytes) {
        stats.queueDrops++;
        return;
      }
      from.queued += frame.length;
      from.busyUntil += (frame.length * 8 * 1000) / c.bandwidthBps;
      departure = from.busyUntil;
      const size = frame.length;
      this.clock.schedule(departure, () => {
        from.queued -= size;
      });
    }
    if (draw.lost) {
      stats.lost++;
      return;
    }
    const payload = draw.payload(frame, this.rng);
    if (payload !== frame) stats.corrupted++;
    const arrival = departure + c.latencyMs + draw.jitterMs + draw.holdMs(c);
    if (draw.reorder) stats.reordered++;
    const to = from.peer;
    this.clock.schedule(arrival, to.arrive, payload);
    if (draw.duplicate) {
      stats.duplicated++;
      this.clock.schedule(arrival, to.arrive, payload.slice());
    }
  }
}
