/**
 * The opening handshake's key exchange (RFC 6455 §4.1, §4.2.2):
 *
 * - the client sends `Sec-WebSocket-Key`: 16 random bytes, base64 (24
 *   characters, ending in `==`);
 * - the server answers `Sec-WebSocket-Accept`: base64(SHA-1(key + GUID)),
 *   the GUID being 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 (§1.3). The RFC's
 *   own example: key `dGhlIHNhbXBsZSBub25jZQ==` →
 *   accept `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WS_GUID } from './constants.js';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
}

/** A fresh Sec-WebSocket-Key: 16 random bytes in base64. */
export function generateKey(): string {
  return randomBytes(16).toString('base64');
}

const KEY_RE = /^[+/0-9A-Za-z]{22}==$/;

/** True when `key` is the base64 encoding of exactly 16 bytes (§4.2.1 item 5). */
export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}
