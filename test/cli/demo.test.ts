/**
 * Runs the built `wirestack demo` as a child process, as a user would, and
 * reads its transcript. Needs `npm run build` first (`npm test` does it).
 */
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Outcome, ROOT, runCli } from './run-cli.js';

/** Ports the demo uses: base + 0..SPAN-1 (see `wirestack --help`). */
const SPAN = 5;

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, () => socket.close(() => resolve(true)));
  });
}

/**
 * A base whose SPAN ports are all free for both TCP and UDP right now, below
 * Linux's ephemeral range (32768 up) so that other tests' outgoing
 * connections do not take them in the meantime.
 */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let free = true;
    for (let port = base; port < base + SPAN && free; port++) {
      free = (await tcpFree(port)) && (await udpFree(port));
    }
    if (free) return base;
  }
  throw new Error('found no free range of ports for the demo');
}

function describeOutcome(o: Outcome): string {
  return `exit ${o.code ?? o.signal}\n--- stdout ---\n${o.stdout}\n--- stderr ---\n${o.stderr}`;
}

interface Section {
  heading: RegExp;
  /** Lines that must each appear (each matched by a different line). */
  lines: (string | RegExp)[];
  /** Text that must appear somewhere under the heading, however the lines break. */
  texts?: string[];
}

/** What each example must print. */
function expectedSections(base: number): Section[] {
  return [
    {
      heading: new RegExp(`^=== \\[1/7\\] net: .*${base}`),
      lines: [
        '你已向对方发起好友请求！',
        '已同意好友请求',
        '你是？',
        '请问需要贷款么？!',
        '你已被列入黑名单！',
        '你滚！',
      ],
    },
    {
      heading: new RegExp(`^=== \\[2/7\\] net: .*${base}`),
      // The client prints each chunk it reads: 欢迎 and 你好 may come as one.
      lines: ['server bound', '连接断开', 'client disconnected'],
      texts: ['欢迎', '你好'],
    },
    {
      heading: new RegExp(`^=== \\[3/7\\] dgram: .*${base + 1}.*${base + 2}`),
      lines: [
        `服务器监听 0.0.0.0:${base + 1}`,
        `服务器收到：Hello World 来自 127.0.0.1:${base + 2}`,
        `客户端接收来自127.0.0.1:${base + 1}`,
        '客户端关闭',
        '服务器关闭',
      ],
    },
    {
      heading: new RegExp(`^=== \\[4/7\\] dgram: .*${base + 3}`),
      lines: [
        `服务器监听 0.0.0.0:${base + 3}`,
        /^服务器收到：Some bytes 来自 127\.0\.0\.1:\d+$/,
        /^服务器收到：Some bytes 来自 127\.0\.0\.1:\d+$/,
      ],
    },
    {
      heading: new RegExp(`^=== \\[5/7\\] http: .*${base + 4}`),
      lines: [
        '服务器收到请求：GET /',
        /^客户端收到响应：HTTP\/1\.1 200 OK$/,
        /^ {2}content-type: text\/plain; charset=utf-8$/i,
        /^ {2}content-length: 18$/i,
        '响应内容：你好，世界！',
      ],
    },
    {
      // Not on a notes port: the OS picks it.
      heading: /^=== \[6\/7\] https: /,
      lines: [
        /^自签名证书已生成：CN=localhost（DNS:localhost, IP Address:127\.0\.0\.1）$/,
        /^HTTPS 服务器监听 127\.0\.0\.1:\d+$/,
        /^服务器收到请求：GET \/（TLSv1\.[23]，ALPN http\/1\.1）$/,
        /^客户端收到响应：HTTP\/1\.1 200 OK$/,
        '  服务器证书：CN=localhost，验证通过：true',
        '响应内容：你好，加密的世界！',
      ],
    },
    {
      // WebSocket: the handshake over HTTP Upgrade as in the notes, then messages both ways.
      heading: /^=== \[7\/7\] ws: /,
      lines: [
        /^WebSocket 服务器监听 ws:\/\/127\.0\.0\.1:\d+\/chat$/,
        '客户端发起握手（HTTP 请求）：',
        '  GET /chat HTTP/1.1',
        /^ {2}Host: 127\.0\.0\.1:\d+$/,
        '  Upgrade: websocket',
        '  Connection: Upgrade',
        /^ {2}Sec-WebSocket-Key: [A-Za-z0-9+/]{22}==$/,
        '  Sec-WebSocket-Version: 13',
        '  Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
        '服务器应答握手：',
        '  HTTP/1.1 101 Switching Protocols',
        '  Upgrade: websocket',
        '  Connection: Upgrade',
        /^ {2}Sec-WebSocket-Accept: [A-Za-z0-9+/]{27}=$/,
        '  Sec-WebSocket-Extensions: permessage-deflate',
        '连接已升级为 WebSocket（扩展：permessage-deflate）',
        '客户端收到：欢迎！这是服务器主动推送的消息',
        '服务器收到：你好，WebSocket！',
        '客户端收到：echo: 你好，WebSocket！',
        '服务器端连接关闭：1000 再见',
        '客户端连接关闭：1000 再见',
      ],
    },
  ];
}

