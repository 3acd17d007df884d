/**
 * Small helpers shared by the http tests: listening on an ephemeral port,
 * collecting bodies, running curl, speaking raw HTTP over a TCP socket.
 */
import { execFile } from 'node:child_process';
import * as nodeNet from 'node:net';
import type { Readable } from 'node:stream';

/** Something with `listen` / `address` (our http.Server or node:http's). */
interface Listenable {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}

/** Listens on 127.0.0.1, an ephemeral port; resolves with the port. */
export function listen(server: Listenable): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Closes a server and resolves once it emitted 'close'. */
export function close(server: {
  close(cb?: () => void): unknown;
  closeAllConnections?: () => void;
}): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Reads a stream to its end. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Runs curl with `args`; resolves with stdout (rejects on a non-zero exit). */
export function curl(path: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['-sS', '--max-time', '10', ...args], (err, stdout, stderr) => {
      if (err) reject(new Error(`curl ${args.join(' ')} failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Sends `data` on a fresh node:net connection and resolves with every byte
 * received until the server closes (or `idleMs` of silence).
 */
export function rawExchange(port: number, data: string | Buffer, idleMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = nodeNet.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
    };
    socket.on('connect', () => {
      socket.write(data);
      arm();
    });
    socket.on('data', (c) => {
      chunks.push(c);
      arm();
    });
    socket.on('close', done);
    socket.on('error', (err) => {
      if ((err as { code?: string }).code === 'ECONNRESET') done();
      else reject(err);
    });
  });
}

/**
 * Sends `data` on a fresh node:net connection and resolves with every byte
 * received once the server closes it; rejects if the server has not closed
 * it within `limitMs`.
 */
export function untilServerCloses(port: number, data: string, limitMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = nodeNet.connect(port, '127.0.0.1', () => socket.write(data));
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${limitMs} ms`));
    }, limitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** A deterministic body of `size` bytes. */
export function pattern(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + (i >> 8)) & 0xff;
  return buf;
}
