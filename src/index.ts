/**
 * wirestack: Node's network modules written from the wire up. Each module is
 * also its own entry point (`wirestack/net`, `wirestack/dgram`,
 * `wirestack/http`, `wirestack/https`) with exactly Node's API.
 * `bindTransport(transport)` gives the same modules on another transport
 * (a simulated host's stack, say: see `wirestack/sim`).
 */
export {
  type BoundDgram,
  type BoundHttp,
  type BoundHttps,
  type BoundNet,
  type BoundWs,
  bindTransport,
  type TransportModules,
} from './bind-transport.js';
export * as dgram from './dgram/index.js';
export * as http from './http/index.js';
export * as https from './https/index.js';
export * as net from './net/index.js';
export { Simulation, Stack } from './sim.js';
export * as ws from './ws/index.js';
