import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { codedError, systemError } from '../../src/errors/index.js';

/** Node's own error for the same call, to compare shapes against. */
function nodeArgTypeError(): Error {
  try {
    Buffer.from(5 as unknown as string);
  } catch (err) {
    return err as Error;
  }
  throw new Error('Buffer.from(5) did not throw');
}

test('a coded error inspects as Node’s: only code among own enumerable keys', () => {
  const ours = codedError('ERR_INVALID_ARG_TYPE', 'first argument', 'string', 5);
  const node = nodeArgTypeError();
  assert.deepEqual(Object.keys(ours), Object.keys(node));
  const shown = inspect(ours);
  assert.doesNotMatch(shown, /toString/);
  assert.match(shown, /^TypeError \[ERR_INVALID_ARG_TYPE\]: /);
  assert.match(shown, /code: 'ERR_INVALID_ARG_TYPE'/);
  assert.equal(String(ours), `TypeError [ERR_INVALID_ARG_TYPE]: ${ours.message}`);
  assert.equal(ours.name, 'TypeError');
});

test('a system error lists errno, code, syscall, address, port in Node’s order', () => {
  const err = systemError('ECONNREFUSED', 'connect', '127.0.0.1', 1);
  assert.deepEqual(Object.keys(err), ['errno', 'code', 'syscall', 'address', 'port']);
  assert.doesNotMatch(inspect(err), /toString/);
});
