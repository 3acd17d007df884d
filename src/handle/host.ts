import * as dns from 'node:dns';
import { libuvAvailable, libuvDatagramsAvailable } from './libuv-available.js';
import type { LookupFunction, Transport } from './types.js';

// dns.lookup is read at each call, so a replaced `dns.lookup` is honoured (as in Node).
const lookup: LookupFunction = (hostname, options, cb) => {
  (dns.lookup as (h: string, o: object, c: unknown) => void)(hostname, options, cb);
};

/** Streams on Node's libuv handles where the runtime has them, else on node:net. */
function streamFunctions(): Pick<
  Transport,
  'createStream' | 'openStream' | 'listen' | 'listenInCluster'
> {
  if (libuvAvailable()) {
    const libuv = require('./host-stream-libuv.js') as typeof import('./host-stream-libuv.js');
    const cluster =
      require('./host-stream-cluster.js') as typeof import('./host-stream-cluster.js');
    return {
      createStream: libuv.createLibuvStream,
      openStream: libuv.openLibuvStream,
      listen: libuv.listenLibuv,
      listenInCluster: cluster.listenInClusterLibuv,
    };
  }
  const fallback = require('./host-stream-node.js') as typeof import('./host-stream-node.js');
  return {
    createStream: fallback.createNodeStream,
    openStream: fallback.openNodeStream,
    listen: fallback.listenNode,
  };
}

/** Datagrams on Node's libuv UDP handle where the runtime has it, else on node:dgram. */
function datagramFunction(): Transport['createDatagram'] {
  if (libuvDatagramsAvailable()) {
    const libuv = require('./host-datagram-libuv.js') as typeof import('./host-datagram-libuv.js');
    return libuv.createLibuvDatagram;
  }
  const fallback = require('./host-datagram.js') as typeof import('./host-datagram.js');
  return fallback.createHostDatagram;
}

/**
 * The host transport: the operating system's sockets. Streams use Node's
 * libuv handles (as Node's own net and dgram do) when the runtime really
 * provides them — a feature test of every member they use, which Deno's
 * partial emulation fails (libuv-available.ts) — and `node:net` /
 * `node:dgram` as plain pipes otherwise (Deno, Bun; also when
 * `WIRESTACK_HOST_STREAMS=node`).
 * Name resolution is `dns.lookup` (getaddrinfo), as in Node.
 */
export const hostTransport: Transport = {
  name: 'host',
  lookup,
  ...streamFunctions(),
  createDatagram: datagramFunction(),
};
