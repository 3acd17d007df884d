import { inspect } from 'node:util';
import { codedError } from '../errors/index.js';
import { validateInt32 } from '../util/validators.js';
import {
  type AddressFamily,
  addressBytes,
  addressFamily,
  SocketAddress,
} from './socket-address.js';

/** One rule: 16-byte bounds, inclusive, compared as unsigned big-endian numbers. */
interface Rule {
  low: Uint8Array;
  high: Uint8Array;
  text: string;
}

const familyName = (f: AddressFamily) => (f === 'ipv4' ? 'IPv4' : 'IPv6');

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A SocketAddress given directly, or one built from a string and family. */
function toSocketAddress(value: unknown, family: unknown, name: string): SocketAddress {
  if (SocketAddress.isSocketAddress(value)) return value;
  if (typeof value !== 'string') {
    throw codedError('ERR_INVALID_ARG_TYPE', name, ['string', 'SocketAddress'], value);
  }
  return new SocketAddress({ address: value, family: addressFamily(family, 'options.family') });
}

/**
 * `net.BlockList`: rules for addresses, ranges and subnets to check addresses
 * against (Node's net doc, "Class: net.BlockList"). Both families are kept in
 * one 128-bit space, IPv4 as IPv4-mapped IPv6, so an IPv4 rule also matches
 * `::ffff:a.b.c.d`, as in Node.
 */
export class BlockList {
  readonly #rules: Rule[] = [];

  /** True for a `BlockList`. */
  static isBlockList(value: unknown): value is BlockList {
    return value instanceof BlockList;
  }

  /** Blocks one address. @throws ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_INVALID_ADDRESS */
  addAddress(address: string | SocketAddress, family: AddressFamily = 'ipv4'): void {
    const a = toSocketAddress(address, family, 'address');
    this.#rules.push({
      low: a._bytes,
      high: a._bytes,
      text: `Address: ${familyName(a.family)} ${a.address}`,
    });
  }

  /** Blocks `start`..`end` inclusive. @throws as addAddress, and ERR_INVALID_ARG_VALUE when start > end */
  addRange(
    start: string | SocketAddress,
    end: string | SocketAddress,
    family: AddressFamily = 'ipv4',
  ): void {
    const from = toSocketAddress(start, family, 'start');
    const to = toSocketAddress(end, family, 'end');
    if (compare(from._bytes, to._bytes) > 0) {
      throw codedError('ERR_INVALID_ARG_VALUE', 'start', from, 'must come before end');
    }
    this.#rules.push({
      low: from._bytes,
      high: to._bytes,
      text: `Range: ${familyName(from.family)} ${from.address}-${to.address}`,
    });
  }

  /**
   * Blocks the `prefix`-bit subnet of `net` (0..32 for IPv4, 0..128 for IPv6).
   * @throws as addAddress, and ERR_OUT_OF_RANGE for the prefix
   */
  addSubnet(net: string | SocketAddress, prefix: number, family: AddressFamily = 'ipv4'): void {
    const base = toSocketAddress(net, family, 'net');
    validateInt32(prefix, 'prefix', 0);
    const max = base.family === 'ipv4' ? 32 : 128;
    if (prefix > max) throw codedError('ERR_OUT_OF_RANGE', 'prefix', `>= 0 && <= ${max}`, prefix);
    const bits = base.family === 'ipv4' ? prefix + 96 : prefix;
    const low = new Uint8Array(16);
    const high = new Uint8Array(16);
    for (let i = 0; i < 16; i++) {
      const keep = Math.max(0, Math.min(8, bits - i * 8));
      const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
      low[i] = base._bytes[i]! & mask;
      high[i] = low[i]! | (~mask & 0xff);
    }
    this.#rules.push({
      low,
      high,
      text: `Subnet: ${familyName(base.family)} ${base.address}/${prefix}`,
    });
  }

  /** True when some rule blocks `address`; an address that does not parse is not blocked. */
  check(address: string | SocketAddress, family: AddressFamily = 'ipv4'): boolean {
    let bytes: Uint8Array | null;
    if (SocketAddress.isSocketAddress(address)) {
      bytes = address._bytes;
    } else if (typeof address === 'string') {
      bytes = addressBytes(address, addressFamily(family, 'options.family'));
    } else {
      throw codedError('ERR_INVALID_ARG_TYPE', 'address', ['string', 'SocketAddress'], address);
    }
    if (!bytes) return false;
    for (const rule of this.#rules) {
      if (compare(bytes, rule.low) >= 0 && compare(bytes, rule.high) <= 0) return true;
    }
    return false;
  }

  /** The rules, newest first, in Node's text form (`Address: IPv4 1.2.3.4`, ...). */
  get rules(): string[] {
    return this.#rules.map((r) => r.text).reverse();
  }

  [inspect.custom](depth: number, options: object): string {
    if (depth < 0) return 'BlockList';
    return `BlockList ${inspect({ rules: this.rules }, options)}`;
  }
}
