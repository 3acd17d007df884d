/**
 * Things that carry packets: the packet link interface, links to the kernel
 * (VXLAN, bare IP over UDP), the fault layer over any link, the simulated
 * network, and pcap capture.
 */
export { type AttachOptions, attachLink, macFromText } from './attach.js';
export { Capture, type CaptureOptions } from './capture.js';
export {
  type LinkConfig,
  type LinkKind,
  type LinkSpec,
  linkConfigFromEnv,
  openLink,
  parseLinkSpec,
} from './config.js';
export {
  type FaultSpec,
  formatFaultSpec,
  OptionError,
  parseFaultSpec,
} from './fault-options.js';
export {
  type FaultConditions,
  FaultLink,
  type FaultLinkOptions,
  type FaultStats,
  hasFaults,
  NO_FAULTS,
} from './faults.js';
export type { PacketLink, PacketLinkStats, PacketMedium } from './packet-link.js';
export * from './sim/index.js';
export { UDP_IP_DEFAULT_MTU, UdpIpLink, type UdpIpLinkOptions } from './udp-ip.js';
export { parseUdpEndpoint, type UdpEndpoint, UdpTunnelLink } from './udp-tunnel.js';
export { VXLAN_DEFAULT_MTU, VxlanLink, type VxlanLinkOptions } from './vxlan.js';
