import assert from 'node:assert/strict';
import * as nodeNet from 'node:net';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import * as net from '../../src/net/index.js';

type Family = 'ipv4' | 'ipv6';

/** Builds the same rules on ours and on Node's BlockList. */
function both(build: (list: net.BlockList | nodeNet.BlockList) => void) {
  const ours = new net.BlockList();
  const theirs = new nodeNet.BlockList();
  build(ours);
  build(theirs);
  return { ours, theirs };
}

describe('net.BlockList (checked against node:net)', () => {
  it('matches addresses, ranges and subnets of both families as Node does', () => {
    const { ours, theirs } = both((list) => {
      list.addAddress('123.123.123.123');
      list.addRange('10.0.0.1', '10.0.0.10');
      list.addSubnet('8592:757c:efae:4e45::', 64, 'ipv6');
      list.addSubnet('192.168.7.0', 23);
      list.addAddress('0:0::1', 'ipv6');
    });
    assert.deepEqual(ours.rules, theirs.rules);
    const probes: Array<[string, Family]> = [
      ['123.123.123.123', 'ipv4'],
      ['123.123.123.124', 'ipv4'],
      ['::ffff:7b7b:7b7b', 'ipv6'],
      ['::ffff:123.123.123.123', 'ipv6'],
      ['10.0.0.1', 'ipv4'],
      ['10.0.0.10', 'ipv4'],
      ['10.0.0.11', 'ipv4'],
      ['192.168.6.255', 'ipv4'],
      ['192.168.6.0', 'ipv4'],
      ['192.168.8.0', 'ipv4'],
      ['8592:757c:efae:4e45:ffff::1', 'ipv6'],
      ['8592:757c:efae:4e46::', 'ipv6'],
      ['::1', 'ipv6'],
      ['not an address', 'ipv4'],
    ];
    for (const [address, family] of probes) {
      assert.equal(ours.check(address, family), theirs.check(address, family), address);
    }
  });

  it('accepts SocketAddress objects and reports Node error codes', () => {
    const list = new net.BlockList();
    list.addAddress(new net.SocketAddress({ address: '::2', family: 'ipv6' }));
    assert.equal(list.check(new net.SocketAddress({ address: '::2', family: 'ipv6' })), true);
    assert.throws(() => list.addAddress(1 as unknown as string), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => list.addAddress('1.2.3.4', 'ipv5' as Family), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
    assert.throws(() => list.addAddress('nope'), { code: 'ERR_INVALID_ADDRESS' });
    assert.throws(() => list.addRange('10.0.0.9', '10.0.0.1'), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => list.addSubnet('1.2.3.4', 33), {
      code: 'ERR_OUT_OF_RANGE',
      message: 'The value of "prefix" is out of range. It must be >= 0 && <= 32. Received 33',
    });
    assert.equal(net.BlockList.isBlockList(list), true);
    assert.equal(net.BlockList.isBlockList({}), false);
  });
});

describe('net.SocketAddress (checked against node:net)', () => {
  it('has the same defaults, canonical text and JSON', () => {
    for (const options of [
      {},
      { address: '::1', family: 'ipv6' as Family, port: 80 },
      { address: '2001:DB8:0:0::1', family: 'ipv6' as Family, flowlabel: 7 },
      { address: '10.1.2.3', port: 443 },
    ]) {
      const ours = new net.SocketAddress(options);
      const theirs = new nodeNet.SocketAddress(options);
      const { address, port, family, flowlabel } = theirs;
      assert.deepEqual(ours.toJSON(), { address, port, family, flowlabel });
      assert.equal(inspect(ours), inspect(theirs));
    }
    assert.equal(net.SocketAddress.isSocketAddress(new net.SocketAddress()), true);
  });

  it('rejects bad input with Node error codes', () => {
    assert.throws(() => new net.SocketAddress({ address: 'x' }), { code: 'ERR_INVALID_ADDRESS' });
    assert.throws(() => new net.SocketAddress({ family: 'x' as Family }), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
    assert.throws(() => new net.SocketAddress({ port: 70000 }), { code: 'ERR_SOCKET_BAD_PORT' });
    assert.throws(() => new net.SocketAddress({ flowlabel: -1 }), { code: 'ERR_OUT_OF_RANGE' });
  });
});
