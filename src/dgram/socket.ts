/**
 * `dgram.Socket`: a UDP socket with Node's API and semantics (Node v20 docs,
 * "UDP/datagram sockets", class `dgram.Socket`), written against the
 * `DatagramHandle` contract so it runs on any `Transport`.
 */
import { EventEmitter, errorMonitor } from 'node:events';
import { deprecate } from 'node:util';
import { codedError, dnsError, systemError } from '../errors/index.js';
import { defaultTransport } from '../handle/default-transport.js';
import type {
  AddressInfo,
  DatagramHandle,
  LookupAddress,
  RemoteInfo,
  Transport,
} from '../handle/types.js';
import {
  validateAbortSignal,
  validateFunction,
  validateNumber,
  validatePort,
  validateString,
  validateUint32,
} from '../util/validators.js';
import { isIP } from '../wire/ip-address.js';

export type { AddressInfo, RemoteInfo };

/** `'udp4'` (IPv4) or `'udp6'` (IPv6). */
export type SocketType = 'udp4' | 'udp6';

/**
 * A custom name resolver with `dns.lookup`'s shape, as the `lookup` option of
 * `dgram.createSocket()` takes it. dgram calls it with the family of the
 * socket (4 for udp4, 6 for udp6) and uses the one address it calls back with.
 */
export type LookupFunction = (
  hostname: string,
  family: number,
  callback: (err: Error | null, address: string, family: number) => void,
) => void;

/** Options of `dgram.createSocket(options)` (Node v20 docs, `dgram.createSocket(options[, callback])`). */
export interface SocketOptions {
  type: SocketType;
  /** Bind with SO_REUSEADDR, so several sockets may bind the same address and port. Default false. */
  reuseAddr?: boolean;
  /** For udp6: bind IPv6 only (no IPv4-mapped traffic on `'::'`). Default false. */
  ipv6Only?: boolean;
  /** SO_RCVBUF in bytes, applied once bound. An integer in [0, 2^32 - 1]. */
  recvBufferSize?: number;
  /** SO_SNDBUF in bytes, applied once bound. An integer in [0, 2^32 - 1]. */
  sendBufferSize?: number;
  /** Custom resolver (default: the transport's, `dns.lookup` on the host). */
  lookup?: LookupFunction;
  /** Aborting it closes the socket. */
  signal?: AbortSignal;
}

/** Options of `socket.bind(options[, callback])`. */
export interface BindOptions {
  /** Local port; 0 or absent picks a free one. */
  port?: number;
  /** Local address or host name; absent means all interfaces (`0.0.0.0` / `::`). */
  address?: string;
  /** Do not share the handle with cluster workers. Default false. */
  exclusive?: boolean;
  /** An already-open UDP socket's file descriptor to adopt instead of binding. */
  fd?: number;
}

/** What `send()` accepts as (part of) a message. */
export type MessageData = string | ArrayBufferView;

/** Called once a datagram is sent (`bytes` is its size) or failed (`error` only). */
export type SendCallback = (error: Error | null, bytes: number) => void;

/** The events of a `dgram.Socket` and their arguments. */
export interface SocketEventMap {
  close: [];
  connect: [];
  error: [err: Error];
  listening: [];
  message: [msg: Buffer, rinfo: RemoteInfo];
  newListener: [eventName: string | symbol, listener: (...args: never[]) => void];
  removeListener: [eventName: string | symbol, listener: (...args: never[]) => void];
  [errorMonitor]: [err: Error];
}

const BIND_UNBOUND = 0;
const BIND_BINDING = 1;
const BIND_BOUND = 2;

const CONNECT_DISCONNECTED = 0;
const CONNECT_CONNECTING = 1;
const CONNECT_CONNECTED = 2;

const BUFFER_TYPES = ['Buffer', 'TypedArray', 'DataView', 'string'] as const;

/** Work waiting for the socket to be bound: run once bound, or fail if binding fails. */
interface QueueEntry {
  run(): void;
  fail(err: Error): void;
}

function toBuffer(view: ArrayBufferView): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** The `offset` / `length` form of send(): a byte range of a string's UTF-8 or of a view. */
function sliceBuffer(buffer: unknown, offset: unknown, length: unknown): Buffer {
  let bytes: Buffer;
  if (typeof buffer === 'string') bytes = Buffer.from(buffer);
  else if (ArrayBuffer.isView(buffer)) bytes = toBuffer(buffer);
  else throw codedError('ERR_INVALID_ARG_TYPE', 'buffer', BUFFER_TYPES, buffer);
  const start = Number(offset) >>> 0;
  const count = Number(length) >>> 0;
  if (start > bytes.byteLength) throw codedError('ERR_BUFFER_OUT_OF_BOUNDS', 'offset');
  if (start + count > bytes.byteLength) throw codedError('ERR_BUFFER_OUT_OF_BOUNDS', 'length');
  return bytes.subarray(start, start + count);
}

