/**
 * Node-shaped errors, built in one place so every layer throws and emits the
 * same shapes (DESIGN.md, "Errors").
 *
 * - `codedError(code, ...args)` builds an `ERR_*` error with Node's message,
 *   class (`TypeError`, `RangeError`, `Error`) and `code`; `toString()` and
 *   `stack` read `TypeError [ERR_X]: message` as in Node.
 * - `systemError(code, syscall, address?, port?)` builds an OS-style error
 *   (`ECONNREFUSED`, `EADDRINUSE`, ...) with `code`, `errno` (negative, as
 *   libuv reports it on Linux), `syscall`, `address`, `port`, and Node's
 *   message `connect ECONNREFUSED 127.0.0.1:8124`.
 * - `dnsError(code, syscall, hostname)` builds `getaddrinfo ENOTFOUND host`.
 */

export { AbortError } from './abort.js';
export { type CodedErrorCode, codedError, isCodedError } from './coded.js';
export { dnsError, type SystemError, systemError, uvErrno, uvError } from './system.js';
