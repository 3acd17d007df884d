/**
 * Raw TCP between two simulated hosts (no Node API): two stacks on one
 * link, a listener on one and a connection from the other, bulk transfers
 * in virtual time with byte-exact checks.
 */
import { createHash } from 'node:crypto';
import type { SimHost } from '../../src/link/sim/host.js';
import type { LinkConditions, LinkEnd, SimLink } from '../../src/link/sim/link.js';
import { SimNetwork } from '../../src/link/sim/network.js';
import { parseIp } from '../../src/stack/address.js';
import type { TcpConfig } from '../../src/stack/tcp/config.js';
import type { TcpConnection } from '../../src/stack/tcp/connection.js';

export interface Pair {
  net: SimNetwork;
  a: SimHost;
  b: SimHost;
  link: SimLink;
}

/** Hosts a (10.0.0.1, fd00::1) and b (10.0.0.2, fd00::2) joined by one link. */
export function pair(
  conditions: Partial<LinkConditions> = {},
  seed = 1,
  tcp: Partial<TcpConfig> = {},
): Pair {
  const net = new SimNetwork({ seed });
  const link = net.link(conditions, 'a-b');
  const a = net.host('a', { tcp });
  const b = net.host('b', { tcp });
  a.attach(link.a, net.nextMac(), ['10.0.0.1/24', 'fd00::1/64'], { name: 'eth0' });
  b.attach(link.b, net.nextMac(), ['10.0.0.2/24', 'fd00::2/64'], { name: 'eth0' });
  return { net, a, b, link };
}

export function ip(text: string): Uint8Array {
  const addr = parseIp(text);
  if (addr === null) throw new Error(`bad address ${text}`);
  return addr;
}

/** Deterministic pseudo-random bytes. */
export function pattern(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(chunks: Uint8Array[] | Uint8Array): string {
  const hash = createHash('sha256');
  for (const c of Array.isArray(chunks) ? chunks : [chunks]) hash.update(c);
  return hash.digest('hex');
}

export interface TransferResult {
  received: number;
  hash: string;
  finished: boolean;
  error: string | null;
  client: TcpConnection;
  server: TcpConnection | null;
  /** Virtual ms from connect to the receiver's FIN. */
  elapsedMs: number;
}

/**
 * Sends `data` from a to b over TCP (port 5001) and closes; runs the clock
 * until b has seen the FIN or `maxMs` of virtual time pass.
 */
export function transfer(
  p: Pair,
  data: Uint8Array,
  options: { family?: 4 | 6; maxMs?: number; chunk?: number; readPauseEvery?: number } = {},
): TransferResult {
  const family = options.family ?? 4;
  const clock = p.net.clock;
  const start = clock.now();
  const listener = p.b.stack.tcp.listen({ address: null, port: 5001, family });
  if (!('onconnection' in listener)) throw new Error(listener.message);
  const received: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  let error: string | null = null;
  let server: TcpConnection | null = null;
  let endAt = 0;
  listener.onconnection = (conn) => {
    server = conn;
    conn.ondata = (d) => {
      received.push(d);
      total += d.length;
    };
    conn.onfin = () => {
      finished = true;
      endAt = clock.now();
      conn.close(clock.now());
      p.b.reschedule();
    };
    conn.onerror = (e) => {
      error = `server ${e.code}`;
    };
    conn.readStart(clock.now());
  };
  const client = p.a.stack.tcp.connect(
    { remote: ip(family === 4 ? '10.0.0.2' : 'fd00::2'), remotePort: 5001 },
    clock.now(),
  );
  if (!('onestablished' in client)) throw new Error(client.message);
  let offset = 0;
  const chunk = options.chunk ?? 64 * 1024;
  const pump = (): void => {
    while (offset < data.length) {
      const n = client.send(
        data.subarray(offset, Math.min(data.length, offset + chunk)),
        clock.now(),
      );
      if (n <= 0) break;
      offset += n;
    }
    if (offset >= data.length) client.shutdown(clock.now());
    p.a.reschedule();
  };
  client.onestablished = pump;
  client.onsendspace = () => {
    if (offset < data.length) pump();
  };
  client.onerror = (e) => {
    error = `client ${e.code}`;
  };
  p.a.reschedule();
  const maxMs = options.maxMs ?? 600_000;
  while (!finished && error === null && clock.now() - start < maxMs) {
    if (!clock.step()) break;
  }
  listener.close(clock.now());
  return {
    received: total,
    hash: sha256(received),
    finished,
    error,
    client,
    server,
    elapsedMs: endAt - start,
  };
}

/** The TCP sequence number and payload length of a client data segment (IPv4 over Ethernet), or null. */
export function dataSegment(frame: Uint8Array): { seq: number; len: number } | null {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 54 || view.getUint16(12) !== 0x0800 || frame[23] !== 6) return null;
  const ihl = (frame[14]! & 0x0f) * 4;
  const total = view.getUint16(16);
  const tcp = 14 + ihl;
  const len = total - ihl - (frame[tcp + 12]! >>> 4) * 4;
  return len > 0 ? { seq: view.getUint32(tcp + 4), len } : null;
}

/** Drops client data frames as `choose` says (each frame seen once, in sending order). */
export function dropData(p: Pair, choose: (seg: { seq: number; len: number }) => boolean): void {
  p.link.filter((_time, frame, from: LinkEnd) => {
    if (from !== p.link.a) return 'pass';
    const seg = dataSegment(frame);
    return seg !== null && choose(seg) ? 'drop' : 'pass';
  });
}
