/**
 * The sans-IO frame codec (RFC 6455 §5): parsing at every split of the
 * input, the RFC's own example frames, masking, every length encoding, and
 * each kind of invalid frame with the close code it fails the connection with.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Opcode } from '../../src/ws/constants.js';
import {
  encodeClosePayload,
  encodeFrame,
  headerLength,
  writeHeader,
} from '../../src/ws/frame-encoder.js';
import { FrameParser } from '../../src/ws/frame-parser.js';
import { acceptKey, isValidKey } from '../../src/ws/handshake.js';
import { applyMask, maskInto } from '../../src/ws/masking.js';
import { hex, parse, parseAllSplits, type Record, text } from './codec-helpers.js';

const SERVER = { isServer: true } as const; // parses client frames: masked
const CLIENT = { isServer: false } as const; // parses server frames: unmasked
const KEY = hex('37fa213d');

function frame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; rsv1?: boolean; mask?: boolean } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return encodeFrame(opcode as Opcode, data, {
    fin: options.fin ?? true,
    rsv1: options.rsv1 ?? false,
    maskKey: options.mask ? KEY : null,
  });
}

/** Sets raw bits of the first header byte (for frames the encoder would never make). */
function withByte0(buf: Buffer, b0: number): Buffer {
  const out = Buffer.from(buf);
  out[0] = b0;
  return out;
}

function errorOf(records: Record[]): { code: string; closeCode: number } {
  const last = records.at(-1);
  assert.ok(last && last.t === 'error', `expected an error, got ${JSON.stringify(records)}`);
  return { code: last.code, closeCode: last.closeCode };
}

describe('RFC 6455 §5.7 examples', () => {
  test('a single-frame unmasked text message', () => {
    const input = hex('81 05 48 65 6c 6c 6f');
    assert.deepEqual(parseAllSplits(input, CLIENT), [
      { t: 'message', data: text('Hello'), binary: false },
    ]);
    assert.deepEqual(frame(Opcode.Text, 'Hello'), input);
  });

  test('a single-frame masked text message', () => {
    const input = hex('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    assert.deepEqual(parseAllSplits(input, SERVER), [
      { t: 'message', data: text('Hello'), binary: false },
    ]);
    assert.deepEqual(frame(Opcode.Text, 'Hello', { mask: true }), input);
  });

  test('a fragmented unmasked text message', () => {
    const input = hex('01 03 48 65 6c 80 02 6c 6f');
    assert.deepEqual(parseAllSplits(input, CLIENT), [
      { t: 'message', data: text('Hello'), binary: false },
    ]);
    assert.deepEqual(
      Buffer.concat([frame(Opcode.Text, 'Hel', { fin: false }), frame(Opcode.Continuation, 'lo')]),
      input,
    );
  });

  test('an unmasked ping and a masked pong', () => {
    assert.deepEqual(parseAllSplits(hex('89 05 48 65 6c 6c 6f'), CLIENT), [
      { t: 'ping', data: text('Hello') },
    ]);
    assert.deepEqual(parseAllSplits(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'), SERVER), [
      { t: 'pong', data: text('Hello') },
    ]);
    assert.deepEqual(
      frame(Opcode.Pong, 'Hello', { mask: true }),
      hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'),
    );
  });

  test('256 bytes in one frame: 16-bit length 0x0100', () => {
    const payload = Buffer.alloc(256, 0xab);
    const input = Buffer.concat([hex('82 7e 01 00'), payload]);
    assert.deepEqual(frame(Opcode.Binary, payload), input);
    assert.deepEqual(parseAllSplits(input, CLIENT), [
      { t: 'message', data: payload.toString('hex'), binary: true },
    ]);
  });

  test('64 KiB in one frame: 64-bit length 0x10000', () => {
    const payload = Buffer.alloc(65536, 0x5a);
    const input = Buffer.concat([hex('82 7f 00 00 00 00 00 01 00 00'), payload]);
    assert.deepEqual(frame(Opcode.Binary, payload), input);
    assert.deepEqual(parseAllSplits(input, CLIENT), [
      { t: 'message', data: payload.toString('hex'), binary: true },
    ]);
  });
});

