import * as dns from 'node:dns';
import { createHostDatagram } from './host-datagram.js';
import { libuvAvailable } from './libuv-available.js';
import type { LookupFunction, Transport } from './types.js';

// dns.lookup is read at each call, so a replaced `dns.lookup` is honoured (as in Node).
const lookup: LookupFunction = (hostname, options, cb) => {
  (dns.lookup as (h: string, o: object, c: unknown) => void)(hostname, options, cb);
};

/** Streams on Node's libuv handles where the runtime has them, else on node:net. */
function streamFunctions(): Pick<Transport, 'createStream' | 'openStream' | 'listen'> {
  if (libuvAvailable()) {
    const libuv = require('./host-stream-libuv.js') as typeof import('./host-stream-libuv.js');
    return {
      createStream: libuv.createLibuvStream,
      openStream: libuv.openLibuvStream,
      listen: libuv.listenLibuv,
    };
  }
  const fallback = require('./host-stream-node.js') as typeof import('./host-stream-node.js');
  return {
    createStream: fallback.createNodeStream,
    openStream: fallback.openNodeStream,
    listen: fallback.listenNode,
  };
}

/**
 * The host transport: the operating system's sockets. Streams use Node's
 * libuv handles (as Node's own net does) when the runtime exposes them, and
 * `node:net` as a plain byte pipe otherwise; datagrams use `node:dgram`.
 * Name resolution is `dns.lookup` (getaddrinfo), as in Node.
 */
export const hostTransport: Transport = {
  name: 'host',
  lookup,
  ...streamFunctions(),
  createDatagram: createHostDatagram,
};
