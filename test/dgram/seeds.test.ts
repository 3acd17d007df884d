/**
 * The dgram examples of the requirement notes (seeds 000, 001, 003), run as
 * written except that fixed ports (8000, 8001, 41234) are free ports here.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import * as dgram from '../../src/dgram/index.js';
import { bindSocket, closeSocket, nextMessage } from './helpers.js';

test('seed 000: server and client exchange "Hello World" and "exit" over localhost', async () => {
  const log: string[] = [];
  let clientPort = 0;

  const server = dgram.createSocket('udp4');
  server
    .on('message', (msg, rinfo) => {
      log.push(`server got: ${msg} from ${rinfo.address}:${rinfo.port}`);
      server.send('exit', 0, 4, clientPort, 'localhost');
    })
    .on('listening', () => {
      const address = server.address();
      log.push(`server listening ${address.address}:${address.port}`);
    })
    .on('error', (err) => {
      log.push(`server error: ${err.stack}`);
      server.close();
    })
    .bind(0);
  await once(server, 'listening');
  const serverPort = server.address().port;

  const client = dgram.createSocket('udp4');
  const clientClosed = once(client, 'close');
  client
    .on('message', (msg, rinfo) => {
      log.push(`client got a message from ${rinfo.address}:${rinfo.port}`);
      if (msg.toString() === 'exit') client.close();
    })
    .on('error', (err) => {
      log.push(`client error: ${err.stack}`);
      client.close();
    })
    .on('close', () => {
      log.push('client closed');
    })
    .bind(0);
  await once(client, 'listening');
  clientPort = client.address().port;

  const messages = 'Hello World';
  client.send(messages, 0, messages.length, serverPort, 'localhost');

  await clientClosed;
  assert.deepEqual(log, [
    `server listening 0.0.0.0:${serverPort}`,
    `server got: Hello World from 127.0.0.1:${clientPort}`,
    `client got a message from 127.0.0.1:${serverPort}`,
    'client closed',
  ]);
  await closeSocket(server);
});

test('seed 000: a server on all interfaces receives [buf1, buf2] as one datagram', async () => {
  const server = dgram.createSocket('udp4');
  const errors: Error[] = [];
  server.on('error', (err) => {
    errors.push(err);
    server.close();
  });
  const address = await bindSocket(server);
  assert.equal(address.address, '0.0.0.0');
  assert.equal(address.family, 'IPv4');

  const received = nextMessage(server);
  const buf1 = Buffer.from('Some ');
  const buf2 = Buffer.from('bytes');
  const client = dgram.createSocket('udp4');
  const sent = new Promise<Error | null>((resolve) => {
    client.send([buf1, buf2], address.port, (err) => {
      client.close();
      resolve(err);
    });
  });
  assert.equal(await sent, null);
  const { msg, rinfo } = await received;
  assert.equal(msg.toString(), 'Some bytes');
  assert.equal(rinfo.address, '127.0.0.1');
  assert.equal(rinfo.family, 'IPv4');
  assert.equal(rinfo.size, 10);
  assert.deepEqual(errors, []);
  await closeSocket(server);
});

test("seed 000: a Buffer sent to 'localhost', closing in the callback", async () => {
  const server = dgram.createSocket('udp4');
  const { port } = await bindSocket(server);
  const received = nextMessage(server);

  const message = Buffer.from('Some bytes');
  const client = dgram.createSocket('udp4');
  const closed = once(client, 'close');
  client.send(message, port, 'localhost', (err) => {
    assert.equal(err, null);
    client.close();
  });
  await closed;
  assert.equal((await received).msg.toString(), 'Some bytes');
  await closeSocket(server);
});

test('seed 003: send(buf, offset, length, port, host, cb) reports the bytes sent', async () => {
  const server = dgram.createSocket('udp4');
  server.on('message', () => {});
  const { port } = await bindSocket(server);
  const received = nextMessage(server);

  const message = Buffer.from('深入浅出NodeJs');
  const client = dgram.createSocket('udp4');
  const result = await new Promise<[Error | null, number]>((resolve) => {
    client.send(message, 0, message.length, port, 'localhost', (err, bytes) => {
      resolve([err, bytes]);
    });
  });
  assert.deepEqual(result, [null, message.length]);
  assert.equal((await received).msg.toString(), '深入浅出NodeJs');
  await closeSocket(client);
  await closeSocket(server);
});

test('seed 001: a server bound with bind(port) reports its address on listening', async () => {
  const server = dgram.createSocket('udp4');
  let address: dgram.AddressInfo | undefined;
  server.on('message', () => {});
  server.on('listening', () => {
    address = server.address();
  });
  server.bind(0);
  await once(server, 'listening');
  assert.equal(address?.address, '0.0.0.0');
  assert.ok((address?.port ?? 0) > 0);
  await closeSocket(server);
});