/** A message array as Buffers, or null when an element is neither string nor view. */
function fixBufferList(list: readonly unknown[]): Buffer[] | null {
  const out: Buffer[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item === 'string') out[i] = Buffer.from(item);
    else if (ArrayBuffer.isView(item)) out[i] = toBuffer(item);
    else return null;
  }
  return out;
}

function notRunning(): Error {
  return codedError('ERR_SOCKET_DGRAM_NOT_RUNNING');
}

/**
 * A UDP socket (Node v20 docs, class `dgram.Socket`). Create one with
 * `dgram.createSocket()`; `new Socket(type, listener)` works too, as in Node.
 *
 * Events: `'listening'` once bound, `'message'` `(msg: Buffer, rinfo:
 * RemoteInfo)` per datagram received, `'connect'` after `connect()`,
 * `'error'` `(err)` for failures without a callback, `'close'` after
 * `close()`.
 *
 * A send that the transport refuses (`EMSGSIZE`, `EINVAL`, ...) reports
 * to its callback only: without one the error is dropped, as Node's
 * `doSend` drops it, so a program that never looks keeps running. Only a
 * lookup failure (`ENOTFOUND`) without a callback is emitted as `'error'`,
 * as in Node.
 *
 * Differences from Node v20, all where Node loses or crashes:
 * - sends and connects queued behind an implicit bind that fails get that
 *   error in their callback (Node never calls them);
 * - a `close()` queued behind a pending implicit bind runs even if the bind
 *   fails, and a second `close()` then throws at once (Node's throws later,
 *   uncaught);
 * - sends to an IP literal reach the transport in the same tick, so
 *   `send(); close()` still sends (Node resolves literals a tick later and
 *   drops the datagram);
 * - methods called after `close()` throw `ERR_SOCKET_DGRAM_NOT_RUNNING`
 *   (some of Node's throw a TypeError).
 */
export class Socket extends EventEmitter<SocketEventMap> {
  /** `'udp4'` or `'udp6'`. */
  readonly type: SocketType;

  private readonly transport: Transport;
  private handle: DatagramHandle | null;
  private receiving = false;
  private bindState = BIND_UNBOUND;
  private connectState = CONNECT_DISCONNECTED;
  private queue: QueueEntry[] | undefined = undefined;
  /** close() was called; the handle may still be open while close waits in the queue. */
  private closing = false;
  private reuseAddr: boolean;
  private readonly ipv6Only: boolean;
  private readonly recvBufferSize: number | undefined;
  private readonly sendBufferSize: number | undefined;
  private readonly userLookup: LookupFunction | undefined;

