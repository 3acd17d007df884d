import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latin1, latin1With } from '../../src/util/latin1.js';

const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const expected = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

for (const [name, decode] of [
  ["with Node's latin1Slice", latin1],
  ['without it (other runtimes)', latin1With(undefined)],
] as const) {
  test(`latin1 ${name}: one char per byte, every byte value, any range`, () => {
    assert.equal(decode(bytes, 0, 256), expected);
    assert.equal(decode(bytes, 10, 20), expected.slice(10, 20));
    assert.equal(decode(bytes.subarray(100), 5, 6), expected[105]);
    assert.equal(decode(new Uint8Array(bytes), 250, 256), expected.slice(250));
    assert.equal(decode(bytes, 7, 7), '');
  });
}
