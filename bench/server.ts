/**
 * The hello-world server that bench/http.ts measures, one per child process:
 *
 *   node --import tsx bench/server.ts wirestack|node|no-http [MODULE]
 *
 * `wirestack` loads dist/http/index.js (or MODULE, when given); `node` loads
 * node:http. `no-http` is the reference floor: the bare host transport
 * (libuv's TCP handle, no stream or socket object) answering each request
 * head with the bytes node:http would send, parsing nothing and building
 * nothing per request — one read and one write system call per request, the
 * most any server written in JavaScript on Node could reach on this machine.
 *
 * Listens on an ephemeral port on 127.0.0.1, prints `{"port":N,"module":M}`
 * on stdout, answers each `cpu` line on stdin with `{"cpuMicros":N}` (its
 * CPU time so far), and exits when its stdin closes.
 */
import type * as net from 'node:net';
import { resolve } from 'node:path';
import { hostTransport } from '../src/handle/index.js';
import { answerCpuCommands, countRequestHeads } from './lib.js';

type Http = typeof import('node:http');

const [which, override] = process.argv.slice(2);
if (which !== 'wirestack' && which !== 'node' && which !== 'no-http') {
  process.stderr.write('usage: server.ts wirestack|node|no-http [MODULE]\n');
  process.exit(2);
}

const body = Buffer.from('Hello, World!\n');

function listening(server: net.Server, module: string): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    process.stdout.write(`${JSON.stringify({ port: address.port, module })}\n`);
  });
}

if (which === 'no-http') {
  // The response node:http gives the handler below (its Date fixed: this
  // server formats nothing per request).
  const response = Buffer.concat([
    Buffer.from(
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n' +
        `Date: ${new Date().toUTCString()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n`,
      'latin1',
    ),
    body,
  ]);
  const server = hostTransport.listen({ address: '127.0.0.1', port: 0 }, (err) => {
    if (err) throw err;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    process.stdout.write(`${JSON.stringify({ port: address.port, module: 'host transport' })}\n`);
  });
  server.onconnection = (err, handle) => {
    if (err || !handle) return;
    const heads = countRequestHeads();
    const noop = () => {};
    handle.setNoDelay(true);
    handle.onread = (chunk) => {
      const requests = heads(chunk);
      if (requests === 1) handle.writev([response], noop);
      else if (requests > 1) handle.writev(Array(requests).fill(response), noop);
    };
    handle.onend = () => handle.close();
    handle.onerror = () => handle.close();
    handle.readStart();
  };
} else {
  const modulePath =
    which === 'node'
      ? 'node:http'
      : (override ?? resolve(__dirname, '..', 'dist', 'http', 'index.js'));
  const http = require(modulePath) as Http;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  listening(server as unknown as net.Server, modulePath);
}

// The parent owns our lifetime: when it closes our stdin, we go.
answerCpuCommands();
