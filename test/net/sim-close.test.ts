/**
 * `Simulation.close()` lets the process end even with sockets and servers
 * still open on its hosts: a stopped clock moves nothing, so, unlike an open
 * socket on the host, they have nothing left to wait for. The program runs in
 * a child process; the test fails if it does not exit by itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const program = `
const { Simulation } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'sim.ts'))});
const sim = new Simulation({ seed: 1 });
const alpha = sim.addHost('alpha');
const beta = sim.addHost('beta');
const server = beta.net.createServer((socket) => {
  socket.once('data', () => {
    // Both sides are open and reading, the server still listens: each holds the process.
    console.log('held', alpha.transport.keepAlive.active + beta.transport.keepAlive.active);
    sim.close();
  });
});
server.listen(80, () => alpha.net.connect(80, 'beta', function () { this.write('hi'); }));
`;

test('after Simulation.close() the process exits with sockets and a server still open', {
  timeout: 20_000,
}, async () => {
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '-e', program],
      { timeout: 15_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout }),
    );
    child.stdin?.end();
  });
  assert.equal(stdout.trim(), 'held 3');
});
