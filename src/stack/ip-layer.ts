/**
 * What the IPv4 and IPv6 layers share: fragment reassembly, whose timeouts
 * are reported to the sender with ICMP Time Exceeded, code 1 (RFC 792 /
 * RFC 1122 §3.3.2; RFC 8200 §4.5) when fragment zero had arrived.
 */
import { Reassembler } from './fragment.js';
import type { IpLayerHost } from './ip-layer-host.js';

/** This version's ICMP Time Exceeded type, and its code for "fragment reassembly time exceeded". */
export interface TimeExceeded {
  type: number;
  code: number;
}

export abstract class IpLayer {
  readonly reassembly: Reassembler;
  protected readonly stack: IpLayerHost;
  private readonly timeExceeded: TimeExceeded;

  constructor(
    stack: IpLayerHost,
    timeoutMs: number,
    maxPayload: number,
    timeExceeded: TimeExceeded,
  ) {
    this.stack = stack;
    this.timeExceeded = timeExceeded;
    this.reassembly = new Reassembler(
      {
        timeoutMs,
        maxDatagrams: stack.limits.reassemblyDatagrams,
        maxBytes: stack.limits.reassemblyBytes,
        maxPayload,
      },
      (at) => stack.wake(at),
    );
  }

  /** Sends an ICMP error about `original` (its IP header and data) to its source. */
  abstract sendIcmpError(
    type: number,
    code: number,
    rest: number,
    original: Uint8Array,
    now: number,
  ): void;

  poll(now: number): void {
    for (const expired of this.reassembly.poll(now)) {
      const first = expired.first as Uint8Array | undefined;
      if (first !== undefined) {
        this.sendIcmpError(this.timeExceeded.type, this.timeExceeded.code, 0, first, now);
      }
    }
  }

  nextDeadline(): number {
    return this.reassembly.nextDeadline();
  }
}
