/**
 * The stack's own error values (no Node built-ins here): a POSIX-style code
 * the handle layer turns into Node's system errors (`send EMSGSIZE ...`).
 */
export type StackErrorCode =
  | 'EACCES'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EAFNOSUPPORT'
  | 'EBADF'
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'EHOSTDOWN'
  | 'EHOSTUNREACH'
  | 'EINVAL'
  | 'EMSGSIZE'
  | 'ENETUNREACH'
  | 'ENOBUFS'
  | 'ENODEV'
  | 'ENOPROTOOPT'
  | 'ENOTCONN'
  | 'EPIPE'
  | 'ETIMEDOUT';

export class StackError {
  readonly code: StackErrorCode;
  readonly detail: string;

  constructor(code: StackErrorCode, detail = '') {
    this.code = code;
    this.detail = detail;
  }

  get message(): string {
    return this.detail ? `${this.code}: ${this.detail}` : this.code;
  }

  toString(): string {
    return this.message;
  }
}
