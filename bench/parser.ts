/**
 * Micro-benchmark of the HTTP/1.1 request parser: wirestack's `HttpParser`
 * against Node's own llhttp binding (`process.binding('http_parser')`, driven
 * as lib/_http_common.js drives it), in the same process, on the same bytes.
 *
 * The input is a realistic mix: browser-like GETs with 8-12 header fields,
 * and POSTs with small JSON bodies (Content-Length and chunked). Two ways of
 * feeding it:
 * - `per-read`: each request is its own Buffer, as when every request of a
 *   keep-alive connection arrives in its own TCP read;
 * - `pipelined`: the whole mix concatenated and cut into 16 KiB reads, so
 *   requests also straddle reads.
 *
 * Both parsers report the same things to handlers that do the same trivial
 * work (count requests and body bytes). Bounded to a few seconds in total.
 *
 * Run: node --import tsx bench/parser.ts   → bench/results/parser.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpParser } from '../src/http/parser.js';
import { type HeadersInfo, HeadersResult } from '../src/http/parser-types.js';
import { gatherHeaders, type LlhttpBinding, loadLlhttp } from './llhttp-binding.js';

/** Seconds of measurement per contender and scenario (split into `ROUNDS` rounds). */
const SECONDS_PER_RUN = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = 8;

// ------------------------------------------------------------------ the mix

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
];
const PATHS = [
  '/',
  '/index.html',
  '/static/css/main.4f2a9c.css',
  '/static/js/app.81bd0e.js',
  '/api/v1/users/42?fields=name,email',
  '/images/logo@2x.png',
  '/favicon.ico',
  '/search?q=http+parser&page=2',
  '/fonts/inter-var.woff2',
  '/api/v1/feed?since=1719400000',
];

function browserGet(i: number): string {
  const path = PATHS[i % PATHS.length]!;
  const accept = path.endsWith('.css')
    ? 'text/css,*/*;q=0.1'
    : path.endsWith('.js')
      ? '*/*'
      : path.startsWith('/api')
        ? 'application/json'
        : 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
  let s =
    `GET ${path} HTTP/1.1\r\n` +
    'Host: www.example.com\r\n' +
    `User-Agent: ${UAS[i % UAS.length]}\r\n` +
    `Accept: ${accept}\r\n` +
    'Accept-Language: en-US,en;q=0.9\r\n' +
    'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
    'Connection: keep-alive\r\n' +
    `Referer: https://www.example.com${PATHS[(i + 1) % PATHS.length]}\r\n` +
    `Cookie: session=${'a1b2c3d4'.repeat(4)}; theme=dark; _ga=GA1.2.${1000 + i}.1719400000\r\n`;
  if (i % 2 === 0)
    s += 'Sec-Fetch-Dest: document\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Site: same-origin\r\n';
  if (i % 3 === 0) s += `If-None-Match: "${(0x5eed + i).toString(16)}-abc"\r\n`;
  return `${s}\r\n`;
}

