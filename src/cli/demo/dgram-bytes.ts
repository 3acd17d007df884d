/**
 * The notes' UDP server on 41234, and the two ways of sending it 'Some bytes':
 * one Buffer to 'localhost', then a list of Buffers with no address.
 */
import { type Example, listenFailure } from './context.js';

export const dgramBytes: Example = {
  title: (ports) => `dgram: UDP server on ${ports.dgramBytes} receiving 'Some bytes'`,
  run(ctx) {
    const port = ctx.ports.dgramBytes;
    const steps = ctx.steps([
      'server listening',
      'Buffer sent',
      'Buffer list sent',
      'second message',
      'server close',
    ]);

    const server = ctx.server.modules.dgram.createSocket('udp4');
    let received = 0;

    server.on('error', (err) => {
      steps.fail(listenFailure(err, port, 'UDP'));
      server.close();
    });

    server.on('message', (msg, rinfo) => {
      ctx.log(`服务器收到：${msg} 来自 ${rinfo.address}:${rinfo.port}`);
      received += 1;
      if (received === 1) {
        sendList();
      } else {
        steps.mark('second message');
        server.close();
      }
    });

    server.on('listening', () => {
      const address = server.address();
      ctx.log(`服务器监听 ${address.address}:${address.port}`);
      steps.mark('server listening');
      sendBuffer();
    });

    server.on('close', () => steps.mark('server close'));

    server.bind(port);

    function sendBuffer(): void {
      const message = Buffer.from('Some bytes');
      const client = ctx.client.modules.dgram.createSocket('udp4');
      client.send(message, port, ctx.server.name, (err) => {
        client.close();
        if (err) steps.fail(err);
        else steps.mark('Buffer sent');
      });
    }

    function sendList(): void {
      const buf1 = Buffer.from('Some ');
      const buf2 = Buffer.from('bytes');
      // No address means localhost: the sender runs beside the server.
      const client = ctx.server.modules.dgram.createSocket('udp4');
      client.send([buf1, buf2], port, (err) => {
        client.close();
        if (err) steps.fail(err);
        else steps.mark('Buffer list sent');
      });
    }

    return steps.done;
  },
};
