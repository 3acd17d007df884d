/**
 * Bare IP over UDP: each datagram is one IPv4 or IPv6 packet, with no header
 * of its own — what socat relays between a UDP socket and a TUN device
 * (`socat UDP:THIS:PORT,bind=PEER:PORT TUN:10.78.0.1/24,tun-type=tun,iff-no-pi,iff-up`).
 * The stack's interface on it is an IP interface: no ARP, no NDP.
 * See docs/links.md for the commands.
 */
import { UdpTunnelLink, type UdpTunnelOptions } from './udp-tunnel.js';

export interface UdpIpLinkOptions
  extends Partial<Pick<UdpTunnelOptions, 'mtu'>>,
    Omit<UdpTunnelOptions, 'mtu'> {}

/** The default MTU: a TUN device's (1500); the kernel fragments the outer datagram when it must. */
export const UDP_IP_DEFAULT_MTU = 1500;

export class UdpIpLink extends UdpTunnelLink {
  readonly medium = 'ip' as const;

  constructor(options: UdpIpLinkOptions) {
    super({ ...options, mtu: options.mtu ?? UDP_IP_DEFAULT_MTU });
  }

  protected header(): null {
    return null;
  }

  protected decapsulate(datagram: Uint8Array): Uint8Array | null {
    if (datagram.length === 0) return null;
    const version = datagram[0]! >>> 4;
    return version === 4 || version === 6 ? datagram : null;
  }
}
