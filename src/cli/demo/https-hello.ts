/**
 * An https server with a self-signed certificate made at start-up (the
 * `selfsigned` package: an ECDSA P-256 key, SHA-256, valid for the server's
 * name and address: `localhost` and 127.0.0.1, or a simulated host's), and an `https.request` client that trusts exactly that
 * certificate (`ca`) and verifies the server's name against it. The server
 * listens on a port the OS picks; the notes name none for HTTPS.
 */
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import type { Example } from './context.js';
import { printBody, sendText } from './text-exchange.js';

export const SECURE_GREETING = '你好，加密的世界！';

/** A self-signed certificate and its key (PEM) for the server's `name` and IPv4 `address`. */
async function makeCertificate(
  name: string,
  address: string,
): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: name },
          { type: 7, ip: address },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export const httpsHello: Example = {
  title: () =>
    'https: a self-signed certificate made at start-up, a server and an https.request client',
  async run(ctx) {
    const steps = ctx.steps([
      'certificate',
      'server listening',
      'server request',
      'client response',
      'client body',
      'server close',
    ]);

    const { key, cert } = await makeCertificate(ctx.server.name, ctx.server.address);
    const x509 = new X509Certificate(cert);
    ctx.log(`自签名证书已生成：${x509.subject}（${x509.subjectAltName}）`);
    steps.mark('certificate');

    const server = ctx.server.modules.https.createServer({ key, cert }, (req, res) => {
      const tls = req.socket as unknown as {
        getProtocol(): string | null;
        alpnProtocol: string | false;
      };
      ctx.log(
        `服务器收到请求：${req.method} ${req.url}（${tls.getProtocol()}，ALPN ${tls.alpnProtocol}）`,
      );
      steps.mark('server request');
      sendText(res, SECURE_GREETING);
    });
    server.on('error', (err) => steps.fail(err));
    server.on('tlsClientError', (err) => steps.fail(err));
    server.on('close', () => steps.mark('server close'));

    server.listen(0, ctx.server.address, () => {
      steps.mark('server listening');
      const { port } = server.address() as { port: number };
      ctx.log(`HTTPS 服务器监听 ${ctx.server.address}:${port}`);
      const req = ctx.client.modules.https.request(
        {
          hostname: ctx.server.name,
          port,
          path: '/',
          method: 'GET',
          ca: cert,
          ALPNProtocols: ['http/1.1'],
          agent: false,
        },
        (res) => {
          const socket = res.socket as unknown as {
            authorized: boolean;
            getPeerCertificate(): { subject: { CN: string } };
          };
          ctx.log(`客户端收到响应：HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`);
          ctx.log(
            `  服务器证书：CN=${socket.getPeerCertificate().subject.CN}，验证通过：${socket.authorized}`,
          );
          steps.mark('client response');
          printBody(ctx, steps, res, server);
        },
      );
      req.on('error', (err) => steps.fail(err));
      req.end();
    });

    return steps.done;
  },
};
