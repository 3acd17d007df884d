/**
 * A `tls.TLSSocket` (node:tls, Node's tls doc "Class: tls.TLSSocket") over a
 * wirestack `net.Socket`. node:tls does the TLS; it reaches our socket as a
 * plain Duplex, so it works on any transport (host sockets or wirestack's
 * userspace stack) but cannot ask that socket's handle for addresses or
 * socket options. This subclass answers those from the wirestack socket:
 * `remoteAddress` / `remoteFamily` / `remotePort`, `address()` /
 * `localAddress` / `localPort`, `setNoDelay`, `setKeepAlive`, `ref`, `unref`.
 *
 * On the client side it also reports the connection phase as Node's own TLS
 * sockets do: `connecting` is true until the TCP connection is up, then
 * `'connect'` is emitted (before the handshake's `'secureConnect'`).
 */
import type { Socket as NodeSocket } from 'node:net';
import * as tls from 'node:tls';
import type { Socket } from '../net/socket.js';
import { kLayeredOver } from '../net/socket.js';
import { tlsCarrier } from './tls-carrier.js';

const kTransport = Symbol('wirestack.https.transport');

/** `{ address, family, port }` as Node's `_getpeername()` / `_getsockname()` return it. */
interface Endpoint {
  address?: string;
  family?: string;
  port?: number;
}

/** The TLS socket closed: so does the connection under it (at once, if it was still connecting). */
function destroyTransport(this: SecureSocket): void {
  const transport = this[kTransport];
  if (transport !== undefined && !transport.destroyed) transport.destroy();
}

export class SecureSocket extends tls.TLSSocket {
  /** The wirestack socket the TLS records travel over. */
  declare [kTransport]: Socket | undefined;

  /**
   * `new SecureSocket(transport, options)`: options as `new tls.TLSSocket`
   * (`isServer`, `secureContext`, `server`, `requestCert`, `rejectUnauthorized`,
   * `ALPNProtocols`, `SNICallback`, `handshakeTimeout` in ms, ...).
   */
  constructor(
    transport: Socket | NodeSocket,
    options: tls.TLSSocketOptions & Record<string, unknown>,
  ) {
    // A wirestack socket, typed as ours or, publicly, as Node's (src/util/node-typed.ts).
    super(tlsCarrier(transport as Socket) as unknown as NodeSocket, options);
    this[kTransport] = transport as Socket;
    // Node's TLSSocket keeps the server it was given; Bun's does not, and the
    // https server's handlers read it.
    const self = this as { server?: unknown };
    if (options.server !== undefined && self.server === undefined) self.server = options.server;
    this.once('close', destroyTransport);
  }

  /**
   * Makes a TLS socket made by `tls.connect({ socket: transport })` a
   * SecureSocket, and mirrors the transport's connection phase on it.
   */
  static adopt(socket: tls.TLSSocket, transport: Socket): SecureSocket {
    const secure = Object.setPrototypeOf(socket, SecureSocket.prototype) as SecureSocket;
    secure[kTransport] = transport;
    secure.once('close', destroyTransport);
    if (transport.connecting) {
      const phase = secure as { connecting: boolean };
      phase.connecting = true;
      transport.once('connect', () => {
        phase.connecting = false;
        if (!secure.destroyed) secure.emit('connect');
      });
      transport.on('lookup', (...args: unknown[]) => secure.emit('lookup', ...args));
    }
    return secure;
  }

  /** The wirestack socket underneath (undefined only while being constructed). */
  get transportSocket(): Socket | undefined {
    return this[kTransport];
  }

  /** Makes `secure instanceof net.Socket` true for wirestack's net, as Node's TLS sockets are. */
  get [kLayeredOver](): Socket | undefined {
    return this[kTransport];
  }

  /** @internal Node's net.Socket reads the peer's address through this. */
  _getpeername(): Endpoint {
    const t = this[kTransport];
    if (t === undefined || t.remoteAddress === undefined) return {};
    return { address: t.remoteAddress, family: t.remoteFamily, port: t.remotePort };
  }

  /** @internal Node's net.Socket reads the local address through this. */
  _getsockname(): Endpoint {
    const t = this[kTransport];
    if (t === undefined) return {};
    return t.address() as Endpoint;
  }

  /**
   * Ending before the handshake completed would shut the transport's
   * writable side while TLS still has handshake records to send; the FIN
   * waits for the handshake instead (it is sent at once if the handshake
   * fails, as the socket is then destroyed).
   */
  override _final(callback: (error?: Error | null) => void): void {
    if ((this as unknown as { _secureEstablished: boolean })._secureEstablished || this.destroyed) {
      super._final(callback);
      return;
    }
    this.once('secure', () => super._final(callback));
  }

  /** TCP_NODELAY on the transport socket (true disables Nagle's algorithm). */
  override setNoDelay(noDelay?: boolean): this {
    this[kTransport]?.setNoDelay(noDelay);
    return this;
  }

  /** SO_KEEPALIVE on the transport socket; `initialDelay` in milliseconds. */
  override setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this[kTransport]?.setKeepAlive(enable, initialDelay);
    return this;
  }

  /** Lets the process exit while this connection is open. */
  override unref(): this {
    this[kTransport]?.unref();
    return this;
  }

  /** Keeps the process alive while this connection is open (the default). */
  override ref(): this {
    this[kTransport]?.ref();
    return this;
  }
}
