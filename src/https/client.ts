/**
 * `https.request` and `https.get` (Node's https doc, "https.request()"):
 * http's ClientRequest with an `https.Agent` as the default agent, so the
 * request goes out over TLS and a URL's port defaults to 443.
 *
 * TLS options ride along with the request options to the agent and on to
 * `tls.connect`: `ca`, `cert`, `key`, `pfx`, `passphrase`,
 * `rejectUnauthorized` (default true), `servername` (SNI; default the Host
 * name, none for an IP address), `checkServerIdentity`, `ALPNProtocols`,
 * `minVersion`, `ciphers`, `session`, ... Verification failures come as the
 * request's `'error'` with Node's codes: `DEPTH_ZERO_SELF_SIGNED_CERT`,
 * `SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...
 */
import { parse as legacyParse, urlToHttpOptions } from 'node:url';
import {
  ClientRequest,
  type RequestOptions as HttpRequestOptions,
  type ResponseListener,
} from '../http/client-request.js';
import type { Agent, TlsConnectOptions } from './agent.js';

/** Options of `https.request(options)`: http's plus the `tls.connect` options. */
export type RequestOptions = HttpRequestOptions & TlsConnectOptions;

let legacyUrlWarned = false;

/** A URL string as request options; like Node, a string `new URL` rejects falls back to url.parse. */
function urlStringToOptions(input: string): RequestOptions {
  try {
    return urlToHttpOptions(new URL(input)) as RequestOptions;
  } catch (err) {
    const parsed = legacyParse(input);
    if (!parsed.hostname) throw err;
    if (!legacyUrlWarned && !process.noDeprecation) {
      legacyUrlWarned = true;
      process.emitWarning(
        `The provided URL ${input} is not a valid URL, and is supported in the https module solely for compatibility.`,
        'DeprecationWarning',
        'DEP0109',
      );
    }
    return parsed as unknown as RequestOptions;
  }
}

/**
 * Builds the ClientRequest for `https.request(url[, options][, callback])` /
 * `https.request(options[, callback])`, with `defaultAgent` as the agent
 * when the options name none.
 */
export function requestWith(
  defaultAgent: Agent,
  input: string | URL | RequestOptions,
  options?: RequestOptions | ResponseListener,
  callback?: ResponseListener,
): ClientRequest {
  let opts: RequestOptions = {};
  let rest: [RequestOptions | ResponseListener | undefined, ResponseListener | undefined] = [
    options,
    callback,
  ];
  if (typeof input === 'string') {
    opts = urlStringToOptions(input);
  } else if (input instanceof URL) {
    opts = urlToHttpOptions(input) as RequestOptions;
  } else {
    rest = [input as RequestOptions, options as ResponseListener | undefined];
  }
  const [extra, cb] = rest;
  let listener = cb;
  if (typeof extra === 'function') listener = extra;
  else if (extra) Object.assign(opts, extra);
  opts._defaultAgent = defaultAgent;
  return new ClientRequest(opts, listener);
}
