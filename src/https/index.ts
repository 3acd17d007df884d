/**
 * wirestack's `https`: not implemented yet. Every entry point throws
 * `ERR_NOT_IMPLEMENTED` so code that reaches for it fails loudly and clearly
 * instead of silently falling back to something else. TLS will be node:tls
 * wrapped around wirestack's own `net.Socket` (DESIGN.md, `https/`).
 */
import { codedError } from '../errors/index.js';

function notImplemented(name: string): never {
  throw codedError('ERR_NOT_IMPLEMENTED', `https.${name}()`);
}

export function createServer(..._args: unknown[]): never {
  return notImplemented('createServer');
}

export function request(..._args: unknown[]): never {
  return notImplemented('request');
}

export function get(..._args: unknown[]): never {
  return notImplemented('get');
}

/** `https.Server`: constructing one throws `ERR_NOT_IMPLEMENTED`. */
export class Server {
  constructor() {
    notImplemented('Server');
  }
}

/** `https.Agent`: constructing one throws `ERR_NOT_IMPLEMENTED`. */
export class Agent {
  constructor() {
    notImplemented('Agent');
  }
}
