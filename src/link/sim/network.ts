/**
 * A simulated network: one clock, one seed, and the links, switches and
 * hosts built on them. Every link draws from its own PRNG forked from the
 * network's seed in creation order, so the same seed and the same build
 * steps give the same run, byte for byte.
 */

import type { StackOptions } from '../../stack/stack.js';
import { Capture, type CaptureOptions } from '../capture.js';
import { SimClock } from './clock.js';
import { SimHost } from './host.js';
import { type LinkConditions, SimLink } from './link.js';
import { Prng } from './prng.js';
import { SimSwitch } from './switch.js';

export interface SimNetworkOptions {
  seed?: number;
  /** A real-time source in ms (e.g. `performance.now`); omit for virtual time. */
  realTime?: () => number;
}

export class SimNetwork {
  readonly clock: SimClock;
  readonly seed: number;
  readonly links: SimLink[] = [];
  readonly switches: SimSwitch[] = [];
  readonly hosts: SimHost[] = [];
  private readonly rng: Prng;
  private macCounter = 0;

  constructor(options: SimNetworkOptions = {}) {
    this.seed = (options.seed ?? 1) >>> 0;
    this.rng = new Prng(this.seed);
    this.clock = new SimClock(options.realTime);
  }

  link(conditions: Partial<LinkConditions> = {}, name = `link${this.links.length}`): SimLink {
    const link = new SimLink(this.clock, this.rng.fork(this.links.length), conditions, name);
    this.links.push(link);
    return link;
  }

  switch(name = `switch${this.switches.length}`): SimSwitch {
    const sw = new SimSwitch(name);
    this.switches.push(sw);
    return sw;
  }

  host(name: string, options: StackOptions = {}): SimHost {
    const host = new SimHost(name, this.clock, {
      seed: this.seed + this.hosts.length * 7919,
      ...options,
    });
    this.hosts.push(host);
    return host;
  }

  /** A locally administered unicast MAC, 02:00:00:00:00:01 upwards. */
  nextMac(): Uint8Array {
    const n = ++this.macCounter;
    return Uint8Array.of(0x02, 0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  }

  /** A capture of every frame sent on `links` (default: all links so far). */
  capture(options: CaptureOptions = {}, links: readonly SimLink[] = this.links): Capture {
    const capture = new Capture(options);
    for (const link of links) link.tap((time, frame) => capture.record(time, frame));
    return capture;
  }
}
