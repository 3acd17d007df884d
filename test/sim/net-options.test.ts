/**
 * What a user meets reaching a simulated host through wirestack's own `net`:
 * a refused connection to a host with two addresses says what failed, and
 * options that cannot pick a stack are refused instead of falling back to
 * the machine's sockets.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import * as http from '../../src/http/index.js';
import * as net from '../../src/net/index.js';
import { Simulation } from '../../src/sim.js';

describe('net on a simulated host', () => {
  test('every address refused: an AggregateError whose message names each attempt', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    sim.addHost('beta');
    try {
      const socket = net.connect({ transport: alpha.transport, host: 'beta', port: 81 });
      const [err] = (await once(socket, 'error')) as [AggregateError & { code: string }];
      assert.ok(err instanceof AggregateError);
      assert.equal(err.code, 'ECONNREFUSED');
      assert.deepEqual(
        err.errors.map((e: Error) => e.message),
        ['connect ECONNREFUSED 10.0.0.2:81', 'connect ECONNREFUSED fd00::2:81'],
      );
      assert.equal(
        err.message,
        'connect ECONNREFUSED 10.0.0.2:81; connect ECONNREFUSED fd00::2:81',
      );
    } finally {
      sim.close();
    }
  });

  test('a stack option is refused by createServer, listen and connect', () => {
    const sim = new Simulation({ autoRun: false });
    const beta = sim.addHost('beta');
    const refused = {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message:
        /^The property 'options\.stack' is not an option of net \(choose a stack's transport with \{ transport: host\.transport \} or use host\.net\)/,
    };
    assert.throws(() => net.createServer({ stack: beta } as never), refused);
    const server = net.createServer();
    assert.throws(() => server.listen({ port: 0, stack: beta } as never), refused);
    assert.equal(server.listening, false);
    assert.throws(() => net.connect({ port: 80, host: 'beta', stack: beta } as never), refused);
    assert.throws(() => http.createServer({ stack: beta } as never), refused);
    sim.close();
  });

  test('listen({ transport }) is refused: the transport belongs to createServer', () => {
    const sim = new Simulation({ autoRun: false });
    const beta = sim.addHost('beta');
    const server = net.createServer();
    assert.throws(() => server.listen({ port: 0, transport: beta.transport } as never), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^The property 'options\.transport' is not an option of server\.listen\(\)/,
    });
    assert.equal(server.listening, false);
    sim.close();
  });

  test('a Stack given as transport is refused with ERR_INVALID_ARG_TYPE', () => {
    const sim = new Simulation({ autoRun: false });
    const beta = sim.addHost('beta');
    assert.throws(() => net.createServer({ transport: beta as never }), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message:
        /^The "options\.transport" property must be an instance of Transport\. Received an instance of Stack$/,
    });
    sim.close();
  });

  test('createServer({ transport }) listens on the simulated host, not the machine', async () => {
    const sim = new Simulation();
    const alpha = sim.addHost('alpha');
    const beta = sim.addHost('beta');
    try {
      const server = net.createServer({ transport: beta.transport }, (s) => s.end('from beta'));
      server.listen(80);
      await once(server, 'listening');
      const socket = alpha.net.connect(80, 'beta');
      socket.setEncoding('utf8');
      let got = '';
      socket.on('data', (d: string) => {
        got += d;
      });
      await once(socket, 'close');
      assert.equal(got, 'from beta');
      server.close();
      await once(server, 'close');
    } finally {
      sim.close();
    }
  });
});
