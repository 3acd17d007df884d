import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  finishChecksum,
  internetChecksum,
  pseudoHeaderSumV4,
  pseudoHeaderSumV6,
  sumBytes,
  updateChecksum,
  verifyChecksum,
} from '../../src/wire/checksum.js';
import { hex } from './helpers.js';

test('RFC 1071 §3 example: the sum of 0001 f203 f4f5 f6f7 is ddf2', () => {
  const bytes = hex('0001f203f4f5f6f7');
  let sum = sumBytes(bytes, 0, bytes.length);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  assert.equal(sum, 0xddf2);
  assert.equal(internetChecksum(bytes), 0x220d);
});

test('a textbook IPv4 header has checksum b861 and verifies', () => {
  const header = hex('45000073000040004011 0000 c0a80001c0a800c7');
  assert.equal(internetChecksum(header), 0xb861);
  header[10] = 0xb8;
  header[11] = 0x61;
  assert.ok(verifyChecksum(header, 0, header.length));
});

test('odd lengths pad the last byte with zero', () => {
  assert.equal(internetChecksum(hex('01')), ~0x0100 & 0xffff);
  assert.equal(internetChecksum(hex('0102 03')), ~(0x0102 + 0x0300) & 0xffff);
});

test('RFC 1624 §4 example: 5555 → 3285 under HC dd2f gives 0000', () => {
  assert.equal(updateChecksum(0xdd2f, 0x5555, 0x3285), 0x0000);
});

test('incremental update agrees with recomputation (property)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 2, maxLength: 64 }).filter((b) => b.length % 2 === 0),
      fc.nat(),
      fc.integer({ min: 0, max: 0xffff }),
      (bytes, at, value) => {
        const i = (at % (bytes.length / 2)) * 2;
        const before = internetChecksum(bytes);
        const old = (bytes[i]! << 8) | bytes[i + 1]!;
        const changed = bytes.slice();
        changed[i] = value >>> 8;
        changed[i + 1] = value & 0xff;
        const updated = updateChecksum(before, old, value);
        const fresh = internetChecksum(changed);
        // One's complement has two zeros; both are right (RFC 1624 §3).
        assert.ok(updated === fresh || (updated ^ fresh) === 0xffff, `${updated} vs ${fresh}`);
      },
    ),
  );
});

test('chained sums over even splits equal one sum', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, cut) => {
      const at = (cut % (bytes.length + 1)) & ~1;
      const whole = finishChecksum(sumBytes(bytes, 0, bytes.length));
      const split = finishChecksum(sumBytes(bytes, at, bytes.length, sumBytes(bytes, 0, at)));
      assert.equal(split, whole);
    }),
  );
});

test('pseudo-header sums: IPv4 and IPv6 by hand', () => {
  const src = hex('c0a80001');
  const dst = hex('c0a800c7');
  assert.equal(pseudoHeaderSumV4(src, dst, 17, 12), 0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 17 + 12);
  const s6 = hex('fe800000000000000000000000000001');
  const d6 = hex('fe800000000000000000000000000002');
  assert.equal(pseudoHeaderSumV6(s6, d6, 58, 0x10020), 0xfe80 + 1 + 0xfe80 + 2 + 1 + 0x20 + 58);
});

test('long runs read 32 bits at a time give the checksum of the plain word sum (property)', () => {
  // The reference: big-endian 16-bit words one by one (RFC 1071 §4.1).
  const reference = (b: Uint8Array, start: number, end: number, initial: number): number => {
    let sum = initial;
    for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
    return sum;
  };
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.nat(7),
      fc.nat(7),
      fc.nat(0xffffff),
      (data, viewShift, rawStart, initial) => {
        // Views at every alignment of the underlying buffer, and even starts within them.
        const backing = new Uint8Array(data.length + 8);
        const view = backing.subarray(viewShift, viewShift + data.length);
        view.set(data);
        const start = Math.min(rawStart & ~1, data.length);
        const got = finishChecksum(sumBytes(view, start, data.length, initial));
        const want = finishChecksum(reference(view, start, data.length, initial));
        assert.equal(got, want);
      },
    ),
    { numRuns: 500 },
  );
});

test('the 32-bit path agrees with a word-by-word sum at any length and alignment (property)', () => {
  const reference = (bytes: Uint8Array): number => {
    let sum = 0;
    for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
    if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1]! << 8;
    return finishChecksum(sum);
  };
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 64, maxLength: 9000 }),
      fc.integer({ min: 0, max: 7 }),
      (data, shift) => {
        // The same bytes at another offset in a larger buffer: every alignment of the 32-bit view.
        const host = new Uint8Array(data.length + 8);
        host.set(data, shift);
        const bytes = host.subarray(shift, shift + data.length);
        assert.equal(finishChecksum(sumBytes(bytes, 0, bytes.length)), reference(data));
      },
    ),
  );
  // All ones: the largest words, for the sums' exactness.
  const ones = new Uint8Array(65535).fill(0xff);
  assert.equal(finishChecksum(sumBytes(ones, 0, ones.length)), reference(ones));
});
