/**
 * The stream a server-side `tls.TLSSocket` is built over. On Node it is the
 * wirestack socket itself: Node's TLS treats any stream that is not one of
 * its own sockets as a plain Duplex. Bun's TLS instead takes any stream
 * with a `_handle` for one of its own native sockets and calls
 * `_handle.upgradeTLS()`, which wirestack's handles do not have, so every
 * handshake fails. There it gets a Duplex that forwards to the wirestack
 * socket and has no `_handle`. The check names Bun: its TLS reads the
 * handle a tick after construction, so no synchronous feature test can see
 * the difference before a connection fails.
 */
import { Duplex } from 'node:stream';
import type { Socket } from '../net/socket.js';

const tlsAdoptsHandles = typeof (process.versions as { bun?: string }).bun === 'string';

/** A Duplex over `socket`'s bytes, without its `_handle`; backpressure and errors pass through. */
function forwardingDuplex(socket: Socket): Duplex {
  const carrier = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(err, callback) {
      if (!socket.destroyed) socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (!carrier.push(chunk)) socket.pause();
  });
  socket.on('end', () => carrier.push(null));
  socket.on('error', (err) => carrier.destroy(err));
  socket.on('close', () => carrier.destroy());
  return carrier;
}

/** What a server-side `tls.TLSSocket` should wrap for `socket` on this runtime. */
export function tlsCarrier(socket: Socket): Duplex | Socket {
  return tlsAdoptsHandles ? forwardingDuplex(socket) : socket;
}
