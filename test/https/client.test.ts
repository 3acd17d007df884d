/**
 * wirestack's https client (request / get / Agent) against Node's own
 * node:https server: certificate verification and Node's error codes, SNI,
 * ALPN, client certificates, keep-alive and TLS session reuse; and against
 * wirestack's own https server.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeHttps from 'node:https';
import { describe, test } from 'node:test';
import type * as nodeTls from 'node:tls';
import type { IncomingMessage } from '../../src/http/index.js';
import type { Agent as AgentImpl } from '../../src/https/agent.js';
import * as https from '../../src/https/index.js';
import { close, collect, listen, testCertificates } from './helpers.js';

/** An agent under its implementation's type: these tests check members @types/node does not declare. */
const implementation = (agent: https.Agent): AgentImpl => agent as unknown as AgentImpl;

/** What the TLS socket said when the response arrived (it may be closed once the body is read). */
interface TlsInfo {
  encrypted: boolean;
  authorized: boolean;
  authorizationError: string | undefined;
  peerCN: string | undefined;
  alpnProtocol: string | false | null;
  protocol: string | null;
  sessionReused: boolean;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
}

interface Fetched {
  res: IncomingMessage;
  body: string;
  tls: TlsInfo;
  req: import('../../src/http/index.js').ClientRequest;
}

function tlsInfo(socket: nodeTls.TLSSocket): TlsInfo {
  return {
    encrypted: socket.encrypted,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError as unknown as string | undefined,
    peerCN: socket.getPeerCertificate()?.subject?.CN as string | undefined,
    alpnProtocol: socket.alpnProtocol,
    protocol: socket.getProtocol(),
    sessionReused: socket.isSessionReused(),
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
  };
}

/** A request with wirestack's https; resolves once the body is read. */
function fetch(
  options: https.RequestOptions | string,
  extra?: https.RequestOptions,
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const onResponse = async (res: IncomingMessage) => {
      // Taken now: the socket may be closed (or back in the pool) after the body.
      const tls = tlsInfo(res.socket as unknown as nodeTls.TLSSocket);
      try {
        resolve({ res, tls, req, body: (await collect(res)).toString() });
      } catch (err) {
        reject(err);
      }
    };
    const req =
      typeof options === 'string'
        ? https.get(options, extra ?? {}, onResponse)
        : https.get(options, onResponse);
    req.on('error', reject);
  });
}

