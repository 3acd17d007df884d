/**
 * Bulk TCP transfers between the kernel (socat in its namespace) and a
 * program on wirestack (`wirestack run --link ...`, test/link/fixtures/
 * link-app.cjs), each checked byte-exact by length and sha256: `upload`
 * (wirestack sends to a socat sink), `download` (socat sends a file to the
 * program's sink). See test/link/kernel-net.ts for the network.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  KERNEL_V4,
  KERNEL_V6,
  type KernelNet,
  type Proc,
  runWirestack,
  startProc,
  WIRESTACK_V4,
  WIRESTACK_V6,
} from './kernel-net.js';

export interface Payload {
  path: string;
  length: number;
  sha: string;
}

/** A file of random bytes, and its sha256. */
export function payload(dir: string, bytes: number): Payload {
  const data = randomBytes(bytes);
  const path = join(dir, `payload-${bytes}.bin`);
  writeFileSync(path, data);
  return { path, length: bytes, sha: createHash('sha256').update(data).digest('hex') };
}

/** socat on the kernel listening on `port`; resolves with what it received (length, sha256). */
function kernelSink(t: TestContext, net: KernelNet, family: 4 | 6, port: number) {
  const child = spawn(
    'ip',
    net.inNs(net.kernelNs, 'socat', ['-u', `TCP${family}-LISTEN:${port},reuseaddr`, 'STDOUT']),
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const hash = createHash('sha256');
  let length = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise<{ length: number; sha: string }>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve({ length, sha: hash.digest('hex') });
      else reject(new Error(`socat exited ${code}: ${stderr}`));
    });
  });
}

async function waitForListener(net: KernelNet, port: number): Promise<void> {
  for (let i = 0; !net.kernel('ss', ['-ltnH']).includes(`:${port} `); i++) {
    assert.ok(i < 100, `nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** wirestack → kernel: `bytes` over TCP to socat; checks length and sha256. */
export async function upload(
  t: TestContext,
  net: KernelNet,
  family: 4 | 6,
  bytes: number,
  extra: string[],
  timeoutMs: number,
) {
  const port = 5001;
  const received = kernelSink(t, net, family, port);
  await waitForListener(net, port);
  const sender = runWirestack(net, extra, 'link-app.cjs', [
    'send',
    family === 4 ? KERNEL_V4 : KERNEL_V6,
    String(port),
    String(bytes),
  ]);
  t.after(() => sender.stop());
  const sent = await sender.line(/^sent (\d+) (\w+)$/, timeoutMs);
  const got = await received;
  assert.equal(got.length, bytes);
  assert.equal(got.sha, sent[2]);
  await sender.stop();
}

/** kernel → wirestack: `file` over TCP from socat to the program's sink; checks length and sha256. */
export async function download(
  t: TestContext,
  net: KernelNet,
  family: 4 | 6,
  file: Payload,
  extra: string[],
  timeoutMs: number,
) {
  const server: Proc = runWirestack(net, extra, 'link-app.cjs', ['serve']);
  t.after(() => server.stop());
  await server.line(/^ready$/);
  const address = family === 4 ? WIRESTACK_V4 : `[${WIRESTACK_V6}]`;
  const socat = startProc(
    'ip',
    net.inNs(net.kernelNs, 'socat', ['-u', `FILE:${file.path}`, `TCP${family}:${address}:5002`]),
  );
  t.after(() => socat.stop());
  const sink = await server.line(/^sink (\d+) (\w+)$/, timeoutMs);
  assert.deepEqual(sink.slice(1), [String(file.length), file.sha]);
  await server.stop();
}
