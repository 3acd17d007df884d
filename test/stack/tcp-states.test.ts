/**
 * The state machine's less common paths, end to end between two simulated
 * hosts: simultaneous open and close, half-close, TIME-WAIT for 2 × MSL,
 * keep-alive probes (answered, then unanswered → ETIMEDOUT), ICMP errors
 * (port unreachable → ECONNREFUSED, packet too big → a smaller MSS), a
 * neighbour that never answers (→ EHOSTUNREACH), and the same errors
 * through Node's `net` with Node's shape.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Simulation } from '../../src/sim.js';
import type { StackError } from '../../src/stack/errors.js';
import type { TcpConnection } from '../../src/stack/tcp/connection.js';
import type { TcpState } from '../../src/stack/tcp/state.js';
import { ETHERTYPE_IPV4, emitEthernet } from '../../src/wire/ethernet.js';
import { emitIcmpv4 } from '../../src/wire/icmpv4.js';
import { emitIpv4, IP_PROTO_ICMP } from '../../src/wire/ipv4.js';
import { TCP_FIN, TCP_SYN } from '../../src/wire/tcp.js';
import { ip, type Pair, pair, pattern, sha256, transfer } from './tcp-helpers.js';
import { interceptSegments, readCapture, runUntil } from './tcp-wire.js';

function connection(result: TcpConnection | StackError): TcpConnection {
  if (!('onestablished' in result)) throw new Error(result.message);
  return result;
}

/** Every state `conn` passes through while the clock runs (sampled after each event). */
function watchStates(p: Pair, conns: TcpConnection[]): Array<Set<TcpState>> {
  const seen = conns.map((c) => new Set<TcpState>([c.state]));
  const clock = p.net.clock;
  const step = clock.step.bind(clock);
  clock.step = () => {
    const ran = step();
    conns.forEach((c, i) => {
      seen[i]!.add(c.state);
    });
    return ran;
  };
  return seen;
}

/** An ICMPv4 error frame from `from` (an IPv4 address of the link) to the sender of `frame`, quoting it. */
function icmpAbout(frame: Uint8Array, type: number, code: number, rest: number): Uint8Array {
  const ipStart = 14;
  const quoted = frame.subarray(ipStart, ipStart + 20 + 8);
  const icmp = new Uint8Array(8 + quoted.length);
  icmp.set(quoted, 8);
  emitIcmpv4(icmp, 0, type, code, rest, quoted.length);
  const out = new Uint8Array(14 + 20 + icmp.length);
  // Back to the sender: swap the Ethernet addresses and the IP addresses.
  emitEthernet(out, 0, frame.subarray(6, 12), frame.subarray(0, 6), ETHERTYPE_IPV4);
  emitIpv4(out, 14, {
    identification: 1,
    ttl: 64,
    protocol: IP_PROTO_ICMP,
    src: frame.slice(ipStart + 16, ipStart + 20),
    dst: frame.slice(ipStart + 12, ipStart + 16),
    payloadLength: icmp.length,
  });
  out.set(icmp, 34);
  return out;
}

