/**
 * The simulator with many hosts and connections, through Node's net API:
 * the same seed gives a byte-identical capture of 50 hosts exchanging lines
 * over lossy links (another seed, another capture), and 1,000 connections
 * through one simulated server host, open at once, all complete.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import type { Socket } from '../../src/net/index.js';
import { Simulation, type Stack } from '../../src/sim.js';

const LIMIT = { timeout: 60_000 };

/**
 * `clients` connections to port 80 of the first host, from hosts 2 .. `hosts`
 * in turn, one simulated millisecond apart: each sends `rounds` lines, one
 * after the answer to the last, each answered by the server, and all stay
 * open until every connection has its answers. Resolves with the most
 * connections the server held at once.
 */
async function exchange(sim: Simulation, clients: number, rounds: number): Promise<number> {
  const [server, ...others] = sim.hosts;
  let open = 0;
  let most = 0;
  const listening = server!.net.createServer((socket) => {
    most = Math.max(most, ++open);
    socket.on('close', () => open--);
    socket.setEncoding('utf8');
    socket.on('data', (line: string) => socket.write(`re ${line}`));
    socket.on('end', () => socket.end());
  });
  listening.listen({ port: 80, backlog: 2048 });
  await once(listening, 'listening');
  let finished = 0;
  let allFinished = (): void => {};
  const everyOne = new Promise<void>((resolve) => {
    allFinished = resolve;
  });
  const sockets: Socket[] = [];
  const closed: Promise<unknown>[] = [];
  const start = (i: number): void => {
    const host = others[i % others.length]!;
    // The server's address, not its name: a name with two families races them on real-time timers.
    const socket = host.net.connect(80, '10.0.0.1');
    sockets.push(socket);
    closed.push(once(socket, 'close'));
    socket.setEncoding('utf8');
    let sent = 0;
    const next = (): void => {
      socket.write(`${i}.${sent++}`);
    };
    socket.on('connect', next);
    socket.on('data', (answer: string) => {
      assert.equal(answer, `re ${i}.${sent - 1}`);
      if (sent < rounds) next();
      else if (++finished === clients) allFinished();
    });
    socket.on('end', () => socket.end());
  };
  for (let i = 0; i < clients; i++) sim.clock.schedule(sim.clock.now() + i, () => start(i));
  await everyOne;
  for (const socket of sockets) socket.end();
  await Promise.all(closed);
  listening.close();
  return most;
}

/** `hosts` hosts, seeded, 1 % loss on every link; every frame captured. */
function network(seed: number, hosts: number) {
  const sim = new Simulation({ seed, link: { latencyMs: 1, loss: 0.01 } });
  const capture = sim.capture();
  for (let i = 1; i <= hosts; i++) sim.addHost(`h${i}`);
  return { sim, capture };
}

describe('the simulator at scale', () => {
  test('50 hosts: the same seed gives the same capture, byte for byte', LIMIT, async () => {
    const run = async (seed: number): Promise<Buffer> => {
      const { sim, capture } = network(seed, 50);
      await exchange(sim, 98, 5);
      // Let the last FINs and ACKs land (TIME-WAIT aside).
      await sim.settle();
      sim.close();
      return Buffer.from(capture.bytes());
    };
    const first = await run(11);
    const second = await run(11);
    assert.ok(first.length > 100_000, `a capture of ${first.length} bytes`);
    assert.equal(Buffer.compare(first, second), 0);
    assert.notEqual(Buffer.compare(first, await run(12)), 0);
  });

  test("every host knows every other by name; one host's changes stay its own", () => {
    const { sim } = network(1, 3);
    const [h1, h2, h3] = sim.hosts as [Stack, Stack, Stack];
    const names = (host: Stack, name: string) => host.hosts.resolve(name).map((a) => a.address);
    assert.deepEqual(names(h1, 'H3'), ['10.0.0.3', 'fd00::3']);
    assert.deepEqual(names(h3, 'h3'), ['10.0.0.3', 'fd00::3']);
    h1.hosts.remove('h2');
    h1.hosts.add('h3', '192.0.2.3');
    assert.deepEqual(names(h1, 'h2'), []);
    assert.deepEqual(names(h1, 'h3'), ['10.0.0.3', 'fd00::3', '192.0.2.3']);
    assert.deepEqual(names(h3, 'h2'), ['10.0.0.2', 'fd00::2']);
    assert.deepEqual(names(h2, 'h3'), ['10.0.0.3', 'fd00::3']);
    const h4 = sim.addHost('h4');
    assert.deepEqual(names(h1, 'h4'), ['10.0.0.4', 'fd00::4']);
    assert.deepEqual(
      h1.hosts.entries().map(([name]) => name),
      ['localhost', 'h3', 'h1', 'h4'],
    );
    assert.deepEqual(names(h4, 'localhost'), ['127.0.0.1', '::1']);
    sim.close();
  });

  test('1,000 connections through one server host, open at once, all complete', LIMIT, async () => {
    const { sim } = network(3, 21);
    const most = await exchange(sim, 1000, 2);
    sim.close();
    assert.equal(most, 1000);
  });
});
