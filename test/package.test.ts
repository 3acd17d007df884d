import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';

// The published shape: subpath exports loaded by package name, both ways.
const root = join(__dirname, '..');

it('loads wirestack/net, /dgram, /http, /https, /ws, /sim with require() and import', () => {
  const script = `
    const net = require('wirestack/net');
    const dgram = require('wirestack/dgram');
    const http = require('wirestack/http');
    const https = require('wirestack/https');
    const all = require('wirestack');
    const { Simulation } = require('wirestack/sim');
    const WebSocket = require('wirestack/ws');
    import('wirestack/http').then((m) => {
      const ok = typeof net.createServer === 'function' && typeof dgram.createSocket === 'function'
        && typeof http.createServer === 'function' && typeof https.request === 'function'
        && m.default.STATUS_CODES[404] === 'Not Found' && typeof m.createServer === 'function'
        && all.net.isIP('::1') === 6 && typeof Simulation === 'function' && all.Simulation === Simulation
        && typeof WebSocket === 'function' && typeof WebSocket.WebSocketServer === 'function';
      console.log(ok ? 'ok' : 'missing exports');
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: root }).toString().trim();
  assert.equal(out, 'ok');
});
