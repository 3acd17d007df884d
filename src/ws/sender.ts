/**
 * The sending half of a connection: turns messages and control frames into
 * frames (frame-encoder.ts), compresses with permessage-deflate when agreed,
 * keeps everything in the order it was asked for, and writes to the socket.
 *
 * Ordering: compression (zlib) and reading a Blob are asynchronous; while one
 * is in progress every later operation — data, ping, pong, close — waits in
 * a queue, so frames go out exactly in call order (RFC 7692 §6.1 needs the
 * compressed messages in order; RFC 6455 §5.4 lets control frames go between
 * fragments, but we never reorder them).
 *
 * Writes are coalesced: frames are encoded into an output slab and handed to
 * the socket once per tick (process.nextTick), so a burst of sends — an echo
 * of every message of one received chunk — becomes one socket write (one
 * writev(2)) instead of one per frame. Small payloads are copied next to
 * their header in the slab (one copy, no per-frame allocation); payloads of
 * 16 KiB and more are passed by reference after their header. The slab is
 * shared by all connections of the process (as Buffer's own pool is): each
 * connection writes a run of bytes into it and hands the socket views of its
 * runs, so an idle connection holds no output memory.
 * A client masks every payload (RFC 6455 §5.3) with a fresh key from a pool
 * of random bytes, XORing the copy in place.
 */
import { randomFillSync } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import { headerLength, writeHeader } from './frame-encoder.js';
import { applyMask } from './masking.js';
import type { PerMessageDeflate } from './permessage-deflate.js';

export type SendCallback = (err?: Error | null) => void;

export interface SendOptions {
  /** Binary (opcode 0x2) or text (0x1). */
  binary: boolean;
  /** Compress if permessage-deflate was agreed (and the message reaches its threshold). */
  compress: boolean;
  /** Last fragment of the message. */
  fin: boolean;
  /** Mask the payload (clients must, servers must not: RFC 6455 §5.1). */
  mask: boolean;
}

/** Fills a 4-byte masking key; the default draws from crypto.randomFillSync. */
export type GenerateMask = (mask: Buffer) => void;

/** Frames from 16 KiB up are not copied into the output slab. */
const COPY_LIMIT = 16 * 1024;
/** Size of each output slab. */
const SLAB_SIZE = 64 * 1024;

// The process-wide output slab: bytes [0, slabPos) are taken. A full slab is
// replaced; it is freed once no socket holds views of it any more.
let slab: Buffer | null = null;
let slabPos = SLAB_SIZE;
/** Random bytes drawn at once for masking keys. */
const RANDOM_POOL_SIZE = 8 * 1024;

let randomPool: Buffer | undefined;
let randomPoolIndex = RANDOM_POOL_SIZE;

function defaultGenerateMask(key: Buffer): void {
  if (randomPoolIndex === RANDOM_POOL_SIZE) {
    randomPool ??= Buffer.allocUnsafeSlow(RANDOM_POOL_SIZE);
    randomFillSync(randomPool, 0, RANDOM_POOL_SIZE);
    randomPoolIndex = 0;
  }
  key[0] = randomPool![randomPoolIndex]!;
  key[1] = randomPool![randomPoolIndex + 1]!;
  key[2] = randomPool![randomPoolIndex + 2]!;
  key[3] = randomPool![randomPoolIndex + 3]!;
  randomPoolIndex += 4;
}

enum Kind {
  /** A frame ready to encode (data sent uncompressed, or a control frame). */
  Plain = 0,
  /** A message or fragment to compress first. */
  Compress = 1,
  /** A Blob to read first. */
  Blob = 2,
}

/** An operation waiting behind a compression or a Blob read. */
interface Queued {
  kind: Kind;
  opcode: Opcode;
  data: Buffer | Blob;
  fin: boolean;
  rsv1: boolean;
  mask: boolean;
  /** The send options (Blob only: applied once its bytes are read). */
  options: SendOptions | null;
  cb: SendCallback | undefined;
}

function sizeOf(data: Buffer | Blob): number {
  return Buffer.isBuffer(data) ? data.length : data.size;
}

function flushTick(sender: Sender): void {
  sender.flush();
}

export class Sender {
  /** Called on a compression or Blob error; the connection should be closed. */
  onerror: (err: Error) => void = () => {};
  private readonly socket: Duplex;
  private readonly pmd: PerMessageDeflate | null;
  private readonly generateMask: GenerateMask;
  private readonly maskKey = Buffer.allocUnsafe(4);

  // Message state across fragments.
  private firstFragment = true;
  private compressing = false;