/** A node:https server answering with `handler`; closed after the test. */
async function nodeServer(
  t: { after(fn: () => unknown): void },
  options: nodeHttps.ServerOptions,
  handler: (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => void = (_req, res) => res.end('ok'),
): Promise<{ server: nodeHttps.Server; port: number }> {
  const server = nodeHttps.createServer(options, handler);
  const port = await listen(server);
  t.after(() => close(server));
  return { server, port };
}

describe('https client against node:https server', () => {
  test('GET with ca: verified, SNI sent, peer certificate, encrypted socket', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.localhost, (req, res) => {
      const socket = req.socket as nodeTls.TLSSocket;
      res.end(`${req.url} sni=${socket.servername} host=${req.headers.host}`);
    });
    const { res, body, tls } = await fetch({
      host: 'localhost',
      port,
      path: '/a?b=c',
      ca: certs.ca.cert,
      agent: false,
    });
    assert.equal(res.statusCode, 200);
    assert.equal(body, `/a?b=c sni=localhost host=localhost:${port}`);
    assert.equal(tls.encrypted, true);
    assert.equal(tls.authorized, true);
    assert.equal(tls.peerCN, 'localhost');
    assert.equal(tls.remoteAddress, '127.0.0.1');
    assert.equal(tls.remotePort, port);
  });

  test('an IP address is not sent as SNI; the IP is checked against the certificate', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.localhost, (req, res) =>
      res.end(String((req.socket as nodeTls.TLSSocket).servername)),
    );
    const { body } = await fetch({ host: '127.0.0.1', port, ca: certs.ca.cert, agent: false });
    assert.equal(body, 'false');
  });

  test('the Host header names the server for SNI and the certificate check', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.other, (req, res) =>
      res.end(String((req.socket as nodeTls.TLSSocket).servername)),
    );
    const { body, tls } = await fetch({
      host: '127.0.0.1',
      port,
      headers: { host: `other.example:${port}` },
      ca: certs.ca.cert,
      agent: false,
    });
    assert.equal(body, 'other.example');
    assert.equal(tls.peerCN, 'other.example');
  });

  test('a URL string, with TLS options given separately', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.localhost, (req, res) => res.end(req.url));
    const { body } = await fetch(`https://localhost:${port}/from/url?q=1`, {
      ca: certs.ca.cert,
      agent: false,
    });
    assert.equal(body, '/from/url?q=1');
  });

  test('a self-signed certificate is refused: DEPTH_ZERO_SELF_SIGNED_CERT', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.selfSigned);
    await assert.rejects(fetch({ host: 'localhost', port, agent: false }), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      message: 'self-signed certificate',
    });
    // Trusted explicitly, it is accepted.
    const { body } = await fetch({
      host: 'localhost',
      port,
      ca: certs.selfSigned.cert,
      agent: false,
    });
    assert.equal(body, 'ok');
  });

  test('a name the certificate does not cover: ERR_TLS_CERT_ALTNAME_INVALID', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.other);
    await assert.rejects(fetch({ host: 'localhost', port, ca: certs.ca.cert, agent: false }), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      reason: "Host: localhost. is not in the cert's altnames: DNS:other.example",
      host: 'localhost',
    });
    // servername selects the name that is checked.
    const { body } = await fetch({
      host: '127.0.0.1',
      servername: 'other.example',
      port,
      ca: certs.ca.cert,
      agent: false,
    });
    assert.equal(body, 'ok');
  });

  test('an issuer the client does not know: UNABLE_TO_VERIFY_LEAF_SIGNATURE', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.localhost);
    await assert.rejects(fetch({ host: 'localhost', port, agent: false }), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  test('rejectUnauthorized: false connects and reports why the peer is not authorized', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.selfSigned);
    const { body, tls } = await fetch({
      host: 'localhost',
      port,
      rejectUnauthorized: false,
      agent: false,
    });
    assert.equal(body, 'ok');
    assert.equal(tls.authorized, false);
    assert.equal(tls.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('checkServerIdentity decides about the name', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.other);
    const seen: string[] = [];
    const { body } = await fetch({
      host: 'localhost',
      port,
      ca: certs.ca.cert,
      agent: false,
      checkServerIdentity: (host, cert) => {
        seen.push(`${host} ${cert.subject.CN}`);
        return undefined;
      },
    });
    assert.equal(body, 'ok');
    assert.deepEqual(seen, ['localhost other.example']);
    const refusal = new Error('not this one');
    await assert.rejects(
      fetch({
        host: 'localhost',
        port,
        ca: certs.ca.cert,
        agent: false,
        checkServerIdentity: () => refusal,
      }),
      (err) => err === refusal,
    );
  });

  test('ALPN and TLS version options reach the handshake', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, {
      ...certs.localhost,
      ALPNProtocols: ['h2', 'http/1.1'],
      maxVersion: 'TLSv1.2',
    });
    const { tls } = await fetch({
      host: 'localhost',
      port,
      ca: certs.ca.cert,
      ALPNProtocols: ['http/1.1'],
      agent: false,
    });
    assert.equal(tls.alpnProtocol, 'http/1.1');
    assert.equal(tls.protocol, 'TLSv1.2');
    await assert.rejects(
      fetch({ host: 'localhost', port, ca: certs.ca.cert, minVersion: 'TLSv1.3', agent: false }),
      { code: 'EPROTO', message: /protocol version/ },
    );
  });

  test('a client certificate (key, cert) for a server that asks for one', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(
      t,
      { ...certs.localhost, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => res.end((req.socket as nodeTls.TLSSocket).getPeerCertificate().subject.CN),
    );
    const { body } = await fetch({
      host: 'localhost',
      port,
      ca: certs.ca.cert,
      key: certs.client.key,
      cert: certs.client.cert,
      agent: false,
    });
    assert.equal(body, 'wirestack client');
  });

  test('keep-alive: the agent reuses the TLS connection', async (t) => {
    const certs = await testCertificates();
    const { server, port } = await nodeServer(t, certs.localhost, (req, res) =>
      res.end(String(req.socket.remotePort)),
    );
    let handshakes = 0;
    server.on('secureConnection', () => handshakes++);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const first = await fetch({ host: 'localhost', port, ca: certs.ca.cert, agent });
    await new Promise((r) => setImmediate(r));
    const second = await fetch({ host: 'localhost', port, ca: certs.ca.cert, agent });
    assert.equal(first.req.reusedSocket, false);
    assert.equal(second.req.reusedSocket, true);
    assert.equal(first.body, second.body);
    assert.equal(handshakes, 1);
  });

  test('without keep-alive, the second connection resumes the cached TLS session', async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.localhost);
    const agent = new https.Agent({ keepAlive: false });
    const options = { host: 'localhost', port, ca: certs.ca.cert, agent };
    const first = await fetch(options);
    assert.equal(first.tls.sessionReused, false);
    await new Promise((r) => setTimeout(r, 20));
    const second = await fetch(options);
    assert.equal(second.req.reusedSocket, false, 'a new connection');
    assert.equal(second.tls.sessionReused, true, 'an abbreviated handshake');
    assert.equal(implementation(agent)._sessionCache.list.length, 1);

    const noCache = new https.Agent({ keepAlive: false, maxCachedSessions: 0 });
    await fetch({ ...options, agent: noCache });
    await new Promise((r) => setTimeout(r, 20));
    const uncached = await fetch({ ...options, agent: noCache });
    assert.equal(uncached.tls.sessionReused, false);
    assert.equal(implementation(noCache)._sessionCache.list.length, 0);
  });

  test("the socket reports 'connect' before 'secureConnect', like Node's", async (t) => {
    const certs = await testCertificates();
    const { port } = await nodeServer(t, certs.localhost);
    const events: string[] = [];
    const req = https.get({ host: 'localhost', port, ca: certs.ca.cert, agent: false }, (res) =>
      res.resume(),
    );
    req.on('socket', (socket) => {
      assert.equal(socket.connecting, true);
      socket.on('connect', () => events.push('connect'));
      socket.on('secureConnect', () => events.push('secureConnect'));
    });
    await once(req, 'close');
    assert.deepEqual(events, ['connect', 'secureConnect']);
  });
});