  /**
   * @param type `'udp4'`, `'udp6'` or a `SocketOptions` object.
   * @param listener Added as a `'message'` listener.
   * @param transport Where the socket lives (wirestack-specific; default: the host's sockets, or
   *   as `WIRESTACK_TRANSPORT` says).
   * @throws TypeError `ERR_SOCKET_BAD_TYPE` for another type, `ERR_INVALID_ARG_TYPE`
   *   for a bad `lookup`, `signal` or buffer size; RangeError `ERR_OUT_OF_RANGE`
   *   for a buffer size outside [0, 2^32 - 1].
   */
  constructor(
    type: SocketType | SocketOptions,
    listener?: (msg: Buffer, rinfo: RemoteInfo) => void,
    transport: Transport = defaultTransport(),
  ) {
    super();
    let options: Partial<SocketOptions> | undefined;
    let socketType: unknown = type;
    if (type !== null && typeof type === 'object') {
      options = type;
      socketType = options.type;
      if (options.recvBufferSize) validateUint32(options.recvBufferSize, 'options.recvBufferSize');
      if (options.sendBufferSize) validateUint32(options.sendBufferSize, 'options.sendBufferSize');
    }
    if (socketType !== 'udp4' && socketType !== 'udp6') throw codedError('ERR_SOCKET_BAD_TYPE');
    if (options?.lookup !== undefined) validateFunction(options.lookup, 'lookup');
    const signal = options?.signal;
    validateAbortSignal(signal, 'options.signal');

    this.type = socketType;
    this.transport = transport;
    this.reuseAddr = !!options?.reuseAddr;
    this.ipv6Only = !!options?.ipv6Only;
    this.recvBufferSize = options?.recvBufferSize;
    this.sendBufferSize = options?.sendBufferSize;
    this.userLookup = options?.lookup;
    this.handle = transport.createDatagram(socketType);

    if (typeof listener === 'function') this.on('message', listener);

    if (signal !== undefined) {
      const onAbort = () => {
        if (this.handle !== null && !this.closing) this.close();
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
  }

  /**
   * Binds the socket and starts receiving (Node v20 docs, `socket.bind([port][,
   * address][, callback])` and `socket.bind(options[, callback])`).
   *
   * `port` 0 or absent picks a free port; like Node, other values are taken
   * modulo 2^16 (no validation). A missing `address` means all interfaces
   * (`0.0.0.0` for udp4, `::` for udp6); a host name is resolved first.
   * `'listening'` is emitted (and `callback` called) once bound; a failure
   * (`EADDRINUSE`, `EACCES`, `EINVAL`, `ENOTFOUND`, ...) is emitted as `'error'`
   * and leaves the socket unbound.
   *
   * @returns this
   * @throws Error `ERR_SOCKET_ALREADY_BOUND` when bound or binding;
   *   `ERR_SOCKET_DGRAM_NOT_RUNNING` after `close()`; TypeError
   *   `ERR_INVALID_ARG_TYPE` for a non-string address.
   */
  bind(port?: number, address?: string, callback?: () => void): this;
  bind(port?: number, callback?: () => void): this;
  bind(callback?: () => void): this;
  bind(options: BindOptions, callback?: () => void): this;
  bind(...args: unknown[]): this {
    const handle = this.healthCheck();
    if (this.bindState !== BIND_UNBOUND) throw codedError('ERR_SOCKET_ALREADY_BOUND');

    const [first, second] = args;
    if (isTransportHandle(first)) return this.bindToHandle(handle, first, args[args.length - 1]);
    let portArg: unknown = first;
    let address: unknown;
    let exclusive = false;
    let fd: number | undefined;
    if (first !== null && typeof first === 'object') {
      const options = first as BindOptions;
      if (Number.isInteger(options.fd) && (options.fd as number) > 0) fd = options.fd;
      address = options.address || '';
      exclusive = !!options.exclusive;
      portArg = options.port;
    } else {
      address = typeof second === 'function' ? '' : second;
    }
    if (typeof first === 'function') portArg = 0;
    if (!address) address = this.type === 'udp4' ? '0.0.0.0' : '::';
    if (typeof address !== 'string') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'address', 'string', address);
    }

    this.bindState = BIND_BINDING;
    const cb = args.length > 0 ? args[args.length - 1] : undefined;
    if (typeof cb === 'function') {
      const removeListeners = () => {
        this.removeListener('error', removeListeners);
        this.removeListener('listening', onListening);
      };
      const onListening = () => {
        removeListeners();
        cb.call(this);
      };
      this.on('error', removeListeners);
      this.on('listening', onListening);
    }

    // Node passes the port to the OS as an unsigned 32-bit integer that the
    // socket address then truncates to 16 bits.
    const port = (Number(portArg) >>> 0) & 0xffff;
    const bindOptions = {
      address,
      port,
      exclusive,
      reuseAddr: this.reuseAddr,
      ipv6Only: this.ipv6Only,
      owner: this,
    };
    const afterBind = (err: Error | null) => {
      if (this.handle !== handle) return; // closed meanwhile
      if (err) {
        this.bindState = BIND_UNBOUND;
        this.emit('error', err);
        return;
      }
      this.startListening(handle);
    };

    if (fd !== undefined) {
      try {
        handle.bind({ ...bindOptions, fd }, afterBind);
      } catch (err) {
        this.bindState = BIND_UNBOUND;
        throw err;
      }
      return this;
    }

    this.resolve(
      address,
      (err, ip) => {
        if (this.handle !== handle) return; // closed meanwhile
        if (err) {
          this.bindState = BIND_UNBOUND;
          this.emit('error', err);
          return;
        }
        handle.bind({ ...bindOptions, address: ip }, afterBind);
      },
      true,
    );
    return this;
  }

  /**
   * Node's `bind(handle)`: takes an open socket of the transport (one received
   * from another process) instead of binding; `'listening'` follows.
   */
  private bindToHandle(handle: DatagramHandle, received: object, cb: unknown): this {
    this.bindState = BIND_BINDING;
    if (typeof cb === 'function') this.once('listening', cb as () => void);
    try {
      handle.bind({ address: '', port: 0, handle: received, owner: this }, (err) => {
        if (this.handle !== handle) return; // closed meanwhile
        if (err) {
          this.bindState = BIND_UNBOUND;
          this.emit('error', err);
        } else {
          this.startListening(handle);
        }
      });
    } catch (err) {
      this.bindState = BIND_UNBOUND;
      throw err;
    }
    return this;
  }

  /** @internal The transport's socket (what child_process sends to another process), or null once closed. */
  _transportHandle(): DatagramHandle | null {
    return this.handle;
  }

