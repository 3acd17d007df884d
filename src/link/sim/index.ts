/** The simulated network: clock, PRNG, links, switches, hosts, and the event-loop driver. */
export { type ClockEvent, SimClock } from './clock.js';
export { ClockDriver } from './driver.js';
export { SimHost } from './host.js';
export {
  DEFAULT_CONDITIONS,
  type FrameFilter,
  type FrameTap,
  type LinkConditions,
  LinkEnd,
  type LinkStats,
  SimLink,
} from './link.js';
export { SimNetwork, type SimNetworkOptions } from './network.js';
export { Prng } from './prng.js';
export { SimSwitch } from './switch.js';
