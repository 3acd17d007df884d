import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { describe, it } from 'node:test';
import { interleaveFamilies } from '../../src/net/auto-select-family.js';
import * as net from '../../src/net/index.js';

type Answer = Array<{ address: string; family: 4 | 6 }>;

/** A lookup that answers `addresses` for any name, in whichever shape is asked. */
function fixedLookup(addresses: Answer) {
  return ((
    _host: string,
    options: { all?: boolean },
    cb: (e: null, a: Answer | string, f?: number) => void,
  ) => {
    // Answered later, as a real resolver does.
    setImmediate(() => {
      if (options.all) cb(null, addresses);
      else cb(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as unknown as nodeNet.LookupFunction;
}

async function closedPort(): Promise<number> {
  const probe = nodeNet.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as nodeNet.AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

describe('autoSelectFamily (Happy Eyeballs, RFC 8305)', () => {
  it('interleaves families starting with the first, dropping duplicates and bad families', () => {
    const out = interleaveFamilies([
      { address: '::1', family: 6 },
      { address: '::2', family: 6 },
      { address: '::1', family: 6 },
      { address: '10.0.0.1', family: 4 },
      { address: 'x', family: 5 as 4 },
    ]);
    assert.deepEqual(
      out.map((a) => a.address),
      ['::1', '10.0.0.1', '::2'],
    );
  });

  it('falls back to the next address and records every attempt', async () => {
    const server = nodeNet.createServer((s) => {
      s.on('error', () => {});
      s.end('v4');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as nodeNet.AddressInfo;
    const lookups: unknown[][] = [];
    const socket = net.connect({
      host: 'dual.test',
      port,
      autoSelectFamily: true,
      lookup: fixedLookup([
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ]),
    });
    socket.on('lookup', (...args) => lookups.push(args));
    await once(socket, 'connect');
    assert.deepEqual(socket.autoSelectFamilyAttemptedAddresses, [
      `::1:${port}`,
      `127.0.0.1:${port}`,
    ]);
    assert.deepEqual(
      lookups.map((l) => l[1]),
      ['::1', '127.0.0.1'],
    );
    assert.equal(socket.remoteAddress, '127.0.0.1');
    socket.destroy();
    server.close();
  });

  it('fails with an AggregateError carrying the first code when every address refuses', async () => {
    const port = await closedPort();
    const socket = net.connect({
      host: 'dual.test',
      port,
      lookup: fixedLookup([
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ]),
    });
    const [err] = await once(socket, 'error').catch((e) => [e]);
    assert.ok(err instanceof AggregateError);
    assert.equal((err as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(err.errors.length, 2);
  });

  it('with autoSelectFamily false, tries only the first address', async () => {
    const port = await closedPort();
    const socket = net.connect({
      host: 'dual.test',
      port,
      autoSelectFamily: false,
      lookup: fixedLookup([
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ]),
    });
    const [err] = await once(socket, 'error').catch((e) => [e]);
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(socket.autoSelectFamilyAttemptedAddresses, undefined);
  });

  it('validates and stores the defaults', () => {
    const before = net.getDefaultAutoSelectFamily();
    net.setDefaultAutoSelectFamily(!before);
    assert.equal(net.getDefaultAutoSelectFamily(), !before);
    net.setDefaultAutoSelectFamily(before);
    assert.throws(() => net.setDefaultAutoSelectFamily(1 as unknown as boolean), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    const timeout = net.getDefaultAutoSelectFamilyAttemptTimeout();
    net.setDefaultAutoSelectFamilyAttemptTimeout(5);
    assert.equal(net.getDefaultAutoSelectFamilyAttemptTimeout(), 10);
    net.setDefaultAutoSelectFamilyAttemptTimeout(timeout);
    assert.throws(() => net.setDefaultAutoSelectFamilyAttemptTimeout(0), {
      code: 'ERR_OUT_OF_RANGE',
    });
    assert.throws(() => net.connect({ port: 1, autoSelectFamily: 'yes' as unknown as boolean }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});
