/**
 * TCP bulk throughput and UDP datagram rate, wirestack vs Node's own modules,
 * in the same run and interleaved. Both ends live in this process, on
 * loopback. Uses the built modules (dist/), so run `npm run build` first.
 *
 *   node --import tsx bench/net.ts [--rounds N] [--mib N]
 *
 * Writes bench/results/net.json and regenerates the README's table.
 */
import * as nodeDgram from 'node:dgram';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { join } from 'node:path';
import { machine, mean, ROOT, refreshReadme, writeResults } from './lib.js';

const wsNet = require(join(ROOT, 'dist', 'net', 'index.js')) as typeof nodeNet;
const wsDgram = require(join(ROOT, 'dist', 'dgram', 'index.js')) as typeof nodeDgram;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const ROUNDS = arg('--rounds', 3);
const MIB = arg('--mib', 512);
const CHUNK = 64 * 1024;
const DATAGRAMS = 100_000;
const DATAGRAM_BYTES = 64;

/** Sends `MIB` MiB in 64 KiB writes from client to server; returns MiB/s. */
async function tcpBulk(net: typeof nodeNet): Promise<number> {
  const total = MIB * 1024 * 1024;
  let received = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const server = net.createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= total) done();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as nodeNet.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  const chunk = Buffer.alloc(CHUNK, 0x61);
  const start = process.hrtime.bigint();
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += CHUNK;
      if (!client.write(chunk)) return;
    }
  };
  client.on('drain', pump);
  pump();
  await finished;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  client.destroy();
  server.close();
  return MIB / seconds;
}

/** Sends `DATAGRAMS` small datagrams in bursts; returns datagrams received per second. */
async function udpRate(dgram: typeof nodeDgram): Promise<number> {
  const receiver = dgram.createSocket('udp4');
  let received = 0;
  receiver.on('message', () => {
    received++;
  });
  receiver.bind(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address();
  const sender = dgram.createSocket('udp4');
  const payload = Buffer.alloc(DATAGRAM_BYTES, 0x62);
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < DATAGRAMS; ) {
    // Bursts small enough for the receive buffer, then let the receiver run.
    for (let i = 0; i < 200 && sent < DATAGRAMS; i++, sent++) {
      sender.send(payload, port, '127.0.0.1');
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  sender.close();
  receiver.close();
  return received / seconds;
}

async function main(): Promise<void> {
  const tcp = { wirestack: [] as number[], node: [] as number[] };
  const udp = { wirestack: [] as number[], node: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Which side goes first alternates, so neither always runs on a warmer machine.
    if (round % 2 === 0) {
      tcp.wirestack.push(await tcpBulk(wsNet));
      tcp.node.push(await tcpBulk(nodeNet));
      udp.wirestack.push(await udpRate(wsDgram));
      udp.node.push(await udpRate(nodeDgram));
    } else {
      tcp.node.push(await tcpBulk(nodeNet));
      tcp.wirestack.push(await tcpBulk(wsNet));
      udp.node.push(await udpRate(nodeDgram));
      udp.wirestack.push(await udpRate(wsDgram));
    }
    console.log(
      `round ${round + 1}: tcp ${tcp.wirestack.at(-1)!.toFixed(0)} vs ${tcp.node.at(-1)!.toFixed(0)} MiB/s, ` +
        `udp ${udp.wirestack.at(-1)!.toFixed(0)} vs ${udp.node.at(-1)!.toFixed(0)} datagrams/s`,
    );
  }
  const report = {
    benchmark: 'net' as const,
    date: new Date().toISOString(),
    ...machine(),
    rounds: ROUNDS,
    tcp: {
      mib: MIB,
      chunkBytes: CHUNK,
      wirestack: mean(tcp.wirestack),
      node: mean(tcp.node),
      runs: tcp,
    },
    udp: {
      datagrams: DATAGRAMS,
      bytes: DATAGRAM_BYTES,
      wirestack: mean(udp.wirestack),
      node: mean(udp.node),
      runs: udp,
    },
  };
  const out = join(ROOT, 'bench', 'results', 'net.json');
  writeResults(out, report);
  refreshReadme(out);
  console.log(
    `tcp: ${(report.tcp.wirestack / report.tcp.node).toFixed(2)}x node:net; ` +
      `udp: ${(report.udp.wirestack / report.udp.node).toFixed(2)}x node:dgram`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
