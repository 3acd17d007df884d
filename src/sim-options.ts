/**
 * Checks of the options `Simulation` and `Simulation.addHost` take, in
 * Node's way (lib/internal/validators.js): a value of the wrong type throws
 * `ERR_INVALID_ARG_TYPE`, a number outside its range `ERR_OUT_OF_RANGE` (as
 * Node's `validateNumber` / `validateInteger` do), and anything else wrong —
 * an unknown key, a malformed address, a name already taken —
 * `ERR_INVALID_ARG_VALUE`. An unknown key is refused rather than ignored:
 * `{ link: { delay: 50 } }` would otherwise run a simulation without the
 * delay its author asked for.
 */
import { codedError } from './errors/index.js';
import type { LinkConditions } from './link/sim/link.js';
import { parseCidr } from './stack/address.js';
import { validateBoolean, validateNumber } from './util/validators.js';

/** Each link condition and the range of its values. */
const CONDITION_RANGES: Record<keyof LinkConditions, Range> = {
  latencyMs: { min: 0 },
  jitterMs: { min: 0 },
  bandwidthBps: { min: 0 },
  queueBytes: { min: 0, integer: true },
  // RFC 791: every IPv4 link carries 68-byte datagrams; a length field caps 65535.
  mtu: { min: 68, max: 65535, integer: true },
  headerBytes: { min: 0, integer: true },
  loss: { min: 0, max: 1 },
  duplicate: { min: 0, max: 1 },
  reorder: { min: 0, max: 1 },
  reorderDelayMs: { min: 0, optional: true },
  corrupt: { min: 0, max: 1 },
};

interface Range {
  min: number;
  max?: number;
  integer?: boolean;
  /** `undefined` is allowed (the condition's default then applies). */
  optional?: boolean;
}

/** @throws ERR_INVALID_ARG_TYPE unless `value` is a plain object (or undefined). */
function validateOptionsObject(
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
function refuseUnknownKeys(
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
function validateInRange(value: unknown, name: string, range: Range): void {
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

/**
 * Checks link conditions (`Partial<LinkConditions>`) given as `name`.
 * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_VALUE (an unknown key)
 */
export function validateLinkConditions(value: unknown, name: string): void {
  validateOptionsObject(value, name);
  if (value === undefined) return;
  refuseUnknownKeys(value, name, Object.keys(CONDITION_RANGES), 'link condition');
  for (const [key, range] of Object.entries(CONDITION_RANGES)) {
    if (key in value) validateInRange(value[key], `${name}.${key}`, range);
  }
}

/**
 * Checks `new Simulation(options)`: `seed` an integer 0..2^32-1, `realTime`
 * and `autoRun` booleans, `link` link conditions.
 * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_VALUE
 */
export function validateSimulationOptions(options: unknown): void {
  validateOptionsObject(options, 'options');
  if (options === undefined) return;
  refuseUnknownKeys(options, 'options', ['seed', 'realTime', 'autoRun', 'link']);
  if (options.seed !== undefined)
    validateInRange(options.seed, 'options.seed', { min: 0, max: 0xffffffff, integer: true });
  for (const key of ['realTime', 'autoRun'] as const) {
    if (options[key] !== undefined) validateBoolean(options[key], `options.${key}`);
  }
  validateLinkConditions(options.link, 'options.link');
}

/** @throws ERR_INVALID_ARG_TYPE unless a string or null; ERR_INVALID_ARG_VALUE unless `address/prefix` of `family`. */
function validateHostAddress(value: unknown, name: string, family: 4 | 6): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') {
    throw codedError('ERR_INVALID_ARG_TYPE', name, ['string', 'null'], value);
  }
  const cidr = parseCidr(value);
  if (cidr === null || cidr.address.length !== (family === 4 ? 4 : 16)) {
    const example = family === 4 ? '10.0.0.7/24' : 'fd00::7/64';
    throw codedError(
      'ERR_INVALID_ARG_VALUE',
      name,
      value,
      `must be an IPv${family} address with its prefix length, like '${example}'`,
    );
  }
}

/**
 * Checks `addHost(name, options)`: `name` a non-empty string no other host
 * of the simulation has (`taken`), `ipv4` / `ipv6` an address with its
 * prefix (or null for none), `link` link conditions.
 * @throws ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_VALUE
 */
export function validateHostOptions(
  name: unknown,
  options: unknown,
  taken: (name: string) => boolean,
): void {
  if (typeof name !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', 'name', 'string', name);
  if (name === '') throw codedError('ERR_INVALID_ARG_VALUE', 'name', name, 'must not be empty');
  if (taken(name)) {
    throw codedError(
      'ERR_INVALID_ARG_VALUE',
      'name',
      name,
      'is already the name of a host in this simulation',
    );
  }
  validateOptionsObject(options, 'options');
  if (options === undefined) return;
  refuseUnknownKeys(options, 'options', ['ipv4', 'ipv6', 'link']);
  validateHostAddress(options.ipv4, 'options.ipv4', 4);
  validateHostAddress(options.ipv6, 'options.ipv6', 6);
  validateLinkConditions(options.link, 'options.link');
}
