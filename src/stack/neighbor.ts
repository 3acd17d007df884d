/**
 * The neighbour cache shared by ARP (RFC 826, RFC 1122 §2.3.2) and NDP
 * (RFC 4861 §7.3): IP address → link address, with the states
 * INCOMPLETE (resolving; packets wait in a short queue), REACHABLE
 * (confirmed recently), STALE (usable, re-confirmed on next use) and PROBE
 * (re-confirming with unicast requests). The cache only decides; sending
 * requests and frames is the stack's job, through the callbacks.
 *
 * Only resolution (INCOMPLETE, PROBE: requests to retry, frames waiting)
 * asks the stack to wake. Aging — REACHABLE turning STALE, a STALE entry
 * forgotten — is lazy: applied when the entry is next used or the cache is
 * polled for another reason, as nothing waits on it. An idle stack thus has
 * no timer pending, so a simulation settles when its traffic is done rather
 * than after ten minutes of virtual housekeeping; the entry count stays
 * bounded by `maxEntries` all the same.
 */
import { type IpAddr, ipEquals, ipKey, u32 } from './address.js';

/** An entry's map key: IPv4 addresses as numbers, so the per-packet lookup builds no string. */
function neighborKey(a: IpAddr): number | string {
  return a.length === 4 ? u32(a) : ipKey(a);
}

export type NeighborState = 'incomplete' | 'reachable' | 'stale' | 'probe';

export interface NeighborEntry {
  address: IpAddr;
  state: NeighborState;
  mac: Uint8Array | null;
  /** Frames waiting for the link address (with room for the link header at their start). */
  queue: Uint8Array[];
  /** Their total size. */
  queuedBytes: number;
  /** Requests sent in the current INCOMPLETE / PROBE round. */
  probes: number;
  /**
   * When this entry next changes: a retry or give-up (INCOMPLETE, PROBE),
   * or, applied lazily, the end of REACHABLE or of STALE; Infinity for none.
   */
  deadline: number;
}

export interface NeighborTimers {
  /** Wait between requests (RFC 4861 RETRANS_TIMER 1 s; Linux ARP the same). */
  retransmitMs: number;
  /** Requests before giving up (MAX_MULTICAST_SOLICIT / MAX_UNICAST_SOLICIT: 3). */
  maxProbes: number;
  /** How long a confirmation keeps an entry REACHABLE (REACHABLE_TIME 30 s). */
  reachableMs: number;
  /** How long a STALE entry is kept unused before it is forgotten. */
  staleMs: number;
  /** Entries at most; the oldest is evicted beyond it. */
  maxEntries: number;
  /**
   * Bytes of frames queued per unresolved entry; the oldest are dropped
   * beyond it (RFC 4861 §7.2.2; Linux's unres_qlen_bytes, 212992).
   */
  maxQueueBytes: number;
}

export const DEFAULT_NEIGHBOR_TIMERS: NeighborTimers = {
  retransmitMs: 1000,
  maxProbes: 3,
  reachableMs: 30_000,
  staleMs: 600_000,
  maxEntries: 512,
  maxQueueBytes: 212992,
};

export interface NeighborCallbacks {
  /** Send a request for `address`: broadcast/multicast when `mac` is null, else unicast to it. */
  solicit(address: IpAddr, mac: Uint8Array | null, now: number): void;
  /** Resolution failed at `now`; `dropped` are the frames that were waiting. */
  failed(address: IpAddr, dropped: Uint8Array[], now: number): void;
  /** A deadline at `at` now exists (the driver may need to poll earlier). */
  wake(at: number): void;
}

export class NeighborCache {
  readonly timers: NeighborTimers;
  private readonly entries = new Map<number | string, NeighborEntry>();
  private readonly callbacks: NeighborCallbacks;
  /** Frames dropped because a queue was full or resolution failed. */
  dropped = 0;
  /** The entry `get` found last (cleared whenever an entry is removed). */
  private last: NeighborEntry | null = null;

  constructor(callbacks: NeighborCallbacks, timers: Partial<NeighborTimers> = {}) {
    this.callbacks = callbacks;
    this.timers = { ...DEFAULT_NEIGHBOR_TIMERS, ...timers };
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The entry for `address`, if any. With `now`, aging due by then is applied
   * first (a REACHABLE entry past its time reads STALE; an expired STALE one
   * is gone); without, the entry is as of its last use.
   */
  get(address: IpAddr, now?: number): NeighborEntry | undefined {
    // The entry found last, first: a stream of packets asks for one neighbour
    // over and over, and an IPv6 key is a 32-character string to build.
    let entry = this.last;
    if (entry === null || !ipEquals(entry.address, address)) {
      entry = this.entries.get(neighborKey(address)) ?? null;
      if (entry === null) return undefined;
      this.last = entry;
    }
    if (now === undefined) return entry;
    return this.age(entry, now);
  }

  /**
   * The link address to use for `address` now, or null (then `enqueue`).
   * Using a STALE entry starts re-confirming it (PROBE), as NUD does.
   */
  lookup(address: IpAddr, now: number): Uint8Array | null {
    const entry = this.get(address, now);
    if (entry === undefined || entry.mac === null) return null;
    if (entry.state === 'stale') {
      entry.state = 'probe';
      entry.probes = 1;
      this.setDeadline(entry, now + this.timers.retransmitMs);
      this.callbacks.solicit(entry.address, entry.mac, now);
    }
    return entry.mac;
  }

  /** Queues `frame` until `address` resolves, starting resolution if needed. */
  enqueue(address: IpAddr, frame: Uint8Array, now: number): void {
    const key = neighborKey(address);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      this.makeRoom();
      entry = {
        address: address.slice(),
        state: 'incomplete',
        mac: null,
        queue: [],
        queuedBytes: 0,
        probes: 1,
        deadline: Number.POSITIVE_INFINITY,
      };
      this.entries.set(key, entry);
      this.setDeadline(entry, now + this.timers.retransmitMs);
      this.callbacks.solicit(entry.address, null, now);
    }
    entry.queue.push(frame);
    entry.queuedBytes += frame.length;
    while (entry.queuedBytes > this.timers.maxQueueBytes && entry.queue.length > 1) {
      entry.queuedBytes -= entry.queue.shift()!.length;
      this.dropped++;
    }
  }

