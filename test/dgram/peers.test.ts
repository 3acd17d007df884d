/**
 * Real peers: Node's own node:dgram and socat, each direction, IPv4 and IPv6.
 */
import assert from 'node:assert/strict';
import * as nodeDgram from 'node:dgram';
import { describe, test } from 'node:test';
import * as dgram from '../../src/dgram/index.js';
import { requirePeer, startPeer } from '../helpers/peers.js';
import { bindSocket, freeUdpPort, nextMessage, nodePeer } from './helpers.js';

describe('node:dgram as the peer', () => {
  test('our client → node:dgram server, and its reply back', async (t) => {
    const { sock: server, port } = await nodePeer();
    server.on('message', (msg, rinfo) => {
      server.send(Buffer.concat([Buffer.from('echo: '), msg]), rinfo.port, rinfo.address);
    });
    const client = dgram.createSocket('udp4');
    t.after(() => {
      server.close();
      client.close();
    });
    const reply = nextMessage(client);
    client.send([Buffer.from('hello '), 'from wirestack'], port, '127.0.0.1');
    const { msg, rinfo } = await reply;
    assert.equal(msg.toString(), 'echo: hello from wirestack');
    assert.deepEqual(rinfo, { address: '127.0.0.1', family: 'IPv4', port, size: msg.length });
  });

  test('node:dgram client → our server, and our reply back', async (t) => {
    const server = dgram.createSocket('udp4');
    server.on('message', (msg, rinfo) => {
      server.send(`ack ${msg}`, rinfo.port, rinfo.address);
    });
    const { port } = await bindSocket(server, 0, '127.0.0.1');
    const client = nodeDgram.createSocket('udp4');
    t.after(() => {
      server.close();
      client.close();
    });
    const reply = nextMessage(client);
    client.send('from node', port, '127.0.0.1');
    const { msg, rinfo } = await reply;
    assert.equal(msg.toString(), 'ack from node');
    assert.equal(rinfo.port, port);
  });

  test('IPv6: our udp6 socket and node:dgram exchange datagrams on ::1', async (t) => {
    const { sock: theirs, port: theirPort } = await nodePeer('udp6');
    const ours = dgram.createSocket('udp6');
    const { port: ourPort } = await bindSocket(ours, 0, '::1');
    t.after(() => {
      theirs.close();
      ours.close();
    });
    const atTheirs = nextMessage(theirs);
    ours.send('to node over v6', theirPort, '::1');
    const got = await atTheirs;
    assert.equal(got.msg.toString(), 'to node over v6');
    assert.equal(got.rinfo.port, ourPort);
    const atOurs = nextMessage(ours);
    theirs.send('to wirestack over v6', ourPort, '::1');
    const back = await atOurs;
    assert.equal(back.msg.toString(), 'to wirestack over v6');
    assert.deepEqual(back.rinfo, {
      address: '::1',
      family: 'IPv6',
      port: theirPort,
      size: back.msg.length,
    });
  });

  test('many datagrams, both ways, none lost on loopback', async (t) => {
    const { sock: theirs, port } = await nodePeer();
    theirs.on('message', (msg, rinfo) => theirs.send(msg, rinfo.port, rinfo.address));
    const ours = dgram.createSocket('udp4');
    t.after(() => {
      theirs.close();
      ours.close();
    });
    const count = 200;
    const seen = new Set<string>();
    const all = new Promise<void>((resolve) => {
      ours.on('message', (msg) => {
        seen.add(msg.toString());
        if (seen.size === count) resolve();
      });
    });
    for (let i = 0; i < count; i++) ours.send(`datagram ${i}`, port, '127.0.0.1');
    await all;
    assert.equal(seen.size, count);
  });
});

describe('socat as the peer', () => {
  test('our client → socat (UDP4-RECV prints what arrives)', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const port = await freeUdpPort();
    const peer = startPeer(t, socat, ['-u', `UDP4-RECV:${port},bind=127.0.0.1`, 'STDOUT']);
    const client = dgram.createSocket('udp4');
    t.after(() => client.close());
    // socat's bind happens at some point after spawn: resend until it shows up.
    const timer = setInterval(() => client.send('hello socat\n', port, '127.0.0.1'), 50);
    try {
      await peer.waitForStdout('hello socat\n');
    } finally {
      clearInterval(timer);
    }
  });

  test('socat → our server (UDP4-SENDTO)', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const server = dgram.createSocket('udp4');
    const { port } = await bindSocket(server, 0, '127.0.0.1');
    t.after(() => server.close());
    const received = nextMessage(server, 5000);
    const peer = startPeer(t, socat, ['-u', 'STDIN', `UDP4-SENDTO:127.0.0.1:${port}`], {
      stdin: 'pipe',
    });
    peer.child.stdin?.end('hello wirestack from socat');
    const { msg, rinfo } = await received;
    assert.equal(msg.toString(), 'hello wirestack from socat');
    assert.equal(rinfo.address, '127.0.0.1');
    assert.equal(await peer.exited, 0, peer.stderr());
  });

  test('round trip: socat echoes our datagram back (UDP4-RECVFROM ... PIPE)', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const port = await freeUdpPort();
    startPeer(t, socat, ['-T', '5', `UDP4-RECVFROM:${port},bind=127.0.0.1`, 'PIPE']);
    const client = dgram.createSocket('udp4');
    t.after(() => client.close());
    const reply = nextMessage(client, 5000);
    const timer = setInterval(() => client.send('ping through socat', port, '127.0.0.1'), 50);
    try {
      const { msg, rinfo } = await reply;
      assert.equal(msg.toString(), 'ping through socat');
      assert.equal(rinfo.port, port);
    } finally {
      clearInterval(timer);
    }
  });

  test('IPv6: our udp6 client → socat UDP6-RECV on [::1]', async (t) => {
    const socat = requirePeer(t, 'socat');
    if (!socat) return;
    const port = await freeUdpPort('udp6');
    const peer = startPeer(t, socat, ['-u', `UDP6-RECV:${port},bind=[::1]`, 'STDOUT']);
    const client = dgram.createSocket('udp6');
    t.after(() => client.close());
    const timer = setInterval(() => client.send('hello socat over v6\n', port), 50);
    try {
      await peer.waitForStdout('hello socat over v6\n');
    } finally {
      clearInterval(timer);
    }
  });
});
