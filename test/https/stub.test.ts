import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as https from '../../src/https/index.js';

it('https says clearly that it is not implemented yet', () => {
  for (const call of [() => https.createServer(), () => https.request(), () => https.get()]) {
    assert.throws(call, { code: 'ERR_NOT_IMPLEMENTED', message: /not implemented yet/ });
  }
  assert.throws(() => new https.Agent(), { code: 'ERR_NOT_IMPLEMENTED' });
});
