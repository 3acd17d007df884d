/**
 * Checks of the options `Simulation` and `Simulation.addHost` take, in
 * Node's way (lib/internal/validators.js): a value of the wrong type throws
 * `ERR_INVALID_ARG_TYPE`, a number outside its range `ERR_OUT_OF_RANGE` (as
 * Node's `validateNumber` / `validateInteger` do), and anything else wrong —
 * an unknown key, a malformed address, a name already taken —
 * `ERR_INVALID_ARG_VALUE`. An unknown key is refused rather than ignored:
 * `{ link: { delay: 50 } }` would otherwise run a simulation without the
 * delay its author asked for. Link conditions are checked by the link
 * itself too (check-conditions.ts), so `linkOf(host).set()` is as strict.
 */
import { codedError } from './errors/index.js';
import { validateLinkConditions } from './link/sim/check-conditions.js';
import { parseCidr } from './stack/address.js';
import { refuseUnknownKeys, validateInRange, validateOptionsObject } from './util/option-checks.js';
import { validateBoolean } from './util/validators.js';

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
