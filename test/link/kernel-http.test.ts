/**
 * HTTP over wirestack's TCP on a VXLAN link to the kernel: curl against a
 * program's `http` and `https` servers run with `wirestack run --link ...`
 * (GET, a 10 MiB POST checked by sha256, keep-alive, chunked, https with
 * `--cacert`), and the program's `http` client against nginx on the kernel
 * (a 64 MiB GET checked by sha256, the connection reused), IPv4 and IPv6.
 * See test/link/kernel-net.ts for the network.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generate } from 'selfsigned';
import { nginxConfig } from '../helpers/nginx.js';
import {
  KERNEL_V4,
  KERNEL_V6,
  makeKernelNet,
  requireKernelNet,
  runWirestack,
  startProc,
  WIRESTACK_V4,
  WIRESTACK_V6,
} from './kernel-net.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A CA and a server certificate for wirestack's addresses (ECDSA P-256). */
async function certificates(): Promise<{ ca: string; cert: string; key: string }> {
  const ca = await generate([{ name: 'commonName', value: 'wirestack link test CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: WIRESTACK_V4 }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: WIRESTACK_V4 },
          { type: 7, ip: WIRESTACK_V6 },
        ],
      },
    ],
  });
  return { ca: ca.cert, cert: server.cert, key: server.private };
}

describe('kernel link: HTTP over wirestack TCP', { timeout: 120_000 }, () => {
  test('curl → wirestack http and https: GET, 10 MiB POST, keep-alive, chunked', async (t) => {
    if (!requireKernelNet(t, ['ethtool', 'curl'])) return;
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-link-http-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const net = await makeKernelNet('vxlan', 'hs');
    t.after(() => net.close());
    const certs = await certificates();
    for (const [name, pem] of Object.entries(certs)) writeFileSync(join(dir, `${name}.pem`), pem);
    const body = randomBytes(10 << 20);
    writeFileSync(join(dir, 'body.bin'), body);

    // The certificate's files reach the program through its environment.
    const app = runWirestack(net, [], 'link-app.cjs', ['serve'], {
      CERT: join(dir, 'cert.pem'),
      KEY: join(dir, 'key.pem'),
    });
    t.after(() => app.stop());
    await app.line(/^ready$/);

    const curl = (args: string[], timeoutMs = 30_000) =>
      net.kernel(
        'curl',
        ['-sS', '--max-time', String(timeoutMs / 1000), ...args],
        timeoutMs + 5000,
      );
    for (const host of [WIRESTACK_V4, `[${WIRESTACK_V6}]`]) {
      assert.equal(curl([`http://${host}:8080/`]), `GET 0 ${sha256(new Uint8Array())}\n`);
      // 10 MiB up, its sha256 back.
      const posted = curl([
        '--data-binary',
        `@${join(dir, 'body.bin')}`,
        `http://${host}:8080/upload`,
      ]);
      assert.equal(posted, `POST ${body.length} ${sha256(body)}\n`);
      // Two requests on one connection: the same client port both times.
      const twice = curl(['-D', '-', `http://${host}:8080/a`, `http://${host}:8080/b`]);
      const remotes = [...twice.matchAll(/^x-remote: (.*)\r$/gim)].map((m) => m[1]);
      assert.equal(remotes.length, 2, twice);
      assert.equal(remotes[0], remotes[1], 'curl opened a second connection');
      // A chunked response.
      const chunked = curl(['-D', '-', `http://${host}:8080/chunked`]);
      assert.match(chunked, /^transfer-encoding: chunked\r$/im);
      assert.ok(chunked.endsWith('chunk one\nchunk two\n'), chunked);
      // https, verified against the test CA.
      const secure = curl(['--cacert', join(dir, 'ca.pem'), `https://${host}:8443/`]);
      assert.equal(secure, `GET 0 ${sha256(new Uint8Array())}\n`);
    }
  });

  test('wirestack http client → nginx on the kernel: 64 MiB GET, keep-alive', async (t) => {
    if (!requireKernelNet(t, ['ethtool', 'nginx'])) return;
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-link-nginx-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const net = await makeKernelNet('vxlan', 'ng');
    t.after(() => net.close());
    const file = randomBytes(64 << 20);
    writeFileSync(join(dir, 'big.bin'), file);
    writeFileSync(join(dir, 'small.txt'), 'hello from nginx\n');
    writeFileSync(
      join(dir, 'nginx.conf'),
      nginxConfig(
        dir,
        `  keepalive_requests 100;
  server {
    listen ${KERNEL_V4}:8081;
    listen [${KERNEL_V6}]:8081;
    root ${dir};
  }
`,
      ),
    );
    const nginx = startProc(
      'ip',
      net.inNs(net.kernelNs, 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr']),
    );
    t.after(() => nginx.stop());
    // nginx prints nothing when it starts: wait for its port.
    for (let i = 0; ; i++) {
      if (net.kernel('ss', ['-ltnH']).includes(':8081')) break;
      assert.ok(i < 100, `nginx did not start: ${nginx.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const host of [KERNEL_V4, `[${KERNEL_V6}]`]) {
      const client = runWirestack(net, [], 'link-app.cjs', [
        'get',
        `http://${host}:8081/big.bin`,
        '2',
      ]);
      t.after(() => client.stop());
      const first = await client.line(/^get (\d+) (\d+) (\w+) (\w+)$/, 60_000);
      assert.deepEqual(first.slice(1), ['200', String(file.length), sha256(file), 'false']);
      const out = await client.exited;
      assert.equal(out, 0, client.stderr());
      const second = /^get (\d+) (\d+) (\w+) (\w+)$/m.exec(
        client.stdout().split('\n').slice(1).join('\n'),
      );
      assert.ok(second, client.stdout());
      assert.deepEqual(second.slice(1), ['200', String(file.length), sha256(file), 'true']);
    }
  });
});
