/**
 * Frame memory (src/stack/frames.ts): frames carved from slabs start zeroed
 * and aligned, and only they — not copies, not outside bytes — pass as
 * checksummed by a stack in this process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocFrame, checksummedHere } from '../../src/stack/frames.js';

test('frames are zeroed, of the asked length, and start 8-byte aligned', () => {
  for (const length of [1, 54, 1514, 16 * 1024, 16 * 1024 + 1, 64 * 1024 + 64]) {
    const frame = allocFrame(length);
    assert.equal(frame.length, length);
    assert.equal(frame.byteOffset % 8, 0);
    assert.ok(frame.every((b) => b === 0));
    frame.fill(0xff); // the next frame is not this one's memory
    assert.ok(allocFrame(length).every((b) => b === 0));
  }
});

test('only frames from the slabs, and views into them, count as checksummed here', () => {
  const frame = allocFrame(1514);
  assert.equal(checksummedHere(frame), true);
  assert.equal(checksummedHere(frame.subarray(34)), true, 'the IP payload of one');
  assert.equal(checksummedHere(allocFrame(40 * 1024)), true, 'a large frame');
  assert.equal(checksummedHere(frame.slice()), false, 'a copy (a corrupted or duplicated frame)');
  assert.equal(checksummedHere(new Uint8Array(1514)), false);
  assert.equal(checksummedHere(Buffer.alloc(1514)), false, 'bytes from a real link');
  assert.equal(checksummedHere(allocFrame(128 * 1024)), false, 'beyond the slabs: its own memory');
});
