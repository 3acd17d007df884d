/**
 * IP addresses inside the stack: `Uint8Array`s of 4 (IPv4) or 16 (IPv6)
 * bytes, plus the predicates and prefix arithmetic routing needs.
 */
import { parseIPv4, parseIPv6 } from '../wire/ip-address.js';

/** 4 bytes (IPv4) or 16 bytes (IPv6), network order. */
export type IpAddr = Uint8Array;

export const V4_ANY: IpAddr = new Uint8Array(4);
export const V4_BROADCAST: IpAddr = Uint8Array.of(255, 255, 255, 255);
export const V4_LOOPBACK: IpAddr = Uint8Array.of(127, 0, 0, 1);
export const V4_ALL_HOSTS: IpAddr = Uint8Array.of(224, 0, 0, 1);
export const V4_ALL_ROUTERS: IpAddr = Uint8Array.of(224, 0, 0, 2);
export const V6_ANY: IpAddr = new Uint8Array(16);
export const V6_LOOPBACK: IpAddr = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
export const V6_ALL_NODES: IpAddr = Uint8Array.of(
  0xff,
  2,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
);
export const V6_ALL_ROUTERS: IpAddr = Uint8Array.of(
  0xff,
  2,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  2,
);

/** Parses an IP literal (no zone) into bytes, or null. */
export function parseIp(text: string): IpAddr | null {
  if (text.includes(':')) {
    const percent = text.indexOf('%');
    return parseIPv6(percent >= 0 ? text.slice(0, percent) : text);
  }
  return parseIPv4(text);
}

export interface Cidr {
  address: IpAddr;
  prefixLength: number;
}

/** Parses `10.0.0.1/24` or `fd00::1/64`; null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (address === null) return null;
  const max = address.length * 8;
  let prefixLength = max;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return null;
    prefixLength = Number(digits);
    if (prefixLength > max) return null;
  }
  return { address, prefixLength };
}

export function ipEquals(a: IpAddr, b: IpAddr): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A string usable as a Map key (hex digits; cheaper than formatting). */
export function ipKey(a: IpAddr): string {
  let out = a.length === 4 ? '4:' : '6:';
  for (let i = 0; i < a.length; i++)
    out += String.fromCharCode(65 + (a[i]! >>> 4), 65 + (a[i]! & 15));
  return out;
}

export function isUnspecified(a: IpAddr): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

export function isMulticast(a: IpAddr): boolean {
  return a.length === 4 ? (a[0]! & 0xf0) === 0xe0 : a[0] === 0xff;
}

export function isLimitedBroadcast(a: IpAddr): boolean {
  return a.length === 4 && a[0] === 255 && a[1] === 255 && a[2] === 255 && a[3] === 255;
}

export function isLoopback(a: IpAddr): boolean {
  return a.length === 4 ? a[0] === 127 : ipEquals(a, V6_LOOPBACK);
}

export function isLinkLocalV6(a: IpAddr): boolean {
  return a.length === 16 && a[0] === 0xfe && (a[1]! & 0xc0) === 0x80;
}

/** True when the first `length` bits of `a` and `prefix` agree. */
export function prefixMatches(a: IpAddr, prefix: IpAddr, length: number): boolean {
  if (a.length !== prefix.length) return false;
  const whole = length >>> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== prefix[i]) return false;
  const rest = length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (prefix[whole]! & mask);
}

/** `a` with the bits after `length` cleared. */
export function networkOf(a: IpAddr, length: number): IpAddr {
  const out = a.slice();
  for (let bit = length; bit < out.length * 8; bit++) out[bit >>> 3]! &= ~(0x80 >>> (bit & 7));
  return out;
}

/** Whether IPv4 `addr` is the directed broadcast address (all host bits set) of `network`/`length`. */
export function isDirectedBroadcastOf(addr: IpAddr, network: IpAddr, length: number): boolean {
  if (addr.length !== 4) return false;
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  const a = u32(addr);
  return (a & mask) >>> 0 === (u32(network) & mask) >>> 0 && (a | mask) >>> 0 === 0xffffffff;
}

/** An IPv4 address as an unsigned 32-bit number (network byte order read). */
export function u32(a: IpAddr): number {
  return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
}

/** `::ffff:a.b.c.d` for an IPv4 address. */
export function v4Mapped(a: IpAddr): IpAddr {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(a, 12);
  return out;
}

/** The IPv4 address inside `::ffff:a.b.c.d`, or null. */
export function unmapV4(a: IpAddr): IpAddr | null {
  if (a.length !== 16) return null;
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return null;
  if (a[10] !== 0xff || a[11] !== 0xff) return null;
  return a.slice(12, 16);
}

/** The link-local address fe80::/64 with a modified EUI-64 interface id (RFC 4291 App. A). */
export function linkLocalFromMac(mac: Uint8Array): IpAddr {
  const out = new Uint8Array(16);
  out[0] = 0xfe;
  out[1] = 0x80;
  out[8] = mac[0]! ^ 0x02;
  out[9] = mac[1]!;
  out[10] = mac[2]!;
  out[11] = 0xff;
  out[12] = 0xfe;
  out[13] = mac[3]!;
  out[14] = mac[4]!;
  out[15] = mac[5]!;
  return out;
}