describe('opening and closing', () => {
  test('simultaneous open (RFC 9293 §3.5): both SYN-SENT → SYN-RECEIVED → ESTABLISHED', () => {
    const p = pair({ latencyMs: 5 });
    const now = p.net.clock.now();
    const a = connection(
      p.a.stack.tcp.connect({ remote: ip('10.0.0.2'), remotePort: 6000, localPort: 5000 }, now),
    );
    const b = connection(
      p.b.stack.tcp.connect({ remote: ip('10.0.0.1'), remotePort: 5000, localPort: 6000 }, now),
    );
    p.a.reschedule();
    p.b.reschedule();
    const states = watchStates(p, [a, b]);
    let established = 0;
    a.onestablished = () => established++;
    b.onestablished = () => established++;
    const got: Uint8Array[] = [];
    b.ondata = (d) => got.push(d);
    b.readStart(now);
    assert.ok(runUntil(p.net, () => established === 2, 10_000));
    a.send(new TextEncoder().encode('crossed'), p.net.clock.now());
    assert.ok(runUntil(p.net, () => got.length > 0, 10_000));
    assert.equal(new TextDecoder().decode(got[0]), 'crossed');
    for (const seen of states) assert.ok(seen.has('SYN-RECEIVED'), [...seen].join(' → '));
    assert.equal(a.state, 'ESTABLISHED');
    assert.equal(b.state, 'ESTABLISHED');
  });

  test('simultaneous close: both FIN-WAIT-1 → CLOSING → TIME-WAIT, then gone after 2 × MSL', () => {
    const p = pair({ latencyMs: 5 }, 1, { mslMs: 1000 });
    const r = transfer(p, pattern(1000));
    assert.ok(r.finished);
    // A fresh pair of connections, closed by both at the same instant.
    const listener = p.b.stack.tcp.listen({ address: null, port: 7000, family: 4 });
    if (!('onconnection' in listener)) throw new Error(listener.message);
    let server: TcpConnection | null = null;
    listener.onconnection = (c) => {
      server = c;
    };
    const client = connection(
      p.a.stack.tcp.connect({ remote: ip('10.0.0.2'), remotePort: 7000 }, p.net.clock.now()),
    );
    p.a.reschedule();
    assert.ok(runUntil(p.net, () => server !== null && client.state === 'ESTABLISHED', 5000));
    const s = server as unknown as TcpConnection;
    const states = watchStates(p, [client, s]);
    const t = p.net.clock.now();
    client.shutdown(t);
    s.shutdown(t);
    p.a.reschedule();
    p.b.reschedule();
    assert.ok(runUntil(p.net, () => client.state === 'TIME-WAIT' && s.state === 'TIME-WAIT', 5000));
    for (const seen of states) assert.ok(seen.has('CLOSING'), [...seen].join(' → '));
    const enteredAt = p.net.clock.now();
    assert.ok(runUntil(p.net, () => p.a.stack.tcp.size === 0 && p.b.stack.tcp.size === 0, 10_000));
    const lasted = p.net.clock.now() - enteredAt;
    assert.ok(lasted >= 2000 && lasted < 2100, `TIME-WAIT lasted ${lasted} ms`);
  });

  test('half-close: the side that sent FIN still receives until the other closes', () => {
    const p = pair({ latencyMs: 2 });
    const listener = p.b.stack.tcp.listen({ address: null, port: 7001, family: 6 });
    if (!('onconnection' in listener)) throw new Error(listener.message);
    const reply = pattern(300_000, 3);
    let server: TcpConnection | null = null;
    listener.onconnection = (c) => {
      server = c;
      c.onfin = () => {
        // The client is done sending; answer at length, then close.
        let at = 0;
        const pump = (): void => {
          while (at < reply.length) {
            const n = c.send(reply.subarray(at), p.net.clock.now());
            if (n <= 0) break;
            at += n;
          }
          if (at === reply.length) c.shutdown(p.net.clock.now());
          p.b.reschedule();
        };
        c.onsendspace = pump;
        pump();
      };
      c.readStart(p.net.clock.now());
    };
    const client = connection(
      p.a.stack.tcp.connect({ remote: ip('fd00::2'), remotePort: 7001 }, p.net.clock.now()),
    );
    const got: Uint8Array[] = [];
    let ended = false;
    client.onestablished = () => {
      client.send(new TextEncoder().encode('request'), p.net.clock.now());
      client.shutdown(p.net.clock.now());
      p.a.reschedule();
    };
    client.ondata = (d) => got.push(d);
    client.onfin = () => {
      ended = true;
    };
    client.readStart(p.net.clock.now());
    p.a.reschedule();
    assert.ok(runUntil(p.net, () => ended, 20_000));
    assert.equal(sha256(got), sha256(reply));
    assert.ok(server !== null);
  });
});

