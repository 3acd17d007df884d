/**
 * HttpParser strictness: malformed and ambiguous messages (request smuggling
 * vectors, RFC 9112 §6.3 and §11) are rejected with Node's `HPE_*` codes, the
 * same way whatever the input's split; `lenient` accepts what Node's
 * insecureHTTPParser accepts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertSameOutcome,
  bytes,
  type ParserEvent,
  type RunOptions,
  run,
  splits,
} from './parser-helpers.js';
import { type Bad, SMUGGLING_CORPUS } from './smuggling-corpus.js';

const corpus = SMUGGLING_CORPUS;
const GET = 'GET / HTTP/1.1\r\n';
const POST = 'POST / HTTP/1.1\r\nHost: a\r\n';

function offsetOf(c: Bad): number | undefined {
  if (c.at === undefined) return undefined;
  if (typeof c.at === 'number') return c.at;
  const i = c.input.indexOf(c.at);
  assert.ok(i >= 0, `marker ${JSON.stringify(c.at)} not in input`);
  return i;
}

function checkSplits(c: Bad, options: RunOptions): ParserEvent[] {
  const input = bytes(c.input);
  const whole = run(c.kind ?? 'request', [input], options);
  // Long inputs: every split would be slow; sample them.
  const step = input.length > 2000 ? 97 : 1;
  let i = 0;
  for (const { label, pieces } of splits(input)) {
    if (i++ % step !== 0 && label !== 'byte by byte') continue;
    assertSameOutcome(run(c.kind ?? 'request', pieces, options), whole, label);
  }
  return whole;
}

describe('HttpParser: strict by default', () => {
  for (const c of corpus) {
    it(`${c.name} → ${c.code}`, () => {
      const events = checkSplits(c, { ...c.options, lenient: false });
      const last = events[events.length - 1];
      assert.ok(last?.type === 'error', `expected ${c.code}, got ${JSON.stringify(events)}`);
      assert.equal(last.code, c.code, last.reason);
      const at = offsetOf(c);
      if (at !== undefined) assert.equal(last.at, at, 'where it stopped (bytesParsed)');
      // Nothing of a rejected message may reach the handlers (but its predecessors do).
      for (const e of events) assert.notEqual(e.type, 'rest');
    });
  }
});

describe('HttpParser: lenient (insecureHTTPParser)', () => {
  for (const c of corpus) {
    const expected = c.lenient ?? c.code;
    const label = Array.isArray(expected) ? 'accepted' : expected;
    it(`${c.name} → ${label}`, () => {
      const events = checkSplits(c, { ...c.options, lenient: true });
      const last = events[events.length - 1];
      if (Array.isArray(expected)) {
        assert.deepEqual(events, expected);
      } else if (expected === 'accept') {
        assert.equal(events[0]?.type, 'headers');
        for (const e of events) assert.notEqual(e.type, 'error', JSON.stringify(e));
      } else {
        assert.ok(last?.type === 'error', `expected ${expected}, got ${JSON.stringify(events)}`);
        assert.equal(last.code, expected, last.reason);
      }
    });
  }
});

describe('HttpParser: requireHost', () => {
  const served = (input: string, options: RunOptions) => {
    const events = run('request', [bytes(input)], options);
    for (const e of events) assert.notEqual(e.type, 'error', JSON.stringify(e));
    return events.filter((e) => e.type === 'headers').length;
  };

  it('one Host line, in any case, is served', () => {
    assert.equal(served(`${GET}hOsT: a\r\n\r\n`, { requireHost: true }), 1);
  });

  it('HTTP/1.0 without Host is served; a Host in the trailers does not count', () => {
    assert.equal(served('GET / HTTP/1.0\r\n\r\n', { requireHost: true }), 1);
    const trailer = `${POST}Transfer-Encoding: chunked\r\n\r\n0\r\nHost: b\r\n\r\n`;
    assert.equal(served(trailer, { requireHost: true }), 1);
  });

  it('upgrade and CONNECT requests are left to the handler, with hostCount', () => {
    const upgrade = `${GET}Upgrade: x\r\nConnection: upgrade\r\n\r\n`;
    const connect = 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nHost: b:443\r\n\r\n';
    for (const [input, count] of [
      [upgrade, 0],
      [connect, 2],
    ] as const) {
      const [first] = run('request', [bytes(input)], { requireHost: true });
      assert.ok(first?.type === 'headers', JSON.stringify(first));
      assert.equal(first.info.hostCount, count);
    }
  });

  it('off (the default), no Host and two Hosts are served; responses are never checked', () => {
    assert.equal(served(`${GET}\r\n${GET}Host: a\r\nHost: b\r\n\r\n`, {}), 2);
    const events = run('response', [bytes('HTTP/1.1 204 No Content\r\n\r\n')], {
      requireHost: true,
    });
    assert.equal(events[0]?.type, 'headers');
  });
});
