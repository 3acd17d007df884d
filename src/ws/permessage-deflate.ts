/**
 * permessage-deflate (RFC 7692): negotiation of the extension and its four
 * parameters, and compression / decompression of whole messages with
 * node:zlib.
 *
 * Negotiation (§7.1):
 * - `server_no_context_takeover` / `client_no_context_takeover`: that side
 *   resets its compressor after every message (no parameter value);
 * - `server_max_window_bits=N` / `client_max_window_bits[=N]`: that side's
 *   LZ77 window is at most 2^N bytes, N in 8..15 (a client may offer
 *   `client_max_window_bits` without a value to say it could take a limit).
 * A server accepts the first offer it can satisfy and answers with the
 * parameters that apply; an offer with unknown, repeated or invalid
 * parameters is declined (§5.1). A client fails the connection when the
 * answer is not one it could have asked for (§5.1, §7.1).
 *
 * Data (§7.2): a message is compressed as DEFLATE blocks ending with an empty
 * stored block (a Z_SYNC_FLUSH), whose 4 trailing bytes 00 00 FF FF are
 * removed; the first frame carries RSV1. Decompression appends those 4 bytes
 * back. zlib works asynchronously (thread pool); callers keep messages in
 * order by running one operation per connection at a time. Operations of all
 * connections share one concurrency limit (default 10) so that a burst does
 * not queue unbounded work in zlib's thread pool.
 */
import * as zlib from 'node:zlib';
import { maxPayloadExceeded, protocolError, type WebSocketProtocolError } from './errors.js';
import type { ExtensionOffer } from './extension-header.js';

export const EXTENSION_NAME = 'permessage-deflate';

/** Options of the `perMessageDeflate` setting (the `ws` package's names). */
export interface PerMessageDeflateOptions {
  /** Server: do not keep the compression context between messages (and say so). */
  serverNoContextTakeover?: boolean;
  /** Ask / tell the client not to keep its compression context between messages. */
  clientNoContextTakeover?: boolean;
  /** Largest server window, 8..15 (client: request it; server: use at most this). */
  serverMaxWindowBits?: boolean | number;
  /** Largest client window, 8..15 (server: impose it; client: use at most this). `false`: client does not offer the parameter. */
  clientMaxWindowBits?: boolean | number;
  /** Passed to zlib.createDeflateRaw (level, memLevel, strategy, chunkSize). */
  zlibDeflateOptions?: zlib.ZlibOptions;
  /** Passed to zlib.createInflateRaw (chunkSize). */
  zlibInflateOptions?: zlib.ZlibOptions;
  /** Messages smaller than this many bytes are sent uncompressed. Default 1024. */
  threshold?: number;
  /** Most zlib operations in flight at once, process-wide. Default 10. */
  concurrencyLimit?: number;
}

/** What both sides agreed on. Window bits are 8..15. */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

const MAX_WINDOW_BITS = 15;
/** The empty stored block that ends every compressed message (RFC 7692 §7.2.1). */
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

function windowBits(value: string | true): number | undefined {
  if (value === true || !/^(?:8|9|1[0-5])$/.test(value)) return undefined;
  return Number(value);
}

interface ParsedParams {
  server_no_context_takeover?: true;
  client_no_context_takeover?: true;
  server_max_window_bits?: number;
  /** `true`: offered without a value. */
  client_max_window_bits?: number | true;
}

/**
 * The parameters of one permessage-deflate element, validated for an offer
 * (`response` false) or a response. Undefined when invalid: an unknown or
 * repeated parameter, a value where none belongs, a bad window size.
 */