describe('https Agent', () => {
  test("getName adds the TLS options in Node's order", () => {
    const agent = new https.Agent();
    assert.equal(agent.getName(), 'localhost::::::::::::::::::::::');
    assert.equal(
      agent.getName({
        host: 'example.com',
        port: 443,
        ca: 'CA',
        rejectUnauthorized: false,
        servername: 'sni.example',
        minVersion: 'TLSv1.3',
      } as never),
      'example.com:443::CA::::::false:sni.example:TLSv1.3:::::::::::',
    );
    // servername equal to host adds nothing.
    assert.equal(
      agent.getName({ host: 'a.example', servername: 'a.example' } as never),
      'a.example::::::::::::::::::::::',
    );
  });

  test('defaults: port 443, https:, globalAgent keeps connections alive; callable without new', () => {
    const agent = https.Agent();
    assert.ok(agent instanceof https.Agent);
    assert.equal(implementation(agent).defaultPort, 443);
    assert.equal(implementation(agent).protocol, 'https:');
    assert.equal(implementation(agent).maxCachedSessions, 100);
    assert.ok(https.globalAgent instanceof https.Agent);
    assert.equal(implementation(https.globalAgent).keepAlive, true);
  });

  test('the session cache evicts the oldest origin first', () => {
    const agent = new https.Agent({ maxCachedSessions: 2 });
    implementation(agent)._cacheSession('a', Buffer.from('1'));
    implementation(agent)._cacheSession('b', Buffer.from('2'));
    implementation(agent)._cacheSession('a', Buffer.from('3'));
    assert.deepEqual(implementation(agent)._getSession('a'), Buffer.from('3'));
    implementation(agent)._cacheSession('c', Buffer.from('4'));
    assert.equal(implementation(agent)._getSession('a'), undefined);
    assert.deepEqual(implementation(agent)._sessionCache.list, ['b', 'c']);
    implementation(agent)._evictSession('b');
    assert.deepEqual(implementation(agent)._sessionCache.list, ['c']);
  });

  test('an http: URL is refused with ERR_INVALID_PROTOCOL', () => {
    assert.throws(() => https.get('http://localhost/'), { code: 'ERR_INVALID_PROTOCOL' });
  });
});

describe('https client against wirestack https server', () => {
  test('a 4 MiB upload echoed back, over TLS on both ends', async (t) => {
    const certs = await testCertificates();
    const server = https.createServer(certs.localhost, (req, res) => req.pipe(res));
    const port = await listen(server);
    t.after(() => close(server));
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      const req = https.request(
        { host: 'localhost', port, method: 'PUT', ca: certs.ca.cert, agent: false },
        async (res) => resolve(await collect(res)),
      );
      req.on('error', reject);
      req.end(payload);
    });
    assert.equal(echoed.length, payload.length);
    assert.ok(echoed.equals(payload));
  });
});
