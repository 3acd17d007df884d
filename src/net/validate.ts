import { codedError } from '../errors/index.js';

/**
 * Node's port check (`validatePort` in lib/internal/validators.js): a number or
 * numeric string in 0..65535 (1..65535 when `allowZero` is false).
 * @throws ERR_SOCKET_BAD_PORT
 */
export function validatePort(port: unknown, name = 'Port', allowZero = true): number {
  if (
    (typeof port !== 'number' && typeof port !== 'string') ||
    (typeof port === 'string' && port.trim().length === 0) ||
    +port !== +port >>> 0 ||
    +port > 0xffff ||
    (+port === 0 && !allowZero)
  ) {
    throw codedError('ERR_SOCKET_BAD_PORT', name, port, allowZero);
  }
  return +port | 0;
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is a number. */
export function validateNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', name, 'number', value);
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is a string. */
export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', name, 'string', value);
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is a function. */
export function validateFunction(value: unknown, name: string): asserts value is Function {
  if (typeof value !== 'function') {
    throw codedError('ERR_INVALID_ARG_TYPE', name, 'function', value);
  }
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is a boolean. */
export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw codedError('ERR_INVALID_ARG_TYPE', name, 'boolean', value);
}

/**
 * A timeout in milliseconds for `setTimeout`-style APIs: a finite number >= 0
 * (Node's `getTimerDuration`).
 * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE
 */
export function validateTimeout(msecs: unknown, name: string): number {
  validateNumber(msecs, name);
  if (msecs < 0 || !Number.isFinite(msecs)) {
    throw codedError('ERR_OUT_OF_RANGE', name, 'a non-negative finite number', msecs);
  }
  return msecs;
}

/** A string that is not a non-negative number names a pipe (Node's `isPipeName` in net.js). */
export function isPipeName(value: unknown): value is string {
  return typeof value === 'string' && !(Number(value) >= 0);
}
