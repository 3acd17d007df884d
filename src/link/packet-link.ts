/**
 * The packet link interface: what every link to the outside world
 * implements (VXLAN, bare IP over UDP, the fault layer over either), and
 * what a user implements to carry a stack's packets over anything else — a
 * WebSocket, a worker's MessagePort, a pipe.
 *
 * A link moves whole frames, one at a time, both ways:
 *
 * - `send(frame)` puts one frame on the link. The frame is handed over: the
 *   caller does not touch it again, and the link may keep it (to delay it)
 *   but never changes it. Sending is best effort, as on a wire: a frame the
 *   link cannot carry is dropped (and counted), never an exception.
 * - `onframe` is called with each frame that arrives, in arrival order. The
 *   frame belongs to the receiver from then on.
 * - `medium` says what a frame is: `ethernet` — an Ethernet II frame
 *   (destination MAC, source MAC, EtherType, payload; no FCS), so the stack
 *   runs ARP and NDP over it; `ip` — a bare IPv4 or IPv6 packet (the version
 *   nibble tells which), with no link header and no neighbour discovery.
 * - `mtu` is the largest IP packet the link carries (the frame minus its
 *   Ethernet header); the stack's interface takes it as its MTU.
 * - `close()` stops both directions and releases what the link holds
 *   (sockets, timers); `onframe` is not called after it.
 *
 * Attaching a link to a stack (./attach.ts):
 *
 * ```ts
 * const link: PacketLink = {
 *   medium: 'ip',
 *   mtu: 1500,
 *   onframe: null,
 *   send: (frame) => ws.send(frame),
 *   close: () => ws.close(),
 * };
 * ws.on('message', (data) => link.onframe?.(new Uint8Array(data)));
 * attachLink(host, link, { addresses: ['10.78.0.2/24'] });
 * ```
 */

/** What a link's frames are: Ethernet II frames, or bare IP packets. */
export type PacketMedium = 'ethernet' | 'ip';

export interface PacketLink {
  readonly medium: PacketMedium;
  /** The largest IP packet the link carries, in bytes. */
  readonly mtu: number;
  /** Receives every frame that arrives; null (or unset) drops them. */
  onframe: ((frame: Uint8Array) => void) | null;
  /** Puts one frame on the link (handed over; best effort). */
  send(frame: Uint8Array): void;
  /** Stops the link both ways and releases its resources. */
  close(): void;
}

/** What the links of this folder count, per direction. */
export interface PacketLinkStats {
  framesOut: number;
  framesIn: number;
  bytesOut: number;
  bytesIn: number;
  /** Received datagrams that were not frames of this link (wrong sender, VNI, header). */
  rejected: number;
  /** Frames the link could not send (a link that cannot tell, such as the UDP tunnels, leaves it 0). */
  sendErrors: number;
}

export function emptyLinkStats(): PacketLinkStats {
  return { framesOut: 0, framesIn: 0, bytesOut: 0, bytesIn: 0, rejected: 0, sendErrors: 0 };
}
