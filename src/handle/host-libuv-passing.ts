/**
 * What passing a handle to another process needs of the libuv transport:
 * Node's child_process sends libuv handles (`tcp_wrap`, `pipe_wrap`) over
 * the IPC channel and gives the receiver the handle it got.
 */
import { ClusterServerHandle } from './host-stream-cluster.js';
import { LibuvServerHandle, LibuvStreamHandle, type ListeningUv } from './host-stream-libuv.js';
import { type LibuvStream, pipeWrap, tcpWrap } from './libuv.js';
import type { ServerHandle, StreamHandle } from './types.js';

/**
 * The libuv handle under a connection or server of the host transport,
 * with the connection's held writes sent first; null for any other handle
 * (userspace stack, node:net fallback, a round-robin cluster server).
 */
export function libuvHandleOf(handle: StreamHandle | ServerHandle | null): object | null {
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
