/**
 * What a connection needs from the TCP layer that owns it: sending a
 * segment, asking for a poll, counters, the challenge-ACK budget, and
 * leaving the demultiplexing tables. `TcpLayer` implements it; the
 * connection depends on this interface only (no import circle).
 */
import type { TcpOptions } from '../../wire/tcp.js';
import type { IpAddr } from '../address.js';
import type { TcpConfig } from './config.js';
import type { SendBuffer } from './send-buffer.js';
import type { TimedEntry } from './timer-heap.js';

/** The parts of a connection the layer reads to send for it. */
export interface ConnectionEnds {
  readonly localAddress: IpAddr;
  readonly localPort: number;
  readonly remoteAddress: IpAddr;
  readonly remotePort: number;
  /** The path MTU learned from ICMP (Infinity: the route's). */
  readonly pathMtu: number;
  readonly sendBuffer: SendBuffer;
}

export interface ConnectionHost {
  readonly config: TcpConfig;
  /**
   * Sends one segment of `conn`: header fields, options, and `payloadLength`
   * bytes copied from its send buffer at `payloadOffset` (bytes after
   * SND.UNA). Returns false when no route could carry it.
   */
  transmit(
    conn: ConnectionEnds,
    flags: number,
    seq: number,
    ack: number,
    window: number,
    options: TcpOptions | undefined,
    payloadOffset: number,
    payloadLength: number,
    now: number,
  ): boolean;
  /** Asks to be polled by `at` (ms). */
  wake(at: number): void;
  /** `conn`'s earliest timer is at `at` (ms), after a call from the application. */
  timerAt(conn: ConnectionEnds & TimedEntry, at: number): void;
  count(name: string, n?: number): void;
  /** Whether one more challenge ACK may go out now (RFC 5961 §7). */
  challengeAckAllowed(now: number): boolean;
  /** `conn` reached CLOSED: drop it from the tables. */
  remove(conn: ConnectionEnds): void;
  /** The largest segment payload (bytes, no options) the route to `conn`'s peer carries. */
  routeMss(conn: ConnectionEnds): number;
}
