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
 *
 * And of `udp_wrap` (Node's src/udp_wrap.cc):
 * - `bind`/`bind6`, `connect`/`connect6`, the setters and memberships return
 *   0 or a negative libuv status;
 * - `send`/`send6` return a negative status, 0 when the datagram was queued
 *   (then `oncomplete(status, bytes)` runs on the request later), or the byte
 *   count + 1 when it was sent at once (no `oncomplete`);
 * - datagrams arrive as `onmessage(nread, handle, buffer, rinfo)`, with a
 *   negative `nread` (and no buffer) for a receive error;
 * - `bufferSize(size, isRecv, ctx)` gets (size 0) or sets SO_RCVBUF /
 *   SO_SNDBUF, returning the size, or undefined with the error in `ctx`.
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
  /**
   * Several chunks in one system call: Buffers (`allBuffers` true), or
   * pairs of chunk and encoding name (`[chunk, 'latin1', buffer, '', …]`;
   * strings are encoded as libuv copies them, a Buffer's encoding is ignored).
   */
  writev(req: LibuvRequest, chunks: Buffer[], allBuffers: true): number;
  writev(req: LibuvRequest, chunks: Array<Buffer | string>, allBuffers: false): number;
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

/** The address object `udp_wrap` fills in (`getsockname`, `getpeername`) or passes as rinfo. */
export interface LibuvAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
  size?: number;
}

export interface LibuvSendRequest {
  oncomplete: ((status: number, bytes: number) => void) | null;
}

/** What `bufferSize` reports on failure. */
export interface LibuvBufferSizeContext {
  errno?: number;
  code?: string;
  message?: string;
  syscall?: string;
}

export interface LibuvUdp {
  onmessage:
    | ((nread: number, handle: LibuvUdp, buffer: Buffer | undefined, rinfo: LibuvAddress) => void)
    | null;
  readonly fd: number;
  open(fd: number): number;
  bind(address: string, port: number, flags: number): number;
  bind6(address: string, port: number, flags: number): number;
  connect(address: string, port: number): number;
  connect6(address: string, port: number): number;
  disconnect(): number;
  /** Unconnected: to `address:port`. */
  send(
    req: LibuvSendRequest,
    chunks: Buffer[],
    count: number,
    port: number,
    address: string,
    hasCallback: boolean,
  ): number;
  /** Connected: to the peer. */
  send(req: LibuvSendRequest, chunks: Buffer[], count: number, hasCallback: boolean): number;
  send6(
    req: LibuvSendRequest,
    chunks: Buffer[],
    count: number,
    port: number,
    address: string,
    hasCallback: boolean,
  ): number;
  send6(req: LibuvSendRequest, chunks: Buffer[], count: number, hasCallback: boolean): number;
  recvStart(): number;
  recvStop(): number;
  getsockname(out: Record<string, unknown>): number;
  getpeername(out: Record<string, unknown>): number;
  addMembership(multicastAddress: string, interfaceAddress?: string): number;
  dropMembership(multicastAddress: string, interfaceAddress?: string): number;
  addSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): number;
  dropSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): number;
  setMulticastInterface(interfaceAddress: string): number;
  setMulticastTTL(ttl: number): number;
  setMulticastLoopback(flag: number): number;
  setBroadcast(flag: number): number;
  setTTL(ttl: number): number;
  bufferSize(size: number, isRecv: boolean, ctx: LibuvBufferSizeContext): number | undefined;
  getSendQueueSize(): number;
  getSendQueueCount(): number;
  close(cb?: () => void): void;
  ref(): void;
  unref(): void;
}

interface UdpWrapBinding {
  UDP: new () => LibuvUdp;
  SendWrap: new () => LibuvSendRequest;
  constants: { UV_UDP_IPV6ONLY: number; UV_UDP_REUSEADDR: number };
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

let udp: UdpWrapBinding | undefined;
/** `udp_wrap`, loaded on first use (only the libuv datagram handle needs it). */
export function udpWrap(): UdpWrapBinding {
  udp ??= binding('udp_wrap') as UdpWrapBinding;
  return udp;
}

/** libuv's end-of-stream status. */
export const UV_EOF = -4095;
/** libuv's "not connected" status, which a shutdown of a reset socket returns. */
export const UV_ENOTCONN = -107;
