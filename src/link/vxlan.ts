/**
 * VXLAN (RFC 7348) to the kernel's vxlan device: Ethernet frames in UDP
 * datagrams, after an 8-byte header carrying the VNI. This end is a VTEP
 * with exactly one peer (the kernel's device, `ip link add ... type vxlan id
 * VNI remote THIS local PEER dstport PORT`): it sends every frame, unicast or
 * not, to that peer, as the kernel's device does with a fixed `remote`.
 * See docs/links.md for the commands.
 */
import { WireError } from '../wire/errors.js';
import { emitVxlanHeader, parseVxlan, VXLAN_HEADER_LEN } from '../wire/vxlan.js';
import { UdpTunnelLink, type UdpTunnelOptions } from './udp-tunnel.js';

export interface VxlanLinkOptions
  extends Partial<Pick<UdpTunnelOptions, 'mtu'>>,
    Omit<UdpTunnelOptions, 'mtu'> {
  /** The VXLAN Network Identifier of both ends (0..2²⁴−1). Default 1. */
  vni?: number;
}

/**
 * The default MTU: a 1500-byte underlay less the outer IPv4 (20), UDP (8),
 * VXLAN (8) and inner Ethernet (14) headers — what the kernel gives a vxlan
 * device over a 1500-byte device (RFC 7348 §4.3).
 */
export const VXLAN_DEFAULT_MTU = 1450;

export class VxlanLink extends UdpTunnelLink {
  readonly medium = 'ethernet' as const;
  readonly vni: number;
  private readonly vxlanHeader: Uint8Array;

  constructor(options: VxlanLinkOptions) {
    super({ ...options, mtu: options.mtu ?? VXLAN_DEFAULT_MTU });
    this.vni = options.vni ?? 1;
    this.vxlanHeader = emitVxlanHeader(this.vni);
  }

  protected header(): Uint8Array {
    // node:dgram copies the buffers of a send into the datagram, so one header serves every frame.
    return this.vxlanHeader;
  }

  protected decapsulate(datagram: Uint8Array): Uint8Array | null {
    const packet = parseVxlan(datagram);
    if (packet instanceof WireError || packet.vni !== this.vni) return null;
    // Runts shorter than an Ethernet header are dropped by the stack (counted there).
    return datagram.length > VXLAN_HEADER_LEN ? packet.frame : null;
  }
}
