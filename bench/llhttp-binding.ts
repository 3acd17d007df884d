/**
 * Node's own HTTP parser (llhttp), as Node's http module reaches it: the
 * `http_parser` binding (`process.binding('http_parser')`). Used by the
 * parser benchmark and by the differential test that holds our parser to
 * Node's decisions (test/http/parser-differential.test.ts).
 */

/** One llhttp parser instance, driven as lib/_http_common.js drives it. */
export interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | LlhttpError;
  finish(): undefined | LlhttpError;
  [k: number]: unknown;
}

/** A parse error as the binding returns it (before Node's http adds `rawPacket`). */
export type LlhttpError = Error & { code: string; reason: string; bytesParsed: number };

export interface LlhttpBinding {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
  /** The methods Node's http accepts, by llhttp's method number (as `http.METHODS` before sorting). */
  methods: string[];
  /** Every method llhttp knows, indexed by its method number. */
  allMethods: string[];
}

/** The binding, or null where this runtime has none. Its deprecation warning is not printed. */
export function loadLlhttp(): LlhttpBinding | null {
  try {
    const proc = process as unknown as { binding(name: string): unknown; noDeprecation?: boolean };
    const quiet = proc.noDeprecation;
    proc.noDeprecation = true;
    const binding = proc.binding('http_parser') as LlhttpBinding;
    proc.noDeprecation = quiet;
    return binding;
  } catch {
    return null;
  }
}

/**
 * Field lines and target the binding hands over before the head is complete
 * (`kOnHeaders`: past 32 fields, or split over reads), as Node's
 * lib/_http_common.js gathers them. `take(headers, url)` gives what the
 * head completes with (the arguments, when the binding passes them) and
 * starts over; after a message, `take()` gives its trailers.
 */
export function gatherHeaders(
  binding: LlhttpBinding,
  parser: LlhttpParser,
): (headers?: string[], url?: string) => { raw: string[]; url: string } {
  let pending: string[] = [];
  let pendingUrl = '';
  parser[binding.HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    pending = pending.concat(headers);
    pendingUrl += url;
  };
  return (headers, url) => {
    const taken = { raw: headers ?? pending, url: url ?? pendingUrl };
    pending = [];
    pendingUrl = '';
    return taken;
  };
}
