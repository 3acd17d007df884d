/**
 * The module's shape, as the `ws` package's: in CommonJS the module is the
 * WebSocket class carrying every export; in ESM the default export is that
 * class and the named exports are there too. Checked on the built module
 * (dist/, made by `npm run build`), loaded by plain Node both ways.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const BUILT = join(__dirname, '..', '..', 'dist', 'ws', 'index.js');

function run(args: string[]): string {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run 'npm run build' first`);
  return execFileSync(process.execPath, args, { encoding: 'utf8' }).trim();
}

test('require(): the WebSocket class, with WebSocketServer and the rest as properties', () => {
  const out = run([
    '-e',
    `const WebSocket = require(${JSON.stringify(BUILT)});
     const { WebSocketServer, Server, createWebSocketStream, WebSocket: Named } = WebSocket;
     console.log([
       typeof WebSocket === 'function' && WebSocket.name === 'WebSocket',
       Named === WebSocket && WebSocket.default === WebSocket,
       typeof WebSocketServer === 'function' && Server === WebSocketServer,
       typeof createWebSocketStream === 'function',
       WebSocket.OPEN === 1 && WebSocket.prototype.CLOSED === 3,
     ].join());`,
  ]);
  assert.equal(out, 'true,true,true,true,true');
});

test('import: default is the class, named exports resolve', () => {
  const out = run([
    '--input-type=module',
    '-e',
    `import WebSocket, { WebSocket as Named, WebSocketServer, createWebSocketStream, FrameParser } from ${JSON.stringify(pathToFileURL(BUILT).href)};
     console.log([
       WebSocket === Named && WebSocket.name === 'WebSocket',
       typeof WebSocketServer === 'function',
       typeof createWebSocketStream === 'function',
       typeof FrameParser === 'function',
     ].join());`,
  ]);
  assert.equal(out, 'true,true,true,true');
});
