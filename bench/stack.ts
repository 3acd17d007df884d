/**
 * Userspace stack throughput on the simulated network, in virtual time
 * driven as fast as the CPU allows (no event loop in the way):
 *
 * - UDP datagrams per second from one host to another through the sim link
 *   and both stacks (Ethernet, IPv4, UDP, checksums both ways), for 64-byte
 *   and 1400-byte payloads;
 * - 8 KiB datagrams per second that the receiver reassembles from 6 IPv4
 *   fragments (and the same over IPv6).
 *
 * Each scenario runs for about a second, best of 3 rounds.
 * Run: node --import tsx bench/stack.ts   → bench/results/stack.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimNetwork } from '../src/link/sim/network.js';
import { parseIp } from '../src/stack/address.js';

const ROUND_MS = 1000;
const ROUNDS = 3;
const BATCH = 64;

interface Result {
  datagramsPerSec: number;
  /** IP packets (fragments counted one by one) per second. */
  packetsPerSec: number;
  /** Payload megabits per second. */
  payloadMbitPerSec: number;
}

function scenario(payloadSize: number, family: 4 | 6): Result {
  const net = new SimNetwork({ seed: 1 });
  const link = net.link({ latencyMs: 0.01 });
  const a = net.host('a');
  const b = net.host('b');
  a.attach(link.a, net.nextMac(), ['10.0.0.1/24', 'fd00::1/64']);
  b.attach(link.b, net.nextMac(), ['10.0.0.2/24', 'fd00::2/64']);
  const server = b.stack.udp.open(family);
  server.bind(null, 9000);
  let received = 0;
  server.ondatagram = () => {
    received++;
  };
  const client = a.stack.udp.open(family);
  const dst = parseIp(family === 4 ? '10.0.0.2' : 'fd00::2')!;
  const payload = new Uint8Array(payloadSize).fill(0x61);
  const chunks = [payload];
  // Resolve the neighbour first.
  client.send(chunks, dst, 9000, net.clock.now());
  net.clock.advance(10);
  const fragments = Math.max(1, Math.ceil((payloadSize + 8) / (family === 4 ? 1480 : 1448)));
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const before = received;
    let elapsed = 0;
    // Bounded: stop after ROUND_MS of wall time.
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < BATCH; i++) client.send(chunks, dst, 9000, net.clock.now());
      net.clock.advance(1);
      elapsed = performance.now() - start;
    }
    const rate = ((received - before) * 1000) / elapsed;
    best = Math.max(best, rate);
  }
  return {
    datagramsPerSec: Math.round(best),
    packetsPerSec: Math.round(best * fragments),
    payloadMbitPerSec: Math.round((best * payloadSize * 8) / 1e5) / 10,
  };
}

function main(): void {
  scenario(64, 4); // warm-up: let the JIT settle before measuring
  const results = {
    'udp4 64 B': scenario(64, 4),
    'udp4 1400 B': scenario(1400, 4),
    'udp6 64 B': scenario(64, 6),
    'udp6 1400 B': scenario(1400, 6),
    'udp4 8 KiB, reassembled from 6 fragments': scenario(8192, 4),
    'udp6 8 KiB, reassembled from 6 fragments': scenario(8192, 6),
  };
  const out = {
    benchmark: 'stack',
    title: 'userspace stack over the simulated network',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    method: `best of ${ROUNDS} rounds of ${ROUND_MS} ms; batches of ${BATCH} sends, virtual clock advanced 1 ms per batch; one sender, one receiver, one process`,
    unit: {
      datagramsPerSec: 'UDP datagrams delivered to the receiving socket per second',
      packetsPerSec: 'IP packets (fragments counted singly) per second',
      payloadMbitPerSec: 'UDP payload, 10^6 bits per second',
    },
    results,
  };
  console.table(results);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stack.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${join(dir, 'stack.json')}`);
}

main();
