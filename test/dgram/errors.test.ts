/**
 * Synchronous argument errors, checked against Node's own node:dgram: the
 * same call must throw the same class, code and message from both.
 */
import assert from 'node:assert/strict';
import * as nodeDgram from 'node:dgram';
import { describe, test } from 'node:test';
import * as dgram from '../../src/dgram/index.js';
import { closeSocket, thrown } from './helpers.js';

type AnySocket = dgram.Socket | nodeDgram.Socket;
type Call = (s: AnySocket) => unknown;
const call = (s: AnySocket, method: string, ...args: unknown[]) =>
  (s as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);

/** Runs `fn` on a fresh socket of each implementation and compares what is thrown. */
async function sameError(
  name: string,
  fn: Call,
  expectedCode: string,
  type: 'udp4' | 'udp6' = 'udp4',
) {
  const ours = dgram.createSocket(type);
  const theirs = nodeDgram.createSocket(type);
  ours.on('error', () => {});
  theirs.on('error', () => {});
  const a = thrown(() => fn(ours));
  const b = thrown(() => fn(theirs));
  assert.ok(b !== null, `${name}: node:dgram did not throw`);
  assert.equal(b.code, expectedCode, `${name}: node:dgram threw ${b.code}`);
  assert.deepEqual(a, b, name);
  await closeSocket(ours).catch(() => {});
  await closeSocket(theirs).catch(() => {});
}

describe('send() argument errors match node:dgram', () => {
  const cases: Array<[string, Call, string]> = [
    ['port 0', (s) => call(s, 'send', 'x', 0), 'ERR_SOCKET_BAD_PORT'],
    ['port 65536', (s) => call(s, 'send', 'x', 65536), 'ERR_SOCKET_BAD_PORT'],
    ['port -1', (s) => call(s, 'send', 'x', -1), 'ERR_SOCKET_BAD_PORT'],
    ['port 1.5', (s) => call(s, 'send', 'x', 1.5), 'ERR_SOCKET_BAD_PORT'],
    ["port 'abc'", (s) => call(s, 'send', 'x', 'abc'), 'ERR_SOCKET_BAD_PORT'],
    ['port missing', (s) => call(s, 'send', 'x'), 'ERR_SOCKET_BAD_PORT'],
    ['port object', (s) => call(s, 'send', 'x', {}), 'ERR_SOCKET_BAD_PORT'],
    [
      'offset form, port 0',
      (s) => call(s, 'send', 'xyz', 0, 1, 0, 'localhost'),
      'ERR_SOCKET_BAD_PORT',
    ],
    ['message number', (s) => call(s, 'send', 123, 1234), 'ERR_INVALID_ARG_TYPE'],
    ['message null', (s) => call(s, 'send', null, 1234), 'ERR_INVALID_ARG_TYPE'],
    ['message object', (s) => call(s, 'send', { a: 1 }, 1234), 'ERR_INVALID_ARG_TYPE'],
    ['list of numbers', (s) => call(s, 'send', [1, 2], 1234), 'ERR_INVALID_ARG_TYPE'],
    [
      'list with offset',
      (s) => call(s, 'send', ['a'], 0, 1, 1234, '127.0.0.1'),
      'ERR_INVALID_ARG_TYPE',
    ],
    ['address number', (s) => call(s, 'send', 'x', 1234, 5), 'ERR_INVALID_ARG_TYPE'],
    [
      'offset past end',
      (s) => call(s, 'send', 'abc', 4, 0, 1234, '127.0.0.1'),
      'ERR_BUFFER_OUT_OF_BOUNDS',
    ],
    [
      'length past end',
      (s) => call(s, 'send', 'abc', 2, 5, 1234, '127.0.0.1'),
      'ERR_BUFFER_OUT_OF_BOUNDS',
    ],
    [
      'UTF-8 length past end',
      (s) => call(s, 'send', 'é', 0, 3, 1234, '127.0.0.1'),
      'ERR_BUFFER_OUT_OF_BOUNDS',
    ],
  ];
  for (const [name, fn, code] of cases) test(name, () => sameError(name, fn, code));
});