describe('lengths', () => {
  for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
    test(`${length} bytes, masked and unmasked, round-trip at every split`, () => {
      const payload = Buffer.alloc(length);
      for (let i = 0; i < length; i++) payload[i] = (i * 7 + 3) & 0xff;
      const expectedHeader = length < 126 ? 2 : length < 65536 ? 4 : 10;
      for (const mask of [false, true]) {
        const f = frame(Opcode.Binary, payload, { mask });
        assert.equal(f.length, expectedHeader + (mask ? 4 : 0) + length);
        assert.equal(headerLength(length, mask), expectedHeader + (mask ? 4 : 0));
        assert.equal(f[1]! & 0x7f, length < 126 ? length : length < 65536 ? 126 : 127);
        assert.deepEqual(parseAllSplits(f, mask ? SERVER : CLIENT), [
          { t: 'message', data: payload.toString('hex'), binary: true },
        ]);
      }
    });
  }

  test('a 64-bit length with the top bit set fails with 1002', () => {
    const input = hex('82 7f 80 00 00 00 00 00 00 01 00');
    assert.deepEqual(errorOf(parseAllSplits(input, CLIENT)), {
      code: 'WS_ERR_INVALID_FRAME_LENGTH',
      closeCode: 1002,
    });
  });

  test('a 64-bit length beyond 2^53 - 1 fails with 1009', () => {
    const input = hex('82 7f 00 20 00 00 00 00 00 00');
    assert.deepEqual(errorOf(parseAllSplits(input, CLIENT)), {
      code: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
      closeCode: 1009,
    });
  });

  test('a non-minimal length encoding is accepted', () => {
    const input = hex('81 7e 00 02 68 69');
    assert.deepEqual(parseAllSplits(input, CLIENT), [
      { t: 'message', data: text('hi'), binary: false },
    ]);
  });

  test('writeHeader writes 2^32 + 5 as eight big-endian bytes', () => {
    const buf = Buffer.alloc(10);
    assert.equal(writeHeader(buf, 0, Opcode.Binary, 2 ** 32 + 5, true, false, null), 10);
    assert.deepEqual(buf, hex('82 7f 00 00 00 01 00 00 00 05'));
  });
});

describe('masking', () => {
  function naive(buf: Buffer, key: Buffer, phase: number): Buffer {
    const out = Buffer.from(buf);
    for (let i = 0; i < out.length; i++) out[i]! ^= key[(phase + i) & 3]!;
    return out;
  }

  test('applyMask matches the byte-wise definition at every length, alignment and phase', () => {
    const backing = Buffer.alloc(300);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 31 + 7) & 0xff;
    const key = hex('a1b2c3d4');
    for (const offset of [0, 1, 2, 3, 5]) {
      for (const length of [0, 1, 3, 4, 31, 32, 33, 64, 255]) {
        for (let phase = 0; phase < 4; phase++) {
          const region = Buffer.from(backing.subarray(0, offset + length)).subarray(offset);
          const expected = naive(region, key, phase);
          applyMask(region, key, phase);
          assert.deepEqual(region, expected, `offset ${offset} length ${length} phase ${phase}`);
        }
      }
    }
  });

  test('masking twice restores the payload; maskInto leaves the source alone', () => {
    const src = Buffer.from('the quick brown fox jumps over the lazy dog, twice over');
    const copy = Buffer.from(src);
    const dst = Buffer.alloc(src.length + 3);
    maskInto(src, KEY, dst, 3);
    assert.deepEqual(src, copy);
    const masked = dst.subarray(3);
    assert.notDeepEqual(masked, src);
    applyMask(masked, KEY, 0);
    assert.deepEqual(masked, src);
  });

  test('a payload unmasked piece by piece (phase carried over) equals one unmasked whole', () => {
    const payload = Buffer.alloc(1000);
    for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
    const f = frame(Opcode.Binary, payload, { mask: true });
    // Splits inside the payload at every offset mod 4.
    for (const cut of [14, 15, 16, 17, 500, 501, 502, 503]) {
      assert.deepEqual(parse([f.subarray(0, cut), f.subarray(cut)], SERVER), [
        { t: 'message', data: payload.toString('hex'), binary: true },
      ]);
    }
  });

  test('a client frame without MASK fails with 1002 on the server side', () => {
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Text, 'hi'), SERVER)), {
      code: 'WS_ERR_EXPECTED_MASK',
      closeCode: 1002,
    });
  });

  test('a server frame with MASK fails with 1002 on the client side', () => {
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Text, 'hi', { mask: true }), CLIENT)), {
      code: 'WS_ERR_UNEXPECTED_MASK',
      closeCode: 1002,
    });
  });
});

