/**
 * http, https and WebSocket between simulated hosts (virtual time), through
 * each host's bound modules: `beta.http.createServer(app).listen(80)`,
 * `alpha.http.get('http://beta/')`, and the same for https and ws.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import type { IncomingMessage } from '../../src/http/index.js';
import { Simulation } from '../../src/sim.js';
import { close, collect, testCertificates } from '../https/helpers.js';

const LIMIT = { timeout: 20_000 };

function twoHosts(seed = 1) {
  const sim = new Simulation({ seed });
  return { sim, alpha: sim.addHost('alpha'), beta: sim.addHost('beta') };
}

describe('http, https and ws on the userspace stack (simulated hosts)', () => {
  test('http: GET and POST through the host’s own global agent', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts();
    const server = beta.http.createServer(async (req, res) => {
      const body = await collect(req);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          host: req.headers.host,
          body: body.toString(),
          from: req.socket!.remoteAddress,
        }),
      );
    });
    server.listen(80);
    await once(server, 'listening');
    assert.ok(server instanceof beta.net.Server);

    const get = alpha.http.get('http://beta/hello?x=1');
    const [res] = (await once(get, 'response')) as [IncomingMessage];
    assert.equal(res.statusCode, 200);
    const answer = JSON.parse((await collect(res)).toString());
    assert.equal(answer.method, 'GET');
    assert.equal(answer.url, '/hello?x=1');
    assert.equal(answer.host, 'beta');
    assert.match(answer.from, /^(::ffff:10\.0\.0\.1|fd00::1)$/);

    const body = 'a'.repeat(100_000);
    const post = alpha.http.request({ host: 'beta', method: 'POST', path: '/upload' });
    post.end(body);
    const [res2] = (await once(post, 'response')) as [IncomingMessage];
    const answer2 = JSON.parse((await collect(res2)).toString());
    assert.equal(answer2.method, 'POST');
    assert.equal(answer2.body, body);
    // The kept-alive connection of the first request served the second.
    assert.equal(post.reusedSocket, true);
    // Each host's http has an agent of its own.
    assert.notEqual(alpha.http.globalAgent, beta.http.globalAgent);

    alpha.http.globalAgent.destroy();
    await close(server);
    sim.close();
  });

  test('https: a request over TLS on the userspace stack', LIMIT, async () => {
    const certs = await testCertificates();
    const { sim, alpha, beta } = twoHosts(3);
    const server = beta.https.createServer(certs.localhost, (req, res) => {
      res.end(`secure ${req.method} ${req.url} from ${req.socket!.remoteAddress}`);
    });
    server.listen(443);
    await once(server, 'listening');

    const req = alpha.https.get({
      host: 'beta',
      path: '/tls',
      ca: certs.ca.cert,
      servername: 'localhost',
      family: 4,
    });
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    assert.equal(res.statusCode, 200);
    assert.equal((await collect(res)).toString(), 'secure GET /tls from ::ffff:10.0.0.1');

    alpha.https.globalAgent.destroy();
    await close(server);
    sim.close();
  });

  test('ws: an echo between the hosts', LIMIT, async () => {
    const { sim, alpha, beta } = twoHosts(4);
    const wss = new beta.ws.WebSocketServer({ port: 8080 });
    wss.on('connection', (ws) => {
      assert.ok(ws instanceof beta.ws.WebSocket);
      ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
    });
    await once(wss, 'listening');

    const ws = new alpha.ws.WebSocket('ws://beta:8080/echo');
    await once(ws, 'open');
    ws.send('hello over the simulated LAN');
    const [message, isBinary] = (await once(ws, 'message')) as [Buffer, boolean];
    assert.equal(isBinary, false);
    assert.equal(message.toString(), 'hello over the simulated LAN');
    ws.send(Buffer.alloc(70_000, 1));
    const [big] = (await once(ws, 'message')) as [Buffer];
    assert.equal(big.length, 70_000);
    ws.close(1000, 'done');
    const [code] = (await once(ws, 'close')) as [number];
    assert.equal(code, 1000);

    wss.close();
    await once(wss, 'close');
    sim.close();
  });

  test('wss: a WebSocket over TLS, on an https server of the host', LIMIT, async () => {
    const certs = await testCertificates();
    const { sim, alpha, beta } = twoHosts(5);
    const server = beta.https.createServer(certs.localhost);
    const wss = new beta.ws.WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo: ${data}`)));
    server.listen(8443);
    await once(server, 'listening');

    const ws = new alpha.ws.WebSocket('wss://beta:8443/', {
      ca: certs.ca.cert,
      servername: 'localhost',
    });
    await once(ws, 'open');
    ws.send('secret');
    const [message] = (await once(ws, 'message')) as [Buffer];
    assert.equal(message.toString(), 'echo: secret');
    ws.close();
    await once(ws, 'close');

    wss.close();
    await close(server);
    sim.close();
  });
});