  /**
   * Records `mac` for `address`. `confirmed` (a reply / solicited advert)
   * makes it REACHABLE, otherwise STALE when the link address changed or the
   * entry is new. `create: false` only updates an existing entry (RFC 826's
   * merge rule). Returns the frames that were waiting, to be sent now.
   */
  update(
    address: IpAddr,
    mac: Uint8Array,
    now: number,
    confirmed: boolean,
    create: boolean,
  ): Uint8Array[] {
    const key = neighborKey(address);
    const found = this.entries.get(key);
    let entry = found === undefined ? undefined : this.age(found, now);
    if (entry === undefined) {
      if (!create) return [];
      this.makeRoom();
      entry = {
        address: address.slice(),
        state: 'stale',
        mac: null,
        queue: [],
        queuedBytes: 0,
        probes: 0,
        deadline: Number.POSITIVE_INFINITY,
      };
      this.entries.set(key, entry);
    }
    const changed = entry.mac === null || !sameMac(entry.mac, mac);
    if (changed) entry.mac = mac.slice(0, 6);
    if (confirmed || entry.state === 'incomplete') {
      entry.state = confirmed ? 'reachable' : 'stale';
      entry.deadline = now + (confirmed ? this.timers.reachableMs : this.timers.staleMs);
    } else if (changed) {
      entry.state = 'stale';
      entry.deadline = now + this.timers.staleMs;
    }
    entry.probes = 0;
    const waiting = entry.queue;
    entry.queue = [];
    entry.queuedBytes = 0;
    return waiting;
  }

  /** Runs due timers (retries, give-ups) and applies the aging due by `now`. */
  poll(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.deadline > now) continue;
      switch (entry.state) {
        case 'incomplete':
        case 'probe':
          if (entry.probes < this.timers.maxProbes) {
            entry.probes++;
            this.setDeadline(entry, now + this.timers.retransmitMs);
            this.callbacks.solicit(entry.address, entry.state === 'probe' ? entry.mac : null, now);
          } else {
            this.forget(key);
            this.dropped += entry.queue.length;
            this.callbacks.failed(entry.address, entry.queue, now);
          }
          break;
        case 'reachable':
        case 'stale':
          this.age(entry, now);
          break;
      }
    }
  }

  /** The next retry or give-up; aging sets none (it is lazy). */
  nextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) {
      if (!resolving(entry)) continue;
      if (entry.deadline < next) next = entry.deadline;
    }
    return next;
  }

  /** Forgets everything (e.g. the interface went down). */
  clear(): void {
    this.entries.clear();
    this.last = null;
  }

  /**
   * Applies the aging due by `now` to a resolved entry: REACHABLE past its
   * time turns STALE (its STALE time counted from then), and STALE past its
   * time is forgotten (undefined is returned).
   */
  private age(entry: NeighborEntry, now: number): NeighborEntry | undefined {
    if (resolving(entry) || entry.deadline > now) return entry;
    if (entry.state === 'reachable') {
      entry.state = 'stale';
      entry.deadline += this.timers.staleMs;
      if (entry.deadline > now) return entry;
    }
    this.forget(neighborKey(entry.address));
    return undefined;
  }

  /** Removes an entry (and the memo of the last one found). */
  private forget(key: number | string): void {
    this.entries.delete(key);
    this.last = null;
  }

  private setDeadline(entry: NeighborEntry, at: number): void {
    entry.deadline = at;
    this.callbacks.wake(at);
  }

  private makeRoom(): void {
    if (this.entries.size < this.timers.maxEntries) return;
    // Evict the oldest resolved entry, else the oldest of all.
    for (const [key, entry] of this.entries) {
      if (entry.state !== 'incomplete') {
        this.forget(key);
        return;
      }
    }
    const oldest = this.entries.keys().next().value;
    if (oldest !== undefined) {
      const entry = this.entries.get(oldest)!;
      this.dropped += entry.queue.length;
      this.forget(oldest);
    }
  }
}

/** INCOMPLETE and PROBE entries have requests to retry: their deadlines are real timers. */
function resolving(entry: NeighborEntry): boolean {
  return entry.state === 'incomplete' || entry.state === 'probe';
}

function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}
