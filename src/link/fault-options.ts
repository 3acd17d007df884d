/**
 * The fault options shared by `wirestack sim`, `wirestack run --link` and the
 * `WIRESTACK_FAULTS` variable, read one way everywhere: `--loss 1%` (or
 * 0.01), `--delay 20` (ms), `--jitter 5` (ms), `--reorder`, `--duplicate`,
 * `--corrupt` (probabilities), `--seed N`; and the number formats the
 * commands take (probabilities, counts, bandwidths, byte counts). A value
 * that does not read throws an `OptionError` whose message names the option.
 */
import type { LinkConditions } from './sim/link.js';

/** A command-line or environment value that does not read; the message says what was expected. */
export class OptionError extends TypeError {
  override name = 'OptionError';
}

/** `0.05` or `5%`: a probability from 0 to 1. */
export function parseProbability(name: string, text: string): number {
  const pct = text.endsWith('%');
  const value = Number(pct ? text.slice(0, -1) : text) / (pct ? 100 : 1);
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new OptionError(
      `${name} must be a probability from 0 to 1 (or 0% to 100%), not '${text}'`,
    );
  }
  return value;
}

/** A number ≥ 0 (a whole one when `integer`). */
export function parseNonNegative(name: string, text: string, integer = false): number {
  const value = Number(text);
  if (
    text === '' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new OptionError(`${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, not '${text}'`);
  }
  return value;
}

/** Bits per second: `1000000`, `10M`, `1.5G`. */
export function parseBandwidth(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text);
  if (!m)
    throw new OptionError(`${name} must be bits per second like 1000000 or 10M, not '${text}'`);
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * scale;
}

/** Bytes: `1048576`, `64K`, `4M`. */
export function parseByteCount(name: string, text: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(text);
  if (!m)
    throw new OptionError(`${name} must be a byte count like 1048576, 64K or 4M, not '${text}'`);
  const scale = { '': 1, k: 1024, m: 1024 * 1024 }[m[2]!.toLowerCase() as '' | 'k' | 'm'];
  return Number(m[1]) * scale;
}

/** The fault options and the condition each sets. */
export const FAULT_OPTIONS = {
  '--delay': 'latencyMs',
  '--jitter': 'jitterMs',
  '--loss': 'loss',
  '--duplicate': 'duplicate',
  '--reorder': 'reorder',
  '--corrupt': 'corrupt',
} as const satisfies Record<string, keyof LinkConditions>;

export type FaultOptionName = keyof typeof FAULT_OPTIONS;

/** The help lines for the fault options (and `--seed`), as `wirestack sim` and `wirestack run` print them. */
export function faultOptionsHelp(delayDefault: string): string {
  return `  --seed N           PRNG seed (default 1)
  --delay MS         one-way delay (default ${delayDefault})
  --jitter MS        extra random delay, 0..MS (default 0)
  --loss P           frame loss, 0..1 or a percentage like 10% (default 0)
  --duplicate P      frame duplication
  --reorder P        frames held back so later ones pass
  --corrupt P        one bit flipped in a frame`;
}

/**
 * Reads fault option `name` (`--loss`, ...) into `conditions`; false when
 * `name` is not a fault option (nothing is read then).
 */
export function readFaultOption(
  name: string,
  text: () => string,
  conditions: Partial<LinkConditions>,
): boolean {
  if (!Object.hasOwn(FAULT_OPTIONS, name)) return false;
  const key = FAULT_OPTIONS[name as FaultOptionName];
  const value = text();
  conditions[key] =
    key === 'latencyMs' || key === 'jitterMs'
      ? parseNonNegative(name, value)
      : parseProbability(name, value);
  return true;
}

/** Faults and their seed, as `WIRESTACK_FAULTS` carries them. */
export interface FaultSpec {
  conditions: Partial<LinkConditions>;
  seed: number;
}

/** `delay=20,jitter=5,loss=0.01,seed=7`: the option names without `--`, the values as the options take them. */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  for (const [option, key] of Object.entries(FAULT_OPTIONS)) {
    const value = spec.conditions[key];
    if (value !== undefined && value !== 0) parts.push(`${option.slice(2)}=${value}`);
  }
  parts.push(`seed=${spec.seed}`);
  return parts.join(',');
}

/** Reads what `formatFaultSpec` writes; `what` names the source in errors. */
export function parseFaultSpec(text: string, what = 'WIRESTACK_FAULTS'): FaultSpec {
  const spec: FaultSpec = { conditions: {}, seed: 1 };
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : part.trim();
    const value = eq > 0 ? part.slice(eq + 1).trim() : '';
    if (key === 'seed') {
      spec.seed = parseNonNegative(`${what} seed`, value, true);
      continue;
    }
    if (!readFaultOption(`--${key}`, () => value, spec.conditions)) {
      throw new OptionError(
        `${what}: unknown fault '${key}' (known: ${Object.keys(FAULT_OPTIONS)
          .map((o) => o.slice(2))
          .join(', ')}, seed)`,
      );
    }
  }
  return spec;
}
