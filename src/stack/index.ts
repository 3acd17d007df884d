/**
 * wirestack's userspace TCP/IP stack (sans-IO): see ./stack.ts for the entry
 * point, `NetStack`.
 */
export * from './address.js';
export { EchoLayer, type EchoReply, EchoSocket } from './echo.js';
export { EPHEMERAL_HIGH, EPHEMERAL_LOW, EphemeralPorts } from './ephemeral.js';
export { StackError, type StackErrorCode } from './errors.js';
export {
  fragmentPlan,
  Reassembler,
  type ReassemblyLimits,
  type ReassemblyStats,
} from './fragment.js';
export {
  type InterfaceAddress,
  type InterfaceOptions,
  type InterfaceTap,
  type Medium,
  NetInterface,
} from './interface.js';
export type { IpHost } from './ip-host.js';
export type { PayloadWriter } from './ip-types.js';
export { DEFAULT_LIMITS, type StackLimits } from './limits.js';
export { DEFAULT_NEIGHBOR_TIMERS, NeighborCache, type NeighborTimers } from './neighbor.js';
export { type Route, RouteTable } from './routing.js';
export {
  type IpSendOptions,
  NetStack,
  type ResolvedRoute,
  type StackOptions,
} from './stack.js';
export * from './tcp/index.js';
export { DEFAULT_BUFFER_SIZE, UdpLayer, UdpSocket } from './udp.js';
