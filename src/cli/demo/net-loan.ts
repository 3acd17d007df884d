/**
 * The notes' TCP server on 8124, which greets, echoes the socket to itself and
 * blacklists the client when it leaves, and the client that answers it.
 */
import { type Example, listenFailure } from './context.js';

export const netLoan: Example = {
  title: (ports) => `net: TCP server and client on port ${ports.netServer}`,
  run(ctx) {
    const port = ctx.ports.netServer;
    const { net } = ctx.server.modules;
    const steps = ctx.steps([
      'server listening',
      'client connect',
      'client data',
      "server socket 'end'",
      "client 'end'",
      'server close',
    ]);

    const server = net
      .createServer((socket) => {
        socket.on('end', () => {
          ctx.log('你已被列入黑名单！');
          steps.mark("server socket 'end'");
        });
        socket.on('error', (err) => steps.fail(err));
        socket.write('请问需要贷款么？!');
        socket.pipe(socket);
      })
      .on('error', (err) => steps.fail(listenFailure(err, port, 'TCP')))
      .on('close', () => steps.mark('server close'))
      .listen(port, () => {
        ctx.log('你已向对方发起好友请求！');
        steps.mark('server listening');

        const client = ctx.client.modules.net
          .connect({ port, host: ctx.server.name }, () => {
            ctx.log('已同意好友请求\n你是？');
            steps.mark('client connect');
          })
          .on('data', (data) => {
            ctx.log(data.toString());
            steps.mark('client data');
            client.end();
          })
          .on('end', () => {
            ctx.log('你滚！');
            steps.mark("client 'end'");
          })
          .on('error', (err) => steps.fail(err))
          .on('close', () => server.close());
      });

    return steps.done;
  },
};
