/**
 * The TCP half of `wirestack sim`: a bulk transfer over `net` and a run of
 * keep-alive HTTP requests over `http`, from alpha to beta, both on
 * wirestack's own TCP, with a summary of each — goodput, retransmissions,
 * round-trip time — read from the stack's connection and counters. Times are
 * the simulation's (virtual unless `--realtime`).
 */
import { createHash } from 'node:crypto';
import type { Simulation, Stack } from '../sim.js';
import type { TcpConnection } from '../stack/tcp/index.js';

export interface TcpScenarioOptions {
  /** Bytes for the bulk transfer (0: skip it). */
  bytes: number;
  /** HTTP requests to make (0: skip them). */
  requests: number;
}

export interface TcpScenarioResult {
  /** The transfer arrived whole and byte-exact (true when skipped). */
  transferOk: boolean;
  /** Every request got its 200 and its body (true when skipped). */
  httpOk: boolean;
}

const TRANSFER_PORT = 5001;
const HTTP_PORT = 80;

function fmtTime(ms: number): string {
  return `[${(ms / 1000).toFixed(3).padStart(8)} s]`;
}

/** The live connection of `host` with this local port, if the stack still has it. */
function connectionOf(host: Stack, localPort: number): TcpConnection | undefined {
  return host.netstack.tcp.connectionList().find((c) => c.localPort === localPort);
}

/** A deterministic payload of `length` bytes. */
function payload(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** alpha writes `bytes` to beta:5001 and ends; beta hashes what arrives. */
function bulkTransfer(
  sim: Simulation,
  alpha: Stack,
  beta: Stack,
  bytes: number,
  print: (line: string) => void,
): Promise<boolean> {
  const now = () => sim.clock.now();
  const data = payload(bytes);
  const want = createHash('sha256').update(data).digest('hex');
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    let received = 0;
    let startedAt = 0;
    const retransmitsBefore = alpha.netstack.counter('tcp.retransmits');
    let srtt = 0;
    let localPort = 0;
    const server = beta.net.createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
      });
      socket.on('end', () => {
        const elapsed = now() - startedAt;
        const ok = received === bytes && hash.digest('hex') === want;
        const retransmits = alpha.netstack.counter('tcp.retransmits') - retransmitsBefore;
        const mbps = elapsed > 0 ? (received * 8) / (elapsed * 1000) : 0;
        print(
          `${fmtTime(now())} beta: received ${received} bytes, sha256 ${ok ? 'matches' : 'DIFFERS'}`,
        );
        print(
          `  goodput ${mbps.toFixed(2)} Mbit/s over ${(elapsed / 1000).toFixed(3)} s, ` +
            `${retransmits} segments retransmitted, smoothed RTT ${srtt.toFixed(1)} ms`,
        );
        socket.end();
        server.close();
        resolve(ok);
      });
      socket.on('error', () => resolve(false));
    });
    server.listen(TRANSFER_PORT, () => {
      startedAt = now();
      print(`${fmtTime(now())} alpha: connecting to beta:${TRANSFER_PORT}, sending ${bytes} bytes`);
      const client = alpha.net.connect(TRANSFER_PORT, 'beta', () => {
        localPort = client.localPort ?? 0;
        client.end(data);
      });
      client.on('finish', () => {
        srtt = connectionOf(alpha, localPort)?.rtt.srtt ?? srtt;
      });
      client.on('end', () => {
        srtt = connectionOf(alpha, localPort)?.rtt.srtt ?? srtt;
      });
      client.on('error', (err) => {
        print(`${fmtTime(now())} alpha: ${err.message}`);
        server.close();
        resolve(false);
      });
    });
  });
}

/** alpha makes `count` GETs to beta's http server over one keep-alive connection. */
async function httpRequests(
  sim: Simulation,
  alpha: Stack,
  beta: Stack,
  count: number,
  print: (line: string) => void,
): Promise<boolean> {
  const now = () => sim.clock.now();
  const server = beta.http.createServer((req, res) => {
    const body = `hello from beta, you asked for ${req.url}\n`;
    // No Date field: it reads the machine's clock, and a seed must give the same capture.
    res.sendDate = false;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(HTTP_PORT, resolve));
  const agent = new alpha.http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let ok = true;
  for (let i = 1; i <= count && ok; i++) {
    const start = now();
    ok = await new Promise<boolean>((resolve) => {
      const req = alpha.http.get({ host: 'beta', port: HTTP_PORT, path: `/${i}`, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const ms = now() - start;
          times.push(ms);
          print(
            `${fmtTime(now())} alpha: GET /${i} → ${res.statusCode} ${res.statusMessage}, ` +
              `${body.length} bytes in ${ms.toFixed(1)} ms`,
          );
          resolve(res.statusCode === 200 && body.includes(`/${i}`));
        });
        res.on('error', () => resolve(false));
      });
      req.on('error', (err) => {
        print(`${fmtTime(now())} alpha: GET /${i} failed: ${err.message}`);
        resolve(false);
      });
    });
  }
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (times.length > 0) {
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    print(
      `  ${times.length} of ${count} requests answered, mean ${mean.toFixed(1)} ms, ` +
        `max ${Math.max(...times).toFixed(1)} ms`,
    );
  }
  return ok && times.length === count;
}

/** Runs the transfer, then the requests. */
export async function runTcpScenario(
  sim: Simulation,
  alpha: Stack,
  beta: Stack,
  options: TcpScenarioOptions,
  print: (line: string) => void,
): Promise<TcpScenarioResult> {
  const result: TcpScenarioResult = { transferOk: true, httpOk: true };
  if (options.bytes > 0) {
    print(`\n${fmtTime(sim.clock.now())} TCP: a bulk transfer alpha → beta:${TRANSFER_PORT}`);
    result.transferOk = await bulkTransfer(sim, alpha, beta, options.bytes, print);
  }
  if (options.requests > 0) {
    print(
      `\n${fmtTime(sim.clock.now())} HTTP: ${options.requests} keep-alive GETs alpha → beta:${HTTP_PORT}`,
    );
    result.httpOk = await httpRequests(sim, alpha, beta, options.requests, print);
  }
  return result;
}
