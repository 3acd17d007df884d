/**
 * A learning Ethernet switch (IEEE 802.1D bridging, minus spanning tree):
 * frames to a known unicast MAC go out of the port it was last seen on;
 * broadcast, multicast and unknown destinations are flooded to every other
 * port. Each flooded copy is a separate buffer, so receivers never share one.
 */

import type { LinkEnd } from './link.js';

export class SimSwitch {
  readonly name: string;
  private readonly ports: LinkEnd[] = [];
  /** MAC (as a 48-bit number) → port index. */
  private readonly table = new Map<number, number>();
  /** Frames dropped as too short to carry MACs. */
  runts = 0;

  constructor(name = 'switch') {
    this.name = name;
  }

  /** Plugs a link end into a new port. */
  attach(end: LinkEnd): number {
    const index = this.ports.length;
    this.ports.push(end);
    end.onframe = (frame) => this.forward(index, frame);
    return index;
  }

  private forward(inPort: number, frame: Uint8Array): void {
    if (frame.length < 14) {
      this.runts++;
      return;
    }
    const src = macKey(frame, 6);
    if ((frame[6]! & 1) === 0) this.table.set(src, inPort);
    if ((frame[0]! & 1) === 0) {
      const out = this.table.get(macKey(frame, 0));
      if (out !== undefined) {
        if (out !== inPort) this.ports[out]!.send(frame);
        return;
      }
    }
    let first = true;
    for (let i = 0; i < this.ports.length; i++) {
      if (i === inPort) continue;
      this.ports[i]!.send(first ? frame : frame.slice());
      first = false;
    }
  }
}

function macKey(frame: Uint8Array, at: number): number {
  return (
    frame[at]! * 0x10000000000 +
    frame[at + 1]! * 0x100000000 +
    ((frame[at + 2]! << 24) >>> 0) +
    (frame[at + 3]! << 16) +
    (frame[at + 4]! << 8) +
    frame[at + 5]!
  );
}