  // Asynchronous work in progress (compression or Blob read) and what waits behind it.
  private busy = false;
  private busyBytes = 0;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;

  // Encoded frames not yet handed to the socket.
  // This connection's current run in the slab: [runStart, runEnd) of runSlab.
  private runSlab: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  private out: Buffer[] = [];
  private outBytes = 0;
  private callbacks: SendCallback[] | null = null;
  private flushScheduled = false;

  constructor(socket: Duplex, pmd: PerMessageDeflate | null, generateMask?: GenerateMask) {
    this.socket = socket;
    this.pmd = pmd;
    this.generateMask = generateMask ?? defaultGenerateMask;
  }

  /** Bytes accepted but not yet handed to the socket (being compressed, queued, or unflushed). */
  get bufferedBytes(): number {
    return this.busyBytes + this.queuedBytes + this.outBytes;
  }

  /** Counts bytes that will never be sent (sends after close count, as in browsers). */
  addUnsent(bytes: number): void {
    this.queuedBytes += bytes;
  }

  /** Sends a data message or fragment (`options.fin` false: more fragments follow). */
  send(data: Buffer | Blob, options: SendOptions, cb?: SendCallback): void {
    if (!Buffer.isBuffer(data)) {
      this.enqueue({
        kind: Kind.Blob,
        opcode: Opcode.Binary,
        data,
        fin: options.fin,
        rsv1: false,
        mask: options.mask,
        options,
        cb,
      });
      return;
    }
    let opcode: Opcode = options.binary ? Opcode.Binary : Opcode.Text;
    let rsv1 = false;
    if (this.firstFragment) {
      this.firstFragment = false;
      this.compressing = options.compress && this.pmd !== null && data.length >= this.pmd.threshold;
      // RSV1 marks only the first frame of a compressed message (RFC 7692 §6).
      rsv1 = this.compressing;
    } else {
      opcode = Opcode.Continuation;
    }
    const compress = this.compressing;
    if (options.fin) {
      this.firstFragment = true;
      this.compressing = false;
    }
    if (!compress && !this.busy) {
      this.frame(opcode, data, options.fin, false, options.mask, cb);
      return;
    }
    this.enqueue({
      kind: compress ? Kind.Compress : Kind.Plain,
      opcode,
      data,
      fin: options.fin,
      rsv1,
      mask: options.mask,
      options: null,
      cb,
    });
  }

  /** Sends a ping (payload ≤ 125 bytes; RFC 6455 §5.5.2). */
  ping(data: Buffer, mask: boolean, cb?: SendCallback): void {
    this.control(Opcode.Ping, data, mask, cb);
  }

  /** Sends a pong (payload ≤ 125 bytes; RFC 6455 §5.5.3). */
  pong(data: Buffer, mask: boolean, cb?: SendCallback): void {
    this.control(Opcode.Pong, data, mask, cb);
  }

  /** Sends a close frame with an already encoded payload (code + reason, or empty). */
  close(payload: Buffer, mask: boolean, cb?: SendCallback): void {
    this.control(Opcode.Close, payload, mask, cb);
  }

  private control(opcode: Opcode, data: Buffer, mask: boolean, cb?: SendCallback): void {
    if (data.length > MAX_CONTROL_PAYLOAD) {
      throw new RangeError('The data size must not be greater than 125 bytes');
    }
    if (!this.busy) {
      this.frame(opcode, data, true, false, mask, cb);
      return;
    }
    this.enqueue({
      kind: Kind.Plain,
      opcode,
      data,
      fin: true,
      rsv1: false,
      mask,
      options: null,
      cb,
    });
  }

  private enqueue(op: Queued): void {
    if (this.busy) {
      this.queuedBytes += sizeOf(op.data);
      this.queue.push(op);
      return;
    }
    this.start(op);
  }

  /** Runs one operation; asynchronous ones set `busy` until they finish. */
  private start(op: Queued): void {
    if (op.kind === Kind.Plain) {
      this.frame(op.opcode, op.data as Buffer, op.fin, false, op.mask, op.cb);
      return;
    }
    this.busy = true;
    this.busyBytes = sizeOf(op.data);
    if (op.kind === Kind.Blob) {
      (op.data as Blob).arrayBuffer().then(
        (ab) => {
          this.busy = false;
          this.busyBytes = 0;
          // The Blob's bytes take the ordinary path (compression included).
          this.send(Buffer.from(ab), op.options!, op.cb);
          this.drainQueue();
        },
        (err: Error) => {
          this.busy = false;
          this.busyBytes = 0;
          op.cb?.(err);
          this.onerror(err);
          this.drainQueue();
        },
      );
      return;
    }
    this.pmd!.compress(op.data as Buffer, op.fin, (err, compressed) => {
      this.busy = false;
      this.busyBytes = 0;
      if (err) {
        op.cb?.(err);
        this.onerror(err);
        return;
      }
      this.frame(op.opcode, compressed!, op.fin, op.rsv1, op.mask, op.cb);
      this.drainQueue();
    });
  }

