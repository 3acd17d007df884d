/**
 * The classic libpcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html;
 * draft-ietf-opsawg-pcap): a 24-byte global header, then per packet a 16-byte
 * record header and the captured bytes. Written little-endian with
 * microsecond timestamps (magic 0xa1b2c3d4); read in either byte order, with
 * microsecond or nanosecond (0xa1b23c4d) timestamps.
 */
import { WireError } from './errors.js';

export const PCAP_GLOBAL_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;
/** LINKTYPE_ETHERNET. */
export const LINKTYPE_ETHERNET = 1;
/** LINKTYPE_RAW: each packet starts with an IPv4 or IPv6 header. */
export const LINKTYPE_RAW = 101;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;

/** The 24-byte global header for a new capture. */
export function pcapGlobalHeader(linkType: number, snapLength = 262144): Uint8Array {
  const out = new Uint8Array(PCAP_GLOBAL_HEADER_LEN);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC_MICRO, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true); // thiszone
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, snapLength, true);
  view.setUint32(20, linkType, true);
  return out;
}

/**
 * One record: header and the first `snapLength` bytes of `packet`, stamped
 * `timeMs` milliseconds after the epoch (rounded to microseconds).
 */
export function pcapRecord(timeMs: number, packet: Uint8Array, snapLength = 262144): Uint8Array {
  const captured = Math.min(packet.length, snapLength);
  const out = new Uint8Array(PCAP_RECORD_HEADER_LEN + captured);
  const view = new DataView(out.buffer);
  const micros = Math.round(timeMs * 1000);
  const seconds = Math.floor(micros / 1e6);
  view.setUint32(0, seconds >>> 0, true);
  view.setUint32(4, micros - seconds * 1e6, true);
  view.setUint32(8, captured, true);
  view.setUint32(12, packet.length, true);
  out.set(packet.subarray(0, captured), PCAP_RECORD_HEADER_LEN);
  return out;
}

export interface PcapPacket {
  /** Milliseconds after the epoch (fractional). */
  timeMs: number;
  /** The length on the wire, which may exceed `data.length` when truncated by the snap length. */
  originalLength: number;
  /** A view into the file's bytes. */
  data: Uint8Array;
}

export interface PcapFile {
  linkType: number;
  snapLength: number;
  nanosecond: boolean;
  littleEndian: boolean;
  packets: PcapPacket[];
}

/** Parses a whole pcap file held in memory. */
export function parsePcap(bytes: Uint8Array): PcapFile | WireError {
  if (bytes.length < PCAP_GLOBAL_HEADER_LEN) {
    return new WireError('pcap', 'truncated', `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian: boolean;
  let nanosecond: boolean;
  const le = view.getUint32(0, true);
  const be = view.getUint32(0, false);
  if (le === MAGIC_MICRO || le === MAGIC_NANO) {
    littleEndian = true;
    nanosecond = le === MAGIC_NANO;
  } else if (be === MAGIC_MICRO || be === MAGIC_NANO) {
    littleEndian = false;
    nanosecond = be === MAGIC_NANO;
  } else {
    return new WireError('pcap', 'malformed', `magic 0x${be.toString(16)}`);
  }
  const major = view.getUint16(4, littleEndian);
  if (major !== 2) return new WireError('pcap', 'unsupported', `version ${major}`);
  const snapLength = view.getUint32(16, littleEndian);
  // The link type lives in the low 16 bits (the rest carries FCS information).
  const linkType = view.getUint32(20, littleEndian) & 0xffff;
  const packets: PcapPacket[] = [];
  let at = PCAP_GLOBAL_HEADER_LEN;
  while (at < bytes.length) {
    if (at + PCAP_RECORD_HEADER_LEN > bytes.length) {
      return new WireError('pcap', 'truncated', `record header at ${at}`);
    }
    const seconds = view.getUint32(at, littleEndian);
    const fraction = view.getUint32(at + 4, littleEndian);
    const captured = view.getUint32(at + 8, littleEndian);
    const originalLength = view.getUint32(at + 12, littleEndian);
    if (fraction >= (nanosecond ? 1e9 : 1e6)) {
      return new WireError('pcap', 'malformed', `sub-second field ${fraction} at ${at}`);
    }
    if (captured > originalLength && originalLength !== 0) {
      return new WireError(
        'pcap',
        'malformed',
        `captured ${captured} > original ${originalLength}`,
      );
    }
    const start = at + PCAP_RECORD_HEADER_LEN;
    if (start + captured > bytes.length) {
      return new WireError('pcap', 'truncated', `record of ${captured} bytes at ${at}`);
    }
    packets.push({
      timeMs: seconds * 1000 + fraction / (nanosecond ? 1e6 : 1e3),
      originalLength,
      data: bytes.subarray(start, start + captured),
    });
    at = start + captured;
  }
  return { linkType, snapLength, nanosecond, littleEndian, packets };
}
