export { hostTransport } from './host.js';
export type * from './types.js';
