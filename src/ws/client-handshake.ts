/**
 * The client's opening handshake (RFC 6455 §4.1) over wirestack http:
 *
 * ```
 * GET /chat HTTP/1.1
 * Host: server.example.com
 * Upgrade: websocket
 * Connection: Upgrade
 * Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
 * Sec-WebSocket-Version: 13
 * Sec-WebSocket-Protocol: chat, superchat          (if subprotocols were given)
 * Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
 * ```
 *
 * then checks the answer (§4.1, "the client MUST validate the server's
 * response"): status 101, `Upgrade: websocket`, `Connection: Upgrade`,
 * `Sec-WebSocket-Accept` = base64(SHA-1(key + GUID)), a subprotocol only if
 * one was offered and one of those, extensions only as offered. Any failure
 * ends in 'error' then 'close' (1006), as the `ws` package does.
 *
 * ws: and http: URLs use a wirestack `net` socket of their own; wss: and
 * https: go through wirestack `https` (node:tls around a wirestack
 * `net.Socket`, DESIGN.md), with its TLS options (`ca`, `servername`,
 * `rejectUnauthorized`, ...) and agent; ws+unix:/path/to/socket:/request/path
 * uses an IPC socket.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';
import type { Transport } from '../handle/types.js';
import { type RequestOptions, request } from '../http/client-request.js';
import { request as httpsRequest } from '../https/index.js';
import { createConnection as connect } from '../net/connect.js';
import type { Socket } from '../net/socket.js';
import { nodeTyped } from '../util/node-typed.js';
import { DEFAULT_MAX_PAYLOAD, PROTOCOL_VERSION, ReadyState } from './constants.js';
import { formatExtensions, isToken, parseExtensions } from './extension-header.js';
import { acceptKey, generateKey } from './handshake.js';
import {
  acceptResponse,
  clientOffer,
  EXTENSION_NAME,
  PerMessageDeflate,
  type PerMessageDeflateOptions,
} from './permessage-deflate.js';
import type { GenerateMask } from './sender.js';
import { abortHandshake, emitErrorAndClose, type WebSocket } from './websocket.js';

/** Options of `new WebSocket(url, protocols, options)`: the `ws` package's, plus http / TLS request options. */
export interface ClientOptions extends Omit<RequestOptions, 'headers'> {
  /** Subprotocols to offer (also accepted as the second constructor argument). */
  protocols?: string | readonly string[];
  /** Answer pings automatically (default true). */
  autoPong?: boolean;
  /** Time allowed for the closing handshake before the socket is destroyed, ms (default 30000). */
  closeTimeout?: number;
  /** Replaces request.end(): may write more before ending the handshake request. */
  finishRequest?: (req: ClientRequest, ws: WebSocket) => void;
  /** Follow 3xx answers to the handshake (default false), at most `maxRedirects` (default 10). */
  followRedirects?: boolean;
  maxRedirects?: number;
  /** Fills each frame's 4-byte masking key (default: random bytes from node:crypto). */
  generateMask?: GenerateMask;
  /** Time allowed for the opening handshake, ms. */
  handshakeTimeout?: number;
  /** Extra request header fields. */
  headers?: Record<string, string | number | readonly string[]>;
  /** Largest message accepted, bytes (default 100 MiB); larger ones fail with 1009. */
  maxPayload?: number;
  /** The Origin header field. */
  origin?: string;
  /** Offer permessage-deflate (default true), optionally with parameters. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Only 13 (RFC 6455) is supported. */
  protocolVersion?: number;
  /** Do not validate UTF-8 of text messages and close reasons (default false). */
  skipUTF8Validation?: boolean;
  /** wirestack: the transport of the connection (default: that of wirestack's `net`). */
  transport?: Transport;
  // TLS, for wss: (node:tls connect options).
  ca?: tls.ConnectionOptions['ca'];
  cert?: tls.ConnectionOptions['cert'];
  key?: tls.ConnectionOptions['key'];
  pfx?: tls.ConnectionOptions['pfx'];
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  checkServerIdentity?: tls.ConnectionOptions['checkServerIdentity'];
}

/** Options consumed here and not passed on to http.request. */
const OWN_OPTIONS = [
  'protocols',
  'autoPong',
  'closeTimeout',
  'finishRequest',
  'followRedirects',
  'maxRedirects',
  'generateMask',
  'handshakeTimeout',
  'headers',
  'maxPayload',
  'origin',
  'perMessageDeflate',
  'protocolVersion',
  'skipUTF8Validation',
] as const;

/** A plain TCP or IPC connection on wirestack net. */
function netConnect(options: RequestOptions): Socket {
  if (typeof options.path === 'string' && options.path !== '') {
    return connect({ path: options.path });
  }
  const connectOptions: Record<string, unknown> = {
    host: options.host ?? 'localhost',
    port: Number(options.port),
  };
  for (const k of ['localAddress', 'localPort', 'family', 'lookup', 'transport'] as const) {
    if (options[k] !== undefined) connectOptions[k] = options[k];
  }
  return connect(connectOptions as unknown as Parameters<typeof connect>[0]);
}

