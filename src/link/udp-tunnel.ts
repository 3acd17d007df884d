/**
 * Links to the kernel over a host UDP socket (node:dgram: this is the link
 * layer, on the host, under the userspace stack): each datagram carries one
 * frame, after a header of the tunnel's own (VXLAN's 8 bytes) or none (bare
 * IP, as socat's `TUN:` address relays it). Datagrams are accepted from the
 * remote address on any source port (the kernel's VXLAN device picks its
 * source port per flow, RFC 7348 §5); frames go to the remote address and
 * port.
 *
 * The socket is bound at once; frames sent before the bind completes wait
 * for it (node:dgram queues them). It is unref'd: the link never keeps the
 * process alive by itself, the sockets of the stack above it do.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import {
  emptyLinkStats,
  type PacketLink,
  type PacketLinkStats,
  type PacketMedium,
} from './packet-link.js';

/** An IP literal and a UDP port. */
export interface UdpEndpoint {
  address: string;
  port: number;
}

/** Reads `10.0.0.1:4789` or `[fd00::1]:4789`; throws a TypeError naming `what` otherwise. */
export function parseUdpEndpoint(text: string, what = 'endpoint'): UdpEndpoint {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const address = m ? (m[1] ?? m[2]!) : '';
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || isIP(address) === 0 || port < 1 || port > 65535) {
    throw new TypeError(
      `${what} must be ADDRESS:PORT with an IP literal (IPv6 in brackets), not '${text}'`,
    );
  }
  return { address, port };
}

/** `address:port`, IPv6 in brackets. */
export function formatUdpEndpoint(endpoint: UdpEndpoint): string {
  return isIP(endpoint.address) === 6
    ? `[${endpoint.address}]:${endpoint.port}`
    : `${endpoint.address}:${endpoint.port}`;
}

export interface UdpTunnelOptions {
  /** Where this end's socket is bound. */
  local: UdpEndpoint;
  /** Where frames are sent (and the only address frames are accepted from). */
  remote: UdpEndpoint;
  /** The largest IP packet carried. */
  mtu: number;
  /** Socket buffer sizes asked for (the kernel caps them at net.core.[rw]mem_max). Default 4 MiB. */
  socketBufferBytes?: number;
}

/** The shared part of the UDP tunnels: the socket, the sender check, the counters. */
export abstract class UdpTunnelLink implements PacketLink {
  abstract readonly medium: PacketMedium;
  readonly mtu: number;
  readonly local: UdpEndpoint;
  readonly remote: UdpEndpoint;
  readonly stats: PacketLinkStats = emptyLinkStats();
  onframe: ((frame: Uint8Array) => void) | null = null;
  /** Socket errors (a failed bind: the port is taken, the address is not this host's). Default: thrown. */
  onerror: (err: Error) => void = (err) => {
    throw err;
  };
  /** Resolves once the socket is bound (rejects when the bind fails). */
  readonly ready: Promise<void>;
  private readonly socket: dgram.Socket;
  private closed = false;

  constructor(options: UdpTunnelOptions) {
    this.local = options.local;
    this.remote = options.remote;
    this.mtu = options.mtu;
    const family = isIP(options.local.address);
    if (family !== isIP(options.remote.address)) {
      throw new TypeError(
        `the local (${options.local.address}) and remote (${options.remote.address}) addresses must be of one family`,
      );
    }
    // Every send names the peer by its address; answering the socket's lookup at
    // once spares each frame dns.lookup's round through the next tick.
    this.socket = dgram.createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      lookup: (address, _options, callback) => callback(null, address, family),
    });
    this.socket.unref();
    const bufferBytes = options.socketBufferBytes ?? 4 << 20;
    this.ready = new Promise<void>((resolve, reject) => {
      this.socket.once('listening', () => {
        try {
          this.socket.setRecvBufferSize(bufferBytes);
          this.socket.setSendBufferSize(bufferBytes);
        } catch {
          // Smaller buffers only cost drops under bursts; TCP recovers.
        }
        resolve();
      });
      this.socket.on('error', (err) => {
        reject(err);
        if (!this.closed) this.onerror(err);
      });
    });
    this.ready.catch(() => {});
    this.socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== this.remote.address) {
        this.stats.rejected++;
        return;
      }
      const frame = this.decapsulate(msg);
      if (frame === null) {
        this.stats.rejected++;
        return;
      }
      this.stats.framesIn++;
      this.stats.bytesIn += frame.length;
      this.onframe?.(frame);
    });
    this.socket.bind({ port: options.local.port, address: options.local.address, exclusive: true });
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    this.stats.framesOut++;
    this.stats.bytesOut += frame.length;
    const header = this.header();
    // No callback: node:dgram then tries the send at once (one system call, no
    // completion per frame) — and, as for any send without one, reports no error,
    // so `stats.sendErrors` stays 0 here; a refused frame is a lost one, which TCP repairs.
    this.socket.send(
      header === null ? frame : [header, frame],
      this.remote.port,
      this.remote.address,
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onframe = null;
    this.socket.close();
  }

  /** The header put before each frame, or null for none. */
  protected abstract header(): Uint8Array | null;
  /** The frame in a received datagram, or null when it is not one of this link's. */
  protected abstract decapsulate(datagram: Uint8Array): Uint8Array | null;
}