function jsonPost(i: number, chunked: boolean): string {
  const body = JSON.stringify({
    id: i,
    name: `user-${i}`,
    tags: ['a', 'b', 'c'].slice(0, 1 + (i % 3)),
    note: 'x'.repeat(40 + ((i * 37) % 200)),
  });
  const head =
    'POST /api/v1/events HTTP/1.1\r\n' +
    'Host: api.example.com\r\n' +
    `User-Agent: ${UAS[i % UAS.length]}\r\n` +
    'Accept: application/json\r\n' +
    'Content-Type: application/json\r\n' +
    'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl\r\n' +
    'Origin: https://www.example.com\r\n' +
    'Connection: keep-alive\r\n';
  if (!chunked) return `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const half = body.length >> 1;
  const a = body.slice(0, half);
  const b = body.slice(half);
  return (
    `${head}Transfer-Encoding: chunked\r\n\r\n` +
    `${a.length.toString(16)}\r\n${a}\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`
  );
}

const requests: Buffer[] = [];
for (let i = 0; i < 10; i++) requests.push(Buffer.from(browserGet(i), 'latin1'));
for (let i = 0; i < 4; i++) requests.push(Buffer.from(jsonPost(i, i === 3), 'latin1'));
const mixBytes = requests.reduce((n, r) => n + r.length, 0);

/** The mix repeated to ~256 KiB and cut into 16 KiB reads. */
function pipelinedReads(): Buffer[] {
  const reps = Math.ceil((256 * 1024) / mixBytes);
  const all = Buffer.concat(Array.from({ length: reps }, () => Buffer.concat(requests)));
  const reads: Buffer[] = [];
  for (let i = 0; i < all.length; i += 16384) reads.push(all.subarray(i, i + 16384));
  return reads;
}

// ---------------------------------------------------------------- drivers

interface Counter {
  messages: number;
  bodyBytes: number;
  headerFields: number;
}

type Feed = (reads: readonly Buffer[]) => void;

function ours(counter: Counter): Feed {
  const parser = new HttpParser('request', {
    onHeadersComplete: (info: HeadersInfo) => {
      counter.headerFields += info.rawHeaders.length;
      return HeadersResult.Normal;
    },
    onBody: (chunk) => {
      counter.bodyBytes += chunk.length;
    },
    onMessageComplete: () => {
      counter.messages++;
    },
  });
  return (reads) => {
    for (let i = 0; i < reads.length; i++) parser.execute(reads[i]!);
    if (parser.error) throw parser.error;
  };
}

/** Node's parser, with callbacks shaped like lib/_http_common.js's. */
function llhttp(binding: LlhttpBinding, counter: Counter): Feed {
  const { HTTPParser, methods } = binding;
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
  const take = gatherHeaders(binding, parser);
  parser[HTTPParser.kOnHeadersComplete] = (
    _major: number,
    _minor: number,
    headers: string[] | undefined,
    method: number,
    url: string | undefined,
  ) => {
    const { raw, url: u } = take(headers, url);
    counter.headerFields += raw.length + (methods[method]!.length > 0 && u.length > 0 ? 0 : 1);
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
    counter.bodyBytes += chunk.length;
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    counter.messages++;
  };
  return (reads) => {
    for (let i = 0; i < reads.length; i++) {
      const r = parser.execute(reads[i]!);
      if (typeof r !== 'number') throw r;
    }
  };
}

// ---------------------------------------------------------------- measure

interface Result {
  mbPerSec: number;
  requestsPerSec: number;
  nsPerRequest: number;
}

/** Runs `feed` over `reads` for about `ms` milliseconds; returns bytes and messages per second. */
function timed(feed: Feed, reads: readonly Buffer[], counter: Counter, ms: number): Result {
  const bytes = reads.reduce((n, r) => n + r.length, 0);
  let rounds = 0;
  const m0 = counter.messages;
  const t0 = performance.now();
  const stop = t0 + ms;
  let now = t0;
  while (now < stop) {
    for (let k = 0; k < 8; k++) feed(reads);
    rounds += 8;
    now = performance.now();
  }
  const secs = (now - t0) / 1000;
  const messages = counter.messages - m0;
  return {
    mbPerSec: (bytes * rounds) / secs / 1e6,
    requestsPerSec: messages / secs,
    nsPerRequest: (secs * 1e9) / messages,
  };
}

/**
 * Measures the contenders in alternating short rounds and keeps each one's
 * best round, so that load from other processes on the machine (which comes
 * and goes) disturbs the comparison as little as possible.
 */
function measure(
  contenders: Record<string, { feed: Feed; counter: Counter }>,
  reads: readonly Buffer[],
): Record<string, Result> {
  const roundMs = (SECONDS_PER_RUN * 1000) / ROUNDS;
  for (const { feed, counter } of Object.values(contenders)) timed(feed, reads, counter, roundMs); // warm-up
  const best: Record<string, Result> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, { feed, counter }] of Object.entries(contenders)) {
      const res = timed(feed, reads, counter, roundMs);
      if (!best[name] || res.mbPerSec > best[name].mbPerSec) best[name] = res;
    }
  }
  return best;
}

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

function main(): void {
  const binding = loadLlhttp();
  const scenarios: Record<string, readonly Buffer[]> = {
    'per-read': requests,
    pipelined: pipelinedReads(),
  };
  const results: Record<string, Record<string, Result & { speedup?: number }>> = {};
  for (const [name, reads] of Object.entries(scenarios)) {
    const contenders: Record<string, { feed: Feed; counter: Counter }> = {};
    const c1: Counter = { messages: 0, bodyBytes: 0, headerFields: 0 };
    contenders.wirestack = { feed: ours(c1), counter: c1 };
    if (binding) {
      const c2: Counter = { messages: 0, bodyBytes: 0, headerFields: 0 };
      contenders.llhttp = { feed: llhttp(binding, c2), counter: c2 };
    }
    const row: Record<string, Result & { speedup?: number }> = measure(contenders, reads);
    if (row.llhttp) {
      row.wirestack!.speedup = round(row.wirestack!.mbPerSec / row.llhttp.mbPerSec, 2);
    }
    for (const r of Object.values(row)) {
      r.mbPerSec = round(r.mbPerSec);
      r.requestsPerSec = Math.round(r.requestsPerSec);
      r.nsPerRequest = Math.round(r.nsPerRequest);
    }
    results[name] = row;
    const line = Object.entries(row)
      .map(([who, r]) => `${who} ${r.mbPerSec} MB/s (${r.nsPerRequest} ns/req)`)
      .join('  vs  ');
    console.log(
      `${name.padEnd(10)} ${line}${row.wirestack.speedup ? `  → ${row.wirestack.speedup}x` : ''}`,
    );
  }
  if (!binding) console.log('llhttp: process.binding("http_parser") unavailable; skipped');
  const out = {
    benchmark: 'parser',
    title: 'http/1.1 request parser',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    mix: {
      requests: requests.length,
      bytes: mixBytes,
      description:
        '10 browser-like GETs (8-12 header fields), 3 JSON POSTs with Content-Length, 1 chunked JSON POST',
    },
    method: `best of ${ROUNDS} alternating rounds, ${SECONDS_PER_RUN} s per contender and scenario`,
    unit: { mbPerSec: '10^6 bytes of input per second', nsPerRequest: 'nanoseconds per request' },
    results,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'parser.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${join(dir, 'parser.json')}`);
}

main();
