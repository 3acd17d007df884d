/**
 * `http.ServerResponse` (Node's http doc, "Class: http.ServerResponse"):
 * status line + fields + body for one request. Created by the server, passed
 * as the second argument of `'request'`.
 */
import { codedError } from '../errors/index.js';
import type { Socket } from '../net/socket.js';
import {
  checkInvalidHeaderChar,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
} from './headers.js';
import type { IncomingMessage } from './incoming-message.js';
import {
  type HeadersInput,
  type HttpSocket,
  OutgoingMessage,
  type OutgoingMessageOptions,
} from './outgoing-message.js';
import { STATUS_CODES } from './status-codes.js';

const RE_TE_CHUNKED = /(?:^|\W)chunked(?:$|\W)/i;
// Link header values allowed by writeEarlyHints (a relaxed RFC 8288 §3 link-value).
const LINK_VALUE = /^(?:<[^>]*>)(?:\s*;\s*[^;"\s]+(?:=(")?[^;"\s]*\1)?)*$/;

export interface ServerResponseOptions extends OutgoingMessageOptions {}

/** `writeHead` headers: an object, a flat `[name, value, ...]` array, or `[[name, value], ...]`. */
export type WriteHeadHeaders =
  | OutgoingHttpHeaders
  | readonly (string | number | readonly string[])[]
  | readonly (readonly [string, OutgoingHttpHeader])[];

/** The last status line rendered: most responses repeat it (same code, same reason). */
let lastStatus = { code: 0, message: '', line: '' };

/**
 * `HTTP/1.1 <code> <reason>\r\n` (RFC 9112 §4). Throws `ERR_INVALID_CHAR`
 * for a reason phrase with CR, LF or other characters a field value may not hold.
 */
function renderStatusLine(code: number, message: string): string {
  const last = lastStatus;
  if (code === last.code && message === last.message) return last.line;
  if (checkInvalidHeaderChar(message)) throw codedError('ERR_INVALID_CHAR', 'statusMessage');
  const line = `HTTP/1.1 ${code} ${message}\r\n`;
  lastStatus = { code, message, line };
  return line;
}

/** The part of the server connection a response reports to (avoids an import cycle). */
interface PipelineOwner {
  responseEnded(res: ServerResponse): void;
  responseFinished(res: ServerResponse): void;
}

/** The server connection on `res`'s socket, if any. */
function connectionOf(res: ServerResponse): PipelineOwner | undefined {
  return (res.socket as (HttpSocket & { _httpConnection?: PipelineOwner }) | null)?._httpConnection;
}

/** The socket closed: the response holding it closes too. */
function onSocketClose(this: HttpSocket): void {
  const res = this._httpMessage as ServerResponse | null | undefined;
  if (res && !res._closed) {
    res.destroyed = true;
    res._closed = true;
    res.emit('close');
  }
}

/**
 * @internal Takes the responses' 'close' listener off a socket that leaves
 * HTTP (upgrade, CONNECT): the new owner finds no listener of ours on it.
 */
export function unwatchResponseClose(socket: Socket): void {
  const s = socket as HttpSocket;
  if (s._responseCloseWatched !== true) return;
  s._responseCloseWatched = false;
  socket.removeListener('close', onSocketClose);
}

/**
 * @internal `res` has ended and all its bytes are on the socket: the next
 * pipelined response takes the socket while this one waits for its
 * 'finish' (its `socket` stays set until then).
 */
export function releaseSocket(res: ServerResponse, socket: Socket): void {
  (socket as HttpSocket)._httpMessage = null;
  res._socketReleased = true;
}

/**
 * @internal The `_finishHook` of a response a server connection serves: the
 * connection moves on (next response, idle, close) as 'finish' is emitted.
 */
export function onServedResponseFinish(res: OutgoingMessage): void {
  connectionOf(res as ServerResponse)?.responseFinished(res as ServerResponse);
}

export class ServerResponse extends OutgoingMessage {
  /** Status code sent when the head is rendered implicitly (default 200). */
  statusCode = 200;
  /** Reason phrase; defaults to `STATUS_CODES[statusCode]`. */
  statusMessage: string | undefined = undefined;
  /** The request being answered. */
  readonly req: IncomingMessage;
  /** @internal The request carried `Expect: 100-continue`. */
  _expect_continue = false;
  /** @internal `100 Continue` was sent. */
  _sent100 = false;
  /** @internal A later pipelined response owns the socket already (see `releaseSocket`). */
  _socketReleased = false;

  constructor(req: IncomingMessage, options?: ServerResponseOptions) {
    super(options);
    this.req = req;
    if (req.method === 'HEAD') this._hasBody = false;
    this.sendDate = true;
    if (req.httpVersionMajor < 1 || req.httpVersionMinor < 1) {
      // HTTP/1.0 peers may not understand chunked unless they said so (TE).
      const te = req.headers.te;
      this.useChunkedEncodingByDefault = typeof te === 'string' && RE_TE_CHUNKED.test(te);
      this.shouldKeepAlive = false;
    }
  }

  /** @internal Gives this response the socket (it is next in line to write). */
  assignSocket(socket: Socket): void {
    const s = socket as HttpSocket;
    if (s._httpMessage) throw codedError('ERR_HTTP_SOCKET_ASSIGNED');
    s._httpMessage = this;
    // One listener serves every response the socket carries: it closes
    // whichever holds the socket (`_httpMessage`) when the socket closes.
    // Node adds and removes one per response; the one kept here saves both
    // on every keep-alive request.
    if (s._responseCloseWatched !== true) {
      s._responseCloseWatched = true;
      socket.on('close', onSocketClose);
    }
    this.socket = socket;
    this.emit('socket', socket);
    this._flush();
  }

  /**
   * @internal Releases the socket once this response is finished. A later
   * pipelined response may already own it (see `_finish`): that one keeps it.
   */
  detachSocket(socket: Socket): void {
    if (!this._socketReleased) {
      const s = socket as HttpSocket;
      if (s._httpMessage === this) s._httpMessage = null;
    }
    this.socket = null;
  }

  /**
   * @internal Every byte of this response is on the socket: the connection
   * may let the next pipelined response write behind it right away, so that
   * the responses of one read leave together.
   */
  override _finish(): void {
    super._finish();
    connectionOf(this)?.responseEnded(this);
  }

  /** Sends `HTTP/1.1 100 Continue` (RFC 9110 §15.2.1). */
  writeContinue(callback?: () => void): void {
    this._writeRaw('HTTP/1.1 100 Continue\r\n\r\n', 'latin1', callback ?? null);
    this._sent100 = true;
  }

  /** Sends `HTTP/1.1 102 Processing` (RFC 2518 §10.1). */
  writeProcessing(callback?: () => void): void {
    this._writeRaw('HTTP/1.1 102 Processing\r\n\r\n', 'latin1', callback ?? null);
  }

  /**
   * Sends `HTTP/1.1 103 Early Hints` (RFC 8297) with `Link` from `hints.link`
   * (a string or array of link-values) and any other fields of `hints`.
   * Throws `ERR_INVALID_ARG_VALUE` for a malformed link.
   */
  writeEarlyHints(hints: Record<string, string | string[]>, callback?: () => void): void {
    if (hints === null || typeof hints !== 'object') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'hints', 'object', hints);
    }
    const link = hints.link;
    if (link === null || link === undefined) return;
    const links = Array.isArray(link) ? link : [link];
    for (const l of links) {
      if (typeof l !== 'string' || !LINK_VALUE.test(l) || checkInvalidHeaderChar(l)) {
        throw codedError(
          'ERR_INVALID_ARG_VALUE',
          'hints',
          link,
          'must be an array or string of format "</styles.css>; rel=preload; as=style"',
        );
      }
    }
    if (links.length === 0) return;
    let head = `HTTP/1.1 103 Early Hints\r\nLink: ${links.join(', ')}\r\n`;
    for (const key of Object.keys(hints)) {
      if (key === 'link') continue;
      const value = hints[key]!;
      if (checkInvalidHeaderChar(String(value))) {
        throw codedError('ERR_INVALID_CHAR', 'header content', key);
      }
      head += `${key}: ${String(value)}\r\n`;
    }
    this._writeRaw(`${head}\r\n`, 'latin1', callback ?? null);
  }

  /**
   * Renders the head: `writeHead(statusCode[, statusMessage][, headers])`.
   * Headers given here are merged over those from `setHeader` (a flat array
   * keeps explicit duplicates). Throws `ERR_HTTP_HEADERS_SENT` when called
   * twice, `ERR_HTTP_INVALID_STATUS_CODE` outside 100-999, `ERR_INVALID_CHAR`
   * for a reason phrase with CR/LF.
   */
  writeHead(statusCode: number, headers?: WriteHeadHeaders): this;
  writeHead(statusCode: number, statusMessage: string, headers?: WriteHeadHeaders): this;
  writeHead(statusCode: number, reason?: string | WriteHeadHeaders, obj?: WriteHeadHeaders): this {
    if (this._header !== null) throw codedError('ERR_HTTP_HEADERS_SENT', 'write');
    const original = statusCode;
    statusCode |= 0;
    if (statusCode < 100 || statusCode > 999) {
      throw codedError('ERR_HTTP_INVALID_STATUS_CODE', original);
    }
    if (typeof reason === 'string') {
      this.statusMessage = reason;
    } else {
      if (!this.statusMessage) this.statusMessage = STATUS_CODES[statusCode] ?? 'unknown';
      obj ??= reason;
    }
    this.statusCode = statusCode;

    let headers: HeadersInput;
    const store = this._headerStore();
    if (store) {
      // setHeader() was used: merge into the store.
      if (Array.isArray(obj)) {
        if (obj.length > 0 && Array.isArray(obj[0])) {
          for (const [k] of obj as (readonly [string, OutgoingHttpHeader])[]) {
            this.removeHeader(k);
          }
          for (const [k, v] of obj as (readonly [string, OutgoingHttpHeader])[]) {
            if (k) this.appendHeader(k, v);
          }
        } else {
          if (obj.length % 2 !== 0) throw codedError('ERR_INVALID_ARG_VALUE', 'headers', obj);
          for (let n = 0; n < obj.length; n += 2) this.removeHeader(obj[n] as string);
          for (let n = 0; n < obj.length; n += 2) {
            const k = obj[n] as string;
            if (k) this.appendHeader(k, obj[n + 1] as OutgoingHttpHeader);
          }
        }
      } else if (obj) {
        const o = obj as OutgoingHttpHeaders;
        for (const k of Object.keys(o)) if (k) this.setHeader(k, o[k] as OutgoingHttpHeader);
      }
      headers = this._headerStore();
    } else {
      // Only writeHead(): render the caller's object as is (validated while rendering).
      headers = obj as HeadersInput;
    }

    const statusLine = renderStatusLine(statusCode, this.statusMessage!);
    // RFC 9110 §15.2, §15.3.5, §15.4.5: 1xx, 204 and 304 have no content.
    if (statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode <= 199)) {
      this._hasBody = false;
    }
    // The client may still send the body it was holding back: do not reuse.
    if (this._expect_continue && !this._sent100) this.shouldKeepAlive = false;

    this._storeHeader(statusLine, headers);
    return this;
  }

  /** `writeHead` under its old name, which Node keeps. */
  writeHeader(
    statusCode: number,
    reason?: string | WriteHeadHeaders,
    obj?: WriteHeadHeaders,
  ): this {
    return typeof reason === 'string'
      ? this.writeHead(statusCode, reason, obj)
      : this.writeHead(statusCode, reason);
  }

  /** @internal The head as written without an explicit writeHead(). */
  override _implicitHeader(): void {
    this.writeHead(this.statusCode);
  }
}
