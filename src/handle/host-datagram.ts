import * as dgram from 'node:dgram';
import { codedError } from '../errors/index.js';
import type {
  AddressInfo,
  DatagramBindOptions,
  DatagramHandle,
  ErrorCallback,
  RemoteInfo,
} from './types.js';

/**
 * The inner socket is only ever given IP literals (names are resolved by
 * wirestack's dgram), so its lookup is the identity, and synchronous: bind,
 * connect and send reach the OS in the same tick as the call, so a `send()`
 * followed at once by `close()` still sends.
 */
function identityLookup(
  address: string,
  _family: unknown,
  cb: (err: Error | null, address: string, family: number) => void,
): void {
  cb(null, address, address.includes(':') ? 6 : 4);
}

function noop(): void {}

/**
 * A `DatagramHandle` over a `node:dgram` socket used as a plain datagram pipe.
 *
 * Errors are the inner socket's own, already in Node's shape (`bind
 * EADDRINUSE 0.0.0.0:41234`, `send EMSGSIZE 127.0.0.1:41234`, `setTTL
 * EINVAL`, `ERR_SOCKET_BUFFER_SIZE`, ...), passed through untouched.
 */
class HostDatagram implements DatagramHandle {
  onmessage: (msg: Buffer, rinfo: RemoteInfo) => void = noop;
  onerror: (err: Error) => void = noop;

  private inner: dgram.Socket;
  private readonly type: 'udp4' | 'udp6';
  /** The callback of the bind in progress; cleared once it has run, so it runs once. */
  private bindCb: ErrorCallback | null = null;
  /** Set once a bind was attempted: the inner socket may own an OS socket from then on. */
  private bindTried = false;
  private receiving = false;
  private closed = false;
  private refed = true;

  constructor(type: 'udp4' | 'udp6') {
    this.type = type;
    this.inner = this.open({});
  }

  get fd(): number {
    // node:dgram does not expose its descriptor.
    return -1;
  }

  private open(flags: { reuseAddr?: boolean; ipv6Only?: boolean }): dgram.Socket {
    const inner = dgram.createSocket({
      type: this.type,
      lookup: identityLookup as unknown as dgram.SocketOptions['lookup'],
      ...(flags.reuseAddr ? { reuseAddr: true } : {}),
      ...(flags.ipv6Only ? { ipv6Only: true } : {}),
    });
    if (!this.refed) inner.unref();
    inner.on('message', (msg, rinfo) => {
      if (this.receiving) this.onmessage(msg, rinfo as RemoteInfo);
    });
    inner.on('listening', () => this.settleBind(null));
    inner.on('error', (err) => {
      if (this.bindCb !== null) this.settleBind(err);
      else if (!this.closed) this.onerror(err);
    });
    return inner;
  }

  /** Runs the pending bind callback once, on a later tick (as Node's 'listening' is). */
  private settleBind(err: Error | null): void {
    const cb = this.bindCb;
    if (cb === null) return;
    this.bindCb = null;
    process.nextTick(() => {
      if (!this.closed) cb(err);
    });
  }

  bind(options: DatagramBindOptions, cb: ErrorCallback): void {
    // node:dgram offers no way to take a received libuv handle.
    if (options.handle !== undefined) throw codedError('ERR_INVALID_HANDLE_TYPE');
    // reuseAddr and ipv6Only are creation-time options of node:dgram. Before
    // any bind the inner socket holds no OS socket, so it can be swapped.
    if (!this.bindTried && (options.reuseAddr || options.ipv6Only)) {
      const old = this.inner;
      this.inner = this.open(options);
      old.removeAllListeners('message');
      old.removeAllListeners('listening');
      old.close();
    }
    this.bindTried = true;
    this.bindCb = cb;
    const exclusive = options.exclusive ?? false;
    try {
      if (options.fd !== undefined) this.inner.bind({ fd: options.fd, exclusive });
      else this.inner.bind({ address: options.address, port: options.port, exclusive });
    } catch (err) {
      this.bindCb = null;
      throw err;
    }
  }

