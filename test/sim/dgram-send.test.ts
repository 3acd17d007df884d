/**
 * A UDP send a simulated host's stack refuses, with no callback: dropped as
 * Node drops it (lib/dgram.js), so the program keeps running; with a
 * callback the error reaches it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Simulation } from '../../src/sim.js';

test('a too-big datagram without a callback emits no error; the socket keeps working', async () => {
  const sim = new Simulation();
  const alpha = sim.addHost('alpha');
  const beta = sim.addHost('beta');
  const server = beta.dgram.createSocket('udp4');
  server.bind(7000);
  await once(server, 'listening');
  const client = alpha.dgram.createSocket('udp4');
  const errors: Error[] = [];
  client.on('error', (err) => errors.push(err));
  try {
    client.send(Buffer.alloc(65_508), 7000, 'beta');
    const refused = await new Promise<Error | null>((resolve) =>
      client.send(Buffer.alloc(65_508), 7000, 'beta', resolve),
    );
    assert.equal((refused as NodeJS.ErrnoException | null)?.code, 'EMSGSIZE');
    client.send('after', 7000, 'beta');
    const [msg] = (await once(server, 'message')) as [Buffer];
    assert.equal(msg.toString(), 'after');
    await sim.settle();
    assert.deepEqual(errors, []);
  } finally {
    client.close();
    server.close();
    sim.close();
  }
});