describe('keep-alive (RFC 9293 §3.8.4)', () => {
  test('answered probes keep an idle connection; unanswered ones end it with ETIMEDOUT', () => {
    const p = pair({ latencyMs: 1 });
    const capture = p.net.capture();
    const r = transfer(p, pattern(10)); // warms ARP; its connections close
    assert.ok(r.finished);
    const listener = p.b.stack.tcp.listen({ address: null, port: 7002, family: 4 });
    if (!('onconnection' in listener)) throw new Error(listener.message);
    listener.onconnection = (c) => c.readStart(p.net.clock.now());
    const client = connection(
      p.a.stack.tcp.connect({ remote: ip('10.0.0.2'), remotePort: 7002 }, p.net.clock.now()),
    );
    let error: string | null = null;
    client.onerror = (e) => {
      error = e.code;
    };
    p.a.reschedule();
    assert.ok(runUntil(p.net, () => client.state === 'ESTABLISHED', 5000));
    client.setKeepAlive(true, 5000, p.net.clock.now());
    // 60 s idle: probes every 5 s, each answered.
    runUntil(p.net, () => false, 60_000);
    assert.equal(error, null);
    assert.equal(client.state, 'ESTABLISHED');
    const answered = p.a.stack.counter('tcp.keepAliveProbes');
    assert.ok(answered >= 10 && answered <= 13, `${answered} probes`);
    // The peer vanishes: 10 unanswered probes 1 s apart, then ETIMEDOUT.
    p.link.partition();
    const cut = p.net.clock.now();
    assert.ok(runUntil(p.net, () => error !== null, 60_000));
    assert.equal(error, 'ETIMEDOUT');
    const waited = p.net.clock.now() - cut;
    assert.ok(waited >= 10_000 && waited <= 16_000, `ended after ${waited} ms`);
    const unanswered = p.a.stack.counter('tcp.keepAliveProbes') - answered;
    assert.equal(unanswered, 10, `${unanswered} probes after the cut`);
    // The answered probes are on the wire: bare ACKs one below SND.NXT.
    const probes = readCapture(capture.bytes()).filter(
      (f) => f.seg.srcPort === client.localPort && f.seg.payload.length === 0 && f.timeMs < cut,
    );
    assert.ok(probes.length >= answered);
  });
});

