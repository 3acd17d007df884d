/**
 * Packet formats, sans-IO: parse (with a typed `WireError` result for bad
 * input, never a throw) and emit into a caller's buffer.
 */
export * from './arp.js';
export * from './checksum.js';
export * from './errors.js';
export * from './ethernet.js';
export * from './icmpv4.js';
export * from './icmpv6.js';
export * from './igmp.js';
export * from './ip-address.js';
export * from './ip-format.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './pcap.js';
export * from './tcp.js';
export * from './udp.js';
export * from './vxlan.js';