  /**
   * Sets the default destination (Node v20 docs, `socket.connect(port[,
   * address][, callback])`): afterwards `send()` takes no port or address and
   * only datagrams from that peer are received. Binds to a random port first
   * if unbound. `address` defaults to `127.0.0.1` / `::1`. `'connect'` is
   * emitted (and `callback` called) on success; a failure (`ENOTFOUND`,
   * `EINVAL`, ...) goes to `callback` or else to `'error'`.
   *
   * @throws RangeError `ERR_SOCKET_BAD_PORT` unless 0 < port < 65536; TypeError
   *   `ERR_INVALID_ARG_TYPE` for a non-string address; Error
   *   `ERR_SOCKET_DGRAM_IS_CONNECTED` when connected or connecting;
   *   `ERR_SOCKET_DGRAM_NOT_RUNNING` after `close()`.
   */
  connect(port: number, address?: string, callback?: (err?: Error) => void): void;
  connect(port: number, callback: (err?: Error) => void): void;
  connect(port: unknown, address?: unknown, callback?: unknown): void {
    const validPort = validatePort(port, 'Port', false);
    if (typeof address === 'function') {
      callback = address;
      address = '';
    } else if (address === undefined) {
      address = '';
    }
    validateString(address, 'address');
    this.healthCheck();
    if (this.connectState !== CONNECT_DISCONNECTED)
      throw codedError('ERR_SOCKET_DGRAM_IS_CONNECTED');

    this.connectState = CONNECT_CONNECTING;
    if (this.bindState === BIND_UNBOUND) this.bind({ port: 0, exclusive: true });

    const cb = typeof callback === 'function' ? (callback as (err?: Error) => void) : undefined;
    const addr = address;
    if (this.bindState !== BIND_BOUND) {
      this.enqueue({
        run: () => this.doConnect(validPort, addr, cb),
        fail: (err) => {
          this.connectState = CONNECT_DISCONNECTED;
          cb?.(err);
        },
      });
      return;
    }
    this.doConnect(validPort, addr, cb);
  }

  private doConnect(port: number, address: string, callback: ((err?: Error) => void) | undefined) {
    const handle = this.handle;
    if (handle === null) return;
    if (callback) this.once('connect', callback);
    const fail = (ex: Error) => {
      this.connectState = CONNECT_DISCONNECTED;
      process.nextTick(() => {
        if (callback) {
          this.removeListener('connect', callback);
          callback(ex);
        } else {
          this.emit('error', ex);
        }
      });
    };
    this.resolve(address || this.defaultAddress(), (ex, ip) => {
      if (this.handle !== handle) return;
      if (ex) {
        fail(ex);
        return;
      }
      handle.connect(port, ip, (err) => {
        if (this.handle !== handle) return;
        if (err) {
          fail(err);
          return;
        }
        this.connectState = CONNECT_CONNECTED;
        this.emit('connect');
      });
    });
  }

  /**
   * Drops the default destination set by `connect()` (Node v20 docs,
   * `socket.disconnect()`).
   *
   * @throws Error `ERR_SOCKET_DGRAM_NOT_CONNECTED` unless connected;
   *   `ERR_SOCKET_DGRAM_NOT_RUNNING` after `close()`.
   */
  disconnect(): void {
    const handle = this.healthCheck();
    if (this.connectState !== CONNECT_CONNECTED) throw codedError('ERR_SOCKET_DGRAM_NOT_CONNECTED');
    handle.disconnect();
    this.connectState = CONNECT_DISCONNECTED;
  }

