/** Small helpers shared by the dgram tests. */
import * as nodeDgram from 'node:dgram';
import { once } from 'node:events';
import type { AddressInfo, RemoteInfo, Socket } from '../../src/dgram/index.js';

/** Binds `sock` (port 0 = a free port) and resolves with its address once listening. */
export async function bindSocket(sock: Socket, port = 0, address?: string): Promise<AddressInfo> {
  const listening = once(sock, 'listening');
  if (address === undefined) sock.bind(port);
  else sock.bind(port, address);
  await listening;
  return sock.address();
}

/** The next datagram `sock` receives (rejects after `timeoutMs`). */
export async function nextMessage(
  sock: { on: Socket['on'] } | nodeDgram.Socket,
  timeoutMs = 3000,
): Promise<{ msg: Buffer; rinfo: RemoteInfo }> {
  const [msg, rinfo] = (await once(sock as NodeJS.EventEmitter, 'message', {
    signal: AbortSignal.timeout(timeoutMs),
  })) as [Buffer, RemoteInfo];
  return { msg, rinfo };
}

/** Collects `count` datagrams in arrival order (rejects after `timeoutMs`). */
export function collectMessages(
  sock: Socket | nodeDgram.Socket,
  count: number,
  timeoutMs = 3000,
): Promise<Array<{ msg: Buffer; rinfo: RemoteInfo }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ msg: Buffer; rinfo: RemoteInfo }> = [];
    const emitter = sock as NodeJS.EventEmitter;
    const timer = setTimeout(() => {
      emitter.removeListener('message', onMessage);
      reject(new Error(`only ${got.length} of ${count} datagrams arrived in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: Buffer, rinfo: RemoteInfo) => {
      got.push({ msg, rinfo });
      if (got.length === count) {
        clearTimeout(timer);
        emitter.removeListener('message', onMessage);
        resolve(got);
      }
    };
    emitter.on('message', onMessage);
  });
}

/** Closes `sock` and resolves on its 'close' event. */
export function closeSocket(sock: Socket | nodeDgram.Socket): Promise<void> {
  return new Promise((resolve) => sock.close(() => resolve()));
}

/** A node:dgram socket bound on `address` (default 127.0.0.1), the reference peer. */
export async function nodePeer(
  type: 'udp4' | 'udp6' = 'udp4',
  address = type === 'udp4' ? '127.0.0.1' : '::1',
): Promise<{ sock: nodeDgram.Socket; port: number }> {
  const sock = nodeDgram.createSocket(type);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, address, () => {
      sock.removeListener('error', reject);
      resolve();
    });
  });
  return { sock, port: sock.address().port };
}

/** A UDP port that was free a moment ago (for peers that cannot bind port 0 and report it). */
export async function freeUdpPort(type: 'udp4' | 'udp6' = 'udp4'): Promise<number> {
  const { sock, port } = await nodePeer(type);
  await closeSocket(sock);
  return port;
}

/** The error `fn` throws, as `{ name, code, message }`, or null when it does not throw. */
export function thrown(fn: () => unknown): { name: string; code: unknown; message: string } | null {
  try {
    fn();
    return null;
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { name: e.name, code: e.code, message: e.message };
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
