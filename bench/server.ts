/**
 * The hello-world server that bench/http.ts measures, one per child process:
 *
 *   node --import tsx bench/server.ts wirestack|node [MODULE]
 *
 * `wirestack` loads dist/http/index.js (or MODULE, when given); `node` loads
 * node:http. Listens on an ephemeral port on 127.0.0.1, prints
 * `{"port":N}` on stdout, and exits when its stdin closes.
 */
import { resolve } from 'node:path';

type Http = typeof import('node:http');

const [which, override] = process.argv.slice(2);
if (which !== 'wirestack' && which !== 'node') {
  process.stderr.write('usage: server.ts wirestack|node [MODULE]\n');
  process.exit(2);
}
const modulePath =
  which === 'node'
    ? 'node:http'
    : (override ?? resolve(__dirname, '..', 'dist', 'http', 'index.js'));
const http = require(modulePath) as Http;

const body = Buffer.from('Hello, World!\n');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`${JSON.stringify({ port: address.port, module: modulePath })}\n`);
});

// The parent owns our lifetime: when it goes away, so do we.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
