/**
 * Argument checks with Node's error codes and messages (the behaviour of
 * Node's lib/internal/validators.js), shared by net, dgram and http.
 */
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
    (port === 0 && !allowZero)
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

/**
 * @throws ERR_INVALID_ARG_TYPE unless `value` is a number; ERR_OUT_OF_RANGE
 *   unless it is an integer in [0, 2^32 - 1].
 */
export function validateUint32(value: unknown, name: string): asserts value is number {
  validateNumber(value, name);
  if (!Number.isInteger(value)) throw codedError('ERR_OUT_OF_RANGE', name, 'an integer', value);
  if (value < 0 || value > 0xffffffff) {
    throw codedError('ERR_OUT_OF_RANGE', name, '>= 0 && <= 4294967295', value);
  }
}

/**
 * @throws ERR_INVALID_ARG_TYPE unless `value` is a number; ERR_OUT_OF_RANGE
 *   unless it is an integer in [min, 2^31 - 1].
 */
export function validateInt32(
  value: unknown,
  name: string,
  min = -2147483648,
): asserts value is number {
  validateNumber(value, name);
  if (!Number.isInteger(value)) throw codedError('ERR_OUT_OF_RANGE', name, 'an integer', value);
  if (value < min || value > 2147483647) {
    throw codedError('ERR_OUT_OF_RANGE', name, `>= ${min} && <= 2147483647`, value);
  }
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is an AbortSignal (or undefined). */
export function validateAbortSignal(value: unknown, name: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || !('aborted' in value)) {
    throw codedError('ERR_INVALID_ARG_TYPE', name, 'AbortSignal', value);
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
