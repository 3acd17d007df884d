/**
 * The contract of the sans-IO HTTP/1.1 parser (RFC 9112). Bytes go in through
 * `execute`, events come out through callbacks set on the parser; it never
 * touches a socket or a clock. One parser instance parses a sequence of
 * messages on one connection (keep-alive, pipelining).
 */

/** What the parser knows once a message's header section is complete. */
export interface HeadersInfo {
  /** HTTP version from the start line, e.g. 1 and 1 for `HTTP/1.1`. */
  versionMajor: number;
  versionMinor: number;
  /**
   * Field lines in arrival order, flattened: `[name, value, name, value, ...]`.
   * Names keep their case; values have leading/trailing OWS removed. Bytes are
   * decoded as latin1 (as Node does).
   */
  rawHeaders: string[];
  /** Requests only: the method token and the request-target, as received. */
  method: string;
  url: string;
  /** Responses only: status code and reason phrase. */
  statusCode: number;
  statusMessage: string;
  /**
   * True for a request with `Upgrade` + `Connection: upgrade`, for a CONNECT
   * request, and for a `101` response. After `onHeadersComplete` returns for an
   * upgrade message, `execute` stops and returns the offset just past the
   * header section: the remaining bytes (including any body) belong to the new
   * protocol. The parser reads this field again after `onHeadersComplete`
   * returns: a handler may set it to false to parse the message as ordinary
   * HTTP (as Node's server does when it has no 'upgrade' listener).
   */
  upgrade: boolean;
  /**
   * RFC 9112 §9.3: whether the connection persists after this message
   * (HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
   * `Connection: keep-alive`; never after a body delimited by close).
   * Computed, as Node does, before `onHeadersComplete` could return
   * `SkipBody`.
   */
  shouldKeepAlive: boolean;
  /**
   * The Content-Length value in bytes when the message has one and no
   * Transfer-Encoding (RFC 9112 §6.3), else -1. Responses that are bodiless
   * by status (1xx, 204, 304) have no body whatever this says.
   */
  contentLength: number;
  /** Body uses the chunked transfer coding. */
  chunked: boolean;
  /** Requests: how many `Host` field lines the header section has (RFC 9112 §3.2). */
  hostCount: number;
}

/** Return values of `onHeadersComplete`. */
export enum HeadersResult {
  /** Parse the body as framed by the headers. */
  Normal = 0,
  /** The message has no body whatever the headers say (response to HEAD, 1xx, 204, 304). */
  SkipBody = 1,
  /**
   * Treat the message as an upgrade whatever `info.upgrade` says: `execute`
   * stops right after the header section (a client's 2xx response to CONNECT).
   * Same value as Node's parser uses.
   */
  Upgrade = 2,
}

/**
 * A parse failure, shaped like Node's: `code` is an `HPE_*` name (llhttp's
 * for the same input), `bytesParsed` the offset in the input being parsed
 * (`execute`'s argument, the server's `rawPacket`) where the parser
 * stopped: at the offending byte, or just past it where llhttp steps over it.
 */
export interface HttpParseError extends Error {
  code: string;
  reason: string;
  bytesParsed: number;
  rawPacket?: Buffer;
}

export interface HttpParserHandlers {
  /** Header section complete. Return `HeadersResult.SkipBody` to treat the message as bodiless. */
  onHeadersComplete: (info: HeadersInfo) => HeadersResult;
  /** A piece of body (after de-chunking). A view into the input buffer: copy it to keep it past the call. */
  onBody: (chunk: Buffer) => void;
  /** Message complete; `rawTrailers` is `[name, value, ...]` (empty when none). */
  onMessageComplete: (rawTrailers: string[]) => void;
}
