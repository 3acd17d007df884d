/**
 * wirestack's https server against real peers: curl, Node's own node:https
 * client and node:tls sockets (SNI, ALPN, client certificates, handshake
 * failures).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeHttps from 'node:https';
import * as nodeNet from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as nodeTls from 'node:tls';
import * as http from '../../src/http/index.js';
import * as https from '../../src/https/index.js';
import type { Server as ServerImpl } from '../../src/https/server.js';
import { requirePeer } from '../helpers/peers.js';
import { curl } from '../http/helpers.js';
import { close, collect, listen, testCertificates } from './helpers.js';

/** Writes `text` to a file in a fresh temporary folder, removed after the test. */
function tempFile(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-https-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A GET with Node's own https client; resolves with the response and its body. */
function nodeGet(
  options: nodeHttps.RequestOptions,
): Promise<{ res: import('node:http').IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    nodeHttps
      .get(options, async (res) => {
        try {
          resolve({ res, body: (await collect(res)).toString() });
        } catch (err) {
          reject(err);
        }
      })
      .on('error', reject);
  });
}

/** A TLS handshake with node:tls; resolves with the connected socket (ended after the test). */
async function tlsConnect(
  t: { after(fn: () => void): void },
  options: nodeTls.ConnectionOptions,
): Promise<nodeTls.TLSSocket> {
  const socket = nodeTls.connect({ host: '127.0.0.1', ...options });
  t.after(() => socket.destroy());
  await once(socket, 'secureConnect');
  return socket;
}

describe('https server with curl', () => {
  test('curl --cacert: verified TLS, ALPN http/1.1, keep-alive across two URLs', async (t) => {
    const curlPath = requirePeer(t, 'curl');
    if (!curlPath) return;
    const certs = await testCertificates();
    const seen: { url: string | undefined; alpn: unknown; encrypted: unknown }[] = [];
    let handshakes = 0;
    const server = https.createServer(certs.localhost, (req, res) => {
      const socket = req.socket as unknown as { alpnProtocol: unknown; encrypted: unknown };
      seen.push({ url: req.url, alpn: socket.alpnProtocol, encrypted: socket.encrypted });
      res.setHeader('Content-Type', 'text/plain');
      res.end(`secure ${req.url}`);
    });
    server.on('secureConnection', () => handshakes++);
    const port = await listen(server);
    t.after(() => close(server));
    const caFile = tempFile(t, 'ca.pem', certs.ca.cert);
    const out = await curl(curlPath, [
      '--cacert',
      caFile,
      '--resolve',
      `localhost:${port}:127.0.0.1`,
      `https://localhost:${port}/one`,
      `https://localhost:${port}/two`,
    ]);
    assert.equal(out, 'secure /onesecure /two');
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/one', '/two'],
    );
    for (const s of seen) {
      assert.equal(s.encrypted, true);
      assert.equal(s.alpn, 'http/1.1');
    }
    assert.equal(handshakes, 1, 'both requests on one TLS connection');
  });

  test('curl POST body through TLS; the IP address is verified against the certificate', async (t) => {
    const curlPath = requirePeer(t, 'curl');
    if (!curlPath) return;
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, async (req, res) => {
      const body = await collect(req);
      res.end(`${req.method} ${body.length} ${body.subarray(0, 5).toString()}`);
    });
    const port = await listen(server);
    t.after(() => close(server));
    const caFile = tempFile(t, 'ca.pem', certs.ca.cert);
    const payload = 'hello'.repeat(100_000);
    const bodyFile = tempFile(t, 'body.txt', payload);
    const out = await curl(curlPath, [
      '--cacert',
      caFile,
      '--data-binary',
      `@${bodyFile}`,
      `https://127.0.0.1:${port}/upload`,
    ]);
    assert.equal(out, `POST ${payload.length} hello`);
  });

  test('curl refuses the server without --cacert (the CA is not trusted)', async (t) => {
    const curlPath = requirePeer(t, 'curl');
    if (!curlPath) return;
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, (_req, res) => res.end('no'));
    const clientErrors: Error[] = [];
    server.on('tlsClientError', (err) => clientErrors.push(err));
    const port = await listen(server);
    t.after(() => close(server));
    await assert.rejects(
      curl(curlPath, [`https://127.0.0.1:${port}/`]),
      /SSL certificate|exit code 60|Command failed/,
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(clientErrors.length >= 1, 'the failed handshake is reported as tlsClientError');
  });
});