describe('fragmentation and control frames', () => {
  test('control frames between fragments are delivered at once, the message when complete', () => {
    const input = Buffer.concat([
      frame(Opcode.Binary, hex('0102'), { fin: false, mask: true }),
      frame(Opcode.Ping, 'p1', { mask: true }),
      frame(Opcode.Continuation, hex('0304'), { fin: false, mask: true }),
      frame(Opcode.Pong, '', { mask: true }),
      frame(Opcode.Continuation, hex(''), { fin: false, mask: true }),
      frame(Opcode.Continuation, hex('05'), { mask: true }),
      frame(Opcode.Text, 'after', { mask: true }),
    ]);
    assert.deepEqual(parseAllSplits(input, SERVER), [
      { t: 'ping', data: text('p1') },
      { t: 'pong', data: '' },
      { t: 'message', data: '0102030405', binary: true },
      { t: 'message', data: text('after'), binary: false },
    ]);
  });

  test('thousands of one-byte fragments make one message; the piece list stays bounded', () => {
    const parts = [frame(Opcode.Binary, Buffer.from([0]), { fin: false })];
    for (let i = 1; i < 10_000; i++) {
      parts.push(frame(Opcode.Continuation, Buffer.from([i & 0xff]), { fin: i === 9999 }));
    }
    const expected = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i & 0xff));
    const records = parse([Buffer.concat(parts)], { isServer: false, fragments: true });
    assert.equal(records.length, 1);
    const [m] = records as Array<Extract<Record, { t: 'message' }>>;
    assert.equal(m!.data, expected.toString('hex'));
    // At most 1024 loose pieces plus one per joined batch.
    assert.ok(m!.fragments! <= 1024 + 10, `${m!.fragments} pieces`);
  });

  test('the fragments option hands binary messages over as their frames', () => {
    const input = Buffer.concat([
      frame(Opcode.Binary, hex('aa'), { fin: false }),
      frame(Opcode.Continuation, hex('bbcc')),
      frame(Opcode.Text, 'x', { fin: false }),
      frame(Opcode.Continuation, 'y'),
    ]);
    assert.deepEqual(parse([input], { isServer: false, fragments: true }), [
      { t: 'message', data: 'aabbcc', binary: true, fragments: 2 },
      { t: 'message', data: text('xy'), binary: false },
    ]);
  });

  test('a continuation frame without a message fails with 1002', () => {
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Continuation, 'x'), CLIENT)), {
      code: 'WS_ERR_INVALID_OPCODE',
      closeCode: 1002,
    });
  });

  test('a new data frame inside a fragmented message fails with 1002', () => {
    const input = Buffer.concat([
      frame(Opcode.Text, 'a', { fin: false }),
      frame(Opcode.Binary, 'b'),
    ]);
    assert.deepEqual(errorOf(parseAllSplits(input, CLIENT)), {
      code: 'WS_ERR_INVALID_OPCODE',
      closeCode: 1002,
    });
  });

  test('a fragmented control frame fails with 1002', () => {
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Ping, 'x', { fin: false }), CLIENT)), {
      code: 'WS_ERR_EXPECTED_FIN',
      closeCode: 1002,
    });
  });

  test('a control frame over 125 bytes fails with 1002', () => {
    const input = Buffer.concat([hex('89 7e 00 7e'), Buffer.alloc(126)]);
    assert.deepEqual(errorOf(parseAllSplits(input, CLIENT)), {
      code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
      closeCode: 1002,
    });
  });

  test('a 125-byte ping is fine', () => {
    const payload = Buffer.alloc(125, 0x61);
    assert.deepEqual(parseAllSplits(frame(Opcode.Ping, payload, { mask: true }), SERVER), [
      { t: 'ping', data: payload.toString('hex') },
    ]);
  });
});

