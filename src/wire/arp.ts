/**
 * ARP (RFC 826) for IPv4 over Ethernet: hardware type 1, protocol type
 * 0x0800, 6-byte hardware and 4-byte protocol addresses. Other combinations
 * are well-formed ARP but `unsupported` here.
 */
import { WireError } from './errors.js';

export const ARP_LEN = 28;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

/** A parsed ARP packet; the address fields are views into the input. */
export interface ArpPacket {
  operation: number;
  senderMac: Uint8Array;
  senderIp: Uint8Array;
  targetMac: Uint8Array;
  targetIp: Uint8Array;
}

export function parseArp(bytes: Uint8Array): ArpPacket | WireError {
  if (bytes.length < 8) return new WireError('arp', 'truncated', `${bytes.length} bytes`);
  const htype = (bytes[0]! << 8) | bytes[1]!;
  const ptype = (bytes[2]! << 8) | bytes[3]!;
  const hlen = bytes[4]!;
  const plen = bytes[5]!;
  const operation = (bytes[6]! << 8) | bytes[7]!;
  if (htype !== 1 || ptype !== 0x0800 || hlen !== 6 || plen !== 4) {
    return new WireError(
      'arp',
      'unsupported',
      `hardware ${htype}/${hlen}, protocol 0x${ptype.toString(16)}/${plen}`,
    );
  }
  // Ethernet padding may follow the 28 bytes.
  if (bytes.length < ARP_LEN) return new WireError('arp', 'truncated', `${bytes.length} bytes`);
  if (operation !== ARP_REQUEST && operation !== ARP_REPLY) {
    return new WireError('arp', 'unsupported', `operation ${operation}`);
  }
  return {
    operation,
    senderMac: bytes.subarray(8, 14),
    senderIp: bytes.subarray(14, 18),
    targetMac: bytes.subarray(18, 24),
    targetIp: bytes.subarray(24, 28),
  };
}

/** Writes a 28-byte Ethernet/IPv4 ARP packet at `offset`; returns the bytes written. */
export function emitArp(buf: Uint8Array, offset: number, packet: ArpPacket): number {
  buf[offset] = 0;
  buf[offset + 1] = 1;
  buf[offset + 2] = 0x08;
  buf[offset + 3] = 0x00;
  buf[offset + 4] = 6;
  buf[offset + 5] = 4;
  buf[offset + 6] = packet.operation >>> 8;
  buf[offset + 7] = packet.operation & 0xff;
  buf.set(packet.senderMac.subarray(0, 6), offset + 8);
  buf.set(packet.senderIp.subarray(0, 4), offset + 14);
  buf.set(packet.targetMac.subarray(0, 6), offset + 18);
  buf.set(packet.targetIp.subarray(0, 4), offset + 24);
  return ARP_LEN;
}
