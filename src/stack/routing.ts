/**
 * The routing table: longest-prefix match (RFC 1812 §5.2.4.3), ties broken
 * by the lower metric, then by insertion order.
 */
import { type IpAddr, networkOf, prefixMatches } from './address.js';
import type { NetInterface } from './interface.js';

export interface Route {
  prefix: IpAddr;
  prefixLength: number;
  /** Next hop; null for a directly connected destination. */
  gateway: IpAddr | null;
  iface: NetInterface;
  metric: number;
}

export class RouteTable {
  private routes: Route[] = [];

  add(route: Omit<Route, 'metric'> & { metric?: number }): Route {
    const entry: Route = {
      ...route,
      prefix: networkOf(route.prefix, route.prefixLength),
      metric: route.metric ?? 0,
    };
    this.routes.push(entry);
    // Longest prefix first, then lowest metric; a stable sort keeps insertion order.
    this.routes.sort((a, b) => b.prefixLength - a.prefixLength || a.metric - b.metric);
    return entry;
  }

  remove(route: Route): void {
    this.routes = this.routes.filter((r) => r !== route);
  }

  /** The best route to `dst`, or undefined. */
  lookup(dst: IpAddr): Route | undefined {
    for (const route of this.routes) {
      if (route.iface.up && prefixMatches(dst, route.prefix, route.prefixLength)) return route;
    }
    return undefined;
  }

  list(): readonly Route[] {
    return this.routes;
  }
}
