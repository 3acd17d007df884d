import type { DatagramHandle } from './types.js';

/** A UDP socket on the host's sockets (node:dgram as a plain datagram pipe). */
export function createHostDatagram(_type: 'udp4' | 'udp6'): DatagramHandle {
  throw new Error('host datagram handle: not written yet');
}