function readParams(offer: ExtensionOffer, response: boolean): ParsedParams | undefined {
  const out: ParsedParams = {};
  for (const [key, value] of offer.params) {
    if (key in out) return undefined;
    switch (key) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return undefined;
        out[key] = true;
        break;
      case 'server_max_window_bits': {
        const bits = windowBits(value);
        if (bits === undefined) return undefined;
        out.server_max_window_bits = bits;
        break;
      }
      case 'client_max_window_bits': {
        if (value === true && !response) {
          out.client_max_window_bits = true;
          break;
        }
        const bits = windowBits(value);
        if (bits === undefined) return undefined;
        out.client_max_window_bits = bits;
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

function validBits(value: boolean | number | undefined, name: string): number | undefined {
  if (typeof value !== 'number') return undefined;
  if (!Number.isInteger(value) || value < 8 || value > 15) {
    throw new RangeError(`perMessageDeflate.${name} must be an integer from 8 to 15`);
  }
  return value;
}

/** The client's offer (RFC 7692 §7.1): one permessage-deflate element. */
export function clientOffer(options: PerMessageDeflateOptions): ExtensionOffer {
  const params: Array<[string, string | true]> = [];
  if (options.serverNoContextTakeover) params.push(['server_no_context_takeover', true]);
  if (options.clientNoContextTakeover) params.push(['client_no_context_takeover', true]);
  const server = validBits(options.serverMaxWindowBits, 'serverMaxWindowBits');
  if (server !== undefined) params.push(['server_max_window_bits', String(server)]);
  const client = validBits(options.clientMaxWindowBits, 'clientMaxWindowBits');
  if (client !== undefined) params.push(['client_max_window_bits', String(client)]);
  else if (options.clientMaxWindowBits !== false) params.push(['client_max_window_bits', true]);
  return { name: EXTENSION_NAME, params };
}

/**
 * Server side: picks the first permessage-deflate offer it can accept and
 * returns the agreement and the response element, or undefined when none
 * can be accepted (the connection then goes on without the extension).
 */
export function acceptOffer(
  offers: readonly ExtensionOffer[],
  options: PerMessageDeflateOptions,
): { params: DeflateParams; response: ExtensionOffer } | undefined {
  const ourServerBits = validBits(options.serverMaxWindowBits, 'serverMaxWindowBits');
  const ourClientBits = validBits(options.clientMaxWindowBits, 'clientMaxWindowBits');
  for (const offer of offers) {
    if (offer.name !== EXTENSION_NAME) continue;
    const p = readParams(offer, false);
    if (p === undefined) continue;
    // An explicit `serverNoContextTakeover: false` refuses to give up the context.
    if (p.server_no_context_takeover && options.serverNoContextTakeover === false) continue;
    // A window limit on the client needs the client to have offered client_max_window_bits.
    if (ourClientBits !== undefined && ourClientBits < 15 && p.client_max_window_bits === undefined)
      continue;

    const params: DeflateParams = {
      serverNoContextTakeover: Boolean(
        p.server_no_context_takeover || options.serverNoContextTakeover,
      ),
      clientNoContextTakeover: Boolean(
        p.client_no_context_takeover || options.clientNoContextTakeover,
      ),
      serverMaxWindowBits: Math.min(p.server_max_window_bits ?? 15, ourServerBits ?? 15),
      clientMaxWindowBits: 15,
    };
    const response: Array<[string, string | true]> = [];
    if (params.serverNoContextTakeover) response.push(['server_no_context_takeover', true]);
    if (options.clientNoContextTakeover) response.push(['client_no_context_takeover', true]);
    if (p.server_max_window_bits !== undefined || ourServerBits !== undefined) {
      response.push(['server_max_window_bits', String(params.serverMaxWindowBits)]);
    }
    if (p.client_max_window_bits !== undefined) {
      const offered = p.client_max_window_bits === true ? 15 : p.client_max_window_bits;
      params.clientMaxWindowBits = Math.min(offered, ourClientBits ?? 15);
      if (ourClientBits !== undefined || p.client_max_window_bits !== true) {
        response.push(['client_max_window_bits', String(params.clientMaxWindowBits)]);
      }
    }
    return { params, response: { name: EXTENSION_NAME, params: response } };
  }
  return undefined;
}

/**
 * Client side: checks the server's answer against what was offered.
 * @throws Error with the reason the connection must be failed.
 */
export function acceptResponse(
  response: ExtensionOffer,
  options: PerMessageDeflateOptions,
): DeflateParams {
  const p = readParams(response, true);
  if (p === undefined) throw new Error('Invalid permessage-deflate parameters in the response');
  const askedServerBits = validBits(options.serverMaxWindowBits, 'serverMaxWindowBits');
  const ourClientBits = validBits(options.clientMaxWindowBits, 'clientMaxWindowBits');
  if (options.serverNoContextTakeover && !p.server_no_context_takeover) {
    throw new Error('The server did not agree to server_no_context_takeover');
  }
  if (
    askedServerBits !== undefined &&
    (p.server_max_window_bits === undefined || p.server_max_window_bits > askedServerBits)
  ) {
    throw new Error('The server did not agree to server_max_window_bits');
  }
  let clientBits = ourClientBits ?? 15;
  if (p.client_max_window_bits !== undefined) {
    if (options.clientMaxWindowBits === false) {
      throw new Error('Unexpected client_max_window_bits in the response');
    }
    clientBits = Math.min(clientBits, p.client_max_window_bits as number);
  }
  return {
    serverNoContextTakeover: Boolean(p.server_no_context_takeover),
    clientNoContextTakeover: Boolean(
      p.client_no_context_takeover || options.clientNoContextTakeover,
    ),
    serverMaxWindowBits: p.server_max_window_bits ?? 15,
    clientMaxWindowBits: clientBits,
  };
}

// ---- the process-wide limit on zlib operations in flight ------------------

type Job = (done: () => void) => void;

class Limiter {
  private running = 0;
  private readonly jobs: Job[] = [];
  constructor(private readonly limit: number) {}

  add(job: Job): void {
    this.jobs.push(job);
    this.next();
  }

  private next(): void {
    while (this.running < this.limit && this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      this.running++;
      let finished = false;
      job(() => {
        if (finished) return;
        finished = true;
        this.running--;
        this.next();
      });
    }
  }
}

let limiter: Limiter | undefined;

// ---- compression ------------------------------------------------------------

export type CompressCallback = (err: Error | null, data?: Buffer) => void;
export type DecompressCallback = (
  err: WebSocketProtocolError | Error | null,
  data?: Buffer,
) => void;

interface PendingJob {
  done: () => void;
  cb: (err: Error | null, data?: Buffer) => void;
}

/**
 * One direction of a connection's compression: its zlib stream (made on
 * first use), the output collected since the last flush, and the operation
 * waiting for that output.
 */
class ZlibChannel<S extends zlib.DeflateRaw | zlib.InflateRaw> {
  stream: S | null = null;
  job: PendingJob | null = null;
  chunks: Buffer[] = [];
  length = 0;

  /** The output collected since the last call, as one Buffer. */
  takeOutput(): Buffer {
    const out =
      this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    return out;
  }

  /** Ends the waiting operation, if any, with this result. */
  finish(err: Error | null, data?: Buffer): void {
    const job = this.job;
    if (job === null) return;
    this.job = null;
    job.done();
    job.cb(err, data);
  }

  /** Closes the stream and forgets its output; the next operation makes a new one. */
  drop(): void {
    const s = this.stream;
    this.stream = null;
    this.chunks = [];
    this.length = 0;
    if (s !== null) {
      s.removeAllListeners('data');
      s.removeAllListeners('error');
      s.on('error', noop);
      s.close();
    }
  }
}

/**
 * One connection's compressor and decompressor. `compress` and `decompress`
 * must each be called again only after the previous call's callback ran.
 */
export class PerMessageDeflate {
  /** The extension's registered name. */
  static readonly extensionName = EXTENSION_NAME;
  readonly params: DeflateParams;
  readonly isServer: boolean;
  /** Messages below this many bytes are sent uncompressed. */
  readonly threshold: number;
  private readonly options: PerMessageDeflateOptions;
  private readonly maxPayload: number;
  private readonly deflater = new ZlibChannel<zlib.DeflateRaw>();
  private readonly inflater = new ZlibChannel<zlib.InflateRaw>();
  private closed = false;

  constructor(
    params: DeflateParams,
    isServer: boolean,
    options: PerMessageDeflateOptions = {},
    maxPayload = 0,
  ) {
    this.params = params;
    this.isServer = isServer;
    this.options = options;
    this.threshold = options.threshold ?? 1024;
    this.maxPayload = maxPayload;
    limiter ??= new Limiter(options.concurrencyLimit ?? 10);
  }

  /**
   * Compresses one message (or, with `fin` false, one fragment of it: the
   * sync-flush trailer is then kept so the next fragment continues the
   * stream). Resets the context after the last fragment when our side
   * agreed to no context takeover.
   */
  compress(data: Buffer, fin: boolean, cb: CompressCallback): void {
    limiter!.add((done) => {
      const job = this.startJob(this.deflater, done, cb);
      if (job === null) return;
      const deflate = this.deflater.stream ?? this.createDeflate();
      deflate.write(data);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.deflater.job !== job) return;
        let out = this.deflater.takeOutput();
        if (fin) {
          // RFC 7692 §7.2.1: drop the 00 00 FF FF of the final sync flush.
          out = out.subarray(0, out.length - 4);
          const noContext = this.isServer
            ? this.params.serverNoContextTakeover
            : this.params.clientNoContextTakeover;
          if (noContext) deflate.reset();
        }
        this.deflater.finish(null, out);
      });
    });
  }

  private createDeflate(): zlib.DeflateRaw {
    const bits = this.isServer ? this.params.serverMaxWindowBits : this.params.clientMaxWindowBits;
    const deflate = zlib.createDeflateRaw({ ...this.options.zlibDeflateOptions, windowBits: bits });
    deflate.on('data', (chunk: Buffer) => {
      this.deflater.chunks.push(chunk);
      this.deflater.length += chunk.length;
    });
    deflate.on('error', (err: Error) => {
      this.deflater.drop();
      this.deflater.finish(err);
    });
    this.deflater.stream = deflate;
    return deflate;
  }

  /**
   * Decompresses one whole message given as its frame payloads. Fails with
   * 1009 (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH) past `maxPayload`, with 1007
   * when the data is not valid DEFLATE (the error's `code` is zlib's, such
   * as Z_DATA_ERROR).
   */
  decompress(fragments: readonly Buffer[], cb: DecompressCallback): void {
    limiter!.add((done) => {
      const job = this.startJob(this.inflater, done, cb);
      if (job === null) return;
      const inflate = this.inflater.stream ?? this.createInflate();
      for (const f of fragments) inflate.write(f);
      inflate.write(TRAILER);
      inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.inflater.job !== job) return;
        const out = this.inflater.takeOutput();
        const peerNoContext = this.isServer
          ? this.params.clientNoContextTakeover
          : this.params.serverNoContextTakeover;
        if (peerNoContext) inflate.reset();
        this.inflater.finish(null, out);
      });
    });
  }

  private createInflate(): zlib.InflateRaw {
    const inflate = zlib.createInflateRaw({
      ...this.options.zlibInflateOptions,
      windowBits: MAX_WINDOW_BITS,
    });
    inflate.on('data', (chunk: Buffer) => {
      this.inflater.length += chunk.length;
      if (this.maxPayload > 0 && this.inflater.length > this.maxPayload) {
        this.inflater.drop();
        this.inflater.finish(maxPayloadExceeded());
        return;
      }
      this.inflater.chunks.push(chunk);
    });
    inflate.on('error', (err: Error & { code?: string }) => {
      this.inflater.drop();
      const wrapped = protocolError(
        'WS_ERR_INVALID_UTF8',
        1007,
        `Invalid compressed data: ${err.message}`,
      );
      // zlib's own code (Z_DATA_ERROR, ...) says best what went wrong.
      (wrapped as { code: string }).code = err.code ?? 'Z_DATA_ERROR';
      this.inflater.finish(wrapped);
    });
    this.inflater.stream = inflate;
    return inflate;
  }

  /**
   * Makes the operation given its turn by the limiter the channel's waiting
   * one; on a closed connection ends it at once with an error (null).
   */
  private startJob(
    channel: ZlibChannel<zlib.DeflateRaw | zlib.InflateRaw>,
    done: () => void,
    cb: PendingJob['cb'],
  ): PendingJob | null {
    if (this.closed) {
      done();
      cb(new Error('The WebSocket is closed'));
      return null;
    }
    const job = { done, cb };
    channel.job = job;
    return job;
  }

  /** Frees the zlib streams; a pending operation's callback gets an error. */
  cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.deflater.drop();
    this.inflater.drop();
    this.deflater.finish(new Error('The WebSocket is closed'));
    this.inflater.finish(new Error('The WebSocket is closed'));
  }
}

function noop(): void {}