function matches(line: string, want: string | RegExp): boolean {
  return typeof want === 'string' ? line === want : want.test(line);
}

describe('wirestack demo', () => {
  test('runs every example of the notes and exits 0', async () => {
    const base = await freePortBase();
    const outcome = await runCli(['demo', '--port-base', String(base)]);
    const context = describeOutcome(outcome);
    assert.equal(outcome.code, 0, context);

    const lines = outcome.stdout.split('\n');
    const sections = expectedSections(base);
    // Each heading appears once, in order; each section's lines appear under it.
    const starts = sections.map((s) => lines.findIndex((line) => s.heading.test(line)));
    for (const [i, start] of starts.entries()) {
      assert.ok(start >= 0, `heading ${sections[i]!.heading} missing\n${context}`);
      if (i > 0) assert.ok(start > starts[i - 1]!, `heading ${i + 1} out of order\n${context}`);
    }
    for (const [i, section] of sections.entries()) {
      const body = lines.slice(starts[i]! + 1, starts[i + 1] ?? lines.length);
      const unused = [...body];
      for (const want of section.lines) {
        const at = unused.findIndex((line) => matches(line, want));
        assert.ok(at >= 0, `section ${i + 1}: no line matching ${String(want)}\n${context}`);
        unused.splice(at, 1);
      }
      for (const text of section.texts ?? []) {
        assert.ok(body.join('\n').includes(text), `section ${i + 1}: no '${text}'\n${context}`);
      }
    }
    assert.match(outcome.stdout, /All examples finished\./);
    assert.equal(outcome.stderr, '', context);
  });

  test('names the port that is taken and exits non-zero', async () => {
    const base = await freePortBase();
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(base, resolve);
    });
    try {
      const outcome = await runCli(['demo', '--port-base', String(base)]);
      const context = describeOutcome(outcome);
      assert.notEqual(outcome.code, 0, context);
      assert.equal(outcome.signal, null, context);
      assert.match(outcome.stderr, new RegExp(`\\bport ${base}\\b.*in use`), context);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test('names a taken UDP port too', async () => {
    const base = await freePortBase();
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.bind(base + 3, resolve);
    });
    try {
      const outcome = await runCli(['demo', '--port-base', String(base)]);
      const context = describeOutcome(outcome);
      assert.notEqual(outcome.code, 0, context);
      assert.match(outcome.stderr, new RegExp(`UDP port ${base + 3}\\b.*in use`), context);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test('--help documents the port mapping; --version prints the package version', async () => {
    const helpOut = await runCli(['--help']);
    assert.equal(helpOut.code, 0, describeOutcome(helpOut));
    assert.match(helpOut.stdout, /--port-base N/);
    for (const [seed, offset] of [
      [8124, 0],
      [8000, 1],
      [8001, 2],
      [41234, 3],
      [1334, 4],
    ] as const) {
      assert.match(helpOut.stdout, new RegExp(`^ +${seed} +N\\+${offset} `, 'm'));
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const versionOut = await runCli(['--version']);
    assert.equal(versionOut.code, 0, describeOutcome(versionOut));
    assert.equal(versionOut.stdout.trim(), pkg.version);
  });

  test('rejects an unknown command with exit status 2', async () => {
    const outcome = await runCli(['no-such-command']);
    assert.equal(outcome.code, 2, describeOutcome(outcome));
    assert.match(outcome.stderr, /unknown command/);
  });
});
