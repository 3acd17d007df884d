import { codedError } from '../errors/index.js';
import type { StreamHandle } from '../handle/types.js';

/** The `onread` option of `net.Socket` / `net.connect` (Node's net doc, "socket.connect(options)"). */
export interface OnReadOptions {
  /** Where received bytes go: one reused buffer, or a function giving the next one. */
  buffer: Uint8Array | (() => Uint8Array);
  /** Called with the byte count and the buffer holding them; return false to pause reading. */
  callback(bytesWritten: number, buffer: Uint8Array): boolean | undefined;
}

/**
 * Reads into the caller's buffers instead of allocating chunks (`onread`).
 * Where the handle can read straight into the buffer (`useUserBuffer`, as
 * libuv's can) nothing is copied; otherwise each chunk is copied in, in
 * buffer-sized pieces. Bytes left over when the callback pauses are kept and
 * delivered first on resume: nothing is lost.
 */
export class UserBufferReader {
  private buffer: Uint8Array;
  private readonly next: (() => Uint8Array) | null;
  private readonly callback: OnReadOptions['callback'];
  private pending: Buffer | null = null;

  /** @throws ERR_INVALID_ARG_TYPE for a bad `onread` option. */
  constructor(
    options: OnReadOptions,
    private readonly owner: unknown,
  ) {
    if (options === null || typeof options !== 'object') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options.onread', 'object', options);
    }
    if (typeof options.callback !== 'function') {
      throw codedError(
        'ERR_INVALID_ARG_TYPE',
        'options.onread.callback',
        'function',
        options.callback,
      );
    }
    this.callback = options.callback;
    if (typeof options.buffer === 'function') {
      this.next = options.buffer;
      this.buffer = this.nextBuffer();
    } else if (options.buffer instanceof Uint8Array) {
      this.next = null;
      this.buffer = options.buffer;
    } else {
      throw codedError(
        'ERR_INVALID_ARG_TYPE',
        'options.onread.buffer',
        ['Uint8Array', 'function'],
        options.buffer,
      );
    }
  }

  private nextBuffer(): Uint8Array {
    const buffer = this.next!();
    if (!(buffer instanceof Uint8Array)) {
      throw codedError('ERR_INVALID_ARG_TYPE', 'options.onread.buffer()', 'Uint8Array', buffer);
    }
    return buffer;
  }

  /** Lets the handle read straight into the current buffer, where it can. */
  attach(handle: StreamHandle): void {
    handle.useUserBuffer?.(this.buffer);
  }

  /**
   * Hands `chunk` to the callback; false when the callback asked to pause —
   * by returning false, or by pausing the socket (`reading()` false after it).
   */
  deliver(chunk: Buffer, handle: StreamHandle | null, reading: () => boolean): boolean {
    let offset = 0;
    while (offset < chunk.length) {
      const buffer = this.buffer;
      let n: number;
      if (chunk.buffer === buffer.buffer && chunk.byteOffset === buffer.byteOffset) {
        n = chunk.length; // read in place by the handle
      } else {
        n = Math.min(buffer.length, chunk.length - offset);
        buffer.set(chunk.subarray(offset, offset + n));
      }
      offset += n;
      const keepReading = this.callback.call(this.owner, n, buffer) !== false && reading();
      if (this.next) {
        this.buffer = this.nextBuffer();
        if (handle) this.attach(handle);
      }
      if (!keepReading) {
        this.pending = offset < chunk.length ? chunk.subarray(offset) : null;
        return false;
      }
    }
    return true;
  }

  /** Delivers bytes held back by a pause; false if the callback paused again. */
  resume(handle: StreamHandle | null, reading: () => boolean): boolean {
    const pending = this.pending;
    if (!pending) return true;
    this.pending = null;
    return this.deliver(pending, handle, reading);
  }
}
