/**
 * Several TCP flows through one bottleneck: four senders on a switch, a
 * bandwidth-limited link with a finite (tail-drop) queue to a second
 * switch, four receivers behind it. Each flow sends as fast as it may for a
 * fixed stretch of virtual time; over the measured part the flows share the
 * bottleneck fairly (Jain's fairness index ≥ 0.9 over the goodputs), fill it,
 * and lose a bounded share of segments — with CUBIC and with NewReno.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimHost } from '../../src/link/sim/host.js';
import { SimNetwork } from '../../src/link/sim/network.js';
import type { CongestionControlName } from '../../src/stack/tcp/config.js';
import type { TcpConnection } from '../../src/stack/tcp/connection.js';
import { ip, pattern } from './tcp-helpers.js';

const FLOWS = 4;
const BOTTLENECK_BPS = 10e6;
const WARMUP_MS = 3_000;
const MEASURE_MS = 12_000;

/** Jain's fairness index: (Σx)² / (n Σx²), 1 when all equal, 1/n when one takes everything. */
export function jain(xs: readonly number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

interface Flow {
  client: TcpConnection;
  server: TcpConnection | null;
  received: number;
  error: string | null;
}

function run(cc: CongestionControlName, seed: number) {
  const net = new SimNetwork({ seed });
  const left = net.switch('left');
  const right = net.switch('right');
  const bottleneck = net.link(
    { latencyMs: 10, bandwidthBps: BOTTLENECK_BPS, queueBytes: 64 * 1024 },
    'bottleneck',
  );
  left.attach(bottleneck.a);
  right.attach(bottleneck.b);
  const senders: SimHost[] = [];
  const receivers: SimHost[] = [];
  for (let i = 0; i < FLOWS; i++) {
    const s = net.host(`s${i}`, { tcp: { congestionControl: cc } });
    const access = net.link({ latencyMs: 1 }, `s${i}-left`);
    s.attach(access.a, net.nextMac(), [`10.0.0.${10 + i}/24`]);
    left.attach(access.b);
    senders.push(s);
    const r = net.host(`r${i}`, { tcp: { congestionControl: cc } });
    const access2 = net.link({ latencyMs: 1 }, `r${i}-right`);
    r.attach(access2.a, net.nextMac(), [`10.0.0.${20 + i}/24`]);
    right.attach(access2.b);
    receivers.push(r);
  }
  const clock = net.clock;
  const chunk = pattern(64 * 1024, 5);
  const flows: Flow[] = [];
  for (let i = 0; i < FLOWS; i++) {
    const flow: Flow = {
      client: null as unknown as TcpConnection,
      server: null,
      received: 0,
      error: null,
    };
    const listener = receivers[i]!.stack.tcp.listen({ address: null, port: 5001, family: 4 });
    if (!('onconnection' in listener)) throw new Error(listener.message);
    listener.onconnection = (conn) => {
      flow.server = conn;
      conn.ondata = (d) => {
        flow.received += d.length;
      };
      conn.onerror = (e) => {
        flow.error = `server ${e.code}`;
      };
      conn.readStart(clock.now());
    };
    const client = senders[i]!.stack.tcp.connect(
      { remote: ip(`10.0.0.${20 + i}`), remotePort: 5001 },
      clock.now(),
    );
    if (!('onestablished' in client)) throw new Error(client.message);
    const pump = (): void => {
      while (client.send(chunk, clock.now()) > 0) {}
      senders[i]!.reschedule();
    };
    client.onestablished = pump;
    client.onsendspace = pump;
    client.onerror = (e) => {
      flow.error = `client ${e.code}`;
    };
    senders[i]!.reschedule();
    flow.client = client;
    flows.push(flow);
  }
  clock.runUntil(WARMUP_MS);
  const before = flows.map((f) => f.received);
  const sentBefore = bottleneck.a.stats.sent;
  const dropsBefore = bottleneck.a.stats.queueDrops;
  clock.runUntil(WARMUP_MS + MEASURE_MS);
  const goodputs = flows.map((f, i) => ((f.received - before[i]!) * 8 * 1000) / MEASURE_MS);
  const frames = bottleneck.a.stats.sent - sentBefore;
  const drops = bottleneck.a.stats.queueDrops - dropsBefore;
  return { flows, goodputs, frames, drops };
}

describe('a shared bottleneck', () => {
  for (const cc of ['cubic', 'newreno'] as const) {
    test(`${FLOWS} ${cc} flows share it fairly, fill it, and lose little`, () => {
      const { flows, goodputs, frames, drops } = run(cc, 3);
      for (const f of flows) assert.equal(f.error, null);
      const index = jain(goodputs);
      const total = goodputs.reduce((a, b) => a + b, 0);
      const detail = `goodputs ${goodputs.map((g) => (g / 1e6).toFixed(2)).join(' ')} Mbit/s, drops ${drops}/${frames}`;
      assert.ok(index >= 0.9, `Jain's index ${index.toFixed(3)}: ${detail}`);
      // Headers take ~4 %; the rest of the link carries payload.
      assert.ok(total >= 0.85 * BOTTLENECK_BPS, `utilisation: ${detail}`);
      assert.ok(total <= BOTTLENECK_BPS, detail);
      assert.ok(drops > 0, `the queue did overflow: ${detail}`);
      assert.ok(drops / frames < 0.03, `loss bounded: ${detail}`);
      for (const f of flows) {
        assert.ok(f.client.stats.timeouts <= 3, `few timeouts: ${f.client.stats.timeouts}`);
      }
    });
  }

  test("Jain's index", () => {
    assert.equal(jain([1, 1, 1, 1]), 1);
    assert.equal(jain([1, 0, 0, 0]), 0.25);
  });
});
