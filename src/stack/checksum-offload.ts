/**
 * Checksum offload, completed: a stack sending TCP on an interface that
 * offloads checksums (`InterfaceOptions.checksumOffload`: a simulated link,
 * loopback) leaves each segment's checksum zero, as Linux leaves it to the
 * NIC (CHECKSUM_PARTIAL) — and on loopback and veth never computes it at
 * all. A receiving stack in the same process trusts such a frame
 * (`checksummedHere`, ./frames.ts). Wherever a frame is seen or copied
 * instead — a tap or capture, a link's filter, a corrupted or duplicated
 * copy — `withChecksums` hands over a copy with the checksum filled in,
 * so captures read as on the wire and a damaged copy fails verification.
 */
import { pseudoHeaderSumV4, pseudoHeaderSumV6 } from '../wire/checksum.js';
import { IP_PROTO_TCP } from '../wire/ipv4.js';
import { completeTcpChecksum } from '../wire/tcp.js';
import { checksumLeft } from './frames.js';

const IPV6_HEADER_LEN = 40;

/**
 * `frame` itself when its checksums are complete; otherwise a copy with the
 * TCP checksum computed. `linkHeader`: bytes before the IP header (14 for
 * Ethernet, 0 for a bare IP packet). The copy lies outside the slabs, so a
 * stack that receives it verifies it.
 */
export function withChecksums(frame: Uint8Array, linkHeader: number): Uint8Array {
  if (!checksumLeft(frame)) return frame;
  const copy = frame.slice();
  const ip = linkHeader;
  if (copy[ip]! >>> 4 === 4) {
    const headerLength = (copy[ip]! & 0x0f) * 4;
    const length = ((copy[ip + 2]! << 8) | copy[ip + 3]!) - headerLength;
    const src = copy.subarray(ip + 12, ip + 16);
    const dst = copy.subarray(ip + 16, ip + 20);
    const sum = pseudoHeaderSumV4(src, dst, IP_PROTO_TCP, length);
    completeTcpChecksum(copy, ip + headerLength, length, sum);
  } else {
    // Offloaded segments are never fragmented and carry no extension header.
    const length = (copy[ip + 4]! << 8) | copy[ip + 5]!;
    const src = copy.subarray(ip + 8, ip + 24);
    const dst = copy.subarray(ip + 24, ip + 40);
    const sum = pseudoHeaderSumV6(src, dst, IP_PROTO_TCP, length);
    completeTcpChecksum(copy, ip + IPV6_HEADER_LEN, length, sum);
  }
  return copy;
}
