/**
 * The typed error every parser in `wire/` returns (never throws) for input it
 * cannot accept. Parsers return `T | WireError`; test with `instanceof`.
 */

/** Why a packet was rejected. */
export type WireErrorKind =
  /** Shorter than a header or a length field says. */
  | 'truncated'
  /** A field holds a value the format forbids (bad version, length, option). */
  | 'malformed'
  /** The checksum does not verify. */
  | 'checksum'
  /** Well-formed, but a variant this implementation does not handle. */
  | 'unsupported';

/** A packet (or file) rejected by a parser: which layer, why, and a short human detail. */
export class WireError {
  readonly layer: string;
  readonly kind: WireErrorKind;
  readonly detail: string;

  constructor(layer: string, kind: WireErrorKind, detail: string) {
    this.layer = layer;
    this.kind = kind;
    this.detail = detail;
  }

  get message(): string {
    return `${this.layer}: ${this.kind}: ${this.detail}`;
  }

  toString(): string {
    return this.message;
  }
}

/** True when a parse result is a `WireError`. */
export function isWireError(value: unknown): value is WireError {
  return value instanceof WireError;
}
