/**
 * What passing a handle to another process needs of the libuv transport:
 * Node's child_process sends libuv handles (`tcp_wrap`, `pipe_wrap`,
 * `udp_wrap`) over the IPC channel and gives the receiver the handle it got.
 */
import * as nodeDgram from 'node:dgram';
import { LibuvDatagram } from './host-datagram-libuv.js';
import { ClusterServerHandle } from './host-stream-cluster.js';
import { LibuvServerHandle, LibuvStreamHandle, type ListeningUv } from './host-stream-libuv.js';
import { type LibuvStream, type LibuvUdp, pipeWrap, tcpWrap, udpWrap } from './libuv.js';
import type { DatagramHandle, ServerHandle, StreamHandle } from './types.js';

/**
 * The libuv handle under a connection, server or UDP socket of the host
 * transport (a connection's held writes are sent first); null for any other
 * handle (userspace stack, node:net fallback, a round-robin cluster server).
 */
export function libuvHandleOf(
  handle: StreamHandle | ServerHandle | DatagramHandle | null,
): object | null {
  if (handle instanceof LibuvDatagram) return handle.libuvHandle;
  if (handle instanceof LibuvStreamHandle) {
    handle.flushWrites();
    return handle.uv;
  }
  const server = handle instanceof ClusterServerHandle ? handle.inner : handle;
  if (server instanceof LibuvServerHandle && isLibuvHandle(server.uv)) return server.uv;
  return null;
}

/** True for a libuv TCP or pipe handle (what the IPC channel can carry). */
export function isLibuvHandle(value: unknown): value is LibuvStream & ListeningUv {
  return value instanceof tcpWrap.TCP || value instanceof pipeWrap.Pipe;
}

/** A stream handle around a libuv connection received from another process. */
export function adoptLibuvStream(uv: LibuvStream): StreamHandle {
  return new LibuvStreamHandle(uv, uv instanceof tcpWrap.TCP);
}

/** True for a libuv UDP handle. */
export function isLibuvUdp(value: unknown): value is LibuvUdp {
  return value instanceof udpWrap().UDP;
}

let dgramState: symbol | undefined;

/**
 * The key under which Node's dgram.Socket keeps its state, the handle among
 * it (Node's `kStateSymbol`, which child_process reads when it sends a dgram
 * socket). Learnt from a Node socket, closed at once.
 */
export function nodeDgramStateSymbol(): symbol {
  if (dgramState === undefined) {
    const probe = nodeDgram.createSocket('udp4');
    dgramState = Object.getOwnPropertySymbols(probe).find(
      (key) => key.description === 'state symbol',
    );
    probe.close();
    dgramState ??= Symbol('state symbol');
  }
  return dgramState;
}