  /**
   * Sends one datagram (Node v20 docs, `socket.send(msg[, offset, length][,
   * port][, address][, callback])`).
   *
   * `msg` is a Buffer, TypedArray, DataView or string (UTF-8), or an array of
   * these sent as one datagram. `offset` / `length` select a byte range (of the
   * UTF-8 encoding for a string); they are not allowed with an array. Unless
   * the socket is connected, `port` is required; `address` (IP or host name,
   * resolved through the socket's lookup) defaults to `127.0.0.1` / `::1`. An
   * unbound socket is first bound to a random port on all interfaces; sends
   * wait for that. `callback(err, bytes)` runs once the datagram is sent or
   * failed (`EMSGSIZE` for a payload over 65,507 bytes on IPv4, ...). Without
   * a callback, a lookup failure (`ENOTFOUND`) is emitted as `'error'` and a
   * failed send is dropped silently, both as in Node (lib/dgram.js `doSend`).
   *
   * @throws TypeError `ERR_INVALID_ARG_TYPE` for another message type or a
   *   non-string address; RangeError `ERR_BUFFER_OUT_OF_BOUNDS` for a range
   *   outside the message, `ERR_SOCKET_BAD_PORT` unless 0 < port < 65536;
   *   Error `ERR_SOCKET_DGRAM_IS_CONNECTED` for a port with a connected socket,
   *   `ERR_SOCKET_DGRAM_NOT_RUNNING` after `close()`.
   */
  send(
    msg: MessageData | readonly MessageData[],
    port?: number,
    address?: string,
    callback?: SendCallback,
  ): void;
  send(msg: MessageData | readonly MessageData[], port?: number, callback?: SendCallback): void;
  send(msg: MessageData | readonly MessageData[], callback?: SendCallback): void;
  send(
    msg: MessageData,
    offset: number,
    length: number,
    port?: number,
    address?: string,
    callback?: SendCallback,
  ): void;
  send(
    msg: MessageData,
    offset: number,
    length: number,
    port?: number,
    callback?: SendCallback,
  ): void;
  send(msg: MessageData, offset: number, length: number, callback?: SendCallback): void;
  send(
    buffer: unknown,
    offset?: unknown,
    length?: unknown,
    port?: unknown,
    address?: unknown,
    callback?: unknown,
  ): void {
    // The argument shuffle is Node's, so every call form resolves as there.
    const connected = this.connectState === CONNECT_CONNECTED;
    if (!connected) {
      if (address || (port && typeof port !== 'function')) {
        buffer = sliceBuffer(buffer, offset, length);
      } else {
        callback = port;
        port = offset;
        address = length;
      }
    } else {
      if (typeof length === 'number') {
        buffer = sliceBuffer(buffer, offset, length);
        if (typeof port === 'function') {
          callback = port;
          port = null;
        }
      } else {
        callback = offset;
      }
      if (port || address) throw codedError('ERR_SOCKET_DGRAM_IS_CONNECTED');
    }

    let list: Buffer[] | null;
    if (!Array.isArray(buffer)) {
      if (typeof buffer === 'string') list = [Buffer.from(buffer)];
      else if (ArrayBuffer.isView(buffer)) list = [toBuffer(buffer)];
      else throw codedError('ERR_INVALID_ARG_TYPE', 'buffer', BUFFER_TYPES, buffer);
    } else {
      list = fixBufferList(buffer);
      if (list === null) {
        throw codedError('ERR_INVALID_ARG_TYPE', 'buffer list arguments', BUFFER_TYPES, buffer);
      }
    }

    const destPort = connected ? undefined : validatePort(port, 'Port', false);
    let cb = typeof callback === 'function' ? (callback as SendCallback) : undefined;
    if (typeof address === 'function') {
      cb = address as SendCallback;
      address = undefined;
    } else if (address != null) {
      validateString(address, 'address');
    }

    this.healthCheck();
    if (this.bindState === BIND_UNBOUND) this.bind({ port: 0, exclusive: true });
    if (list.length === 0) list.push(Buffer.alloc(0));
    this.sendList(list, destPort, (address as string | null | undefined) || undefined, cb);
  }

  /** A validated send: waits for the bind, resolves the address, hands the datagram over. */
  private sendList(
    list: Buffer[],
    port: number | undefined,
    address: string | undefined,
    callback: SendCallback | undefined,
  ): void {
    if (this.handle === null) {
      if (callback) process.nextTick(callback, notRunning());
      return;
    }
    if (this.bindState !== BIND_BOUND) {
      this.enqueue({
        run: () => this.sendList(list, port, address, callback),
        fail: (err) => {
          if (callback) (callback as (err: Error) => void)(err);
        },
      });
      return;
    }
    if (port === undefined) {
      this.doSend(null, undefined, list, undefined, callback);
      return;
    }
    // Every send is resolved through the lookup, IP literals included, as in
    // Node: a close() in the same tick therefore drops the datagram.
    this.resolve(
      address || this.defaultAddress(),
      (ex, ip) => this.doSend(ex, ip, list, port, callback),
      true,
    );
  }

  private doSend(
    ex: Error | null,
    ip: string | undefined,
    list: Buffer[],
    port: number | undefined,
    callback: SendCallback | undefined,
  ): void {
    const handle = this.handle;
    if (ex) {
      process.nextTick(() => {
        if (callback) (callback as (err: Error) => void)(ex);
        else if (this.handle !== null) this.emit('error', ex);
      });
      return;
    }
    // Closed while resolving: dropped without a callback, as Node does.
    if (handle === null) return;
    // Without a callback a failed send is dropped, not emitted: Node asks
    // libuv for no completion then and never raises the error.
    handle.send(list, port, ip, (err, bytes) => {
      if (!callback) return;
      if (err) (callback as (err: Error) => void)(err);
      else callback(null, bytes);
    });
  }

  /**
   * Deprecated (DEP0112-era) form of `send(msg, offset, length, port, address[, cb])`
   * with every argument required. @throws ERR_INVALID_ARG_TYPE
   */
  sendto(
    buffer: Buffer | Uint8Array | string,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback?: SendCallback,
  ): void {
    validateNumber(offset, 'offset');
    validateNumber(length, 'length');
    validateNumber(port, 'port');
    validateString(address, 'address');
    this.send(buffer as Buffer, offset, length, port, address, callback);
  }

