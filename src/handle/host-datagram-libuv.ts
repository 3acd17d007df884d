import { EventEmitter } from 'node:events';
import { fstatSync, readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { type InspectOptions, inspect } from 'node:util';
import { codedError, uvError } from '../errors/index.js';
import {
  type LibuvAddress,
  type LibuvBufferSizeContext,
  type LibuvSendRequest,
  type LibuvUdp,
  udpWrap,
} from './libuv.js';
import { clusterWorker, ownerSymbol } from './node-cluster.js';
import type {
  AddressInfo,
  DatagramBindOptions,
  DatagramHandle,
  ErrorCallback,
  RemoteInfo,
} from './types.js';

type SendCallback = (err: Error | null, bytes: number) => void;

/** A send in flight: the request keeps the chunks alive until libuv is done with them. */
type SendRequest = LibuvSendRequest & {
  chunks: Buffer[] | null;
  port: number | undefined;
  address: string | undefined;
  callback: SendCallback;
};

function noop(): void {}

function onSendComplete(this: SendRequest, status: number, bytes: number): void {
  this.chunks = null;
  if (status < 0) this.callback(uvError(status, 'send', this.address, this.port), 0);
  else this.callback(null, bytes);
}

/**
 * `ERR_SOCKET_BUFFER_SIZE` as Node builds it: a `SystemError` naming the libuv
 * call, with the OS error in `info` (and `errno` / `syscall`).
 */
function bufferSizeError(context: LibuvBufferSizeContext): Error {
  const err = codedError(
    'ERR_SOCKET_BUFFER_SIZE',
    `${context.syscall} returned ${context.code} (${context.message})`,
  );
  if (err.stack?.startsWith('Error')) err.stack = `SystemError${err.stack.slice(5)}`;
  Object.defineProperties(err, {
    name: { value: 'SystemError', configurable: true, writable: true },
    toString: { enumerable: false },
    info: { value: context, enumerable: true, configurable: true },
    // Node's SystemError shows its getters' values when inspected.
    [inspect.custom]: {
      value(this: Error, _depth: number, options: InspectOptions) {
        return inspect(this, { ...options, getters: true, customInspect: false });
      },
      configurable: true,
      writable: true,
    },
    errno: {
      get: () => context.errno,
      set: (value: number) => {
        context.errno = value;
      },
      enumerable: true,
      configurable: true,
    },
    syscall: {
      get: () => context.syscall,
      set: (value: string) => {
        context.syscall = value;
      },
      enumerable: true,
      configurable: true,
    },
  });
  return err;
}

/** The sockets listed in a /proc/net table (Linux), by inode; null where there is none. */
function procInodes(table: string): Set<number> | null {
  try {
    const lines = readFileSync(`/proc/net/${table}`, 'latin1').split('\n');
    const out = new Set<number>();
    // `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...` (unix: inode is column 7).
    const column = table === 'unix' ? 6 : 9;
    for (let i = 1; i < lines.length; i++) {
      const inode = lines[i]!.trim().split(/\s+/)[column];
      if (inode !== undefined) out.add(Number(inode));
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * What kind of handle `fd` is, with the names Node's `guessHandleType` uses
 * (`'UDP'`, `'TCP'`, `'PIPE'`, `'TTY'`, `'FILE'`, `'UNKNOWN'`). Sockets are
 * told apart through /proc/net; where that is missing, a socket counts as UDP
 * (the open then fails or succeeds as libuv decides).
 */
function handleType(fd: number): string {
  let stat: ReturnType<typeof fstatSync>;
  try {
    stat = fstatSync(fd);
  } catch {
    return 'UNKNOWN';
  }
  if (isatty(fd)) return 'TTY';
  if (stat.isFile() || stat.isCharacterDevice()) return 'FILE';
  if (stat.isFIFO()) return 'PIPE';
  if (!stat.isSocket()) return 'UNKNOWN';
  const udp = [procInodes('udp'), procInodes('udp6')];
  if (udp[0] === null && udp[1] === null) return 'UDP';
  if (udp.some((set) => set?.has(stat.ino))) return 'UDP';
  if (procInodes('tcp')?.has(stat.ino) || procInodes('tcp6')?.has(stat.ino)) return 'TCP';
  if (procInodes('unix')?.has(stat.ino)) return 'PIPE';
  return 'UNKNOWN';
}

/**
 * A `DatagramHandle` on Node's own libuv UDP handle (`udp_wrap`), the object
 * node:dgram itself sits on: one layer between dgram and the OS, and a real
 * `fd`.
 *
 * Errors are built from libuv's status exactly as node:dgram builds them
 * (`bind EADDRINUSE 0.0.0.0:41234`, `send EMSGSIZE 127.0.0.1:41234`, `setTTL
 * EBADF`, `recvmsg ECONNREFUSED`, `ERR_SOCKET_BUFFER_SIZE`, ...).
 */
export class LibuvDatagram implements DatagramHandle {
  onmessage: (msg: Buffer, rinfo: RemoteInfo) => void = noop;
  onerror: (err: Error) => void = noop;

  /** Replaced once, by the primary's shared handle, in a cluster worker. */
  private uv: LibuvUdp;
  private readonly SendWrap: new () => LibuvSendRequest;
  private readonly v6: boolean;
  /** Once bound (or an fd adopted): libuv binds implicitly on recvStart, so it waits for this. */
  private bound = false;
  private wantReceive = false;
  private closed = false;
  private refed = true;

  constructor(type: 'udp4' | 'udp6') {
    const { UDP, SendWrap } = udpWrap();
    this.uv = new UDP();
    this.SendWrap = SendWrap;
    this.v6 = type === 'udp6';
    this.uv.onmessage = this.receive;
  }

  private readonly receive: NonNullable<LibuvUdp['onmessage']> = (nread, _h, buffer, rinfo) => {
    if (nread < 0) {
      this.onerror(uvError(nread, 'recvmsg'));
      return;
    }
    (rinfo as RemoteInfo).size = buffer!.length;
    this.onmessage(buffer!, rinfo as RemoteInfo);
  };

  get fd(): number {
    // libuv reports a negative status (EBADF) before there is a socket.
    const fd = this.uv.fd;
    return fd < 0 ? -1 : fd;
  }

  bind(options: DatagramBindOptions, cb: ErrorCallback): void {
    const { constants } = udpWrap();
    const flags =
      (options.reuseAddr ? constants.UV_UDP_REUSEADDR : 0) |
      (options.ipv6Only ? constants.UV_UDP_IPV6ONLY : 0);
    if (options.handle !== undefined) {
      // A socket received from another process (Node's `bind(handle)`).
      if (!(options.handle instanceof udpWrap().UDP)) throw codedError('ERR_INVALID_HANDLE_TYPE');
      this.adopt(options.handle as LibuvUdp);
      process.nextTick(() => {
        if (!this.closed) cb(null);
      });
      return;
    }
    if (!options.exclusive && clusterWorker() !== null) {
      this.bindInCluster(options, flags, cb);
      return;
    }
    let err: Error | null = null;
    if (options.fd !== undefined) {
      const type = handleType(options.fd);
      if (type !== 'UDP') throw codedError('ERR_INVALID_FD_TYPE', type);
      const status = this.uv.open(options.fd);
      if (status < 0) throw uvError(status, 'open');
    } else {
      const { address, port } = options;
      const status = this.v6
        ? this.uv.bind6(address, port, flags)
        : this.uv.bind(address, port, flags);
      if (status < 0) err = uvError(status, 'bind', address, port);
    }
    if (err === null) this.bound = true;
    if (err === null && this.wantReceive) this.uv.recvStart();
    process.nextTick(() => {
      if (!this.closed) cb(err);
    });
  }

  /**
   * In a cluster worker, a non-exclusive bind asks the primary for the
   * socket, so workers binding the same address and port share one (as with
   * node:dgram); the primary's handle then replaces this one.
   */
  private bindInCluster(options: DatagramBindOptions, flags: number, cb: ErrorCallback): void {
    const cluster = clusterWorker()!;
    const { address, port, fd } = options;
    // The cluster reports to the primary once its requester emits 'listening'.
    const requester = Object.assign(new EventEmitter(), { address: () => this.getsockname() });
    const query =
      fd === undefined
        ? { address, port, addressType: this.v6 ? 'udp6' : 'udp4', fd: -1, flags }
        : { address: null, port: null, addressType: this.v6 ? 'udp6' : 'udp4', fd, flags: null };
    cluster._getServer(requester, query, (errno, received) => {
      const handle = received as LibuvUdp | null | undefined;
      if (this.closed) {
        handle?.close();
        return;
      }
      if (errno || !handle) {
        cb(uvError(errno || -22, 'bind', address, port));
        return;
      }
      // A disconnecting worker closes the socket through its owner, as Node's dgram.
      if (options.owner)
        (handle as unknown as Record<symbol, unknown>)[ownerSymbol()] = options.owner;
      this.adopt(handle);
      cb(null);
      requester.emit('listening');
    });
  }

  /** Takes `handle`, an open libuv UDP socket, in place of this one's. */
  private adopt(handle: LibuvUdp): void {
    this.uv.close();
    this.uv = handle;
    handle.onmessage = this.receive;
    if (!this.refed) handle.unref();
    this.bound = true;
    if (this.wantReceive) handle.recvStart();
  }

  /** The libuv UDP handle (what child_process sends to another process). */
  get libuvHandle(): LibuvUdp {
    return this.uv;
  }

  // Hot path: every datagram sent passes here.
  send(
    chunks: Buffer[],
    port: number | undefined,
    address: string | undefined,
    cb: SendCallback,
  ): void {
    const req = new this.SendWrap() as SendRequest;
    req.chunks = chunks;
    req.port = port;
    req.address = address;
    req.callback = cb;
    req.oncomplete = onSendComplete;
    const uv = this.uv;
    let status: number;
    if (port === undefined) {
      status = this.v6
        ? uv.send6(req, chunks, chunks.length, true)
        : uv.send(req, chunks, chunks.length, true);
    } else {
      status = this.v6
        ? uv.send6(req, chunks, chunks.length, port, address!, true)
        : uv.send(req, chunks, chunks.length, port, address!, true);
    }
    if (status === 0) return; // queued: oncomplete will run
    req.chunks = null;
    // Sent at once (status = bytes + 1) or refused; the callback still runs
    // on a later tick, as node:dgram's does.
    if (status > 0) process.nextTick(cb, null, status - 1);
    else process.nextTick(cb, uvError(status, 'send', address, port), 0);
  }

  connect(port: number, address: string, cb: ErrorCallback): void {
    const status = this.v6 ? this.uv.connect6(address, port) : this.uv.connect(address, port);
    process.nextTick(cb, status < 0 ? uvError(status, 'connect', address, port) : null);
  }

  disconnect(): void {
    const status = this.uv.disconnect();
    if (status < 0) throw uvError(status, 'connect');
  }

  recvStart(): void {
    this.wantReceive = true;
    if (this.bound) this.uv.recvStart();
  }

  recvStop(): void {
    this.wantReceive = false;
    if (this.bound) this.uv.recvStop();
  }

  getsockname(): AddressInfo | undefined {
    return this.addressOf('getsockname');
  }

  getpeername(): AddressInfo | undefined {
    return this.addressOf('getpeername');
  }

  private addressOf(which: 'getsockname' | 'getpeername'): AddressInfo | undefined {
    if (this.closed) return undefined;
    const out: Record<string, unknown> = {};
    return this.uv[which](out) === 0 ? (out as unknown as LibuvAddress) : undefined;
  }

  /** Throws Node's `syscall CODE` error for a failed setter. */
  private check(status: number, syscall: string): void {
    if (status < 0) throw uvError(status, syscall);
  }

  setBroadcast(flag: boolean): void {
    this.check(this.uv.setBroadcast(flag ? 1 : 0), 'setBroadcast');
  }

  setTTL(ttl: number): number {
    this.check(this.uv.setTTL(ttl), 'setTTL');
    return ttl;
  }

  setMulticastTTL(ttl: number): number {
    this.check(this.uv.setMulticastTTL(ttl), 'setMulticastTTL');
    return ttl;
  }

  setMulticastLoopback(flag: boolean): boolean {
    this.check(this.uv.setMulticastLoopback(flag ? 1 : 0), 'setMulticastLoopback');
    return flag;
  }

  setMulticastInterface(interfaceAddress: string): void {
    this.check(this.uv.setMulticastInterface(interfaceAddress), 'setMulticastInterface');
  }

  addMembership(multicastAddress: string, interfaceAddress?: string): void {
    this.check(this.uv.addMembership(multicastAddress, interfaceAddress), 'addMembership');
  }

  dropMembership(multicastAddress: string, interfaceAddress?: string): void {
    this.check(this.uv.dropMembership(multicastAddress, interfaceAddress), 'dropMembership');
  }

  addSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void {
    this.check(
      this.uv.addSourceSpecificMembership(source, group, interfaceAddress),
      'addSourceSpecificMembership',
    );
  }

  dropSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void {
    this.check(
      this.uv.dropSourceSpecificMembership(source, group, interfaceAddress),
      'dropSourceSpecificMembership',
    );
  }

  private bufferSize(size: number, recv: boolean): number {
    const ctx: LibuvBufferSizeContext = {};
    const result = this.uv.bufferSize(size, recv, ctx);
    if (result === undefined) throw bufferSizeError(ctx);
    return result;
  }

  getRecvBufferSize(): number {
    return this.bufferSize(0, true);
  }

  setRecvBufferSize(size: number): void {
    this.bufferSize(size, true);
  }

  getSendBufferSize(): number {
    return this.bufferSize(0, false);
  }

  setSendBufferSize(size: number): void {
    this.bufferSize(size, false);
  }

  getSendQueueSize(): number {
    return this.closed ? 0 : this.uv.getSendQueueSize();
  }

  getSendQueueCount(): number {
    return this.closed ? 0 : this.uv.getSendQueueCount();
  }

  close(cb?: () => void): void {
    if (this.closed) {
      if (cb) process.nextTick(cb);
      return;
    }
    this.closed = true;
    this.wantReceive = false;
    this.onmessage = noop;
    this.onerror = noop;
    this.uv.close(cb);
  }

  ref(): void {
    this.refed = true;
    if (!this.closed) this.uv.ref();
  }

  unref(): void {
    this.refed = false;
    if (!this.closed) this.uv.unref();
  }
}

/**
 * A UDP socket on the host's sockets, on Node's libuv UDP handle (received
 * datagrams go to `onmessage`, errors to the callbacks or `onerror`, each
 * exactly once).
 */
export function createLibuvDatagram(type: 'udp4' | 'udp6'): DatagramHandle {
  return new LibuvDatagram(type);
}
