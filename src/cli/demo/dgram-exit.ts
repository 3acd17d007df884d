/**
 * The notes' UDP pair: the server on 8000 answers any message with 'exit' to
 * 8001; the client on 8001 sends 'Hello World' and closes on 'exit'.
 */
import { type Example, listenFailure } from './context.js';

export const dgramExit: Example = {
  title: (ports) => `dgram: UDP server on ${ports.dgramServer}, client on ${ports.dgramClient}`,
  run(ctx) {
    const serverPort = ctx.ports.dgramServer;
    const clientPort = ctx.ports.dgramClient;
    const steps = ctx.steps([
      'server listening',
      'server message',
      'client message',
      'client close',
      'server close',
    ]);

    const server = ctx.server.modules.dgram.createSocket('udp4');
    let serverOpen = true;
    const closeServer = (): void => {
      if (serverOpen) {
        serverOpen = false;
        server.close();
      }
    };
    server
      .on('message', (msg, rinfo) => {
        ctx.log(`服务器收到：${msg} 来自 ${rinfo.address}:${rinfo.port}`);
        steps.mark('server message');
        server.send('exit', 0, 4, clientPort, ctx.client.name);
      })
      .on('listening', () => {
        const address = server.address();
        ctx.log(`服务器监听 ${address.address}:${address.port}`);
        steps.mark('server listening');
        startClient();
      })
      .on('error', (err) => {
        steps.fail(listenFailure(err, serverPort, 'UDP'));
        closeServer();
      })
      .on('close', () => {
        ctx.log('服务器关闭');
        steps.mark('server close');
      })
      .bind(serverPort);

    function startClient(): void {
      const client = ctx.client.modules.dgram.createSocket('udp4');
      client
        .on('message', (msg, rinfo) => {
          ctx.log(`客户端接收来自${rinfo.address}:${rinfo.port}`);
          steps.mark('client message');
          if (msg.toString() === 'exit') client.close();
        })
        .on('error', (err) => {
          steps.fail(listenFailure(err, clientPort, 'UDP'));
          client.close();
        })
        .on('close', () => {
          ctx.log('客户端关闭');
          steps.mark('client close');
          closeServer();
        })
        .bind(clientPort);

      const messages = 'Hello World';
      client.send(messages, 0, messages.length, serverPort, ctx.server.name);
    }

    return steps.done;
  },
};
