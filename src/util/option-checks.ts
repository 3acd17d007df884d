/**
 * Checks of option objects in Node's style, for wirestack's own options
 * (the simulation's and its links'): the object itself, its keys, and
 * numbers in a range. A value of the wrong type throws
 * `ERR_INVALID_ARG_TYPE`, a number outside its range `ERR_OUT_OF_RANGE` (as
 * Node's `validateNumber` / `validateInteger` do), an unknown key
 * `ERR_INVALID_ARG_VALUE`.
 */
import { codedError } from '../errors/index.js';
import { validateNumber } from './validators.js';

/** The values a numeric option takes. */
export interface Range {
  min: number;
  max?: number;
  integer?: boolean;
  /** `undefined` is allowed (the option's default then applies). */
  optional?: boolean;
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is a plain object (or undefined). */
export function validateOptionsObject(
  value: unknown,
  name: string,
): asserts value is Record<string, unknown> | undefined {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw codedError('ERR_INVALID_ARG_TYPE', name, 'object', value);
  }
}

/**
 * @throws ERR_INVALID_ARG_VALUE for a key of `value` not in `known`; `what`
 *   names one key (`option`, `link condition`) in the message.
 */
export function refuseUnknownKeys(
  value: object,
  name: string,
  known: readonly string[],
  what = 'option',
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw codedError(
        'ERR_INVALID_ARG_VALUE',
        `${name}.${key}`,
        (value as Record<string, unknown>)[key],
        `is not a known ${what} (the ${what}s are ${known.join(', ')})`,
      );
    }
  }
}

/** @throws ERR_INVALID_ARG_TYPE unless a number; ERR_OUT_OF_RANGE outside `range`. */
export function validateInRange(value: unknown, name: string, range: Range): void {
  if (value === undefined && range.optional) return;
  validateNumber(value, name);
  const { min, max = Number.POSITIVE_INFINITY, integer = false } = range;
  if (
    !(value >= min && value <= max) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    const bounds = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `>= ${min} && <= ${max}`;
    throw codedError(
      'ERR_OUT_OF_RANGE',
      name,
      `${integer ? 'an integer ' : 'a finite number '}${bounds}`,
      value,
    );
  }
}