  send(
    chunks: Buffer[],
    port: number | undefined,
    address: string | undefined,
    cb: (err: Error | null, bytes: number) => void,
  ): void {
    const done = (err: Error | null, bytes?: number) => cb(err ?? null, bytes ?? 0);
    try {
      if (port === undefined) this.inner.send(chunks, done);
      else this.inner.send(chunks, port, address, done);
    } catch (err) {
      process.nextTick(cb, err as Error, 0);
    }
  }

  connect(port: number, address: string, cb: ErrorCallback): void {
    try {
      this.inner.connect(port, address, (err?: Error) => cb(err ?? null));
    } catch (err) {
      process.nextTick(cb, err as Error);
    }
  }

  disconnect(): void {
    this.inner.disconnect();
  }

  recvStart(): void {
    this.receiving = true;
  }

  recvStop(): void {
    this.receiving = false;
  }

  getsockname(): AddressInfo | undefined {
    try {
      return this.inner.address() as AddressInfo;
    } catch {
      return undefined;
    }
  }

  getpeername(): AddressInfo | undefined {
    try {
      return this.inner.remoteAddress() as AddressInfo;
    } catch {
      return undefined;
    }
  }

  setBroadcast(flag: boolean): void {
    this.inner.setBroadcast(flag);
  }

  setTTL(ttl: number): number {
    return this.inner.setTTL(ttl);
  }

  setMulticastTTL(ttl: number): number {
    return this.inner.setMulticastTTL(ttl);
  }

  setMulticastLoopback(flag: boolean): boolean {
    this.inner.setMulticastLoopback(flag);
    return flag;
  }

  setMulticastInterface(interfaceAddress: string): void {
    this.inner.setMulticastInterface(interfaceAddress);
  }

  addMembership(multicastAddress: string, interfaceAddress?: string): void {
    this.inner.addMembership(multicastAddress, interfaceAddress);
  }

  dropMembership(multicastAddress: string, interfaceAddress?: string): void {
    this.inner.dropMembership(multicastAddress, interfaceAddress);
  }

  addSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void {
    this.inner.addSourceSpecificMembership(source, group, interfaceAddress);
  }

  dropSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void {
    this.inner.dropSourceSpecificMembership(source, group, interfaceAddress);
  }

  getRecvBufferSize(): number {
    return this.inner.getRecvBufferSize();
  }

  setRecvBufferSize(size: number): void {
    this.inner.setRecvBufferSize(size);
  }

  getSendBufferSize(): number {
    return this.inner.getSendBufferSize();
  }

  setSendBufferSize(size: number): void {
    this.inner.setSendBufferSize(size);
  }

  // node:dgram throws once closed; libuv's handle (and so Node's own dgram
  // socket before it drops the handle) answers 0: nothing is queued.
  getSendQueueSize(): number {
    return this.closed ? 0 : this.inner.getSendQueueSize();
  }

  getSendQueueCount(): number {
    return this.closed ? 0 : this.inner.getSendQueueCount();
  }

  close(cb?: () => void): void {
    if (this.closed) {
      if (cb) process.nextTick(cb);
      return;
    }
    this.closed = true;
    this.receiving = false;
    this.bindCb = null;
    this.onmessage = noop;
    this.onerror = noop;
    this.inner.close(cb);
  }

  ref(): void {
    this.refed = true;
    this.inner.ref();
  }

  unref(): void {
    this.refed = false;
    this.inner.unref();
  }
}

/**
 * A UDP socket on the host's sockets: a `node:dgram` socket used as a plain
 * datagram pipe (received datagrams go to `onmessage`, errors to the
 * callbacks or `onerror`, each exactly once).
 */
export function createHostDatagram(type: 'udp4' | 'udp6'): DatagramHandle {
  return new HostDatagram(type);
}
