/**
 * Textual IP addresses: IPv4 dotted-quad (RFC 791 notation, no leading zeros,
 * as Node's `net.isIPv4` accepts) and IPv6 (RFC 4291 §2.2 text forms,
 * including `::` compression, an embedded dotted-quad tail, and an optional
 * `%zone` suffix as RFC 4007 §11 allows). Sans-IO: no Node built-ins.
 */

/** Parses a dotted-quad IPv4 address into 4 bytes (network order), or null. */
export function parseIPv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  return parseIPv4Into(text, 0, text.length, out, 0) ? out : null;
}

function parseIPv4Into(
  text: string,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): boolean {
  let part = 0;
  let i = start;
  while (part < 4) {
    const first = i;
    let value = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 3 || value > 255) return false;
    if (digits > 1 && text.charCodeAt(first) === 48) return false;
    out[at + part] = value;
    part++;
    if (part < 4) {
      if (i >= end || text.charCodeAt(i) !== 46) return false;
      i++;
    }
  }
  return i === end;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Zone ids may hold letters, digits, `-`, `.`, `_`, `~` (and `:` for Node's regex compatibility). */
function isZoneChar(c: number): boolean {
  return (
    (c >= 48 && c <= 58) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 45 ||
    c === 46 ||
    c === 95 ||
    c === 126
  );
}

/** Parses an IPv6 address (optionally with `%zone`) into 16 bytes, or null. */
export function parseIPv6(text: string): Uint8Array | null {
  let end = text.length;
  const percent = text.indexOf('%');
  if (percent !== -1) {
    if (percent === end - 1) return null;
    for (let i = percent + 1; i < end; i++) if (!isZoneChar(text.charCodeAt(i))) return null;
    end = percent;
  }
  const out = new Uint8Array(16);
  let group = 0; // 16-bit groups written so far
  let gap = -1; // group index where `::` stands
  let i = 0;
  if (text.startsWith('::')) {
    gap = 0;
    i = 2;
    if (i === end) return out;
  } else if (text.charCodeAt(0) === 58) {
    return null;
  }
  while (i < end) {
    if (group >= 8) return null;
    const first = i;
    let value = 0;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = (value << 4) | h;
      i++;
    }
    const digits = i - first;
    if (i < end && text.charCodeAt(i) === 46) {
      // Dotted-quad tail: takes the last two groups.
      if (group > 6 || !parseIPv4Into(text, first, end, out, group * 2)) return null;
      group += 2;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return null;
    out[group * 2] = value >> 8;
    out[group * 2 + 1] = value & 0xff;
    group++;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return null;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap !== -1) return null;
      gap = group;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return null;
    }
  }
  if (gap === -1) return group === 8 ? out : null;
  if (group >= 8) return null;
  // Slide the groups after `::` to the end.
  const tail = (group - gap) * 2;
  out.copyWithin(16 - tail, gap * 2, group * 2);
  out.fill(0, gap * 2, 16 - tail);
  return out;
}

/** True for a dotted-quad IPv4 address (Node's `net.isIPv4`; other values are read as strings). */
export function isIPv4(text: string): boolean {
  return parseIPv4(typeof text === 'string' ? text : String(text)) !== null;
}

/** True for an IPv6 address, zone id allowed (Node's `net.isIPv6`; other values are read as strings). */
export function isIPv6(text: string): boolean {
  return parseIPv6(typeof text === 'string' ? text : String(text)) !== null;
}

/** 4 for IPv4, 6 for IPv6, 0 otherwise (Node's `net.isIP`). */
export function isIP(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return 0;
}
