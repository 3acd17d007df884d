/**
 * Node's libuv handle bindings (`tcp_wrap`, `pipe_wrap`, `stream_wrap`,
 * `udp_wrap`), the same objects Node's own net and dgram sit on, reached
 * through `process.binding`. Typed here once, for the host transport only.
 *
 * Conventions of these bindings (Node's src/stream_base.cc, tcp_wrap.cc):
 * - methods return 0 or a negative libuv status (e.g. -98 for EADDRINUSE);
 * - reads arrive as `onread(arrayBuffer)` with the byte count (or a negative
 *   status, UV_EOF at end) and the offset in `streamBaseState`;
 * - writes and shutdowns take a request object whose `oncomplete(status)`
 *   runs when they finish asynchronously; `streamBaseState` tells whether a
 *   write finished at once (`kLastWriteWasAsync` = 0).
 */

export interface LibuvRequest {
  oncomplete: ((status: number) => void) | null;
}

export interface LibuvStream {
  onread: ((arrayBuffer: ArrayBuffer | undefined) => void) | null;
  readonly writeQueueSize: number;
  readonly fd: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readStart(): number;
  readStop(): number;
  useUserBuffer(buffer: Uint8Array): void;
  shutdown(req: LibuvRequest): number;
  writev(req: LibuvRequest, chunks: Buffer[], allBuffers: true): number;
  writeBuffer(req: LibuvRequest, chunk: Buffer): number;
  writeLatin1String(req: LibuvRequest, s: string): number;
  writeUtf8String(req: LibuvRequest, s: string): number;
  close(cb?: () => void): void;
  ref(): void;
  unref(): void;
  open(fd: number): number;
  getsockname?(out: Record<string, unknown>): number;
  getpeername?(out: Record<string, unknown>): number;
  setNoDelay?(enable: boolean): number;
  setKeepAlive?(enable: boolean, delaySeconds: number): number;
  reset?(cb: () => void): number;
}

export interface LibuvTcp extends LibuvStream {
  onconnection: ((status: number, client?: LibuvTcp) => void) | null;
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  listen(backlog: number): number;
  connect(req: LibuvRequest, address: string, port: number): number;
  connect6(req: LibuvRequest, address: string, port: number): number;
}

export interface LibuvPipe extends LibuvStream {
  onconnection: ((status: number, client?: LibuvPipe) => void) | null;
  bind(path: string): number;
  listen(backlog: number): number;
  connect(req: LibuvRequest, path: string): number;
  fchmod(mode: number): number;
}

interface TcpWrapBinding {
  TCP: new (type: number) => LibuvTcp;
  TCPConnectWrap: new () => LibuvRequest & {
    oncomplete: ((status: number) => void) | null;
  };
  constants: { SOCKET: number; SERVER: number; UV_TCP_IPV6ONLY: number };
}

interface PipeWrapBinding {
  Pipe: new (type: number) => LibuvPipe;
  PipeConnectWrap: new () => LibuvRequest;
  constants: {
    SOCKET: number;
    SERVER: number;
    IPC: number;
    UV_READABLE: number;
    UV_WRITABLE: number;
  };
}

interface StreamWrapBinding {
  WriteWrap: new () => LibuvRequest;
  ShutdownWrap: new () => LibuvRequest;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
  kBytesWritten: number;
  kLastWriteWasAsync: number;
}

const binding = (process as unknown as { binding(name: string): unknown }).binding;

export const tcpWrap = binding('tcp_wrap') as TcpWrapBinding;
export const pipeWrap = binding('pipe_wrap') as PipeWrapBinding;
export const streamWrap = binding('stream_wrap') as StreamWrapBinding;

/** libuv's end-of-stream status. */
export const UV_EOF = -4095;
/** libuv's "not connected" status, which a shutdown of a reset socket returns. */
export const UV_ENOTCONN = -107;
