/**
 * A `DatagramHandle` on a userspace stack's UDP socket. Stack errors (plain
 * values in `stack/`) become Node's system errors here: `bind EADDRINUSE
 * 0.0.0.0:41234`, `send EMSGSIZE 10.0.0.2:8000`, `recvmsg ECONNREFUSED` on a
 * connected socket after an ICMP port unreachable, as Node reports them.
 *
 * Callbacks run on a later tick, as libuv's do; received datagrams are
 * delivered from the stack's input, which a driver runs outside user code.
 */
import { codedError, systemError } from '../errors/index.js';
import { type IpAddr, isUnspecified, parseIp, unmapV4, v4Mapped } from '../stack/address.js';
import { StackError } from '../stack/errors.js';
import type { NetInterface } from '../stack/interface.js';
import type { UdpSocket } from '../stack/udp.js';
import { formatIP } from '../wire/ip-format.js';
import type {
  AddressInfo,
  DatagramBindOptions,
  DatagramHandle,
  ErrorCallback,
  RemoteInfo,
} from './types.js';
import type { KeepAlive, UserspaceHost } from './userspace.js';
import { throwLater } from './userspace-callback.js';

function noop(): void {}

/**
 * Node's `--test-udp-no-try-send`: sends are never tried at once but queued
 * as libuv send requests, counted by `getSendQueueSize` / `getSendQueueCount`
 * until their callbacks run. Without it a send is done when it returns.
 */
const noTrySend = process.execArgv.includes('--test-udp-no-try-send');

/** Linux doubles a requested socket buffer size (socket(7), SO_RCVBUF), with these floors. */
const MIN_RECV_BUFFER = 2304;
const MIN_SEND_BUFFER = 4608;

class UserspaceDatagram implements DatagramHandle {
  onmessage: (msg: Buffer, rinfo: RemoteInfo) => void = noop;
  onerror: (err: Error) => void = noop;
  readonly fd = -1;

  private readonly host: UserspaceHost;
  private readonly family: 4 | 6;
  private readonly sock: UdpSocket;
  private readonly keepAlive: KeepAlive;
  private receiving = false;
  private closed = false;
  private refed = true;
  private holding = false;
  /** Sends whose callbacks have not run (only with `noTrySend`). */
  private queuedSends = 0;
  private queuedBytes = 0;

  constructor(host: UserspaceHost, type: 'udp4' | 'udp6', keepAlive: KeepAlive) {
    this.host = host;
    this.family = type === 'udp4' ? 4 : 6;
    this.keepAlive = keepAlive;
    this.sock = host.stack.udp.open(this.family);
    this.sock.ondatagram = (data, src, srcPort) => {
      if (!this.receiving) return;
      // Zero-copy: every frame the stack delivers is a buffer of its own.
      const msg = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const shown = this.family === 6 && src.length === 4 ? v4Mapped(src) : src;
      // A throwing 'message' listener must not unwind the stack's input (userspace-callback.ts).
      try {
        this.onmessage(msg, {
          address: formatIP(shown),
          family: shown.length === 4 ? 'IPv4' : 'IPv6',
          port: srcPort,
          size: data.byteLength,
        });
      } catch (err) {
        throwLater(err);
      }
    };
    this.sock.onerror = (err) => {
      // libuv reports a pending socket error on the next receive (Node: `recvmsg ECONNREFUSED`).
      try {
        if (this.receiving) this.onerror(systemError(err.code, 'recvmsg'));
      } catch (e) {
        throwLater(e);
      }
    };
  }

  private parse(address: string): IpAddr | null {
    return parseIp(address);
  }

  private updateHold(): void {
    const want = !this.closed && this.refed && this.sock.bound;
    this.holding = this.keepAlive.claim(this.holding, want);
  }

  bind(options: DatagramBindOptions, cb: ErrorCallback): void {
    // A socket of another process is the OS's; this stack cannot take it.
    if (options.handle !== undefined) throw codedError('ERR_INVALID_HANDLE_TYPE');
    if (options.fd !== undefined) {
      throw codedError('ERR_NOT_IMPLEMENTED', 'binding a file descriptor on the userspace stack');
    }
    const addr = this.parse(options.address);
    let err: StackError | null;
    if (addr === null) err = new StackError('EINVAL', 'not an IP address');
    else
      err = this.sock.bind(addr, options.port, {
        reuseAddr: options.reuseAddr,
        v6Only: options.ipv6Only,
      });
    const error = err ? systemError(err.code, 'bind', options.address, options.port) : null;
    this.updateHold();
    process.nextTick(() => {
      if (!this.closed) cb(error);
    });
  }