describe('https server with node:https and node:tls clients', () => {
  test('node:https GET and POST: status, body, peer certificate, encrypted socket', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, async (req, res) => {
      const body = await collect(req);
      const socket = req.socket as unknown as nodeTls.TLSSocket;
      res.setHeader('X-Encrypted', String(socket.encrypted));
      res.setHeader('X-Remote', `${req.socket?.remoteAddress}`);
      res.end(`${req.method} ${req.url} ${body.toString()}`);
    });
    assert.ok(server instanceof http.Server, 'an https.Server is an http.Server');
    const port = await listen(server);
    t.after(() => close(server));

    const { res, body } = await nodeGet({
      host: 'localhost',
      port,
      path: '/hello?x=1',
      ca: certs.ca.cert,
      agent: false,
    });
    assert.equal(res.statusCode, 200);
    assert.equal(body, 'GET /hello?x=1 ');
    assert.equal(res.headers['x-encrypted'], 'true');
    assert.equal(res.headers['x-remote'], '127.0.0.1');
    const socket = res.socket as nodeTls.TLSSocket;
    assert.equal(socket.authorized, true);
    assert.equal(socket.getPeerCertificate().subject.CN, 'localhost');

    const posted = await new Promise<string>((resolve, reject) => {
      const req = nodeHttps.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/p', ca: certs.ca.cert, agent: false },
        async (r) => resolve((await collect(r)).toString()),
      );
      req.on('error', reject);
      req.end('payload');
    });
    assert.equal(posted, 'POST /p payload');
  });

  test('node:https keep-alive agent: requests share one TLS connection', async (t) => {
    const certs = await testCertificates();
    const ports = new Set<number>();
    const server = https.createServer(certs.localhost, (req, res) => {
      ports.add(req.socket?.remotePort ?? 0);
      res.end('ok');
    });
    const port = await listen(server);
    t.after(() => close(server));
    const agent = new nodeHttps.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    for (let i = 0; i < 3; i++) {
      const { body } = await nodeGet({ host: 'localhost', port, ca: certs.ca.cert, agent });
      assert.equal(body, 'ok');
    }
    assert.equal(ports.size, 1);
  });

  test('SNI: addContext picks the certificate by server name, wildcards included', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, (_req, res) => res.end('ok'));
    server.addContext('other.example', certs.other);
    server.addContext('*.wild.example', nodeTls.createSecureContext(certs.other));
    const port = await listen(server);
    t.after(() => close(server));

    const names: Record<string, string> = {
      'other.example': 'other.example',
      'OTHER.example': 'other.example',
      'a.wild.example': 'other.example',
      localhost: 'localhost',
      'b.a.wild.example': 'localhost',
    };
    for (const [servername, cn] of Object.entries(names)) {
      const socket = await tlsConnect(t, {
        port,
        servername,
        ca: certs.ca.cert,
        checkServerIdentity: () => undefined,
      });
      assert.equal(socket.getPeerCertificate().subject.CN, cn, `servername ${servername}`);
      socket.end();
    }
    assert.throws(() => server.addContext('', certs.other), {
      code: 'ERR_TLS_REQUIRED_SERVER_NAME',
    });
  });

  test('SNI: an SNICallback chooses the context and sees the name', async (t) => {
    const certs = await testCertificates();
    const asked: string[] = [];
    const other = nodeTls.createSecureContext(certs.other);
    const server = https.createServer(
      {
        ...certs.localhost,
        SNICallback: (name, cb) => {
          asked.push(name);
          cb(null, name === 'other.example' ? other : undefined);
        },
      },
      (req, res) => res.end(String((req.socket as unknown as nodeTls.TLSSocket).servername)),
    );
    const port = await listen(server);
    t.after(() => close(server));
    const { body, res } = await nodeGet({
      host: '127.0.0.1',
      port,
      servername: 'other.example',
      ca: certs.ca.cert,
      agent: false,
    });
    assert.equal(body, 'other.example');
    assert.equal(
      (res.socket as nodeTls.TLSSocket).getPeerCertificate().subject.CN,
      'other.example',
    );
    assert.deepEqual(asked, ['other.example']);
  });

  test('ALPN: http/1.1 by default, the configured list otherwise', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, (_req, res) => res.end());
    const port = await listen(server);
    t.after(() => close(server));
    assert.deepEqual((server as unknown as ServerImpl).ALPNProtocols, Buffer.from('\x08http/1.1'));
    const socket = await tlsConnect(t, {
      port,
      ca: certs.ca.cert,
      ALPNProtocols: ['h2', 'http/1.1'],
      servername: 'localhost',
    });
    assert.equal(socket.alpnProtocol, 'http/1.1');
    socket.end();

    const custom = https.createServer({
      ...certs.localhost,
      ALPNProtocols: ['wirestack/1', 'http/1.1'],
    });
    const customPort = await listen(custom);
    t.after(() => close(custom));
    const s2 = await tlsConnect(t, {
      port: customPort,
      ca: certs.ca.cert,
      servername: 'localhost',
      ALPNProtocols: ['wirestack/1'],
    });
    assert.equal(s2.alpnProtocol, 'wirestack/1');
    s2.end();
  });

  test('requestCert: the client certificate is verified against ca', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(
      { ...certs.localhost, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const socket = req.socket as unknown as nodeTls.TLSSocket;
        const peer = socket.getPeerCertificate();
        res.end(
          `${socket.authorized} ${peer.subject?.CN ?? '-'} ${socket.authorizationError ?? '-'}`,
        );
      },
    );
    const port = await listen(server);
    t.after(() => close(server));
    const withCert = await nodeGet({
      host: 'localhost',
      port,
      ca: certs.ca.cert,
      key: certs.client.key,
      cert: certs.client.cert,
      agent: false,
    });
    assert.equal(withCert.body, 'true wirestack client -');
    const without = await nodeGet({ host: 'localhost', port, ca: certs.ca.cert, agent: false });
    assert.match(without.body, /^false - \S+$/);
  });

  test('requestCert with rejectUnauthorized: a client without a certificate is refused', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(
      { ...certs.localhost, ca: certs.ca.cert, requestCert: true },
      (_req, res) => res.end('should not happen'),
    );
    const tlsErrors: Error[] = [];
    server.on('tlsClientError', (err) => tlsErrors.push(err));
    const port = await listen(server);
    t.after(() => close(server));
    await assert.rejects(nodeGet({ host: 'localhost', port, ca: certs.ca.cert, agent: false }));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(tlsErrors.length >= 1);
  });

  test('tlsClientError / clientError: plain HTTP on the TLS port', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, () => assert.fail('no request expected'));
    const port = await listen(server);
    t.after(() => close(server));
    const clientError = once(server, 'clientError');
    const raw = nodeNet.connect(port, '127.0.0.1', () =>
      raw.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    raw.on('error', () => {});
    t.after(() => raw.destroy());
    const [err, socket] = (await clientError) as [Error & { code?: string }, nodeTls.TLSSocket];
    assert.match(String(err.code), /^ERR_SSL_/);
    assert.equal(socket.encrypted, true);
    socket.destroy();
  });

  test('handshakeTimeout: a silent client gets ERR_TLS_HANDSHAKE_TIMEOUT', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer({ ...certs.localhost, handshakeTimeout: 100 });
    const port = await listen(server);
    t.after(() => close(server));
    const raw = nodeNet.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    t.after(() => raw.destroy());
    const [err] = (await once(server, 'tlsClientError')) as [Error & { code?: string }];
    assert.equal(err.code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    await once(raw, 'close');
  });

  test('setSecureContext replaces the certificate for new connections', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, (_req, res) => res.end());
    const port = await listen(server);
    t.after(() => close(server));
    const opts = { port, ca: certs.ca.cert, servername: 'x', checkServerIdentity: () => undefined };
    const before = await tlsConnect(t, opts);
    assert.equal(before.getPeerCertificate().subject.CN, 'localhost');
    before.end();
    server.setSecureContext(certs.other);
    const after = await tlsConnect(t, opts);
    assert.equal(after.getPeerCertificate().subject.CN, 'other.example');
    after.end();
  });

  test("'keylog' lines, ticket keys, callable without new", async (t) => {
    const certs = await testCertificates();
    const server = https.Server(certs.localhost, (_req, res) => res.end('ok'));
    assert.ok(server instanceof https.Server);
    const lines: Buffer[] = [];
    server.on('keylog', (line: Buffer, socket: nodeTls.TLSSocket) => {
      assert.equal(socket.encrypted, true);
      lines.push(line);
    });
    const port = await listen(server);
    t.after(() => close(server));
    await nodeGet({ host: 'localhost', port, ca: certs.ca.cert, agent: false });
    assert.ok(lines.length > 0);
    assert.match(lines[0]!.toString(), /^[A-Z_]+ [0-9a-f]+ [0-9a-f]+\n$/);

    const keys = server.getTicketKeys();
    assert.equal(keys.length, 48);
    const fresh = Buffer.alloc(48, 7);
    server.setTicketKeys(fresh);
    assert.deepEqual(server.getTicketKeys(), fresh);
    assert.throws(() => server.setTicketKeys(Buffer.alloc(10)), { code: 'ERR_OUT_OF_RANGE' });
  });

  test('invalid options are refused with ERR_INVALID_ARG_TYPE', () => {
    for (const bad of ['foo', 42, true, []]) {
      assert.throws(() => new https.Server(bad as never), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    assert.throws(() => https.createServer({ key: true as never }), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: /options\.key/,
    });
    assert.throws(() => https.createServer({ SNICallback: 'x' as never }), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});

test('a TLS socket over a wirestack socket is an instance of wirestack net.Socket', async () => {
  const net = await import('../../src/net/index.js');
  const { SecureSocket } = await import('../../src/https/secure-socket.js');
  const plain = new net.Socket();
  const secure = new SecureSocket(plain, {});
  assert.ok(secure instanceof net.Socket);
  assert.ok(!({} instanceof net.Socket));
  secure.destroy();
});
