/**
 * The public classes are callable (Node's old-style constructors) through a
 * Proxy. Constructing through the Proxy must still give every instance of a
 * class the same hidden class (V8 "map"): with the Proxy as new.target, V8
 * derived a fresh map per object, making `new net.Socket()` ~30× slower than
 * Node's. Checked with V8's own %HaveSameMap in a child process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

test('instances built through a callable export share one hidden class', () => {
  const script = `
    const net = require(${JSON.stringify(join(ROOT, 'src', 'net', 'index.ts'))});
    const http = require(${JSON.stringify(join(ROOT, 'src', 'http', 'index.ts'))});
    class Sub extends net.Socket {}
    const pairs = {
      'new net.Socket()': [new net.Socket(), new net.Socket()],
      'net.Socket()': [net.Socket(), net.Socket()],
      'new Sub()': [new Sub(), new Sub()],
      'new http.OutgoingMessage()': [new http.OutgoingMessage(), new http.OutgoingMessage()],
      'new http.Agent()': [new http.Agent(), new http.Agent()],
    };
    const out = {};
    for (const [name, [a, b]] of Object.entries(pairs)) out[name] = %HaveSameMap(a, b);
    out.instanceof = new Sub() instanceof net.Socket && net.Socket() instanceof net.Socket;
    out.constructor = new net.Socket().constructor.name === 'Socket';
    process.stdout.write(JSON.stringify(out));
  `;
  const out = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '-e', script],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const result = JSON.parse(out) as Record<string, boolean>;
  assert.deepEqual(result, {
    'new net.Socket()': true,
    'net.Socket()': true,
    'new Sub()': true,
    'new http.OutgoingMessage()': true,
    'new http.Agent()': true,
    instanceof: true,
    constructor: true,
  });
});