  send(
    chunks: Buffer[],
    port: number | undefined,
    address: string | undefined,
    cb: (err: Error | null, bytes: number) => void,
  ): void {
    let result: number | StackError;
    let shownAddress = address;
    let shownPort = port;
    if (port === undefined || address === undefined) {
      result = this.sock.send(chunks, null, 0, this.host.now());
      const peer = this.getpeername();
      shownAddress = peer?.address;
      shownPort = peer?.port;
    } else {
      const addr = this.parse(address);
      result =
        addr === null
          ? new StackError('EINVAL', 'not an IP address')
          : this.sock.send(chunks, addr, port, this.host.now());
    }
    this.updateHold();
    let done = cb;
    if (noTrySend) {
      const bytes = chunks.reduce((n, c) => n + c.length, 0);
      this.queuedSends++;
      this.queuedBytes += bytes;
      done = (err, sent) => {
        this.queuedSends--;
        this.queuedBytes -= bytes;
        cb(err, sent);
      };
    }
    if (result instanceof StackError) {
      const err = systemError(result.code, 'send', shownAddress, shownPort);
      process.nextTick(done, err, 0);
    } else {
      process.nextTick(done, null, result);
    }
  }

  connect(port: number, address: string, cb: ErrorCallback): void {
    const addr = this.parse(address);
    const err =
      addr === null ? new StackError('EINVAL', 'not an IP address') : this.sock.connect(addr, port);
    this.updateHold();
    const error = err ? systemError(err.code, 'connect', address, port) : null;
    process.nextTick(() => {
      if (!this.closed) cb(error);
    });
  }

  disconnect(): void {
    this.sock.disconnect();
  }

  recvStart(): void {
    this.receiving = true;
  }

  recvStop(): void {
    this.receiving = false;
  }

  private info(addr: IpAddr, port: number): AddressInfo {
    const shown = this.family === 6 && addr.length === 4 ? v4Mapped(addr) : addr;
    return { address: formatIP(shown), family: shown.length === 4 ? 'IPv4' : 'IPv6', port };
  }

  getsockname(): AddressInfo | undefined {
    if (this.closed || !this.sock.bound) return undefined;
    return this.info(this.sock.localAddress, this.sock.localPort);
  }

  getpeername(): AddressInfo | undefined {
    if (this.closed || this.sock.remoteAddress === null) return undefined;
    return this.info(this.sock.remoteAddress, this.sock.remotePort);
  }

  private requireBound(syscall: string): void {
    if (this.closed || !this.sock.bound) throw systemError('EBADF', syscall);
  }

  setBroadcast(flag: boolean): void {
    this.requireBound('setBroadcast');
    this.sock.broadcast = flag;
  }

  setTTL(ttl: number): number {
    this.requireBound('setTTL');
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw systemError('EINVAL', 'setTTL');
    this.sock.ttl = ttl;
    return ttl;
  }

