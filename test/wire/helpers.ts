/** Small helpers for wire tests: hex literals to bytes and back. */
import assert from 'node:assert/strict';
import { WireError } from '../../src/wire/errors.js';

/** Bytes from hex, ignoring spaces and newlines. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Asserts `value` is not a WireError and narrows it. */
export function ok<T>(value: T | WireError): T {
  if (value instanceof WireError) assert.fail(`unexpected ${value.message}`);
  return value;
}

/** Asserts `value` is a WireError of `kind`. */
export function fails(value: unknown, kind: WireError['kind']): WireError {
  assert.ok(value instanceof WireError, `expected a WireError, got ${JSON.stringify(value)}`);
  assert.equal(value.kind, kind, value.message);
  return value;
}
