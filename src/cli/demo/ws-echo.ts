/**
 * WebSocket as the notes describe it: the connection starts as an HTTP
 * request whose `Upgrade: websocket` and `Connection: Upgrade` fields ask
 * the server to switch protocols; the server answers `101 Switching
 * Protocols` and from then on both sides send messages over the same TCP
 * connection, the server pushing without being asked. The transcript shows
 * the handshake as it crossed the wire, then messages both ways and the
 * closing handshake. The server listens on a port the OS picks (the notes
 * name none for WebSocket).
 */
import type { Example } from './context.js';

export const WELCOME = '欢迎！这是服务器主动推送的消息';
export const HELLO = '你好，WebSocket！';

export const wsEcho: Example = {
  title: () => 'ws: a WebSocket server and client, the handshake over HTTP Upgrade',
  run(ctx) {
    const steps = ctx.steps([
      'server listening',
      'handshake',
      'client open',
      'client welcome',
      'server message',
      'client echo',
      'client close',
      'server close',
      'server closed',
    ]);

    const { WebSocketServer } = ctx.server.modules.ws;
    const { WebSocket } = ctx.client.modules.ws;
    const host = ctx.server.address;
    const wss = new WebSocketServer({ port: 0, host, perMessageDeflate: true });
    wss.on('error', (err: Error) => steps.fail(err));

    // The handshake: the request as the server received it, then its answer.
    wss.on('headers', (lines: string[], req) => {
      ctx.log('客户端发起握手（HTTP 请求）：');
      ctx.log(`  ${req.method} ${req.url} HTTP/${req.httpVersion}`);
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        ctx.log(`  ${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      ctx.log('服务器应答握手：');
      for (const line of lines) ctx.log(`  ${line}`);
      steps.mark('handshake');
    });

    wss.on('connection', (ws) => {
      ws.on('error', (err) => steps.fail(err));
      ws.send(WELCOME);
      ws.on('message', (data, isBinary) => {
        const text = (data as Buffer).toString();
        ctx.log(`服务器收到：${text}`);
        steps.mark('server message');
        ws.send(`echo: ${text}`, { binary: isBinary });
      });
      ws.on('close', (code, reason) => {
        ctx.log(`服务器端连接关闭：${code} ${reason.toString()}`);
        steps.mark('server close');
        wss.close(() => steps.mark('server closed'));
      });
    });

    wss.on('listening', () => {
      const { port } = wss.address() as { port: number };
      ctx.log(`WebSocket 服务器监听 ws://${host}:${port}/chat`);
      steps.mark('server listening');

      const ws = new WebSocket(`ws://${host}:${port}/chat`);
      ws.on('error', (err) => steps.fail(err));
      ws.on('open', () => {
        ctx.log(`连接已升级为 WebSocket（扩展：${ws.extensions || '无'}）`);
        steps.mark('client open');
      });
      ws.on('message', (data) => {
        const text = (data as Buffer).toString();
        ctx.log(`客户端收到：${text}`);
        if (text === WELCOME) {
          steps.mark('client welcome');
          ws.send(HELLO);
        } else {
          steps.mark('client echo');
          ws.close(1000, '再见');
        }
      });
      ws.on('close', (code, reason) => {
        ctx.log(`客户端连接关闭：${code} ${reason.toString()}`);
        steps.mark('client close');
      });
    });

    return steps.done;
  },
};