  private drainQueue(): void {
    while (!this.busy && this.queue.length > 0) {
      const op = this.queue.shift()!;
      this.queuedBytes -= sizeOf(op.data);
      this.start(op);
    }
  }

  /**
   * Encodes one frame into the output and schedules a flush. Hot path: the
   * header (and a small payload) go straight into the output slab.
   */
  private frame(
    opcode: Opcode,
    data: Buffer,
    fin: boolean,
    rsv1: boolean,
    mask: boolean,
    cb: SendCallback | undefined,
  ): void {
    const length = data.length;
    const key = mask ? this.maskKey : null;
    if (key !== null) this.generateMask(key);
    const hl = headerLength(length, mask);
    if (length < COPY_LIMIT) {
      const at = this.reserve(hl + length);
      const out = this.runSlab!;
      const p = writeHeader(out, at, opcode, length, fin, rsv1, key);
      if (length > 0) {
        out.set(data, p);
        if (key !== null) applyMask(out.subarray(p, p + length), key, 0);
      }
    } else if (key !== null) {
      // Large masked payload: one buffer for header and masked copy.
      this.sealRun();
      const buf = Buffer.allocUnsafe(hl + length);
      const p = writeHeader(buf, 0, opcode, length, fin, rsv1, key);
      buf.set(data, p);
      applyMask(buf.subarray(p), key, 0);
      this.out.push(buf);
    } else {
      const at = this.reserve(hl);
      writeHeader(this.runSlab!, at, opcode, length, fin, rsv1, null);
      this.sealRun();
      this.out.push(data);
    }
    this.outBytes += hl + length;
    if (cb !== undefined) {
      if (this.callbacks === null) this.callbacks = [cb];
      else this.callbacks.push(cb);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushTick, this);
    }
  }

  /**
   * Takes `n` bytes of the slab for this connection and returns where they
   * start in `this.runSlab`; extends the current run when nobody else wrote
   * to the slab in between, else starts a new one.
   */
  private reserve(n: number): number {
    if (slab === null || slabPos + n > SLAB_SIZE) {
      slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      slabPos = 0;
    }
    if (this.runSlab !== slab || this.runEnd !== slabPos) {
      this.sealRun();
      this.runSlab = slab;
      this.runStart = slabPos;
    }
    const at = slabPos;
    slabPos += n;
    this.runEnd = slabPos;
    return at;
  }

  /** Moves this connection's current run into the output list. */
  private sealRun(): void {
    if (this.runSlab !== null && this.runEnd > this.runStart) {
      this.out.push(this.runSlab.subarray(this.runStart, this.runEnd));
    }
    this.runSlab = null;
    this.runStart = 0;
    this.runEnd = 0;
  }

  /** Hands everything encoded so far to the socket in one write (or one corked batch). */
  flush(): void {
    this.flushScheduled = false;
    this.sealRun();
    const out = this.out;
    if (out.length === 0) return;
    this.out = [];
    this.outBytes = 0;
    const callbacks = this.callbacks;
    this.callbacks = null;
    const socket = this.socket;
    if (!socket.writable) {
      if (callbacks !== null) {
        const err = new Error('The socket is not writable');
        for (const cb of callbacks) process.nextTick(cb, err);
      }
      return;
    }
    const done =
      callbacks === null
        ? undefined
        : (err?: Error | null) => {
            for (const cb of callbacks) cb(err ?? null);
          };
    if (out.length === 1) {
      socket.write(out[0]!, done);
      return;
    }
    socket.cork();
    const last = out.length - 1;
    for (let i = 0; i < last; i++) socket.write(out[i]!);
    socket.write(out[last]!, done);
    socket.uncork();
  }

  /** Drops everything not yet written; their callbacks get `err`. */
  abort(err: Error): void {
    const callbacks: SendCallback[] = this.callbacks ?? [];
    this.callbacks = null;
    this.runSlab = null;
    this.out = [];
    this.outBytes = 0;
    for (const op of this.queue) if (op.cb) callbacks.push(op.cb);
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.busyBytes = 0;
    for (const cb of callbacks) process.nextTick(cb, err);
  }
}
