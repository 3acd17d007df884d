/**
 * An http server and an `http.request` client in the notes' style: the client
 * asks for '/', then prints the status line, the header fields and the body.
 */
import { type Example, listenFailure } from './context.js';
import { printBody, sendText } from './text-exchange.js';

export const GREETING = '你好，世界！';

export const httpHello: Example = {
  title: (ports) => `http: server on port ${ports.httpServer} and an http.request client`,
  run(ctx) {
    const port = ctx.ports.httpServer;
    const steps = ctx.steps([
      'server listening',
      'server request',
      'client response',
      'client body',
      'server close',
    ]);

    const server = ctx.server.modules.http.createServer((req, res) => {
      ctx.log(`服务器收到请求：${req.method} ${req.url}`);
      steps.mark('server request');
      sendText(res, GREETING);
    });
    server.on('error', (err) => steps.fail(listenFailure(err, port, 'TCP')));
    server.on('close', () => steps.mark('server close'));

    server.listen(port, () => {
      steps.mark('server listening');
      const options = {
        hostname: ctx.server.address,
        port,
        path: '/',
        method: 'GET',
      };
      const req = ctx.client.modules.http.request(options, (res) => {
        ctx.log(`客户端收到响应：HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`);
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          ctx.log(`  ${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        }
        steps.mark('client response');
        printBody(ctx, steps, res, server);
      });
      req.on('error', (err) => steps.fail(err));
      req.end();
    });

    return steps.done;
  },
};
