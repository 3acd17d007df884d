/**
 * The head assembler reuses the last head only when every line is the same:
 * any sequence of heads, built from a few recurring lines (as a server's
 * are), comes out exactly as its lines joined.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addHeadLines, beginHead, endHead } from '../../src/http/head-assembly.js';

function assemble(lines: readonly string[]): string {
  beginHead(lines[0]!);
  for (let i = 1; i < lines.length; i++) addHeadLines(lines[i]!);
  return endHead();
}

describe('head assembly', () => {
  it('every head is its lines joined, then CRLF, whatever came before', () => {
    // Few distinct lines, so consecutive heads often share all or most of them.
    const line = fc.constantFrom(
      'HTTP/1.1 200 OK\r\n',
      'HTTP/1.1 404 Not Found\r\n',
      'Content-Length: 14\r\n',
      'Content-Length: 15\r\n',
      'Connection: keep-alive\r\n',
      '',
    );
    const head = fc.array(line, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(head, { minLength: 1, maxLength: 8 }), (heads) => {
        for (const lines of heads) assert.equal(assemble(lines), `${lines.join('')}\r\n`);
      }),
      { numRuns: 2000 },
    );
  });

  it('lines equal in value but built anew give the same head', () => {
    const length = (n: number) => `Content-Length: ${n}\r\n`;
    const first = assemble(['HTTP/1.1 200 OK\r\n', length(14)]);
    assert.equal(assemble(['HTTP/1.1 200 OK\r\n', length(14)]), first);
    assert.equal(assemble(['HTTP/1.1 200 OK\r\n', length(15)]), first.replace('14', '15'));
  });
});
