import * as dns from 'node:dns';
import { createHostDatagram } from './host-datagram.js';
import { connectHostPipe, connectHostTcp, listenHost, openHostStream } from './host-stream.js';
import type { LookupAddress, LookupFunction, Transport } from './types.js';

const lookup: LookupFunction = (hostname, options, cb) => {
  dns.lookup(hostname, options, (err, addresses) => {
    cb(err, (addresses ?? []) as LookupAddress[]);
  });
};

/**
 * The host transport: the operating system's sockets, reached through Node's
 * public `node:net` / `node:dgram` used as plain byte pipes. Name resolution is
 * `dns.lookup` (getaddrinfo), as in Node.
 */
export const hostTransport: Transport = {
  name: 'host',
  lookup,
  connectTcp: connectHostTcp,
  connectPipe: connectHostPipe,
  openStream: openHostStream,
  listen: listenHost,
  createDatagram: createHostDatagram,
};
