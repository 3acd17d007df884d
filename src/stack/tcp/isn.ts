/**
 * Initial sequence numbers (RFC 6528 §3): ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), where M is a 4-microsecond clock and F a
 * keyed hash, so that sequence numbers of one connection's incarnations keep
 * rising and an off-path attacker cannot guess them. F here is a 32-bit
 * mixing hash keyed by a secret from the stack's seeded generator (a
 * simulation repeats exactly); it is not cryptographic.
 */
import type { IpAddr } from '../address.js';

export function initialSequenceNumber(
  secret: number,
  local: IpAddr,
  localPort: number,
  remote: IpAddr,
  remotePort: number,
  now: number,
): number {
  let h = secret ^ 0x811c9dc5;
  h = mix(h, (localPort << 16) | remotePort);
  for (let i = 0; i < local.length; i++) h = mix(h, local[i]!);
  for (let i = 0; i < remote.length; i++) h = mix(h, remote[i]!);
  return (Math.floor(now * 250) + h) >>> 0;
}

/** One round of a murmur3-style mix. */
function mix(h: number, v: number): number {
  let k = Math.imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
