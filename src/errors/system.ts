import { getSystemErrorMap } from 'node:util';

/**
 * OS-level errors in the shape Node gives them (`errnoException` /
 * `exceptionWithHostPort` in Node's lib/internal/errors.js): `code` is the
 * symbolic name, `errno` the negative libuv number, `syscall` the failed call,
 * plus `address` / `port` when known.
 */

/** libuv error numbers on Linux (negated errno), plus libuv's own DNS codes. */
const UV_ERRNO: Record<string, number> = {
  EPERM: -1,
  ENOENT: -2,
  EINTR: -4,
  EIO: -5,
  EBADF: -9,
  EAGAIN: -11,
  ENOMEM: -12,
  EACCES: -13,
  EFAULT: -14,
  EBUSY: -16,
  EEXIST: -17,
  ENODEV: -19,
  ENOTDIR: -20,
  EINVAL: -22,
  EMFILE: -24,
  ENOSPC: -28,
  EPIPE: -32,
  ENAMETOOLONG: -36,
  ENOSYS: -38,
  ENOTSOCK: -88,
  EDESTADDRREQ: -89,
  EMSGSIZE: -90,
  EPROTOTYPE: -91,
  ENOPROTOOPT: -92,
  EPROTONOSUPPORT: -93,
  ENOTSUP: -95,
  EAFNOSUPPORT: -97,
  EADDRINUSE: -98,
  EADDRNOTAVAIL: -99,
  ENETDOWN: -100,
  ENETUNREACH: -101,
  ECONNABORTED: -103,
  ECONNRESET: -104,
  ENOBUFS: -105,
  EISCONN: -106,
  ENOTCONN: -107,
  ETIMEDOUT: -110,
  ECONNREFUSED: -111,
  EHOSTDOWN: -112,
  EHOSTUNREACH: -113,
  EALREADY: -114,
  ECANCELED: -125,
  EOF: -4095,
  ENOTFOUND: -3008,
  EAI_AGAIN: -3001,
  EAI_FAIL: -3004,
  EAI_NONAME: -3008,
};

/** The negative libuv errno for a code, or -1 when the code is unknown. */
export function uvErrno(code: string): number {
  return UV_ERRNO[code] ?? -1;
}

/** An OS-style error: `code`, `errno`, `syscall`, and `address` / `port` when known. */
export interface SystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
  address?: string;
  port?: number;
  hostname?: string;
}

/**
 * Builds `syscall CODE address:port` as Node does (`connect ECONNREFUSED
 * 127.0.0.1:8124`, `listen EADDRINUSE: address already in use :::8124`).
 */
export function systemError(
  code: string,
  syscall: string,
  address?: string,
  port?: number,
  detail?: string,
): SystemError {
  let where = '';
  if (address !== undefined)
    where = port !== undefined && port > 0 ? ` ${address}:${port}` : ` ${address}`;
  const message = `${syscall} ${code}${detail ? `: ${detail}` : ''}${where}`;
  const err = new Error(message) as SystemError;
  err.errno = uvErrno(code);
  err.code = code;
  err.syscall = syscall;
  if (address !== undefined) err.address = address;
  if (port !== undefined && port > 0) err.port = port;
  return err;
}

/** `getaddrinfo ENOTFOUND host`, with `hostname` set (Node's `DNSException`). */
export function dnsError(code: string, syscall: string, hostname: string): SystemError {
  const err = new Error(`${syscall} ${code} ${hostname}`) as SystemError;
  err.errno = uvErrno(code);
  err.code = code;
  err.syscall = syscall;
  err.hostname = hostname;
  return err;
}

let uvMessages: Map<number, [string, string]> | undefined;

/**
 * The error Node builds from a negative libuv status (`errnoException`,
 * `exceptionWithHostPort`, `uvExceptionWithHostPort`): `code` and `errno`
 * from the status; `describe` adds libuv's text, as Node does for listen and
 * bind errors (`listen EADDRINUSE: address already in use :::8124`).
 */
export function uvError(
  status: number,
  syscall: string,
  address?: string,
  port?: number,
  describe = false,
): SystemError {
  uvMessages ??= getSystemErrorMap() as Map<number, [string, string]>;
  const [code, text] = uvMessages.get(status) ?? [`Unknown system error ${status}`, ''];
  const err = systemError(code, syscall, address, port, describe ? text : undefined);
  err.errno = status;
  return err;
}
