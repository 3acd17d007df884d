/**
 * IPv4 multicast on the loopback interface: sockets join a group on
 * 127.0.0.1 and exchange datagrams with IP_MULTICAST_LOOP on.
 *
 * Whether the kernel here delivers multicast on loopback is first asked of
 * Node's own node:dgram: if it cannot, the test is skipped saying why; if it
 * can, wirestack must too.
 */
import assert from 'node:assert/strict';
import * as nodeDgram from 'node:dgram';
import { test } from 'node:test';
import * as dgram from '../../src/dgram/index.js';
import { bindSocket, closeSocket, nextMessage } from './helpers.js';

const GROUP = '239.255.42.99';
const IFACE = '127.0.0.1';

/** Null when node:dgram can do loopback multicast here, else the reason it cannot. */
async function multicastUnavailable(): Promise<string | null> {
  const rx = nodeDgram.createSocket({ type: 'udp4', reuseAddr: true });
  const tx = nodeDgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      rx.once('error', reject);
      rx.bind(0, () => resolve());
    });
    await new Promise<void>((resolve, reject) => {
      tx.once('error', reject);
      tx.bind(0, IFACE, () => resolve());
    });
    rx.addMembership(GROUP, IFACE);
    tx.setMulticastInterface(IFACE);
    tx.setMulticastLoopback(true);
    tx.setMulticastTTL(1);
    const got = nextMessage(rx, 1500);
    tx.send('probe', rx.address().port, GROUP);
    await got;
    return null;
  } catch (err) {
    const e = err as Error & { code?: string };
    return `the kernel does not deliver IPv4 multicast on loopback here (node:dgram probe failed: ${e.code ?? e.name}: ${e.message})`;
  } finally {
    rx.close();
    tx.close();
  }
}

test('two wirestack sockets exchange a datagram through a multicast group on loopback', async (t) => {
  const why = await multicastUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const receiver = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const sender = dgram.createSocket('udp4');
  t.after(() => {
    receiver.close();
    sender.close();
  });
  const { port } = await bindSocket(receiver);
  receiver.addMembership(GROUP, IFACE);
  await bindSocket(sender, 0, IFACE);
  sender.setMulticastInterface(IFACE);
  assert.equal(sender.setMulticastLoopback(true), true);
  assert.equal(sender.setMulticastTTL(1), 1);

  const got = nextMessage(receiver);
  sender.send('hello group', port, GROUP);
  const { msg, rinfo } = await got;
  assert.equal(msg.toString(), 'hello group');
  assert.equal(rinfo.address, IFACE);
  assert.equal(rinfo.port, sender.address().port);

  // After leaving the group nothing more arrives.
  receiver.dropMembership(GROUP, IFACE);
  let late = false;
  receiver.on('message', () => {
    late = true;
  });
  sender.send('after drop', port, GROUP);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(late, false);
});

test('two members of the group both get the datagram; node:dgram is one of them', async (t) => {
  const why = await multicastUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const ours = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const { port } = await bindSocket(ours);
  const theirs = nodeDgram.createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve) => theirs.bind(port, () => resolve()));
  const sender = dgram.createSocket('udp4');
  t.after(async () => {
    await Promise.all([closeSocket(ours), closeSocket(theirs), closeSocket(sender)]);
  });
  ours.addMembership(GROUP, IFACE);
  theirs.addMembership(GROUP, IFACE);
  await bindSocket(sender, 0, IFACE);
  sender.setMulticastInterface(IFACE);
  sender.setMulticastLoopback(true);

  const atOurs = nextMessage(ours);
  const atTheirs = nextMessage(theirs);
  sender.send('to everyone', port, GROUP);
  assert.equal((await atOurs).msg.toString(), 'to everyone');
  assert.equal((await atTheirs).msg.toString(), 'to everyone');
});