function headerValue(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(',').some((t) => t.trim().toLowerCase() === token);
}

/**
 * @internal Starts the handshake for a client WebSocket. Throws SyntaxError
 * (bad URL, bad subprotocols) or RangeError (protocol version) on the first
 * attempt; on a redirect the same problems are emitted instead.
 */
export function initAsClient(
  ws: WebSocket,
  address: string | URL,
  protocols: readonly string[],
  options: ClientOptions,
): void {
  const protocolVersion = options.protocolVersion ?? PROTOCOL_VERSION;
  if (protocolVersion !== PROTOCOL_VERSION) {
    throw new RangeError(
      `Unsupported protocol version: ${protocolVersion} (supported versions: ${PROTOCOL_VERSION})`,
    );
  }
  const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  const skipUTF8Validation = options.skipUTF8Validation ?? false;

  let url: URL;
  try {
    url = new URL(address instanceof URL ? address.href : address);
  } catch {
    const err = new SyntaxError(`Invalid URL: ${String(address)}`);
    if (ws._redirects === 0) throw err;
    emitErrorAndClose(ws, err);
    return;
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  ws._url = url.href;

  const isSecure = url.protocol === 'wss:';
  const isIpc = url.protocol === 'ws+unix:';
  let invalid: string | undefined;
  if (url.protocol !== 'ws:' && !isSecure && !isIpc) {
    invalid = `The URL's protocol must be one of "ws:", "wss:", "http:", "https:", or "ws+unix:"`;
  } else if (isIpc && url.pathname === '') {
    invalid = "The URL's pathname is empty";
  } else if (url.hash !== '') {
    invalid = 'The URL contains a fragment identifier';
  }
  if (invalid !== undefined) {
    const err = new SyntaxError(invalid);
    if (ws._redirects === 0) throw err;
    emitErrorAndClose(ws, err);
    return;
  }

  const protocolSet = new Set<string>();
  for (const p of protocols) {
    if (typeof p !== 'string' || !isToken(p) || protocolSet.has(p)) {
      throw new SyntaxError('An invalid or duplicated subprotocol was specified');
    }
    protocolSet.add(p);
  }

  const key = generateKey();
  const pmdOptions: PerMessageDeflateOptions | undefined =
    options.perMessageDeflate === false
      ? undefined
      : options.perMessageDeflate === true || options.perMessageDeflate === undefined
        ? {}
        : options.perMessageDeflate;

  // Host first, as browsers send it (filled in below).
  const headers: Record<string, string | number | readonly string[]> = {
    Host: '',
    ...options.headers,
    'Sec-WebSocket-Version': String(PROTOCOL_VERSION),
    'Sec-WebSocket-Key': key,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
  };
  if (pmdOptions !== undefined) {
    headers['Sec-WebSocket-Extensions'] = formatExtensions([clientOffer(pmdOptions)]);
  }
  if (protocolSet.size > 0) headers['Sec-WebSocket-Protocol'] = [...protocolSet].join(',');
  if (options.origin) headers.Origin = options.origin;

  const reqOptions: RequestOptions = {};
  for (const [k, v] of Object.entries(options)) {
    if (!(OWN_OPTIONS as readonly string[]).includes(k)) reqOptions[k] = v;
  }
  reqOptions.headers = headers as RequestOptions['headers'];
  reqOptions.method = 'GET';
  reqOptions.protocol = 'http:';
  const defaultPort = isSecure ? 443 : 80;
  if (isIpc) {
    const [socketPath, path] = url.pathname.split(':') as [string, string | undefined];
    reqOptions.socketPath = socketPath;
    reqOptions.path = (path ?? '/') + url.search;
    reqOptions.host = 'localhost';
  } else {
    const hostname = url.hostname;
    reqOptions.host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    reqOptions.port = url.port === '' ? defaultPort : Number(url.port);
    reqOptions.path = url.pathname + url.search;
    // Host: with the port only when it is not the default (RFC 9110 §7.2).
    if (headers.Host === '') headers.Host = url.port === '' ? hostname : `${hostname}:${url.port}`;
  }
  if (headers.Host === '') delete headers.Host;
  if (url.username !== '' || url.password !== '') {
    reqOptions.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  }
  if (options.handshakeTimeout !== undefined) reqOptions.timeout = options.handshakeTimeout;
  let req: ClientRequest;
  if (isSecure) {
    // wss: wirestack https (node:tls around a wirestack net socket), with its agent.
    reqOptions.protocol = 'https:';
    // On a transport of its own, a connection of its own too: https' global
    // agent pools connections by name, not by transport.
    if (options.transport !== undefined && reqOptions.agent === undefined) reqOptions.agent = false;
    // https' public request is typed as Node's (src/util/node-typed.ts).
    req = httpsRequest(nodeTyped<HttpsRequestOptions>(reqOptions));
  } else {
    if (typeof reqOptions.createConnection !== 'function' && reqOptions.agent === undefined) {
      // One connection of its own, as the `ws` package does (it is taken over on success).
      reqOptions.createConnection = (opts) => {
        const socket = netConnect(opts);
        // As net.createConnection({ timeout }) does: the request's timeout is the socket's.
        if (typeof opts.timeout === 'number') socket.setTimeout(opts.timeout);
        return socket;
      };
    }
    // The WebSocket keeps it under its public type, Node's (src/util/node-typed.ts).
    req = nodeTyped<ClientRequest>(request(reqOptions));
  }
  ws._req = req;

  if (options.handshakeTimeout !== undefined) {
    req.on('timeout', () => {
      if (ws._req === req) abortHandshake(ws, 'Opening handshake has timed out');
    });
  }

  req.on('error', (err: Error) => {
    if (ws._req !== req) return;
    ws._req = null;
    emitErrorAndClose(ws, err);
  });

  req.on('response', (res: IncomingMessage) => {
    if (ws._req !== req) return;
    const location = headerValue(res, 'location');
    const status = res.statusCode ?? 0;
    if (location !== undefined && options.followRedirects && status >= 300 && status < 400) {
      if (ws._redirects >= (options.maxRedirects ?? 10)) {
        abortHandshake(ws, 'Maximum redirects exceeded');
        return;
      }
      ws._req = null;
      req.destroy();
      let next: URL;
      try {
        next = new URL(location, ws._url);
      } catch {
        emitErrorAndClose(ws, new SyntaxError(`Invalid URL: ${location}`));
        return;
      }
      ws._redirects++;
      let nextOptions = options;
      if (next.host !== url.host) {
        // Credentials are for the original host only.
        const stripped: Record<string, string | number | readonly string[]> = {};
        for (const [k, v] of Object.entries(options.headers ?? {})) {
          const lower = k.toLowerCase();
          if (lower !== 'authorization' && lower !== 'cookie' && lower !== 'host') stripped[k] = v;
        }
        nextOptions = { ...options, headers: stripped };
      }
      ws.emit('redirect', next.href, req);
      initAsClient(ws, next, protocols, nextOptions);
      return;
    }
    if (!ws.emit('unexpected-response', req, res)) {
      abortHandshake(ws, `Unexpected server response: ${status}`);
    }
  });

  req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
    ws.emit('upgrade', res);
    // A listener may have closed or terminated the WebSocket.
    if (ws.readyState !== ReadyState.CONNECTING) return;
    ws._req = null;

    const fail = (message: string) => abortHandshake(ws, message, socket);
    if (res.statusCode !== 101) return fail(`Unexpected server response: ${res.statusCode}`);
    const upgrade = headerValue(res, 'upgrade');
    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') {
      return fail('Invalid Upgrade header');
    }
    if (!hasToken(headerValue(res, 'connection'), 'upgrade')) {
      return fail('Invalid Connection header');
    }
    if (headerValue(res, 'sec-websocket-accept') !== acceptKey(key)) {
      return fail('Invalid Sec-WebSocket-Accept header');
    }

    const serverProtocol = headerValue(res, 'sec-websocket-protocol');
    if (serverProtocol !== undefined) {
      if (protocolSet.size === 0) return fail('Server sent a subprotocol but none was requested');
      if (!protocolSet.has(serverProtocol)) return fail('Server sent an invalid subprotocol');
      ws._protocol = serverProtocol;
    } else if (protocolSet.size > 0) {
      return fail('Server sent no subprotocol');
    }

    const extensionsHeader = headerValue(res, 'sec-websocket-extensions');
    if (extensionsHeader !== undefined) {
      if (pmdOptions === undefined) {
        return fail('Server sent a Sec-WebSocket-Extensions header but no extension was requested');
      }
      let accepted: ReturnType<typeof parseExtensions>;
      try {
        accepted = parseExtensions(extensionsHeader);
      } catch {
        return fail('Invalid Sec-WebSocket-Extensions header');
      }
      if (accepted.length !== 1 || accepted[0]!.name !== EXTENSION_NAME) {
        return fail('Server indicated an extension that was not requested');
      }
      try {
        const params = acceptResponse(accepted[0]!, pmdOptions);
        ws._extensions[EXTENSION_NAME] = new PerMessageDeflate(
          params,
          false,
          pmdOptions,
          maxPayload,
        );
      } catch {
        return fail('Invalid Sec-WebSocket-Extensions header');
      }
    }

    ws._setSocket(socket, head, {
      maxPayload,
      skipUTF8Validation,
      generateMask: options.generateMask,
    });
  });

  if (options.finishRequest) options.finishRequest(req, ws);
  else req.end();
}
