/** wirestack's TCP (RFC 9293 and its companions), sans-IO: see ./layer.ts. */
export { type CongestionControlName, DEFAULT_TCP_CONFIG, type TcpConfig } from './config.js';
export { TcpConnection } from './connection.js';
export {
  type TcpConnectOptions,
  type TcpIcmpError,
  TcpLayer,
  type TcpListenOptions,
} from './layer.js';
export { TcpListener } from './listener.js';
export type { TcpState } from './state.js';
export type { TcpStats } from './stats.js';