  /**
   * Closes the socket (Node v20 docs, `socket.close([callback])`): no more
   * `'message'` events; `'close'` is emitted on a later tick, and `callback`
   * is added as a `'close'` listener. While an implicit bind is pending, the
   * close waits behind the queued sends.
   *
   * @returns this
   * @throws Error `ERR_SOCKET_DGRAM_NOT_RUNNING` when already closed.
   */
  close(callback?: () => void): this {
    if (typeof callback === 'function') this.on('close', callback);
    this.healthCheck();
    this.closing = true;
    if (this.queue !== undefined) {
      const closeNow = () => this.closeNow();
      this.queue.push({ run: closeNow, fail: closeNow });
      return this;
    }
    this.closeNow();
    return this;
  }

  private closeNow(): void {
    const handle = this.handle;
    if (handle === null) return;
    this.stopReceiving(handle);
    handle.close();
    this.handle = null;
    process.nextTick(() => this.emit('close'));
  }

  /** `await using` support (Node v20 docs, `socket[Symbol.asyncDispose]()`): closes, resolves on `'close'`. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.handle === null) return;
    await new Promise<void>((resolve) => {
      if (this.closing) this.once('close', resolve);
      else this.close(resolve);
    });
  }

  /**
   * The bound local address (Node v20 docs, `socket.address()`).
   *
   * @returns `{ address, family: 'IPv4' | 'IPv6', port }`
   * @throws Error `getsockname EBADF` (code `EBADF`) when not bound (before `'listening'`);
   *   `ERR_SOCKET_DGRAM_NOT_RUNNING` after `close()`.
   */
  address(): AddressInfo {
    const handle = this.healthCheck();
    // As in Node, the address is known from 'listening' on, even where the
    // transport has bound already.
    const out = this.bindState === BIND_BINDING ? undefined : handle.getsockname();
    if (out === undefined) throw systemError('EBADF', 'getsockname');
    return out;
  }

  /**
   * The connected peer's address (Node v20 docs, `socket.remoteAddress()`).
   *
   * @throws Error `ERR_SOCKET_DGRAM_NOT_CONNECTED` unless connected;
   *   `ERR_SOCKET_DGRAM_NOT_RUNNING` after `close()`.
   */
  remoteAddress(): AddressInfo {
    const handle = this.healthCheck();
    if (this.connectState !== CONNECT_CONNECTED) throw codedError('ERR_SOCKET_DGRAM_NOT_CONNECTED');
    const out = handle.getpeername();
    if (out === undefined) throw systemError('ENOTCONN', 'getpeername');
    return out;
  }

  /**
   * SO_BROADCAST (Node v20 docs, `socket.setBroadcast(flag)`).
   * @throws Error `setBroadcast EBADF` when not bound.
   */
  setBroadcast(flag: boolean): void {
    this.healthCheck().setBroadcast(!!flag);
  }

  /**
   * IP_TTL / IPV6_UNICAST_HOPS, in hops, 1 to 255 (Node v20 docs, `socket.setTTL(ttl)`).
   * @returns ttl
   * @throws TypeError `ERR_INVALID_ARG_TYPE` for a non-number; Error `setTTL
   *   EINVAL` out of range, `setTTL EBADF` when not bound.
   */
  setTTL(ttl: number): number {
    validateNumber(ttl, 'ttl');
    this.healthCheck().setTTL(ttl);
    return ttl;
  }

  /**
   * IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0 to 255 (Node v20 docs,
   * `socket.setMulticastTTL(ttl)`).
   * @returns ttl
   * @throws TypeError `ERR_INVALID_ARG_TYPE` for a non-number; Error
   *   `setMulticastTTL EINVAL` out of range, `EBADF` when not bound.
   */
  setMulticastTTL(ttl: number): number {
    validateNumber(ttl, 'ttl');
    this.healthCheck().setMulticastTTL(ttl);
    return ttl;
  }

  /**
   * IP_MULTICAST_LOOP (Node v20 docs, `socket.setMulticastLoopback(flag)`).
   * @returns flag
   * @throws Error `setMulticastLoopback EBADF` when not bound.
   */
  setMulticastLoopback(flag: boolean): boolean {
    this.healthCheck().setMulticastLoopback(!!flag);
    return flag;
  }

  /**
   * The outgoing multicast interface: an IPv4 address, or for IPv6 a scope
   * such as `'::%eth1'` (Node v20 docs, `socket.setMulticastInterface(multicastInterface)`).
   * @throws TypeError `ERR_INVALID_ARG_TYPE` for a non-string; Error
   *   `setMulticastInterface EINVAL` / `EADDRNOTAVAIL` for a bad interface.
   */
  setMulticastInterface(interfaceAddress: string): void {
    const handle = this.healthCheck();
    validateString(interfaceAddress, 'interfaceAddress');
    handle.setMulticastInterface(interfaceAddress);
  }

