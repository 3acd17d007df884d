/**
 * The notes' other TCP pair: the server says 欢迎 on connect and 你好 to any
 * data; the client writes 'world' and hangs up on the first reply.
 */
import { type Example, listenFailure } from './context.js';

export const netGreeting: Example = {
  title: (ports) => `net: 'server bound' greeting on port ${ports.netServer}`,
  run(ctx) {
    const port = ctx.ports.netServer;
    const { net } = ctx.server.modules;
    const steps = ctx.steps([
      'server listening',
      'client data',
      "server socket 'end'",
      "client 'end'",
      'server close',
    ]);

    const server = net.createServer((socket) => {
      socket.on('data', () => {
        socket.write('你好');
      });
      socket.on('end', () => {
        ctx.log('连接断开');
        steps.mark("server socket 'end'");
      });
      socket.on('error', (err) => steps.fail(err));
      socket.write('欢迎');
    });
    server.on('error', (err) => steps.fail(listenFailure(err, port, 'TCP')));
    server.on('close', () => steps.mark('server close'));
    server.listen(port, () => {
      ctx.log('server bound');
      steps.mark('server listening');

      const client = ctx.client.modules.net.connect({ port, host: ctx.server.name }, () => {
        client.write('world');
      });
      // TCP is a byte stream: 欢迎 and 你好 may arrive as one chunk or two.
      client.on('data', (data) => {
        ctx.log(data.toString());
        steps.mark('client data');
        client.end();
      });
      client.on('end', () => {
        ctx.log('client disconnected');
        steps.mark("client 'end'");
      });
      client.on('error', (err) => steps.fail(err));
      client.on('close', () => server.close());
    });

    return steps.done;
  },
};
