import type { HttpParseError } from './parser-types.js';

/**
 * The `HPE_*` codes the parser reports, named as Node's (llhttp's) so that code
 * written against Node's `err.code` keeps working.
 */
export type HttpParseErrorCode =
  | 'HPE_STRICT'
  | 'HPE_CR_EXPECTED'
  | 'HPE_LF_EXPECTED'
  | 'HPE_UNEXPECTED_CONTENT_LENGTH'
  | 'HPE_UNEXPECTED_SPACE'
  | 'HPE_CLOSED_CONNECTION'
  | 'HPE_INVALID_METHOD'
  | 'HPE_INVALID_URL'
  | 'HPE_INVALID_CONSTANT'
  | 'HPE_INVALID_VERSION'
  | 'HPE_INVALID_HEADER_TOKEN'
  | 'HPE_INVALID_CONTENT_LENGTH'
  | 'HPE_INVALID_CHUNK_SIZE'
  | 'HPE_INVALID_STATUS'
  | 'HPE_INVALID_EOF_STATE'
  | 'HPE_INVALID_TRANSFER_ENCODING'
  | 'HPE_PAUSED_H2_UPGRADE'
  | 'HPE_HEADER_OVERFLOW'
  | 'HPE_CHUNK_EXTENSIONS_OVERFLOW';

/**
 * Builds a parse error shaped like Node's: a plain `Error` whose message is
 * `Parse Error: <reason>` (or `Parse Error` alone, as Node's for the end of
 * input), with `code`, `reason` and `bytesParsed` (as Node's: the offset,
 * in the input being parsed, where the parser stopped).
 */
export function createParseError(
  code: HttpParseErrorCode,
  reason: string,
  bytesParsed: number,
  message = `Parse Error: ${reason}`,
): HttpParseError {
  const err = new Error(message) as HttpParseError;
  err.bytesParsed = bytesParsed;
  err.code = code;
  err.reason = reason;
  return err;
}
