/**
 * A userspace stack's hosts table: the names its `lookup` knows, as
 * `/etc/hosts` would list them ('localhost' → 127.0.0.1 and ::1 by default;
 * a simulation adds its hosts' names).
 */
import { isIP } from '../wire/ip-address.js';
import type { LookupAddress } from './types.js';

export class HostsTable {
  private readonly names = new Map<string, LookupAddress[]>();

  constructor(withLocalhost = true) {
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
    const list = this.names.get(key) ?? [];
    if (!list.some((entry) => entry.address === address)) list.push({ address, family });
    this.names.set(key, list);
  }

  remove(name: string): void {
    this.names.delete(name.toLowerCase());
  }

  /** The addresses of `name` in table order, filtered by `family` (4, 6, or 0 for both). */
  resolve(name: string, family = 0): LookupAddress[] {
    const list = this.names.get(name.toLowerCase()) ?? [];
    return family === 4 || family === 6 ? list.filter((e) => e.family === family) : list.slice();
  }

  /** Every name and its addresses. */
  entries(): Array<[string, LookupAddress[]]> {
    return [...this.names].map(([name, list]) => [name, list.slice()]);
  }
}
