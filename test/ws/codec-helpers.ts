/**
 * Helpers for the frame codec tests: a FrameParser that records what it
 * reports, and feeding an input in every split (each one-cut split at every
 * byte position, and one byte at a time), checking that every split gives
 * the same record.
 */
import assert from 'node:assert/strict';
import { FrameParser, type FrameParserOptions } from '../../src/ws/frame-parser.js';

/** One reported event, in a form easy to compare. */
export type Record =
  | { t: 'message'; data: string; binary: boolean; fragments?: number }
  | { t: 'compressed'; data: string; binary: boolean; length: number }
  | { t: 'ping' | 'pong'; data: string }
  | { t: 'close'; code: number; reason: string }
  | { t: 'error'; code: string; closeCode: number };

/** Parses `pieces` (copies: the parser unmasks in place) and returns what it reported. */
export function parse(pieces: readonly Buffer[], options: FrameParserOptions): Record[] {
  const out: Record[] = [];
  const parser = new FrameParser(options, {
    onMessage(data, isBinary) {
      if (Array.isArray(data)) {
        out.push({
          t: 'message',
          data: Buffer.concat(data).toString('hex'),
          binary: isBinary,
          fragments: data.length,
        });
      } else {
        out.push({ t: 'message', data: data.toString('hex'), binary: isBinary });
      }
    },
    onCompressedMessage(fragments, length, isBinary) {
      out.push({
        t: 'compressed',
        data: Buffer.concat(fragments).toString('hex'),
        binary: isBinary,
        length,
      });
    },
    onPing(data) {
      out.push({ t: 'ping', data: data.toString('hex') });
    },
    onPong(data) {
      out.push({ t: 'pong', data: data.toString('hex') });
    },
    onClose(code, reason) {
      out.push({ t: 'close', code, reason: reason.toString('hex') });
    },
    onError(err) {
      out.push({ t: 'error', code: err.code, closeCode: err.closeCode });
    },
  });
  for (const p of pieces) parser.push(Buffer.from(p));
  return out;
}

/** Cut positions to try: all of them, or (for long inputs) the first and last `edge` and a stride between. */
function cuts(length: number, edge: number): number[] {
  if (length <= 2 * edge) return Array.from({ length: length + 1 }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i <= edge; i++) out.push(i);
  const stride = Math.max(1, Math.floor((length - 2 * edge) / 64));
  // Every residue mod 4 at each stride point: the mask phase is what changes inside a payload.
  for (let i = edge + stride; i + 3 < length - edge; i += stride) out.push(i, i + 1, i + 2, i + 3);
  for (let i = length - edge; i <= length; i++) out.push(i);
  return out;
}

/**
 * Parses `input` whole, cut in two at every byte position, cut in three at
 * pairs of positions (short inputs), and one byte at a time (inputs up to
 * 4 KiB); asserts that every split reports the same; returns that report.
 * Inputs over 512 bytes are cut at every position near both ends and at a
 * stride in between (the parser's state only changes at frame boundaries).
 */
export function parseAllSplits(input: Buffer, options: FrameParserOptions): Record[] {
  const whole = parse([input], options);
  const positions = cuts(input.length, 256);
  for (const i of positions) {
    const got = parse([input.subarray(0, i), input.subarray(i)], options);
    assert.deepEqual(got, whole, `split at ${i} of ${input.length}`);
  }
  if (input.length <= 40) {
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j++) {
        const got = parse([input.subarray(0, i), input.subarray(i, j), input.subarray(j)], options);
        assert.deepEqual(got, whole, `split at ${i} and ${j} of ${input.length}`);
      }
    }
  }
  if (input.length <= 4096) {
    const bytes: Buffer[] = [];
    for (let i = 0; i < input.length; i++) bytes.push(input.subarray(i, i + 1));
    assert.deepEqual(parse(bytes, options), whole, 'one byte at a time');
  }
  return whole;
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

export function text(s: string): string {
  return Buffer.from(s).toString('hex');
}
