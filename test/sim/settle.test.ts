/**
 * `Simulation.settle()` waits for what a user waits for (frames in flight,
 * retries) and not for housekeeping: the neighbour cache ages lazily, so an
 * idle network leaves the virtual clock where the traffic ended.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { Simulation } from '../../src/sim.js';
import { parseIp } from '../../src/stack/address.js';

async function udpExchange(sim: Simulation): Promise<number> {
  const alpha = sim.addHost('alpha');
  const beta = sim.addHost('beta');
  const server = beta.dgram.createSocket('udp4');
  server.on('message', (_msg, rinfo) => server.send('pong', rinfo.port, rinfo.address));
  server.bind(7000);
  await once(server, 'listening');
  const client = alpha.dgram.createSocket('udp4');
  client.send('ping', 7000, 'beta');
  const [reply] = (await once(client, 'message')) as [Buffer];
  assert.equal(reply.toString(), 'pong');
  client.close();
  server.close();
  return sim.clock.now();
}

describe('Simulation.settle()', () => {
  test('after one UDP exchange the clock stays where the exchange ended', async () => {
    const sim = new Simulation();
    const ended = await udpExchange(sim);
    assert.ok(ended < 100, `the exchange took ${ended} ms of virtual time`);
    await sim.settle();
    assert.equal(sim.clock.now(), ended);
    assert.equal(sim.clock.pending, 0);
    sim.close();
  });

  test('waits for a datagram still in flight on a slow link', async () => {
    const sim = new Simulation({ link: { latencyMs: 250 } });
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    const server = beta.dgram.createSocket('udp4');
    const got: string[] = [];
    server.on('message', (msg) => got.push(msg.toString()));
    server.bind(7000);
    await once(server, 'listening');
    const client = alpha.dgram.createSocket('udp4');
    client.send('late', 7000, '10.0.0.2');
    await sim.settle();
    // ARP request and reply, then the datagram: three trips over two links each.
    assert.deepEqual(got, ['late']);
    assert.ok(sim.clock.now() >= 1500, `settled at ${sim.clock.now()} ms`);
    client.close();
    server.close();
    sim.close();
  });

  test('the neighbour cache still ages: STALE after 30 s, re-confirmed on use, forgotten after 10 min', async () => {
    const sim = new Simulation({ autoRun: false });
    const alpha = sim.addHost('alpha');
    sim.addHost('beta');
    const arp = alpha.netstack.interfaces.find((i) => i.name === 'eth0')!.arp;
    const beta = parseIp('10.0.0.2')!;
    const pinged = alpha.ping('10.0.0.2');
    while (sim.clock.step()) {}
    assert.equal((await pinged).received, 1);
    const t0 = sim.clock.now();
    assert.equal(arp.get(beta, t0)?.state, 'reachable');
    assert.equal(sim.clock.pending, 0, 'aging sets no timer');
    assert.equal(arp.get(beta, t0 + 30_001)?.state, 'stale');
    // Used while STALE: a unicast probe re-confirms it (RFC 4861 §7.3.3).
    sim.clock.advance(30_001);
    const again = alpha.ping('10.0.0.2');
    assert.equal(arp.get(beta)?.state, 'probe');
    while (sim.clock.step()) {}
    assert.equal((await again).received, 1);
    const t1 = sim.clock.now();
    const entry = arp.get(beta, t1)!;
    assert.equal(entry.state, 'reachable');
    // Unused: STALE 30 s after the confirmation, gone 10 min after that.
    const staleAt = entry.deadline;
    assert.ok(staleAt > t1 && staleAt <= t1 + 30_000);
    assert.equal(arp.get(beta, staleAt - 1)?.state, 'reachable');
    assert.equal(arp.get(beta, staleAt + 600_000 - 1)?.state, 'stale');
    assert.equal(arp.get(beta, staleAt + 600_000), undefined);
    assert.equal(arp.size, 0);
    sim.close();
  });
});