describe('opcodes and RSV bits', () => {
  for (const opcode of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
    test(`reserved opcode 0x${opcode.toString(16)} fails with 1002`, () => {
      assert.deepEqual(errorOf(parseAllSplits(frame(opcode, 'x'), CLIENT)), {
        code: 'WS_ERR_INVALID_OPCODE',
        closeCode: 1002,
      });
    });
  }

  for (const [bit, name] of [
    [0x20, 'RSV2'],
    [0x10, 'RSV3'],
  ] as const) {
    test(`${name} fails with 1002, even with permessage-deflate`, () => {
      const input = withByte0(frame(Opcode.Text, 'x'), 0x81 | bit);
      assert.deepEqual(
        errorOf(parseAllSplits(input, { isServer: false, perMessageDeflate: true })),
        {
          code: 'WS_ERR_UNEXPECTED_RSV_2_3',
          closeCode: 1002,
        },
      );
    });
  }

  test('RSV1 without permessage-deflate fails with 1002', () => {
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Text, 'x', { rsv1: true }), CLIENT)), {
      code: 'WS_ERR_UNEXPECTED_RSV_1',
      closeCode: 1002,
    });
  });

  test('RSV1 on a control frame or a continuation fails with 1002', () => {
    const pmd = { isServer: false, perMessageDeflate: true };
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Ping, '', { rsv1: true }), pmd)), {
      code: 'WS_ERR_UNEXPECTED_RSV_1',
      closeCode: 1002,
    });
    const input = Buffer.concat([
      frame(Opcode.Text, 'a', { fin: false, rsv1: true }),
      frame(Opcode.Continuation, 'b', { rsv1: true }),
    ]);
    assert.deepEqual(errorOf(parseAllSplits(input, pmd)), {
      code: 'WS_ERR_UNEXPECTED_RSV_1',
      closeCode: 1002,
    });
  });

  test('RSV1 with permessage-deflate marks the whole message as compressed', () => {
    const input = Buffer.concat([
      frame(Opcode.Binary, hex('0102'), { fin: false, rsv1: true }),
      frame(Opcode.Ping, ''),
      frame(Opcode.Continuation, hex('03')),
      frame(Opcode.Text, 'plain'),
    ]);
    assert.deepEqual(parseAllSplits(input, { isServer: false, perMessageDeflate: true }), [
      { t: 'ping', data: '' },
      { t: 'compressed', data: '010203', binary: true, length: 3 },
      { t: 'message', data: text('plain'), binary: false },
    ]);
  });
});

