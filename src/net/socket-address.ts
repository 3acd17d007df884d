import { inspect } from 'node:util';
import { codedError } from '../errors/index.js';
import { validatePort, validateString, validateUint32 } from '../util/validators.js';
import { parseIPv4, parseIPv6 } from '../wire/ip-address.js';
import { formatIP } from '../wire/ip-format.js';

export type AddressFamily = 'ipv4' | 'ipv6';

/** Options of `new net.SocketAddress([options])` (Node's net doc, "Class: net.SocketAddress"). */
export interface SocketAddressInitOptions {
  /** Default `'127.0.0.1'` for IPv4, `'::'` for IPv6. */
  address?: string;
  /** Default 0. */
  port?: number;
  /** `'ipv4'` (default) or `'ipv6'`. */
  family?: AddressFamily;
  /** IPv6 flow label, 0..2^32-1 (default 0). */
  flowlabel?: number;
}

/** `'ipv4'` / `'ipv6'` (any case), or ERR_INVALID_ARG_VALUE naming `name`. */
export function addressFamily(family: unknown, name: string): AddressFamily {
  const lower = typeof family === 'string' ? family.toLowerCase() : family;
  if (lower !== 'ipv4' && lower !== 'ipv6') throw codedError('ERR_INVALID_ARG_VALUE', name, family);
  return lower;
}

/** The 16-byte form of an address: IPv4 as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), or null. */
export function addressBytes(address: string, family: AddressFamily): Uint8Array | null {
  if (family === 'ipv6') return parseIPv6(address);
  const v4 = parseIPv4(address);
  if (!v4) return null;
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped.set(v4, 12);
  return mapped;
}

/**
 * `net.SocketAddress`: an immutable IP address, port, family and flow label.
 * @throws ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE (family),
 *   ERR_SOCKET_BAD_PORT, ERR_OUT_OF_RANGE (flowlabel), ERR_INVALID_ADDRESS
 */
export class SocketAddress {
  readonly #address: string;
  readonly #port: number;
  readonly #family: AddressFamily;
  readonly #flowlabel: number;
  /** @internal The address as 16 bytes (IPv4 mapped into IPv6), for comparisons. */
  readonly _bytes: Uint8Array;

  constructor(options: SocketAddressInitOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options', 'object', options);
    }
    const family = addressFamily(options.family ?? 'ipv4', 'options.family');
    const address = options.address ?? (family === 'ipv4' ? '127.0.0.1' : '::');
    validateString(address, 'options.address');
    const port = validatePort(options.port ?? 0, 'options.port');
    const flowlabel = options.flowlabel ?? 0;
    validateUint32(flowlabel, 'options.flowlabel');
    const bytes = addressBytes(address, family);
    if (!bytes) throw codedError('ERR_INVALID_ADDRESS');
    this._bytes = bytes;
    this.#address = formatIP(family === 'ipv4' ? bytes.subarray(12) : bytes);
    this.#port = port;
    this.#family = family;
    this.#flowlabel = flowlabel;
  }

  /** True for a `SocketAddress`. */
  static isSocketAddress(value: unknown): value is SocketAddress {
    return value instanceof SocketAddress;
  }

  get address(): string {
    return this.#address;
  }

  get port(): number {
    return this.#port;
  }

  get family(): AddressFamily {
    return this.#family;
  }

  get flowlabel(): number {
    return this.#flowlabel;
  }

  toJSON(): { address: string; port: number; family: AddressFamily; flowlabel: number } {
    return {
      address: this.address,
      port: this.port,
      family: this.family,
      flowlabel: this.flowlabel,
    };
  }

  [inspect.custom](depth: number, options: object): string {
    if (depth < 0) return 'SocketAddress';
    return `SocketAddress ${inspect(this.toJSON(), options)}`;
  }
}
