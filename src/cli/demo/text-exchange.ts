/**
 * The two halves the http and https examples share: the server answers with
 * a plain-text greeting, and the client prints the body it gets back.
 */
import type { IncomingMessage, ServerResponse } from '../../http/index.js';
import type { ExampleContext, Steps } from './context.js';

/** Answers 200 with `text` as a UTF-8 plain-text body of known length. */
export function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Reads the response body as UTF-8, prints it and marks 'client body', then
 * closes the server; an error fails the steps.
 */
export function printBody(
  ctx: ExampleContext,
  steps: Steps,
  res: IncomingMessage,
  server: { close(): unknown },
): void {
  res.setEncoding('utf8');
  let body = '';
  res.on('data', (chunk: string) => {
    body += chunk;
  });
  res.on('end', () => {
    ctx.log(`响应内容：${body}`);
    steps.mark('client body');
    server.close();
  });
  res.on('error', (err) => steps.fail(err));
}