describe('other argument errors match node:dgram', () => {
  const cases: Array<[string, Call, string]> = [
    ['connect port 0', (s) => call(s, 'connect', 0), 'ERR_SOCKET_BAD_PORT'],
    ['connect port 70000', (s) => call(s, 'connect', 70000), 'ERR_SOCKET_BAD_PORT'],
    ['connect address number', (s) => call(s, 'connect', 1234, 5), 'ERR_INVALID_ARG_TYPE'],
    [
      'remoteAddress unconnected',
      (s) => call(s, 'remoteAddress'),
      'ERR_SOCKET_DGRAM_NOT_CONNECTED',
    ],
    ['disconnect unconnected', (s) => call(s, 'disconnect'), 'ERR_SOCKET_DGRAM_NOT_CONNECTED'],
    ['address unbound', (s) => call(s, 'address'), 'EBADF'],
    ['setTTL string', (s) => call(s, 'setTTL', 'a'), 'ERR_INVALID_ARG_TYPE'],
    ['setTTL unbound', (s) => call(s, 'setTTL', 5), 'EBADF'],
    ['setMulticastTTL string', (s) => call(s, 'setMulticastTTL', '1'), 'ERR_INVALID_ARG_TYPE'],
    [
      'setMulticastInterface number',
      (s) => call(s, 'setMulticastInterface', 5),
      'ERR_INVALID_ARG_TYPE',
    ],
    ['addMembership missing', (s) => call(s, 'addMembership'), 'ERR_MISSING_ARGS'],
    ['dropMembership missing', (s) => call(s, 'dropMembership', ''), 'ERR_MISSING_ARGS'],
    [
      'addSourceSpecificMembership source number',
      (s) => call(s, 'addSourceSpecificMembership', 5, '232.1.1.1'),
      'ERR_INVALID_ARG_TYPE',
    ],
    [
      'dropSourceSpecificMembership group number',
      (s) => call(s, 'dropSourceSpecificMembership', '127.0.0.1', 5),
      'ERR_INVALID_ARG_TYPE',
    ],
    ['setRecvBufferSize -1', (s) => call(s, 'setRecvBufferSize', -1), 'ERR_SOCKET_BAD_BUFFER_SIZE'],
    [
      'setSendBufferSize 1.5',
      (s) => call(s, 'setSendBufferSize', 1.5),
      'ERR_SOCKET_BAD_BUFFER_SIZE',
    ],
  ];
  for (const [name, fn, code] of cases) test(name, () => sameError(name, fn, code));

  test('getRecvBufferSize unbound: ERR_SOCKET_BUFFER_SIZE', async () => {
    const ours = dgram.createSocket('udp4');
    const theirs = nodeDgram.createSocket('udp4');
    assert.throws(() => ours.getRecvBufferSize(), { code: 'ERR_SOCKET_BUFFER_SIZE' });
    assert.throws(() => theirs.getRecvBufferSize(), { code: 'ERR_SOCKET_BUFFER_SIZE' });
    await Promise.all([closeSocket(ours), closeSocket(theirs)]);
  });
});

describe('createSocket() errors match node:dgram', () => {
  const cases: Array<[string, unknown, string]> = [
    ['no type', undefined, 'ERR_SOCKET_BAD_TYPE'],
    ['bad type', 'udp5', 'ERR_SOCKET_BAD_TYPE'],
    ['options without type', {}, 'ERR_SOCKET_BAD_TYPE'],
    ['lookup not a function', { type: 'udp4', lookup: 5 }, 'ERR_INVALID_ARG_TYPE'],
    ['signal not a signal', { type: 'udp4', signal: 5 }, 'ERR_INVALID_ARG_TYPE'],
    ['recvBufferSize string', { type: 'udp4', recvBufferSize: 'x' }, 'ERR_INVALID_ARG_TYPE'],
    ['recvBufferSize negative', { type: 'udp4', recvBufferSize: -5 }, 'ERR_OUT_OF_RANGE'],
    ['recvBufferSize fraction', { type: 'udp4', recvBufferSize: 1.5 }, 'ERR_OUT_OF_RANGE'],
    ['sendBufferSize 2^32', { type: 'udp4', sendBufferSize: 2 ** 32 }, 'ERR_OUT_OF_RANGE'],
  ];
  for (const [name, arg, code] of cases) {
    test(name, () => {
      const create = (f: (a: never) => unknown) => thrown(() => f(arg as never));
      const a = create(dgram.createSocket);
      const b = create(nodeDgram.createSocket);
      assert.equal(b?.code, code);
      assert.deepEqual(a, b);
    });
  }
});

describe('state errors', () => {
  test('bind twice: ERR_SOCKET_ALREADY_BOUND, same message as node:dgram', async () => {
    const ours = dgram.createSocket('udp4');
    const theirs = nodeDgram.createSocket('udp4');
    ours.bind(0);
    theirs.bind(0);
    assert.deepEqual(
      thrown(() => ours.bind(0)),
      thrown(() => theirs.bind(0)),
    );
    await Promise.all([closeSocket(ours), closeSocket(theirs)]);
  });

  test('close twice: ERR_SOCKET_DGRAM_NOT_RUNNING, same message as node:dgram', async () => {
    const ours = dgram.createSocket('udp4');
    const theirs = nodeDgram.createSocket('udp4');
    ours.close();
    theirs.close();
    const a = thrown(() => ours.close());
    assert.equal(a?.code, 'ERR_SOCKET_DGRAM_NOT_RUNNING');
    assert.deepEqual(
      a,
      thrown(() => theirs.close()),
    );
    assert.deepEqual(
      thrown(() => ours.send('x', 1234)),
      thrown(() => theirs.send('x', 1234)),
    );
  });

  test('a coded error prints like Node’s: Name [CODE]: message', () => {
    const s = dgram.createSocket('udp4');
    let err: unknown;
    try {
      s.send('x', 0);
    } catch (e) {
      err = e;
    }
    s.close();
    assert.ok(err instanceof RangeError);
    assert.equal(
      String(err),
      'RangeError [ERR_SOCKET_BAD_PORT]: Port should be > 0 and < 65536. Received type number (0).',
    );
  });
});
