/**
 * A userspace stack's hosts table: the names its `lookup` knows, as
 * `/etc/hosts` would list them ('localhost' → 127.0.0.1 and ::1 by default;
 * a simulation adds its hosts' names).
 *
 * A table may read through to a shared one (a simulation's: every host's
 * name, held once rather than once per host, which would grow with the
 * square of the hosts). Names added to this table, or removed from it,
 * hide the shared entries of that name on this table only.
 */
import { isIP } from '../wire/ip-address.js';
import type { LookupAddress } from './types.js';

export class HostsTable {
  private readonly names = new Map<string, LookupAddress[]>();
  private readonly shared: HostsTable | null;
  /** Shared names removed from this table. */
  private readonly hidden = new Set<string>();

  constructor(withLocalhost = true, shared: HostsTable | null = null) {
    this.shared = shared;
    if (withLocalhost) {
      this.add('localhost', '127.0.0.1');
      this.add('localhost', '::1');
    }
  }

  /** Adds `address` (an IP literal) under `name` (case-insensitive), after any already there. */
  add(name: string, address: string): void {
    const family = isIP(address);
    if (family === 0) throw new TypeError(`not an IP address: ${address}`);
    const key = name.toLowerCase();
    const list = this.names.get(key) ?? this.inherited(key).slice();
    if (!list.some((entry) => entry.address === address)) list.push({ address, family });
    this.names.set(key, list);
  }

  remove(name: string): void {
    const key = name.toLowerCase();
    this.names.delete(key);
    if (this.shared !== null) this.hidden.add(key);
  }

  /** The addresses of `name` in table order, filtered by `family` (4, 6, or 0 for both). */
  resolve(name: string, family = 0): LookupAddress[] {
    const key = name.toLowerCase();
    const list = this.names.get(key) ?? this.inherited(key);
    return family === 4 || family === 6 ? list.filter((e) => e.family === family) : list.slice();
  }

  /** Every name and its addresses: this table's own, then the shared ones it does not hide. */
  entries(): Array<[string, LookupAddress[]]> {
    const out: Array<[string, LookupAddress[]]> = [];
    for (const [name, list] of this.names) out.push([name, list.slice()]);
    for (const [name] of this.shared?.entries() ?? []) {
      if (!this.names.has(name) && !this.hidden.has(name)) out.push([name, this.resolve(name)]);
    }
    return out;
  }

  /** The shared table's entries for `key` (not copied), unless removed here. */
  private inherited(key: string): readonly LookupAddress[] {
    if (this.shared === null || this.hidden.has(key)) return [];
    return this.shared.names.get(key) ?? this.shared.inherited(key);
  }
}
