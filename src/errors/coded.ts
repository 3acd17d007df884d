import { format, inspect } from 'node:util';
import { describeExpected, describeReceived } from './describe.js';

type Ctor = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;
type Message = (...args: never[]) => string;

/**
 * Node's `ERR_*` codes used by wirestack: the class Node throws and Node's
 * message (lib/internal/errors.js). Keep entries sorted by code.
 */
const CODES = {
  ERR_BUFFER_OUT_OF_BOUNDS: [
    RangeError,
    (name?: string) =>
      name
        ? `"${name}" is outside of buffer bounds`
        : 'Attempt to access memory outside buffer bounds',
  ],
  ERR_HTTP_BODY_NOT_ALLOWED: [
    Error,
    () => 'Adding content for this request method or response status is not allowed.',
  ],
  ERR_HTTP_CONTENT_LENGTH_MISMATCH: [
    Error,
    (actual: number, expected: number) =>
      `Response body's content-length of ${actual} byte(s) does not match the content-length of ${expected} byte(s) set in header`,
  ],
  ERR_HTTP_HEADERS_SENT: [
    Error,
    (action: string) => `Cannot ${action} headers after they are sent to the client`,
  ],
  ERR_HTTP_INVALID_HEADER_VALUE: [
    TypeError,
    (value: unknown, name: string) => `Invalid value "${String(value)}" for header "${name}"`,
  ],
  ERR_HTTP_INVALID_STATUS_CODE: [
    RangeError,
    (code: unknown) => `Invalid status code: ${format('%s', code)}`,
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [Error, () => 'Request timeout'],
  ERR_HTTP_SOCKET_ASSIGNED: [Error, () => 'ServerResponse has an already assigned socket'],
  ERR_HTTP_SOCKET_ENCODING: [
    Error,
    () => 'Changing the socket encoding is not allowed per RFC7230 Section 3.',
  ],
  ERR_HTTP_TRAILER_INVALID: [Error, () => 'Trailers are invalid with this transfer encoding'],
  ERR_INVALID_ADDRESS: [Error, () => 'Invalid socket address'],
  ERR_INVALID_ADDRESS_FAMILY: [
    RangeError,
    (family: unknown, host: string, port: number) =>
      `Invalid address family: ${String(family)} ${host}:${port}`,
  ],
  ERR_INVALID_ARG_TYPE: [
    TypeError,
    (name: string, expected: string | readonly string[], actual: unknown) =>
      `The ${name.endsWith(' argument') ? name : `"${name}" ${name.includes('.') ? 'property' : 'argument'}`} must be ${describeExpected(expected)}. Received ${describeReceived(actual)}`,
  ],
  ERR_INVALID_ARG_VALUE: [
    TypeError,
    (name: string, value: unknown, reason = 'is invalid') => {
      let shown = inspect(value);
      if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
      const kind = name.includes('.') ? 'property' : 'argument';
      return `The ${kind} '${name}' ${reason}. Received ${shown}`;
    },
  ],
  ERR_INVALID_CHAR: [
    TypeError,
    (name: string, field?: string) =>
      `Invalid character in ${name}${field === undefined ? '' : ` ["${field}"]`}`,
  ],
  ERR_INVALID_FD_TYPE: [TypeError, (type: string) => `Unsupported fd type: ${type}`],
  ERR_INVALID_HANDLE_TYPE: [TypeError, () => 'This handle type cannot be sent'],
  ERR_INVALID_HTTP_TOKEN: [
    TypeError,
    (name: string, token: unknown) => `${name} must be a valid HTTP token ["${String(token)}"]`,
  ],
  ERR_INVALID_IP_ADDRESS: [TypeError, (ip: string) => `Invalid IP address: ${ip}`],
  ERR_INVALID_PROTOCOL: [
    TypeError,
    (protocol: string, expected: string) =>
      `Protocol "${protocol}" not supported. Expected "${expected}"`,
  ],
  ERR_INVALID_URL: [TypeError, () => 'Invalid URL'],
  ERR_METHOD_NOT_IMPLEMENTED: [
    Error,
    (method: string) => `The ${method} method is not implemented`,
  ],
  ERR_MISSING_ARGS: [
    TypeError,
    // An array names alternatives: ['a', 'b'] reads `"a" or "b"`.
    (...names: Array<string | readonly string[]>) => {
      const quoted = names.map((n) =>
        typeof n === 'string' ? `"${n}"` : n.map((a) => `"${a}"`).join(' or '),
      );
      if (quoted.length === 1) return `The ${quoted[0]} argument must be specified`;
      if (quoted.length === 2)
        return `The ${quoted[0]} and ${quoted[1]} arguments must be specified`;
      const last = quoted.pop();
      return `The ${quoted.join(', ')}, and ${last} arguments must be specified`;
    },
  ],
  ERR_NOT_IMPLEMENTED: [
    Error,
    (feature: string) => `${feature} is not implemented yet in wirestack`,
  ],
  ERR_OUT_OF_RANGE: [
    RangeError,
    (name: string, range: string, received: unknown) =>
      `The value of "${name}" is out of range. It must be ${range}. Received ${typeof received === 'string' ? received : inspect(received)}`,
  ],
  ERR_SERVER_ALREADY_LISTEN: [
    Error,
    () => 'Listen method has been called more than once without closing.',
  ],
  ERR_SERVER_NOT_RUNNING: [Error, () => 'Server is not running.'],
  ERR_SOCKET_ALREADY_BOUND: [Error, () => 'Socket is already bound'],
  ERR_SOCKET_BAD_BUFFER_SIZE: [TypeError, () => 'Buffer size must be a positive integer'],
  ERR_SOCKET_BAD_PORT: [
    RangeError,
    (name: string, port: unknown, allowZero = true) =>
      `${name} should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${describeReceived(port)}.`,
  ],
  ERR_SOCKET_BAD_TYPE: [TypeError, () => 'Bad socket type specified. Valid types are: udp4, udp6'],
  ERR_SOCKET_BUFFER_SIZE: [
    Error,
    (detail: string) => `Could not get or set buffer size: ${detail}`,
  ],
  ERR_SOCKET_CLOSED: [Error, () => 'Socket is closed'],
  ERR_SOCKET_CLOSED_BEFORE_CONNECTION: [
    Error,
    () => 'Socket closed before the connection was established',
  ],
  ERR_SOCKET_CONNECTION_TIMEOUT: [Error, () => 'Socket connection timeout'],
  ERR_SOCKET_DGRAM_IS_CONNECTED: [Error, () => 'Already connected'],
  ERR_SOCKET_DGRAM_NOT_CONNECTED: [Error, () => 'Not connected'],
  ERR_SOCKET_DGRAM_NOT_RUNNING: [Error, () => 'Not running'],
  ERR_STREAM_ALREADY_FINISHED: [
    Error,
    (method: string) => `Cannot call ${method} after a stream was finished`,
  ],
  ERR_STREAM_CANNOT_PIPE: [Error, () => 'Cannot pipe, not readable'],
  ERR_STREAM_DESTROYED: [
    Error,
    (method: string) => `Cannot call ${method} after a stream was destroyed`,
  ],
  ERR_STREAM_NULL_VALUES: [TypeError, () => 'May not write null values to stream'],
  ERR_STREAM_WRITE_AFTER_END: [Error, () => 'write after end'],
  ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS: [
    TypeError,
    () => 'The ALPNCallback and ALPNProtocols TLS options are mutually exclusive',
  ],
  ERR_TLS_REQUIRED_SERVER_NAME: [
    Error,
    () => '"servername" is required parameter for Server.addContext',
  ],
  ERR_UNESCAPED_CHARACTERS: [TypeError, (what: string) => `${what} contains unescaped characters`],
} as const satisfies Record<string, readonly [Ctor, Message]>;

export type CodedErrorCode = keyof typeof CODES;
type ArgsOf<C extends CodedErrorCode> = Parameters<(typeof CODES)[C][1]>;

/** An error carrying a Node `ERR_*` code. */
export type CodedError<C extends string = string> = Error & { code: C };

/**
 * Builds the error Node throws for `code`: same class, message and `code`;
 * `stack` and `toString()` show `Name [CODE]: message` as in Node.
 */
export function codedError<C extends CodedErrorCode>(code: C, ...args: ArgsOf<C>): CodedError<C> {
  const [Base, format] = CODES[code] as readonly [Ctor, (...a: unknown[]) => string];
  const err = new Base(format(...(args as unknown[]))) as CodedError<C>;
  Object.defineProperty(err, 'code', {
    value: code,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  // Node names the error `Name [CODE]` while capturing the stack, then falls
  // back to the prototype's name.
  const name = err.name;
  err.name = `${name} [${code}]`;
  void err.stack;
  delete (err as { name?: string }).name;
  // Node's classes carry toString on their prototype, so inspection
  // (console.log) does not list it; non-enumerable here keeps that look.
  Object.defineProperty(err, 'toString', {
    value: function codedToString(this: Error) {
      return `${this.name} [${code}]: ${this.message}`;
    },
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return err;
}

/** True when `err` is an Error carrying the given Node `ERR_*` code. */
export function isCodedError(err: unknown, code: string): err is CodedError {
  return err instanceof Error && (err as { code?: unknown }).code === code;
}
