/**
 * The project's request-smuggling corpus: malformed and ambiguous messages
 * (RFC 9112 §6.3, §11; the CL.TE / TE.CL / TE.TE families, bare CR and LF,
 * obs-fold, bad chunk framing, size limits), each with the outcome the
 * parser must reach strictly and leniently. Shared by the parser's own
 * strictness tests and the differential test against Node's parser.
 */
import type { ParserEvent, RunOptions } from './parser-helpers.js';
import { body, complete, request, response } from './parser-helpers.js';

export interface Bad {
  name: string;
  kind?: 'request' | 'response';
  input: string;
  /** Strict outcome: this error code... */
  code: string;
  /** ...at this `bytesParsed`: a number, or the first offset of a substring of `input`. */
  at?: number | string;
  options?: RunOptions;
  /**
   * Lenient outcome: `'accept'` (headers reported, no error), an error code,
   * or the exact events. Omitted: lenient rejects with the same code.
   */
  lenient?: 'accept' | string | ParserEvent[];
}

const POST = 'POST / HTTP/1.1\r\nHost: a\r\n';
const GET = 'GET / HTTP/1.1\r\n';
const CHUNKED_HEAD = `${POST}Transfer-Encoding: chunked\r\n\r\n`;

export const SMUGGLING_CORPUS: Bad[] = [
  // ------------------------------------------------- CL.TE / TE.CL / TE.TE
  {
    name: 'CL.TE: Content-Length then Transfer-Encoding',
    input: `${POST}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    at: ' chunked',
    lenient: [
      request({
        method: 'POST',
        rawHeaders: ['Host', 'a', 'Content-Length', '6', 'Transfer-Encoding', 'chunked'],
        chunked: true,
        shouldKeepAlive: false,
      }),
      complete(),
    ],
  },
  {
    name: 'TE.CL: Transfer-Encoding then Content-Length',
    input: `${POST}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
    at: ' 3\r\n',
    lenient: [
      request({
        method: 'POST',
        rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'chunked', 'Content-Length', '3'],
        chunked: true,
        shouldKeepAlive: false,
      }),
      body('SMUGGLED'),
      complete(),
    ],
  },
  {
    name: 'TE.TE: xchunked is not chunked, so a request cannot be framed',
    input: `${POST}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    at: `${POST}Transfer-Encoding: xchunked\r\n\r\n`.length,
    lenient: [
      request({
        method: 'POST',
        rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'xchunked'],
        shouldKeepAlive: false,
      }),
      body('0\r\n\r\n'),
    ],
  },
  {
    name: 'TE.TE: chunked, identity (chunked not final)',
    input: `${POST}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: [
      request({
        method: 'POST',
        rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'chunked, identity'],
        shouldKeepAlive: false,
      }),
      body('0\r\n\r\n'),
    ],
  },
  {
    name: 'TE.TE: chunked on one line, another coding on the next',
    input: `${POST}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: 'accept', // read until close
  },
  {
    name: 'TE.TE: chunked applied twice (two lines)',
    input: `${POST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: 'accept',
    at: `${POST}Transfer-Encoding: chunked\r\nTransfer-Encoding: c`.length,
  },
  {
    name: 'TE.TE: chunked, chunked',
    input: `${POST}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: 'accept',
    at: `${POST}Transfer-Encoding: chunked, `.length - 1,
  },
  {
    name: 'TE.TE: chunked with a parameter',
    input: `${POST}Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: 'accept', // read until close
    at: `${POST}Transfer-Encoding: chunked;q=1\r\n\r\n`.length,
  },
  {
    name: 'TE.TE: quoted "chunked"',
    input: `${POST}Transfer-Encoding: "chunked"\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: 'accept', // read until close
  },
  {
    name: 'TE.TE: empty Transfer-Encoding in a request',
    input: `${POST}Transfer-Encoding:\r\n\r\n`,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    lenient: 'accept', // read until close
  },
  {
    name: 'TE.TE: vertical tab before chunked',
    input: `${POST}Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '\x0b',
    lenient: 'accept', // read until close
  },
  {
    name: 'TE.TE: NUL after chunked',
    input: `${POST}Transfer-Encoding: chunked\x00\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '\x00',
    lenient: 'accept', // read until close
  },
  {
    name: 'TE.TE: space before the colon',
    input: `${POST}Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: ': chunked',
    lenient: [
      request({
        method: 'POST',
        rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'chunked', 'Content-Length', '5'],
        chunked: true,
        shouldKeepAlive: false,
      }),
      complete(),
    ],
  },
  {
    name: 'TE.TE: Transfer-Encoding folded onto a continuation line',
    input: `${POST}Transfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: 'chunked',
  },
  {
    name: 'TE.TE: whitespace line right after the request line',
    input: `POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc`,
    code: 'HPE_UNEXPECTED_SPACE',
    at: 'Transfer',
    lenient: [
      request({ method: 'POST', rawHeaders: ['Content-Length', '3'], contentLength: 3 }),
      body('abc'),
      complete(),
    ],
  },
  // ---------------------------------------------------------- Content-Length
  {
    name: 'two Content-Length lines with different values',
    input: `${POST}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
    code: 'HPE_UNEXPECTED_CONTENT_LENGTH',
    at: '2\r\n',
  },
  {
    name: 'Content-Length list with different values',
    input: `${POST}Content-Length: 1, 2\r\n\r\nab`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
    at: ', 2',
  },
  {
    name: 'Content-Length with +',
    input: `${POST}Content-Length: +5\r\n\r\nhello`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
    at: '+5',
  },
  {
    name: 'Content-Length with -',
    input: `${POST}Content-Length: -5\r\n\r\n`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  {
    name: 'Content-Length in hex',
    input: `${POST}Content-Length: 0x5\r\n\r\nhello`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  {
    name: 'Content-Length with inner space',
    input: `${POST}Content-Length: 4 2\r\n\r\n`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  {
    name: 'Content-Length empty',
    input: `${POST}Content-Length:\r\n\r\n`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  {
    name: 'Content-Length trailing comma',
    input: `${POST}Content-Length: 1,\r\n\r\nx`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  {
    name: 'Content-Length of 2^53',
    input: `${POST}Content-Length: 9007199254740992\r\n\r\n`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  {
    name: 'Content-Length with 22 digits',
    input: `${POST}Content-Length: 1000000000000000000000\r\n\r\n`,
    code: 'HPE_INVALID_CONTENT_LENGTH',
  },
  // ------------------------------------------------------------ field lines
  {
    name: 'NUL in a field value',
    input: `${GET}X-A: a\x00b\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '\x00',
    lenient: [request({ rawHeaders: ['X-A', 'a\x00b'] }), complete()],
  },
  {
    name: 'DEL in a field value',
    input: `${GET}X-A: a\x7fb\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    lenient: 'accept',
  },
  {
    name: 'ESC in a field value',
    input: `${GET}X-A: \x1b[31m\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    lenient: 'accept',
  },
  {
    name: 'bare CR inside a field value',
    input: `${GET}Foo: 1\rBar: 2\r\n\r\n`,
    code: 'HPE_LF_EXPECTED',
    at: 'Bar',
  },
  {
    name: 'bare LF ending a field line',
    input: `${GET}Host: a\nX: b\r\n\r\n`,
    code: 'HPE_CR_EXPECTED',
    at: '\nX',
    lenient: [request({ rawHeaders: ['Host', 'a', 'X', 'b'] }), complete()],
  },
  {
    name: 'bare LF ending the request line',
    input: 'GET / HTTP/1.1\nHost: a\r\n\r\n',
    code: 'HPE_INVALID_VERSION',
    at: 15,
    lenient: 'accept',
  },
  {
    name: 'bare LF everywhere',
    input: 'POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n1\nA\n0\n\n',
    code: 'HPE_INVALID_VERSION',
    lenient: [
      request({ method: 'POST', rawHeaders: ['Transfer-Encoding', 'chunked'], chunked: true }),
      body('A'),
      complete(),
    ],
  },
  {
    name: 'missing CR between fields hides a Content-Length',
    input: `${GET}Host: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    code: 'HPE_CR_EXPECTED',
    at: '\nContent',
    lenient: 'accept', // which is why insecureHTTPParser is insecure
  },
  {
    name: 'CR then junk instead of the empty line',
    input: `${GET}Connection: close\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n\r\n`,
    code: 'HPE_STRICT',
    lenient: 'HPE_INVALID_METHOD',
    at: 'ZGET',
  },
  {
    name: 'bare LF ending the header section',
    input: `${GET}Host: a\r\n\nGET /evil HTTP/1.1\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: `${GET}Host: a\r\n\n`.length,
    lenient: 'accept',
  },
  {
    name: 'empty field name',
    input: `${GET}: x\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: ': x',
  },
  {
    name: '@ in a field name',
    input: `${GET}Fo@: x\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '@',
  },
  {
    name: 'CTL in a field name',
    input: `${GET}Foo\x01: x\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '\x01',
  },
  {
    name: 'space inside a field name',
    input: `${GET}Fo o: x\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: ' o:',
  },
  {
    name: 'field line without a colon',
    input: `${GET}Foo\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
  },
  {
    name: 'space before a colon',
    input: `${GET}Host : a\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    lenient: [request({ rawHeaders: ['Host', 'a'] }), complete()],
  },
  {
    name: 'obs-fold continuation line',
    input: `${GET}X-A: one\r\n  two \r\n\tthree\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '  two',
    lenient: [request({ rawHeaders: ['X-A', 'one two three'] }), complete()],
  },
  {
    name: 'obs-fold in Connection (lenient: the folded tokens count)',
    input: `${GET}Connection: keep-alive\r\n close\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
    lenient: [
      request({ rawHeaders: ['Connection', 'keep-alive close'], shouldKeepAlive: false }),
      complete(),
    ],
  },
  {
    name: 'obs-fold in Content-Length is rejected even leniently',
    input: `${POST}Content-Length: 1\r\n 0\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
  },
  // ------------------------------------------------------------ request line
  { name: 'method with (', input: 'G(ET / HTTP/1.1\r\n\r\n', code: 'HPE_INVALID_METHOD', at: 1 },
  {
    name: 'space before the method',
    input: ' GET / HTTP/1.1\r\n\r\n',
    code: 'HPE_INVALID_METHOD',
    at: 0,
  },
  {
    name: 'tab after the method',
    input: 'GET\t/ HTTP/1.1\r\n\r\n',
    code: 'HPE_INVALID_METHOD',
    at: 3,
  },
  { name: 'non-ASCII method', input: 'G\xc9T / HTTP/1.1\r\n\r\n', code: 'HPE_INVALID_METHOD' },
  {
    name: 'two spaces after the method',
    input: 'GET  / HTTP/1.1\r\n\r\n',
    code: 'HPE_INVALID_URL',
    at: 4,
  },
  {
    name: 'CTL in the target',
    input: 'GET /a\x01b HTTP/1.1\r\n\r\n',
    code: 'HPE_INVALID_URL',
    at: 6,
  },
  { name: 'DEL in the target', input: 'GET /a\x7f HTTP/1.1\r\n\r\n', code: 'HPE_INVALID_URL' },
  { name: 'tab in the target', input: 'GET /a\tb HTTP/1.1\r\n\r\n', code: 'HPE_INVALID_URL' },
  { name: 'missing version', input: 'GET /\r\nHost: a\r\n\r\n', code: 'HPE_INVALID_VERSION' },
  {
    name: 'space in the target',
    input: 'GET /a b HTTP/1.1\r\n\r\n',
    code: 'HPE_INVALID_CONSTANT',
    at: 7,
  },
  {
    name: 'HTTP/1.2',
    input: 'GET / HTTP/1.2\r\n\r\n',
    code: 'HPE_INVALID_VERSION',
    at: 14,
    lenient: 'accept',
  },
  {
    name: 'HTTP/2.0',
    input: 'GET / HTTP/2.0\r\n\r\n',
    code: 'HPE_INVALID_VERSION',
    lenient: 'accept',
  },
  {
    name: 'HTTP/0.9',
    input: 'GET / HTTP/0.9\r\n\r\n',
    code: 'HPE_INVALID_VERSION',
    lenient: 'accept',
  },
  { name: 'HTTP/1.10', input: 'GET / HTTP/1.10\r\n\r\n', code: 'HPE_INVALID_VERSION', at: 14 },
  { name: 'HTTP/11', input: 'GET / HTTP/11\r\n\r\n', code: 'HPE_INVALID_VERSION' },
  { name: 'HTTPS/1.1', input: 'GET / HTTPS/1.1\r\n\r\n', code: 'HPE_INVALID_CONSTANT', at: 10 },
  {
    name: 'lower-case http/1.1',
    input: 'GET / http/1.1\r\n\r\n',
    code: 'HPE_INVALID_CONSTANT',
    at: 6,
  },
  {
    name: 'space after the version',
    input: 'GET / HTTP/1.1 \r\n\r\n',
    code: 'HPE_INVALID_VERSION',
    at: 14,
  },
  // ----------------------------------------------------------------- chunked
  {
    name: 'chunk-size not hex',
    input: `${CHUNKED_HEAD}zz\r\n`,
    code: 'HPE_INVALID_CHUNK_SIZE',
    at: 'zz',
  },
  { name: 'negative chunk-size', input: `${CHUNKED_HEAD}-1\r\n`, code: 'HPE_INVALID_CHUNK_SIZE' },
  {
    name: '0x chunk-size',
    input: `${CHUNKED_HEAD}0x5\r\nhello\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_CHUNK_SIZE',
    at: 'x5',
  },
  { name: 'empty chunk-size', input: `${CHUNKED_HEAD}\r\n`, code: 'HPE_INVALID_CHUNK_SIZE' },
  {
    name: 'chunk-size overflow',
    input: `${CHUNKED_HEAD}fffffffffffffffff\r\n`,
    code: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'chunk-size 2^53 - 1 parses (and then the data is short)',
    input: `${CHUNKED_HEAD}1fffffffffffff\r\nabc`,
    code: 'HPE_INVALID_EOF_STATE',
    options: { finish: true },
  },
  {
    name: 'spaces after the chunk-size',
    input: `${CHUNKED_HEAD}5  \r\nhello\r\n0\r\n\r\n`,
    code: 'HPE_INVALID_CHUNK_SIZE',
    lenient: 'accept',
  },
  {
    name: 'bare LF after the chunk-size',
    input: `${CHUNKED_HEAD}5\nhello\r\n0\r\n\r\n`,
    code: 'HPE_CR_EXPECTED',
    lenient: 'accept',
  },
  {
    name: 'CR without LF after the chunk-size',
    input: `${CHUNKED_HEAD}5\rhello\r\n0\r\n\r\n`,
    code: 'HPE_STRICT',
    lenient: 'accept',
    at: 'hello',
  },
  {
    name: 'chunk data longer than its size',
    input: `${CHUNKED_HEAD}5\r\nhelloX\r\n0\r\n\r\n`,
    code: 'HPE_STRICT',
    at: 'X',
    lenient: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'no CRLF after chunk data',
    input: `${CHUNKED_HEAD}5\r\nhello0\r\n\r\n`,
    code: 'HPE_STRICT',
    lenient: [
      request({
        method: 'POST',
        rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'chunked'],
        chunked: true,
      }),
      body('hello'),
      complete(),
    ],
  },
  {
    name: 'bare LF after chunk data',
    input: `${CHUNKED_HEAD}5\r\nhello\n0\r\n\r\n`,
    code: 'HPE_CR_EXPECTED',
    lenient: 'accept',
  },
  {
    name: 'CR then junk after chunk data',
    input: `${CHUNKED_HEAD}5\r\nhello\rX0\r\n\r\n`,
    code: 'HPE_STRICT',
    at: 'X0',
    lenient: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'chunk extension: nothing after ;',
    input: `${CHUNKED_HEAD}5;\r\nhello\r\n`,
    code: 'HPE_STRICT',
  },
  {
    name: 'chunk extension: two names',
    input: `${CHUNKED_HEAD}5;a b\r\nhello\r\n`,
    code: 'HPE_STRICT',
  },
  {
    name: 'chunk extension: unterminated quote',
    input: `${CHUNKED_HEAD}5;a="b\r\nhello\r\n0\r\n\r\n`,
    code: 'HPE_STRICT',
  },
  {
    name: 'chunk extension: CTL in a quoted value',
    input: `${CHUNKED_HEAD}5;a="\x01"\r\nhello\r\n`,
    code: 'HPE_STRICT',
  },
  {
    name: 'chunk-size then junk',
    input: `${CHUNKED_HEAD}2 erfrferferf\r\naa\r\n`,
    code: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'chunk extensions above 16 KiB',
    input: `${CHUNKED_HEAD}5;a=${'b'.repeat(17000)}\r\nhello\r\n`,
    code: 'HPE_CHUNK_EXTENSIONS_OVERFLOW',
    at: `${CHUNKED_HEAD}5;a=${'b'.repeat(17000)}\r`.length,
  },
  {
    name: 'invalid trailer field',
    input: `${CHUNKED_HEAD}0\r\nBad Trailer: x\r\n\r\n`,
    code: 'HPE_INVALID_HEADER_TOKEN',
  },
  // ------------------------------------------------------------ size limits
  {
    name: 'header section above maxHeaderSize',
    input: `${GET}X-Long: ${'a'.repeat(100)}\r\n\r\n`,
    options: { maxHeaderSize: 64 },
    code: 'HPE_HEADER_OVERFLOW',
    at: `${GET}X-Long: ${'a'.repeat(100)}\r`.length,
  },
  {
    name: 'endless field name, no LF ever',
    input: `${GET}${'a'.repeat(300)}`,
    options: { maxHeaderSize: 128 },
    code: 'HPE_HEADER_OVERFLOW',
    at: `${GET}${'a'.repeat(300)}`.length,
  },
  {
    name: 'a bad byte within the limit wins over the overflow, even without its LF',
    input: `${GET}X: a\x01${'b'.repeat(300)}`,
    options: { maxHeaderSize: 128 },
    code: 'HPE_INVALID_HEADER_TOKEN',
    at: '\x01',
    lenient: 'HPE_HEADER_OVERFLOW',
  },
  {
    name: 'a bad byte beyond the limit is an overflow',
    input: `${GET}X: ${'b'.repeat(300)}\x01\r\n\r\n`,
    options: { maxHeaderSize: 128 },
    code: 'HPE_HEADER_OVERFLOW',
  },
  {
    name: 'trailer section above maxHeaderSize',
    input: `POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ${'t'.repeat(200)}\r\n\r\n`,
    options: { maxHeaderSize: 100 },
    code: 'HPE_HEADER_OVERFLOW',
  },
  // --------------------------------------------------------- connection end
  {
    name: 'a request after Connection: close',
    input: `${GET}Connection: close\r\n\r\nGET /evil HTTP/1.1\r\n\r\n`,
    code: 'HPE_CLOSED_CONNECTION',
    at: `${GET}Connection: close\r\n\r\nG`.length,
    lenient: [
      request({ rawHeaders: ['Connection', 'close'], shouldKeepAlive: false }),
      complete(),
      request({ url: '/evil' }),
      complete(),
    ],
  },
  {
    name: 'a request after an HTTP/1.0 request',
    input: 'GET / HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n',
    code: 'HPE_CLOSED_CONNECTION',
    lenient: 'accept',
  },
  {
    name: 'truncated body at EOF',
    input: `${POST}Content-Length: 10\r\n\r\nabc`,
    options: { finish: true },
    code: 'HPE_INVALID_EOF_STATE',
    at: `${POST}Content-Length: 10\r\n\r\nabc`.length,
  },
  {
    name: 'truncated header section at EOF',
    input: `${GET}Host: a\r\n`,
    options: { finish: true },
    code: 'HPE_INVALID_EOF_STATE',
  },
  {
    name: 'truncated chunked body at EOF',
    input: `${CHUNKED_HEAD}5\r\nhel`,
    options: { finish: true },
    code: 'HPE_INVALID_EOF_STATE',
  },
  // --------------------------------------------------------------- responses
  {
    kind: 'response',
    name: 'two-digit status',
    input: 'HTTP/1.1 20 OK\r\n\r\n',
    code: 'HPE_INVALID_STATUS',
    at: 11,
  },
  {
    kind: 'response',
    name: 'four-digit status',
    input: 'HTTP/1.1 2000 OK\r\n\r\n',
    code: 'HPE_INVALID_STATUS',
    at: 12,
  },
  {
    kind: 'response',
    name: 'status not digits',
    input: 'HTTP/1.1 abc OK\r\n\r\n',
    code: 'HPE_INVALID_STATUS',
  },
  {
    kind: 'response',
    name: 'status 099',
    input: 'HTTP/1.1 099 OK\r\n\r\n',
    code: 'HPE_INVALID_STATUS',
  },
  {
    kind: 'response',
    name: 'two spaces before the status',
    input: 'HTTP/1.1  200 OK\r\n\r\n',
    code: 'HPE_INVALID_STATUS',
  },
  {
    kind: 'response',
    name: 'tab after the version',
    input: 'HTTP/1.1\t200 OK\r\n\r\n',
    code: 'HPE_INVALID_VERSION',
    at: 8,
  },
  {
    kind: 'response',
    name: 'not HTTP/',
    input: 'HTTX/1.1 200 OK\r\n\r\n',
    code: 'HPE_INVALID_CONSTANT',
    at: 3,
  },
  {
    kind: 'response',
    name: 'ICE/1.0',
    input: 'ICE/1.0 200 OK\r\n\r\n',
    code: 'HPE_INVALID_CONSTANT',
    at: 3,
  },
  {
    kind: 'response',
    name: 'CTL in the reason',
    input: 'HTTP/1.1 200 O\x01K\r\n\r\n',
    code: 'HPE_INVALID_STATUS',
  },
  {
    kind: 'response',
    name: 'bare LF after the status line',
    input: 'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n',
    code: 'HPE_CR_EXPECTED',
    lenient: 'accept',
  },
  {
    kind: 'response',
    name: 'response with Transfer-Encoding and Content-Length',
    input:
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
    code: 'HPE_INVALID_TRANSFER_ENCODING',
    at: ' chunked',
    lenient: [
      response({
        rawHeaders: ['Content-Length', '5', 'Transfer-Encoding', 'chunked'],
        chunked: true,
        shouldKeepAlive: false,
      }),
      body('ab'),
      complete(),
    ],
  },
  // ------------------------------------------------- Host (RFC 9112 §3.2)
  {
    name: 'HTTP/1.1 request without Host (requireHostHeader)',
    input: `${GET}Accept: */*\r\n\r\n`,
    options: { requireHost: true },
    code: 'HPE_STRICT',
    at: 'Accept: */*\r\n\r\n'.length + GET.length,
  },
  {
    name: 'HTTP/1.1 request with two Host lines (requireHostHeader)',
    input: `${GET}host: a\r\nHOST: b\r\n\r\n`,
    options: { requireHost: true },
    code: 'HPE_STRICT',
    at: `${GET}host: a\r\nHOST: b\r\n\r\n`.length,
  },
  {
    name: 'pipelined: a good request, then one with two Host lines (requireHostHeader)',
    input: `${GET}Host: a\r\n\r\n${GET}Host: a\r\nHost: a\r\n\r\n`,
    options: { requireHost: true },
    code: 'HPE_STRICT',
  },
  {
    kind: 'response',
    name: 'response with two different Content-Lengths',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    code: 'HPE_UNEXPECTED_CONTENT_LENGTH',
  },
  {
    kind: 'response',
    name: 'data after a Connection: close response',
    input:
      'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n',
    options: { finish: true },
    code: 'HPE_CLOSED_CONNECTION',
    lenient: 'accept',
  },
  {
    kind: 'response',
    name: 'truncated response at EOF',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel',
    options: { finish: true },
    code: 'HPE_INVALID_EOF_STATE',
  },
];