  setMulticastTTL(ttl: number): number {
    this.requireBound('setMulticastTTL');
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255)
      throw systemError('EINVAL', 'setMulticastTTL');
    this.sock.multicastTtl = ttl;
    return ttl;
  }

  setMulticastLoopback(flag: boolean): boolean {
    this.requireBound('setMulticastLoopback');
    this.sock.multicastLoop = flag;
    return flag;
  }

  setMulticastInterface(interfaceAddress: string): void {
    this.requireBound('setMulticastInterface');
    const iface = this.interfaceFor(interfaceAddress, 'setMulticastInterface');
    this.sock.multicastInterface = iface;
  }

  /** The interface named by an address (`10.0.0.1`) or, for IPv6, a scope (`::%eth0`); null for "any". */
  private interfaceFor(text: string, syscall: string): NetInterface | null {
    const stack = this.host.stack;
    const percent = text.indexOf('%');
    if (this.family === 6 && percent >= 0) {
      const zone = text.slice(percent + 1);
      const iface = stack.interfaces.find((i) => i.name === zone || String(i.index) === zone);
      // An unknown scope is scope 0, the default choice (libuv's uv_ip6_addr, as Linux takes it).
      return iface ?? null;
    }
    const addr = this.parse(text);
    if (addr === null || (this.family === 4) !== (addr.length === 4))
      throw systemError('EINVAL', syscall);
    if (isUnspecified(addr)) return null;
    const iface = stack.interfaceOf(unmapV4(addr) ?? addr);
    if (iface === undefined) throw systemError('EADDRNOTAVAIL', syscall);
    return iface;
  }

  private membership(
    syscall: string,
    join: boolean,
    group: string,
    interfaceAddress: string | undefined,
    source: string | null,
  ): void {
    // libuv checks the addresses first, then binds a socket not bound yet (to any address and port).
    if (this.closed) throw systemError('EBADF', syscall);
    const g = this.parse(group);
    if (g === null) throw systemError('EINVAL', syscall);
    if (source !== null && this.parse(source) === null) throw systemError('EINVAL', syscall);
    if (!this.sock.bound) {
      const err = this.sock.bind(null, 0, { reuseAddr: true });
      if (err) throw systemError(err.code, syscall);
      this.updateHold();
    }
    let ifaceAddr: IpAddr | null = null;
    if (interfaceAddress !== undefined) {
      const iface = this.interfaceFor(interfaceAddress, syscall);
      ifaceAddr =
        iface === null ? null : (iface.addresses(g.length === 4 ? 4 : 6)[0]?.address ?? null);
    }
    const src = source === null ? null : this.parse(source);
    const now = this.host.now();
    const err = join
      ? this.sock.addMembership(g, ifaceAddr, now, src)
      : this.sock.dropMembership(g, ifaceAddr, now, src);
    if (err) throw systemError(err.code, syscall);
  }

  addMembership(multicastAddress: string, interfaceAddress?: string): void {
    this.membership('addMembership', true, multicastAddress, interfaceAddress, null);
  }

  dropMembership(multicastAddress: string, interfaceAddress?: string): void {
    this.membership('dropMembership', false, multicastAddress, interfaceAddress, null);
  }

  addSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void {
    this.membership('addSourceSpecificMembership', true, group, interfaceAddress, source);
  }

  dropSourceSpecificMembership(source: string, group: string, interfaceAddress?: string): void {
    this.membership('dropSourceSpecificMembership', false, group, interfaceAddress, source);
  }

  private bufferCheck(call: string): void {
    if (this.closed || !this.sock.bound) {
      throw codedError('ERR_SOCKET_BUFFER_SIZE', `${call} returned EBADF (bad file descriptor)`);
    }
  }

  getRecvBufferSize(): number {
    this.bufferCheck('uv_recv_buffer_size');
    return this.sock.recvBufferSize;
  }

  setRecvBufferSize(size: number): void {
    this.bufferCheck('uv_recv_buffer_size');
    this.sock.recvBufferSize = Math.max(MIN_RECV_BUFFER, size * 2);
  }

  getSendBufferSize(): number {
    this.bufferCheck('uv_send_buffer_size');
    return this.sock.sendBufferSize;
  }

  setSendBufferSize(size: number): void {
    this.bufferCheck('uv_send_buffer_size');
    this.sock.sendBufferSize = Math.max(MIN_SEND_BUFFER, size * 2);
  }

  getSendQueueSize(): number {
    return this.queuedBytes;
  }

  getSendQueueCount(): number {
    return this.queuedSends;
  }

  close(cb?: () => void): void {
    if (!this.closed) {
      this.closed = true;
      this.receiving = false;
      this.onmessage = noop;
      this.onerror = noop;
      this.sock.close(this.host.now());
      this.updateHold();
    }
    if (cb) process.nextTick(cb);
  }

  ref(): void {
    this.refed = true;
    this.updateHold();
  }

  unref(): void {
    this.refed = false;
    this.updateHold();
  }
}

/** A UDP socket on `host`'s userspace stack. */
export function createUserspaceDatagram(
  host: UserspaceHost,
  type: 'udp4' | 'udp6',
  keepAlive: KeepAlive,
): DatagramHandle {
  return new UserspaceDatagram(host, type, keepAlive);
}
