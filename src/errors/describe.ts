import { inspect } from 'node:util';

/**
 * How Node's error messages describe a received value
 * (`determineSpecificType` in Node's lib/internal/errors.js):
 * `type number (1)`, `undefined`, `null`, `an instance of Foo`, `function bar`.
 */
export function describeReceived(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) return `an instance of ${ctor.name}`;
    return inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/** `string`, `string or number`, `string, number, or an instance of Buffer`. */
export function describeExpected(expected: string | readonly string[]): string {
  const list = typeof expected === 'string' ? [expected] : [...expected];
  const types: string[] = [];
  const instances: string[] = [];
  for (const t of list) {
    if (/^[A-Z]/.test(t)) instances.push(t);
    else types.push(t);
  }
  const parts: string[] = [];
  if (types.length > 0) parts.push(`of type ${joinOr(types)}`);
  if (instances.length > 0) parts.push(`an instance of ${joinOr(instances)}`);
  return parts.join(' or ');
}

function joinOr(items: string[]): string {
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}
