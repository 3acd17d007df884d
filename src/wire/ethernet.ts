/**
 * Ethernet II frames (IEEE 802.3 with an EtherType, as RFC 894 carries IP):
 * destination MAC, source MAC, EtherType, payload. The frame check sequence
 * is not part of what links hand us, as with a capture.
 */
import { WireError } from './errors.js';

export const ETHERNET_HEADER_LEN = 14;
/** The smallest payload; shorter frames are padded on the wire (IEEE 802.3). */
export const ETHERNET_MIN_PAYLOAD = 46;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

export const BROADCAST_MAC: Uint8Array = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** A parsed frame; `dst`, `src` and `payload` are views into the input, not copies. */
export interface EthernetFrame {
  dst: Uint8Array;
  src: Uint8Array;
  etherType: number;
  payload: Uint8Array;
}

/** Parses an Ethernet II frame; an 802.3 length field (< 0x0600) is `unsupported`. */
export function parseEthernet(frame: Uint8Array): EthernetFrame | WireError {
  if (frame.length < ETHERNET_HEADER_LEN) {
    return new WireError('ethernet', 'truncated', `frame of ${frame.length} bytes`);
  }
  const etherType = (frame[12]! << 8) | frame[13]!;
  if (etherType < 0x0600) {
    return new WireError('ethernet', 'unsupported', `802.3 length field ${etherType}`);
  }
  return {
    dst: frame.subarray(0, 6),
    src: frame.subarray(6, 12),
    etherType,
    payload: frame.subarray(ETHERNET_HEADER_LEN),
  };
}

/** Writes the 14-byte header at `offset`; returns the bytes written. */
export function emitEthernet(
  buf: Uint8Array,
  offset: number,
  dst: Uint8Array,
  src: Uint8Array,
  etherType: number,
): number {
  buf.set(dst.subarray(0, 6), offset);
  buf.set(src.subarray(0, 6), offset + 6);
  buf[offset + 12] = etherType >>> 8;
  buf[offset + 13] = etherType & 0xff;
  return ETHERNET_HEADER_LEN;
}

/** `aa:bb:cc:dd:ee:ff`, lower-case. */
export function formatMac(mac: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 6; i++) {
    if (i > 0) out += ':';
    out += (mac[i] ?? 0).toString(16).padStart(2, '0');
  }
  return out;
}

/** Parses `aa:bb:cc:dd:ee:ff` (or `-` separated); null when malformed. */
export function parseMac(text: string): Uint8Array | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return null;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const part = parts[i]!;
    if (!/^[0-9a-fA-F]{2}$/.test(part)) return null;
    out[i] = Number.parseInt(part, 16);
  }
  return out;
}

/** True for group (multicast or broadcast) addresses: the I/G bit. */
export function isMulticastMac(mac: Uint8Array): boolean {
  return (mac[0]! & 1) === 1;
}

export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a[0] === b[0] &&
    a[1] === b[1] &&
    a[2] === b[2] &&
    a[3] === b[3] &&
    a[4] === b[4] &&
    a[5] === b[5]
  );
}

/** The MAC for an IPv4 multicast group (RFC 1112 §6.4): 01:00:5e + the low 23 bits. */
export function multicastMacV4(group: Uint8Array, out = new Uint8Array(6)): Uint8Array {
  out[0] = 0x01;
  out[1] = 0x00;
  out[2] = 0x5e;
  out[3] = group[1]! & 0x7f;
  out[4] = group[2]!;
  out[5] = group[3]!;
  return out;
}

/** The MAC for an IPv6 multicast group (RFC 2464 §7): 33:33 + the low 32 bits. */
export function multicastMacV6(group: Uint8Array, out = new Uint8Array(6)): Uint8Array {
  out[0] = 0x33;
  out[1] = 0x33;
  out[2] = group[12]!;
  out[3] = group[13]!;
  out[4] = group[14]!;
  out[5] = group[15]!;
  return out;
}
