/**
 * A `ServerHandle` on a userspace stack's TCP listener. Bound at once (so
 * `server.address()` works right after `listen()`, as in Node); the outcome
 * reaches the callback on the next tick, with Node's message for a failure:
 * `listen EADDRINUSE: address already in use :::8124`. No address means
 * every address of both families (`::`, dual-stack), as libuv binds it.
 */
import process from 'node:process';
import { uvErrno, uvError } from '../errors/index.js';
import { isUnspecified, parseIp, unmapV4 } from '../stack/address.js';
import { StackError } from '../stack/errors.js';
import type { TcpListener } from '../stack/tcp/index.js';
import { formatIP } from '../wire/ip-format.js';
import type {
  AddressInfo,
  ErrorCallback,
  ListenOptions,
  ServerHandle,
  StreamHandle,
} from './types.js';
import type { KeepAlive, UserspaceHost } from './userspace.js';
import { throwLater } from './userspace-callback.js';
import { acceptedUserspaceStream } from './userspace-stream.js';

function noop(): void {}

class UserspaceServer implements ServerHandle {
  onconnection: (err: Error | null, handle?: StreamHandle) => void = noop;
  onerror: (err: Error) => void = noop;
  readonly fd = -1;

  private readonly host: UserspaceHost;
  private readonly keepAlive: KeepAlive;
  private listener: TcpListener | null = null;
  private closed = false;
  private refed = true;
  private holding = false;

  constructor(host: UserspaceHost, keepAlive: KeepAlive) {
    this.host = host;
    this.keepAlive = keepAlive;
  }

  /** Binds and listens; the error, if any, in Node's shape. */
  listen(options: ListenOptions): Error | null {
    const port = options.port ?? 0;
    const shownAddress = options.address ?? '::';
    const parsed = parseIp(shownAddress);
    let result: TcpListener | StackError;
    if (parsed === null) {
      result = new StackError('EINVAL', 'not an IP address');
    } else {
      const family = parsed.length === 4 ? 4 : 6;
      // A v4-mapped address is the IPv4 address, as Linux binds it.
      const address = family === 6 ? (unmapV4(parsed) ?? parsed) : parsed;
      result = this.host.stack.tcp.listen({
        address: isUnspecified(address) ? null : address,
        port,
        family: address.length === 4 ? 4 : 6,
        v6Only: options.ipv6Only === true,
        backlog: options.backlog || 511,
      });
    }
    if (result instanceof StackError) {
      return uvError(uvErrno(result.code), 'listen', shownAddress, port, true);
    }
    const listener = result;
    this.listener = listener;
    const family = listener.family;
    listener.onconnection = (conn) => {
      if (this.closed) return;
      // The stack hands connections over from its input: a throwing handler must not unwind it.
      try {
        this.onconnection(null, acceptedUserspaceStream(this.host, this.keepAlive, conn, family));
      } catch (err) {
        throwLater(err);
      }
    };
    this.updateHold();
    return null;
  }

  address(): AddressInfo | null {
    const listener = this.listener;
    if (this.closed || listener === null) return null;
    return {
      address: formatIP(listener.localAddress),
      family: listener.family === 4 ? 'IPv4' : 'IPv6',
      port: listener.localPort,
    };
  }

  close(cb?: () => void): void {
    if (!this.closed) {
      this.closed = true;
      this.onconnection = noop;
      this.onerror = noop;
      // Connections already handed over live on; half-open ones are reset.
      this.listener?.close(this.host.now());
      this.updateHold();
    }
    // As libuv's close callbacks: a later turn of the loop, not this tick.
    if (cb) setImmediate(cb);
  }

  private updateHold(): void {
    const want = !this.closed && this.refed && this.listener !== null;
    this.holding = this.keepAlive.claim(this.holding, want);
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

/** Listens for TCP connections on `host`'s stack (see `Transport.listen`). */
export function listenUserspace(
  host: UserspaceHost,
  keepAlive: KeepAlive,
  options: ListenOptions,
  cb: ErrorCallback,
): ServerHandle {
  const server = new UserspaceServer(host, keepAlive);
  const err = server.listen(options);
  if (err !== null) server.close();
  process.nextTick(cb, err);
  return server;
}