describe('ICMP and unreachable peers', () => {
  test('port unreachable in answer to a SYN ends the connect with ECONNREFUSED', () => {
    const p = pair({ latencyMs: 1 });
    transfer(p, pattern(10));
    const iface = p.a.stack.interfaces[1]!;
    interceptSegments(p.link, (f) => (f.seg.flags & TCP_SYN) !== 0 && f.seg.dstPort === 7003, {
      rewrite: (frame) => {
        const icmp = icmpAbout(frame, 3, 3, 0);
        p.net.clock.after(1, () => {
          p.a.stack.input(iface, icmp, p.net.clock.now());
          p.a.reschedule();
        });
        return 'drop';
      },
    });
    const client = connection(
      p.a.stack.tcp.connect({ remote: ip('10.0.0.2'), remotePort: 7003 }, p.net.clock.now()),
    );
    let error: string | null = null;
    client.onerror = (e) => {
      error = e.code;
    };
    p.a.reschedule();
    assert.ok(runUntil(p.net, () => error !== null, 5000));
    assert.equal(error, 'ECONNREFUSED');
    assert.equal(p.a.stack.counter('tcp.icmpErrors'), 1);
  });

  test('packet too big (RFC 1191) lowers the MSS; the transfer completes in smaller segments', () => {
    const p = pair({ latencyMs: 1 });
    const iface = p.a.stack.interfaces[1]!;
    const capture = p.net.capture();
    let told = 0;
    let firstToldAt = Number.POSITIVE_INFINITY;
    // A router whose next hop carries 1000 bytes: it drops bigger packets from a and says so.
    p.link.filter((_t, frame) => {
      const fromA = frame[11] === p.a.stack.interfaces[1]!.mac[5];
      if (!fromA || frame.length - 14 <= 1000) return 'pass';
      const icmp = icmpAbout(frame, 3, 4, 1000);
      told++;
      firstToldAt = Math.min(firstToldAt, p.net.clock.now());
      p.net.clock.after(1, () => {
        p.a.stack.input(iface, icmp, p.net.clock.now());
        p.a.reschedule();
      });
      return 'drop';
    });
    const data = pattern(200_000, 9);
    const r = transfer(p, data);
    assert.ok(r.finished, r.error ?? 'unfinished');
    assert.equal(r.client.smss, 1000 - 40 - 12);
    assert.equal(r.hash, sha256(data));
    assert.ok(told > 0);
    assert.ok(p.a.stack.counter('tcp.pmtu') > 0);
    const late = readCapture(capture.bytes()).filter(
      (f) => f.seg.srcPort === r.client.localPort && f.timeMs > firstToldAt + 2,
    );
    assert.ok(late.length > 0, 'segments after the ICMP');
    for (const f of late) assert.ok(f.seg.payload.length <= 1000 - 40, `${f.seg.payload.length}`);
  });

  test('a neighbour that never answers ARP: the connect fails with EHOSTUNREACH (as Linux)', () => {
    const p = pair({ latencyMs: 1 });
    const client = connection(
      p.a.stack.tcp.connect({ remote: ip('10.0.0.99'), remotePort: 80 }, p.net.clock.now()),
    );
    let error: string | null = null;
    client.onerror = (e) => {
      error = e.code;
    };
    p.a.reschedule();
    assert.ok(runUntil(p.net, () => error !== null, 30_000));
    assert.equal(error, 'EHOSTUNREACH');
    assert.ok(p.a.stack.counter('arp.failed') > 0);
  });
});

describe("errors through Node's net, with Node's shape", () => {
  async function connectError(
    options: { host: string; port: number; localAddress?: string },
    family?: 4 | 6,
  ): Promise<NodeJS.ErrnoException> {
    const sim = new Simulation({ seed: 3 });
    try {
      const alpha = sim.addHost('alpha');
      sim.addHost('beta');
      return await new Promise((resolve) => {
        const socket = alpha.net.connect({ ...options, ...(family ? { family } : {}) });
        socket.on('connect', () => resolve(new Error('connected') as NodeJS.ErrnoException));
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err));
      });
    } finally {
      sim.close();
    }
  }

  test('EHOSTUNREACH for a host on the LAN that does not answer', async () => {
    const err = await connectError({ host: '10.0.0.99', port: 80 });
    assert.equal(err.code, 'EHOSTUNREACH');
    assert.equal(err.syscall, 'connect');
    assert.equal((err as { address?: string }).address, '10.0.0.99');
    assert.equal((err as { port?: number }).port, 80);
    assert.equal(err.message, 'connect EHOSTUNREACH 10.0.0.99:80');
  });

  test('ENETUNREACH for a network with no route', async () => {
    const err = await connectError({ host: '192.0.2.1', port: 80 });
    assert.equal(err.code, 'ENETUNREACH');
    assert.equal(err.message, 'connect ENETUNREACH 192.0.2.1:80');
  });

  test('EADDRNOTAVAIL for a local address the host does not have', async () => {
    const err = await connectError({ host: '10.0.0.2', port: 80, localAddress: '10.0.0.77' });
    assert.equal(err.code, 'EADDRNOTAVAIL');
    assert.equal(err.syscall, 'bind');
  });

  test('a FIN reaches the peer in the capture (the close is a real one)', () => {
    const p = pair();
    const capture = p.net.capture();
    const r = transfer(p, pattern(100));
    assert.ok(r.finished);
    const fins = readCapture(capture.bytes()).filter((f) => (f.seg.flags & TCP_FIN) !== 0);
    assert.ok(fins.length >= 2);
  });
});
