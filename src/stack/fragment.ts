/**
 * IP fragment reassembly (RFC 791 §3.2 / RFC 815 for IPv4, RFC 8200 §4.5
 * for IPv6), bounded so a flood of fragments cannot exhaust memory:
 *
 * - a datagram not complete within `timeoutMs` is dropped (IPv4 30 s as
 *   Linux, IPv6 60 s per RFC 8200);
 * - at most `maxDatagrams` are assembled at once and `maxBytes` of fragment
 *   data held in all; beyond either, the oldest datagram is evicted;
 * - overlapping fragments drop the whole datagram (RFC 5722 for IPv6; Linux
 *   does the same for IPv4), while an exact duplicate is ignored;
 * - a datagram whose end would pass 65535 bytes, or a non-final fragment
 *   not a multiple of 8 bytes, is dropped.
 *
 * Sans-IO: time comes in as `now`; `poll(now)` returns what expired.
 */

export interface ReassemblyLimits {
  timeoutMs: number;
  maxDatagrams: number;
  maxBytes: number;
  /** Largest reassembled payload (65515 for IPv4's 20-byte header; 65535 for IPv6). */
  maxPayload: number;
}

interface Piece {
  start: number;
  end: number;
  data: Uint8Array;
}

interface Datagram {
  key: string;
  pieces: Piece[];
  /** Total payload length once the last fragment arrived, else -1. */
  total: number;
  received: number;
  deadline: number;
  /** Whatever the caller attached to the first fragment (offset 0), e.g. its header. */
  first: unknown;
}

export interface ReassemblyStats {
  fragments: number;
  reassembled: number;
  timedOut: number;
  overlaps: number;
  evicted: number;
  invalid: number;
}

export class Reassembler {
  readonly limits: ReassemblyLimits;
  readonly stats: ReassemblyStats = {
    fragments: 0,
    reassembled: 0,
    timedOut: 0,
    overlaps: 0,
    evicted: 0,
    invalid: 0,
  };
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly datagrams = new Map<string, Datagram>();
  private bytes = 0;
  private readonly wake: (at: number) => void;

  constructor(limits: ReassemblyLimits, wake: (at: number) => void = () => {}) {
    this.limits = limits;
    this.wake = wake;
  }

  /** Bytes of fragment data held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Datagrams being assembled now. */
  get pending(): number {
    return this.datagrams.size;
  }

  /**
   * Adds a fragment of datagram `key` covering payload bytes
   * `[offset, offset + data.length)`. Returns the whole payload once every
   * byte is in, else null. `first` is kept from the fragment at offset 0.
   */
  add(
    key: string,
    offset: number,
    more: boolean,
    data: Uint8Array,
    now: number,
    first?: unknown,
  ): { payload: Uint8Array; first: unknown } | null {
    this.stats.fragments++;
    const end = offset + data.length;
    if (
      end > this.limits.maxPayload ||
      (more && data.length % 8 !== 0) ||
      (more && data.length === 0)
    ) {
      this.stats.invalid++;
      this.drop(key);
      return null;
    }
    let dg = this.datagrams.get(key);
    if (dg === undefined) {
      while (this.datagrams.size >= this.limits.maxDatagrams) this.evictOldest();
      dg = {
        key,
        pieces: [],
        total: -1,
        received: 0,
        deadline: now + this.limits.timeoutMs,
        first: undefined,
      };
      this.datagrams.set(key, dg);
      this.wake(dg.deadline);
    }
    if (!more) {
      if ((dg.total !== -1 && dg.total !== end) || (dg.received > 0 && maxEnd(dg) > end)) {
        this.stats.invalid++;
        this.drop(key);
        return null;
      }
      dg.total = end;
    } else if (dg.total !== -1 && end > dg.total) {
      this.stats.invalid++;
      this.drop(key);
      return null;
    }
    // Find the insertion point; reject overlaps, ignore exact duplicates.
    const pieces = dg.pieces;
    let i = 0;
    while (i < pieces.length && pieces[i]!.start < offset) i++;
    const before = i > 0 ? pieces[i - 1] : undefined;
    const after = pieces[i];
    if (after !== undefined && after.start === offset && after.end === end) return null;
    if (
      (before !== undefined && before.end > offset) ||
      (after !== undefined && after.start < end)
    ) {
      this.stats.overlaps++;
      this.drop(key);
      return null;
    }
    if (data.length > 0) {
      while (this.bytes + data.length > this.limits.maxBytes && this.datagrams.size > 1) {
        if (!this.evictOldestExcept(key)) break;
      }
      if (this.bytes + data.length > this.limits.maxBytes) {
        this.stats.evicted++;
        this.drop(key);
        return null;
      }
      pieces.splice(i, 0, { start: offset, end, data: data.slice() });
      dg.received += data.length;
      this.bytes += data.length;
    }
    if (offset === 0) dg.first = first;
    if (dg.total === -1 || dg.received !== dg.total) return null;
    const payload = new Uint8Array(dg.total);
    for (const piece of pieces) payload.set(piece.data, piece.start);
    this.drop(key);
    this.stats.reassembled++;
    return { payload, first: dg.first };
  }

  /** Drops datagrams whose time is up; returns them (with their `first`) for ICMP time-exceeded. */
  poll(now: number): Array<{ key: string; first: unknown }> {
    const expired: Array<{ key: string; first: unknown }> = [];
    for (const dg of this.datagrams.values()) {
      if (dg.deadline <= now) expired.push({ key: dg.key, first: dg.first });
    }
    for (const e of expired) {
      this.drop(e.key);
      this.stats.timedOut++;
    }
    return expired;
  }

  nextDeadline(): number {
    // The oldest datagram has the earliest deadline (all share one timeout).
    for (const dg of this.datagrams.values()) return dg.deadline;
    return Number.POSITIVE_INFINITY;
  }

  private drop(key: string): void {
    const dg = this.datagrams.get(key);
    if (dg === undefined) return;
    for (const piece of dg.pieces) this.bytes -= piece.data.length;
    this.datagrams.delete(key);
  }

  private evictOldest(): void {
    const oldest = this.datagrams.keys().next().value;
    if (oldest === undefined) return;
    this.stats.evicted++;
    this.drop(oldest);
  }

  private evictOldestExcept(keep: string): boolean {
    for (const key of this.datagrams.keys()) {
      if (key === keep) continue;
      this.stats.evicted++;
      this.drop(key);
      return true;
    }
    return false;
  }
}

function maxEnd(dg: Datagram): number {
  const last = dg.pieces[dg.pieces.length - 1];
  return last === undefined ? 0 : last.end;
}

/**
 * How to cut `length` payload bytes into fragments whose payload fits
 * `maxFragmentPayload` (rounded down to a multiple of 8): `[offset, size]` pairs.
 */
export function fragmentPlan(length: number, maxFragmentPayload: number): Array<[number, number]> {
  const step = maxFragmentPayload & ~7;
  if (step <= 0) return [];
  const plan: Array<[number, number]> = [];
  for (let offset = 0; offset < length; offset += step) {
    plan.push([offset, Math.min(step, length - offset)]);
  }
  return plan;
}
