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

// Names Node's messages treat as primitive types (lower-cased when shown).
const K_TYPES = new Set([
  'string',
  'function',
  'number',
  'object',
  'Function',
  'Object',
  'boolean',
  'bigint',
  'symbol',
]);
const CLASS_NAME = /^([A-Z][a-z0-9]*)+$/;

/**
 * `of type string`, `one of type string or number`, `of type string or an
 * instance of Buffer`, `of type string or one of undefined or null`: how
 * Node's ERR_INVALID_ARG_TYPE names what was expected (primitive types,
 * class names, then anything else).
 */
export function describeExpected(expected: string | readonly string[]): string {
  const list = typeof expected === 'string' ? [expected] : [...expected];
  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const t of list) {
    if (K_TYPES.has(t)) types.push(t.toLowerCase());
    else if (CLASS_NAME.test(t)) instances.push(t);
    else other.push(t);
  }
  if (instances.length > 0) {
    const pos = types.indexOf('object');
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push('Object');
    }
  }
  let msg = '';
  if (types.length > 0) {
    if (types.length > 2) msg += `one of type ${joinOr(types)}`;
    else if (types.length === 2) msg += `one of type ${types[0]} or ${types[1]}`;
    else msg += `of type ${types[0]}`;
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg += `an instance of ${joinOr(instances)}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length >= 2) msg += `one of ${joinOr(other)}`;
    else {
      if (other[0]!.toLowerCase() !== other[0]) msg += 'an ';
      msg += other[0];
    }
  }
  return msg;
}

function joinOr(items: string[]): string {
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}
