/**
 * dgram on the userspace transport where Node's own tests found it apart
 * from Node on Linux: memberships check their addresses before anything else
 * and bind a socket not bound yet (as libuv does), an unknown IPv6 scope is
 * the default interface, IP literals are resolved by `dns.lookup` (so a
 * replaced one sees them, as in Node), and under `--test-udp-no-try-send`
 * sends wait in a queue until their callbacks run. Simulated hosts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dns from 'node:dns';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { Simulation } from '../../src/sim.js';

const root = join(__dirname, '..', '..');

test('addMembership: EINVAL for a bad group first; a socket not bound yet is bound', () => {
  const sim = new Simulation({ seed: 3 });
  const alpha = sim.addHost('alpha');
  const socket = alpha.dgram.createSocket({ type: 'udp4', reuseAddr: true });
  assert.throws(() => socket.addMembership('256.256.256.256'), /^Error: addMembership EINVAL$/);
  assert.throws(() => socket.addSourceSpecificMembership('224.0.0.114', '0'), {
    code: 'EINVAL',
    message: 'addSourceSpecificMembership EINVAL',
  });
  // A good group on an unbound socket: libuv binds it to any address first, and joins.
  socket.addMembership('224.0.0.114');
  socket.dropMembership('224.0.0.114');
  socket.close();
  sim.close();
});

test('setMulticastInterface: an unknown IPv6 scope means the default interface', async () => {
  const sim = new Simulation({ seed: 3 });
  const alpha = sim.addHost('alpha');
  const socket = alpha.dgram.createSocket('udp6');
  socket.bind(0);
  await once(socket, 'listening');
  socket.setMulticastInterface('::%lo0');
  socket.setMulticastInterface('::%eth0');
  assert.throws(() => socket.setMulticastInterface(''), /EINVAL/);
  socket.close();
  sim.close();
});

test('an IP literal is resolved through dns.lookup, read at each call', async () => {
  const sim = new Simulation({ seed: 3 });
  const alpha = sim.addHost('alpha');
  const original = dns.lookup;
  const asked: string[] = [];
  (dns as { lookup: unknown }).lookup = (...args: unknown[]) => {
    asked.push(args[0] as string);
    return (original as (...a: unknown[]) => void)(...args);
  };
  try {
    const socket = alpha.dgram.createSocket('udp4');
    socket.bind(0);
    await once(socket, 'listening');
    assert.deepEqual(asked, ['0.0.0.0']);
    socket.close();
  } finally {
    (dns as { lookup: unknown }).lookup = original;
  }
  sim.close();
});

test('--test-udp-no-try-send: sends are counted in the queue until their callbacks run', {
  timeout: 30_000,
}, () => {
  const script = `
    const { join } = require('node:path');
    const { Simulation } = require(join(process.argv[1], 'src', 'sim.ts'));
    const sim = new Simulation({ seed: 3 });
    const alpha = sim.addHost('alpha');
    const server = alpha.dgram.createSocket('udp4');
    const client = alpha.dgram.createSocket('udp4');
    const seen = [];
    server.bind(0, () => {
      client.connect(server.address().port, () => {
        client.send('hello');
        client.send('hello', () => {
          seen.push([client.getSendQueueSize(), client.getSendQueueCount()]);
          client.close();
          server.close();
          sim.close();
          console.log(JSON.stringify(seen));
        });
        seen.push([client.getSendQueueSize(), client.getSendQueueCount()]);
      });
    });
  `;
  const result = spawnSync(
    process.execPath,
    ['--test-udp-no-try-send', '--import', 'tsx', '-e', script, root],
    { cwd: root, encoding: 'utf8', timeout: 25_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout.trim()), [
    [10, 2],
    [0, 0],
  ]);
});