describe('close frames', () => {
  test('an empty close frame reports 1005', () => {
    assert.deepEqual(parseAllSplits(frame(Opcode.Close, '', { mask: true }), SERVER), [
      { t: 'close', code: 1005, reason: '' },
    ]);
  });

  test('code and reason; nothing after the close frame is parsed', () => {
    const input = Buffer.concat([
      frame(Opcode.Close, encodeClosePayload(4001, 'bye ✓'), { mask: true }),
      frame(Opcode.Text, 'ignored', { mask: true }),
      hex('ff ff ff'),
    ]);
    assert.deepEqual(parseAllSplits(input, SERVER), [
      { t: 'close', code: 4001, reason: text('bye ✓') },
    ]);
  });

  for (const code of [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999,
  ]) {
    test(`code ${code} is accepted`, () => {
      assert.deepEqual(parse([frame(Opcode.Close, encodeClosePayload(code))], CLIENT), [
        { t: 'close', code, reason: '' },
      ]);
    });
  }

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]) {
    test(`code ${code} fails with 1002`, () => {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Close, payload), CLIENT)), {
        code: 'WS_ERR_INVALID_CLOSE_CODE',
        closeCode: 1002,
      });
    });
  }

  test('a 1-byte close payload fails with 1002', () => {
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Close, hex('03')), CLIENT)), {
      code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
      closeCode: 1002,
    });
  });

  test('a reason that is not UTF-8 fails with 1007', () => {
    const payload = Buffer.concat([hex('03e8'), hex('c3 28')]);
    assert.deepEqual(errorOf(parseAllSplits(frame(Opcode.Close, payload), CLIENT)), {
      code: 'WS_ERR_INVALID_UTF8',
      closeCode: 1007,
    });
  });

  test('encodeClosePayload refuses a reason over 123 bytes', () => {
    assert.throws(() => encodeClosePayload(1000, 'x'.repeat(124)), RangeError);
    assert.equal(encodeClosePayload(1000, 'x'.repeat(123)).length, 125);
  });
});

describe('UTF-8', () => {
  test('a text message that is not UTF-8 fails with 1007', () => {
    for (const bad of [
      'c3 28',
      'ed a0 80' /* a surrogate */,
      'f4 90 80 80' /* > U+10FFFF */,
      'c0 af' /* overlong */,
    ]) {
      assert.deepEqual(
        errorOf(parseAllSplits(frame(Opcode.Text, hex(bad), { mask: true }), SERVER)),
        {
          code: 'WS_ERR_INVALID_UTF8',
          closeCode: 1007,
        },
      );
    }
  });

  test('a character split across fragments is fine; a broken one across fragments is not', () => {
    const euro = Buffer.from('€'); // e2 82 ac
    const ok = Buffer.concat([
      frame(Opcode.Text, euro.subarray(0, 1), { fin: false }),
      frame(Opcode.Continuation, euro.subarray(1, 2), { fin: false }),
      frame(Opcode.Continuation, euro.subarray(2)),
    ]);
    assert.deepEqual(parseAllSplits(ok, CLIENT), [
      { t: 'message', data: euro.toString('hex'), binary: false },
    ]);
    const bad = Buffer.concat([
      frame(Opcode.Text, euro.subarray(0, 2), { fin: false }),
      frame(Opcode.Continuation, hex('41')),
    ]);
    assert.deepEqual(errorOf(parseAllSplits(bad, CLIENT)), {
      code: 'WS_ERR_INVALID_UTF8',
      closeCode: 1007,
    });
  });

  test('binary messages and skipUTF8Validation are not checked', () => {
    assert.deepEqual(parse([frame(Opcode.Binary, hex('c328'))], CLIENT), [
      { t: 'message', data: 'c328', binary: true },
    ]);
    assert.deepEqual(
      parse([frame(Opcode.Text, hex('c328'))], { isServer: false, skipUTF8Validation: true }),
      [{ t: 'message', data: 'c328', binary: false }],
    );
  });
});

