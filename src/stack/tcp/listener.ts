/**
 * A listening socket (RFC 9293 §3.10.7.2, LISTEN): it takes SYNs for its
 * address and port, keeps the half-open connections (SYN-RECEIVED) in a
 * bounded SYN queue, and hands each connection over once the handshake
 * completes. A full SYN queue drops new SYNs (counted), so a SYN flood
 * cannot exhaust memory or disturb established connections.
 */
import { type IpAddr, ipEquals, isUnspecified, unmapV4 } from '../address.js';
import type { TcpConnection } from './connection.js';

export interface ListenerHost {
  removeListener(listener: TcpListener): void;
  count(name: string, n?: number): void;
}

export class TcpListener {
  /** An ESTABLISHED connection, not reading yet (its data waits until `readStart`). */
  onconnection: (conn: TcpConnection) => void = () => {};
  readonly family: 4 | 6;
  /** The bound address (unspecified: every local address of the family). */
  readonly localAddress: IpAddr;
  localPort: number;
  /** IPv6 only: do not also accept IPv4 (IPV6_V6ONLY). */
  readonly v6Only: boolean;
  readonly backlog: number;
  closed = false;
  /** Half-open connections (SYN-RECEIVED). */
  readonly synQueue = new Set<TcpConnection>();
  private readonly host: ListenerHost;

  constructor(
    host: ListenerHost,
    family: 4 | 6,
    address: IpAddr,
    port: number,
    v6Only: boolean,
    backlog: number,
  ) {
    this.host = host;
    this.family = family;
    this.localAddress = address;
    this.localPort = port;
    this.v6Only = v6Only;
    this.backlog = backlog;
  }

  /** Whether a segment to `dst` (4 or 16 bytes) is for this listener's address. */
  accepts(dst: IpAddr): boolean {
    const own = this.localAddress;
    if (dst.length === 4) {
      if (this.family === 4) return isUnspecified(own) || ipEquals(own, dst);
      if (this.v6Only) return false;
      if (isUnspecified(own)) return true;
      const inner = unmapV4(own);
      return inner !== null && ipEquals(inner, dst);
    }
    return this.family === 6 && (isUnspecified(own) || ipEquals(own, dst));
  }

  /** Bound to one address rather than all (preferred when both match). */
  get specific(): boolean {
    return !isUnspecified(this.localAddress);
  }

  /** Called by a child whose handshake completed. */
  established(conn: TcpConnection): void {
    this.synQueue.delete(conn);
    if (this.closed) {
      conn.abort(conn.lastReceivedAt);
      return;
    }
    this.onconnection(conn);
  }

  /** Called by a child that went away before completing. */
  forget(conn: TcpConnection): void {
    this.synQueue.delete(conn);
  }

  /** Stops listening; half-open connections are reset, handed-over ones live on. */
  close(now: number): void {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [...this.synQueue]) conn.abort(now);
    this.synQueue.clear();
    this.host.removeListener(this);
  }
}
