/**
 * Checks link conditions (`Partial<LinkConditions>`) as a simulated link
 * is made or changed, so a misspelt condition (`delay` for `latencyMs`) or
 * a percentage given as a probability (`loss: 20`) is refused instead of
 * silently running another simulation than the one asked for.
 */
import {
  type Range,
  refuseUnknownKeys,
  validateInRange,
  validateOptionsObject,
} from '../../util/option-checks.js';
import type { LinkConditions } from './link.js';

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

/**
 * Checks link conditions given as `name`: every key a condition, every
 * value a number in its range (probabilities 0..1, times in ms ≥ 0, an MTU
 * of 68..65535).
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
