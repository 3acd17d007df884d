/**
 * dgram runs on whatever Transport it is given: sockets come from
 * `transport.createDatagram`, names from `transport.lookup`, and the dgram
 * sources never reach for node:dgram themselves.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSocketOn } from '../../src/dgram/create-socket.js';
import * as dgram from '../../src/dgram/index.js';
import { hostTransport } from '../../src/handle/index.js';
import type { Transport } from '../../src/handle/types.js';
import { closeSocket, nextMessage, nodePeer } from './helpers.js';

/** The host transport, with a private name table in front of its resolver, counting sockets. */
function recordingTransport(names: Record<string, string>) {
  const log = { created: [] as string[], looked: [] as Array<[string, unknown]> };
  const transport: Transport = {
    ...hostTransport,
    name: 'recording',
    lookup(hostname, options, cb) {
      log.looked.push([hostname, options.family]);
      const ip = names[hostname];
      if (ip === undefined) hostTransport.lookup(hostname, options, cb);
      else process.nextTick(cb, null, [{ address: ip, family: ip.includes(':') ? 6 : 4 }]);
    },
    createDatagram(type) {
      log.created.push(type);
      return hostTransport.createDatagram(type);
    },
  };
  return { transport, log };
}

test('createSocketOn(transport): sockets and name lookups go through the transport', async (t) => {
  const { transport, log } = recordingTransport({ 'peer.wirestack.test': '127.0.0.1' });
  const { sock: peer, port } = await nodePeer();
  const s = createSocketOn(transport, 'udp4');
  t.after(() => {
    peer.close();
    s.close();
  });
  assert.ok(s instanceof dgram.Socket);
  assert.deepEqual(log.created, ['udp4']);
  const received = nextMessage(peer);
  await new Promise<void>((resolve, reject) =>
    s.send('through the transport', port, 'peer.wirestack.test', (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  assert.equal((await received).msg.toString(), 'through the transport');
  // As in Node, every bind and send goes through the resolver, IP literals
  // included (the implicit bind's 0.0.0.0), with the socket's family.
  assert.deepEqual(log.looked, [
    ['0.0.0.0', 4],
    ['peer.wirestack.test', 4],
  ]);
});

test('new Socket(type, listener, transport) takes the transport too; udp6 asks for family 6', async () => {
  const { transport, log } = recordingTransport({ 'six.wirestack.test': '::1' });
  const s = new dgram.Socket('udp6', undefined, transport);
  assert.deepEqual(log.created, ['udp6']);
  await new Promise<void>((resolve) => s.bind(0, 'six.wirestack.test', resolve));
  assert.equal(s.address().address, '::1');
  assert.deepEqual(log.looked, [['six.wirestack.test', 6]]);
  await closeSocket(s);
});

test('a resolver that finds nothing gives ENOTFOUND', async () => {
  const transport: Transport = {
    ...hostTransport,
    // Finds IP literals only (they resolve to themselves), no names.
    lookup: (host, _options, cb) =>
      process.nextTick(cb, null, host === '0.0.0.0' ? [{ address: host, family: 4 }] : []),
  };
  const s = createSocketOn(transport, 'udp4');
  const err = await new Promise<Error | null>((resolve) => s.send('x', 9, 'nowhere.test', resolve));
  assert.equal((err as Error & { code?: string }).code, 'ENOTFOUND');
  assert.equal(err?.message, 'getaddrinfo ENOTFOUND nowhere.test');
  await closeSocket(s);
});

test('src/dgram never imports node:dgram', () => {
  const dir = join(__dirname, '../../src/dgram');
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    // import ... from 'node:dgram', or require('dgram') outside comments
    assert.doesNotMatch(text, /from\s*['"](node:)?dgram['"]/, file);
    assert.doesNotMatch(text, /^(?!\s*(\*|\/\/)).*require\(['"](node:)?dgram['"]\)/m, file);
  }
});