  /**
   * Joins a multicast group, on `interfaceAddress` or an interface the OS
   * picks (Node v20 docs, `socket.addMembership(multicastAddress[, multicastInterface])`).
   * @throws TypeError `ERR_MISSING_ARGS` without a group; Error `addMembership
   *   EINVAL` for a non-multicast address.
   */
  addMembership(multicastAddress: string, interfaceAddress?: string): void {
    const handle = this.healthCheck();
    if (!multicastAddress) throw codedError('ERR_MISSING_ARGS', 'multicastAddress');
    handle.addMembership(String(multicastAddress), optionalString(interfaceAddress));
  }

  /**
   * Leaves a multicast group (Node v20 docs, `socket.dropMembership(multicastAddress[, multicastInterface])`).
   * @throws TypeError `ERR_MISSING_ARGS` without a group; Error
   *   `dropMembership EADDRNOTAVAIL` when not a member.
   */
  dropMembership(multicastAddress: string, interfaceAddress?: string): void {
    const handle = this.healthCheck();
    if (!multicastAddress) throw codedError('ERR_MISSING_ARGS', 'multicastAddress');
    handle.dropMembership(String(multicastAddress), optionalString(interfaceAddress));
  }

  /**
   * Joins a source-specific multicast channel (Node v20 docs,
   * `socket.addSourceSpecificMembership(sourceAddress, groupAddress[, multicastInterface])`).
   * @throws TypeError `ERR_INVALID_ARG_TYPE` for a non-string source or group.
   */
  addSourceSpecificMembership(
    sourceAddress: string,
    groupAddress: string,
    interfaceAddress?: string,
  ): void {
    const handle = this.healthCheck();
    validateString(sourceAddress, 'sourceAddress');
    validateString(groupAddress, 'groupAddress');
    handle.addSourceSpecificMembership(
      sourceAddress,
      groupAddress,
      optionalString(interfaceAddress),
    );
  }

  /**
   * Leaves a source-specific multicast channel (Node v20 docs,
   * `socket.dropSourceSpecificMembership(sourceAddress, groupAddress[, multicastInterface])`).
   * @throws TypeError `ERR_INVALID_ARG_TYPE` for a non-string source or group.
   */
  dropSourceSpecificMembership(
    sourceAddress: string,
    groupAddress: string,
    interfaceAddress?: string,
  ): void {
    const handle = this.healthCheck();
    validateString(sourceAddress, 'sourceAddress');
    validateString(groupAddress, 'groupAddress');
    handle.dropSourceSpecificMembership(
      sourceAddress,
      groupAddress,
      optionalString(interfaceAddress),
    );
  }

  /**
   * SO_RCVBUF in bytes (Node v20 docs, `socket.getRecvBufferSize()`); Linux
   * reports twice the size set.
   * @throws Error `ERR_SOCKET_BUFFER_SIZE` when not bound.
   */
  getRecvBufferSize(): number {
    return this.healthCheck().getRecvBufferSize();
  }

  /**
   * Sets SO_RCVBUF, in bytes (Node v20 docs, `socket.setRecvBufferSize(size)`).
   * @throws TypeError `ERR_SOCKET_BAD_BUFFER_SIZE` unless an integer in [0,
   *   2^32 - 1]; Error `ERR_SOCKET_BUFFER_SIZE` when not bound.
   */
  setRecvBufferSize(size: number): void {
    this.bufferSize(size, true);
  }

  /**
   * SO_SNDBUF in bytes (Node v20 docs, `socket.getSendBufferSize()`).
   * @throws Error `ERR_SOCKET_BUFFER_SIZE` when not bound.
   */
  getSendBufferSize(): number {
    return this.healthCheck().getSendBufferSize();
  }

  /**
   * Sets SO_SNDBUF, in bytes (Node v20 docs, `socket.setSendBufferSize(size)`).
   * @throws TypeError `ERR_SOCKET_BAD_BUFFER_SIZE` unless an integer in [0,
   *   2^32 - 1]; Error `ERR_SOCKET_BUFFER_SIZE` when not bound.
   */
  setSendBufferSize(size: number): void {
    this.bufferSize(size, false);
  }

  /** Bytes queued for sending, not yet handed to the OS (Node v20 docs, `socket.getSendQueueSize()`); 0 once closed. */
  getSendQueueSize(): number {
    return this.handle === null ? 0 : this.handle.getSendQueueSize();
  }

  /** Datagrams queued for sending (Node v20 docs, `socket.getSendQueueCount()`); 0 once closed. */
  getSendQueueCount(): number {
    return this.handle === null ? 0 : this.handle.getSendQueueCount();
  }

  /** Lets the socket keep the event loop alive (the default). @returns this */
  ref(): this {
    this.handle?.ref();
    return this;
  }