describe('maxPayload', () => {
  test('a frame over maxPayload fails with 1009 before its payload arrives', () => {
    const header = hex('82 7e 01 00'); // 256 bytes announced, none sent
    assert.deepEqual(errorOf(parseAllSplits(header, { isServer: false, maxPayload: 255 })), {
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      closeCode: 1009,
    });
  });

  test('fragments adding up to more than maxPayload fail with 1009', () => {
    const input = Buffer.concat([
      frame(Opcode.Binary, Buffer.alloc(60), { fin: false }),
      frame(Opcode.Continuation, Buffer.alloc(60), { fin: false }),
      frame(Opcode.Continuation, Buffer.alloc(10)),
    ]);
    assert.deepEqual(errorOf(parseAllSplits(input, { isServer: false, maxPayload: 128 })), {
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      closeCode: 1009,
    });
    assert.deepEqual(parse([input], { isServer: false, maxPayload: 130 }), [
      { t: 'message', data: '00'.repeat(130), binary: true },
    ]);
  });

  test('control frames do not count towards maxPayload', () => {
    const input = Buffer.concat([
      frame(Opcode.Binary, Buffer.alloc(8), { fin: false }),
      frame(Opcode.Ping, Buffer.alloc(100)),
      frame(Opcode.Continuation, Buffer.alloc(2)),
    ]);
    assert.equal(parse([input], { isServer: false, maxPayload: 10 }).length, 2);
  });
});

describe('flow control', () => {
  test('pause() in a handler holds later frames until resume(), in order', () => {
    const events: string[] = [];
    const parser: FrameParser = new FrameParser(
      { isServer: false, perMessageDeflate: true },
      {
        onMessage: (data) => events.push(`m:${(data as Buffer).toString()}`),
        onCompressedMessage: (fragments) => {
          events.push(`c:${Buffer.concat(fragments).toString()}`);
          parser.pause();
        },
        onPing: () => events.push('ping'),
        onPong: () => {},
        onClose: (code) => events.push(`close:${code}`),
        onError: (err) => events.push(`error:${err.code}`),
      },
    );
    const input = Buffer.concat([
      frame(Opcode.Text, 'a'),
      frame(Opcode.Text, 'z', { rsv1: true }),
      frame(Opcode.Ping, ''),
      frame(Opcode.Text, 'b'),
    ]);
    parser.push(input.subarray(0, 5));
    parser.push(input.subarray(5));
    parser.push(frame(Opcode.Close, encodeClosePayload(1000)));
    assert.deepEqual(events, ['m:a', 'c:z']);
    assert.ok(parser.isPaused);
    assert.ok(parser.bufferedLength > 0);
    parser.resume();
    assert.deepEqual(events, ['m:a', 'c:z', 'ping', 'm:b', 'close:1000']);
    assert.ok(parser.done);
  });

  test('after an error nothing more is reported', () => {
    const input = Buffer.concat([frame(Opcode.Text, 'x'), frame(3, ''), frame(Opcode.Text, 'y')]);
    assert.deepEqual(parse([input], CLIENT), [
      { t: 'message', data: text('x'), binary: false },
      { t: 'error', code: 'WS_ERR_INVALID_OPCODE', closeCode: 1002 },
    ]);
  });

  test('a message in one chunk is handed over as a view of that chunk (no copy)', () => {
    const chunk = frame(Opcode.Binary, hex('0102030405'));
    let got: Buffer | undefined;
    const parser = new FrameParser(
      { isServer: false },
      {
        onMessage: (data) => {
          got = data as Buffer;
        },
        onCompressedMessage: () => {},
        onPing: () => {},
        onPong: () => {},
        onClose: () => {},
        onError: () => {},
      },
    );
    parser.push(chunk);
    assert.ok(got);
    assert.equal(got.buffer, chunk.buffer);
    assert.equal(got.byteOffset, chunk.byteOffset + 2);
  });
});

describe('handshake keys', () => {
  test('the RFC 6455 §1.3 example', () => {
    assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  test('a key must be 16 bytes of base64', () => {
    assert.ok(isValidKey('dGhlIHNhbXBsZSBub25jZQ=='));
    for (const bad of [
      '',
      'dGhlIHNhbXBsZSBub25jZQ=',
      'dGhlIHNhbXBsZSBub25jZQ==x',
      'dGhlIHNhbXBsZSBub25j',
      'dGhlIHNhbXBsZSBub25jZQ!=',
    ]) {
      assert.ok(!isValidKey(bad), bad);
    }
  });
});
