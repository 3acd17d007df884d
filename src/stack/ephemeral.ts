/**
 * Ephemeral ports (Linux's net.ipv4.ip_local_port_range, 32768-60999),
 * handed out in turn from a seeded starting point, skipping ports in use:
 * the same allocator for UDP and TCP.
 */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;
/** How many ports the range holds. */
export const EPHEMERAL_SPAN = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;

export class EphemeralPorts {
  private next: number;

  /** `first`: the port to try first (within the range). */
  constructor(first: number) {
    this.next = first;
  }

  /** The next port for which `taken` is false, or 0 when every port is taken. */
  take(taken: (port: number) => boolean): number {
    for (let tries = 0; tries < EPHEMERAL_SPAN; tries++) {
      const port = this.next;
      this.next = port >= EPHEMERAL_HIGH ? EPHEMERAL_LOW : port + 1;
      if (!taken(port)) return port;
    }
    return 0;
  }
}