  /** Stops the socket from keeping the event loop alive. @returns this */
  unref(): this {
    this.handle?.unref();
    return this;
  }

  private bufferSize(size: number, recv: boolean): void {
    if (size >>> 0 !== size) throw codedError('ERR_SOCKET_BAD_BUFFER_SIZE');
    const handle = this.healthCheck();
    if (recv) handle.setRecvBufferSize(size);
    else handle.setSendBufferSize(size);
  }

  private healthCheck(): DatagramHandle {
    if (this.handle === null || this.closing) throw notRunning();
    return this.handle;
  }

  private defaultAddress(): string {
    return this.type === 'udp4' ? '127.0.0.1' : '::1';
  }

  /**
   * Resolves `address` to one IP of the socket's family: the `lookup` option
   * if given (called as Node calls it), else IP literals as they are (in this
   * tick) and names through the transport. `alwaysLookup` sends IP literals
   * through the lookup too, as Node's bind does.
   */
  private resolve(
    address: string,
    cb: (err: Error | null, ip: string) => void,
    alwaysLookup = false,
  ): void {
    const family = this.type === 'udp4' ? 4 : 6;
    if (this.userLookup !== undefined) {
      this.userLookup(address, family, (err, ip) => cb(err ?? null, ip));
      return;
    }
    if (!alwaysLookup && isIP(address) !== 0) {
      cb(null, address);
      return;
    }
    this.transport.lookup(address, { family, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) cb(err, '');
      else if (addresses.length === 0) cb(dnsError('ENOTFOUND', 'getaddrinfo', address), '');
      else cb(null, addresses[0]!.address);
    });
  }

  private startListening(handle: DatagramHandle): void {
    handle.onmessage = (msg, rinfo) => this.emit('message', msg, rinfo);
    handle.onerror = (err) => this.emit('error', err);
    handle.recvStart();
    this.receiving = true;
    this.bindState = BIND_BOUND;
    try {
      if (this.recvBufferSize) this.bufferSize(this.recvBufferSize, true);
      if (this.sendBufferSize) this.bufferSize(this.sendBufferSize, false);
    } catch (err) {
      this.emit('error', err as Error);
    }
    this.emit('listening');
  }

  /** For the legacy `_stopReceiving()`. */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: called through the legacy name.
  private stopReceivingLegacy(): void {
    if (this.handle) this.stopReceiving(this.handle);
  }

  private stopReceiving(handle: DatagramHandle): void {
    if (!this.receiving) return;
    handle.recvStop();
    this.receiving = false;
  }

  /**
   * Queues work until the pending bind ends: it runs after the `'listening'`
   * listeners registered before it, or fails when the bind fails.
   */
  private enqueue(entry: QueueEntry): void {
    if (this.queue === undefined) {
      this.queue = [];
      const onListening = () => {
        this.removeListener(errorMonitor, onError);
        this.drainQueue(null);
      };
      const onError = (err: Error) => {
        this.removeListener('listening', onListening);
        this.drainQueue(err);
      };
      this.once(errorMonitor, onError);
      this.once('listening', onListening);
    }
    this.queue.push(entry);
  }

  private drainQueue(err: Error | null): void {
    const queue = this.queue ?? [];
    this.queue = undefined;
    for (const entry of queue) {
      if (err) entry.fail(err);
      else entry.run();
    }
  }
}

/** Node's test for `bind(handle)`: an object with a `recvStart` method, i.e. a UDP handle. */
function isTransportHandle(value: unknown): value is object {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { recvStart?: unknown }).recvStart === 'function'
  );
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Node's old private members, kept for code that still reaches them; each
 * warns once (DEP0112) as in Node.
 */
const legacyState = {
  _handle: 'handle',
  _receiving: 'receiving',
  _bindState: 'bindState',
  _queue: 'queue',
  _reuseAddr: 'reuseAddr',
} as const;
for (const [legacy, field] of Object.entries(legacyState)) {
  const message = `Socket.prototype.${legacy} is deprecated`;
  Object.defineProperty(Socket.prototype, legacy, {
    get: deprecate(
      function (this: Record<string, unknown>) {
        return this[field];
      },
      message,
      'DEP0112',
    ),
    set: deprecate(
      function (this: Record<string, unknown>, value: unknown) {
        this[field] = value;
      },
      message,
      'DEP0112',
    ),
    configurable: true,
  });
}
const legacyMethods = {
  _healthCheck: 'healthCheck',
  _stopReceiving: 'stopReceivingLegacy',
} as const;
for (const [legacy, method] of Object.entries(legacyMethods)) {
  Object.defineProperty(Socket.prototype, legacy, {
    value: deprecate(
      function (this: Record<string, () => unknown>) {
        return this[method]!();
      },
      `Socket.prototype.${legacy}() is deprecated`,
      'DEP0112',
    ),
    configurable: true,
    writable: true,
  });
}
