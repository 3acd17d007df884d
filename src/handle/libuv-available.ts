/**
 * Whether the runtime really provides Node's libuv handle bindings
 * (`tcp_wrap`, `pipe_wrap`, `stream_wrap`, `udp_wrap` through
 * `process.binding`), which the host transport's fast path is written
 * against (libuv.ts), or only something that looks like them.
 *
 * Node provides them. Bun throws for each. Deno 2 emulates them in part:
 * its handles lack members Node's have (a TCP handle's `fd`,
 * `writeQueueSize`, `bytesRead`; a UDP handle's send-queue counters;
 * `udp_wrap`'s constants) and its listening handle reports connections
 * without the accepted handle, so a server built on it fails every accept.
 * Rather than name runtimes, the check is a feature test: every member the
 * libuv handles use must be there, on the handles' prototypes (nothing is
 * opened to look). Where one is missing, the host transport uses
 * `node:net` / `node:dgram` as plain pipes (host-stream-node.ts,
 * host-datagram.ts), which every such runtime provides.
 *
 * `WIRESTACK_HOST_STREAMS=node` asks for the `node:` modules even on Node.
 */

/** Members of a binding's handle class the libuv handles use, by binding. */
const TCP_MEMBERS = [
  'fd',
  'writeQueueSize',
  'bytesRead',
  'bytesWritten',
  'readStart',
  'readStop',
  'useUserBuffer',
  'writev',
  'writeBuffer',
  'writeLatin1String',
  'writeUtf8String',
  'shutdown',
  'close',
  'ref',
  'unref',
  'open',
  'bind',
  'bind6',
  'listen',
  'connect',
  'connect6',
  'getsockname',
  'getpeername',
  'setNoDelay',
  'setKeepAlive',
  'reset',
] as const;

const PIPE_MEMBERS = [
  'fd',
  'writeQueueSize',
  'bytesRead',
  'readStart',
  'writev',
  'shutdown',
  'close',
  'open',
  'bind',
  'listen',
  'connect',
  'fchmod',
] as const;

const UDP_MEMBERS = [
  'fd',
  'open',
  'bind',
  'bind6',
  'connect',
  'connect6',
  'disconnect',
  'send',
  'send6',
  'recvStart',
  'recvStop',
  'getsockname',
  'getpeername',
  'addMembership',
  'dropMembership',
  'addSourceSpecificMembership',
  'dropSourceSpecificMembership',
  'setMulticastInterface',
  'setMulticastTTL',
  'setMulticastLoopback',
  'setBroadcast',
  'setTTL',
  'bufferSize',
  'getSendQueueSize',
  'getSendQueueCount',
  'close',
  'ref',
  'unref',
] as const;

/** `process.binding(name)`, or undefined where the runtime has none or refuses it. */
function binding(name: string): Record<string, unknown> | undefined {
  try {
    const get = (process as unknown as { binding?(name: string): unknown }).binding;
    const found = get?.(name);
    return found !== null && typeof found === 'object'
      ? (found as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What `name`'s binding lacks for the libuv handles: its class `ctor` with
 * every one of `members` on the prototype, and a `constants` object with
 * every one of `constants` as a number. Empty when nothing is missing.
 */
function missingFrom(
  name: string,
  ctor: string,
  members: readonly string[],
  constants: readonly string[],
): string[] {
  const found = binding(name);
  if (found === undefined) return [`${name}`];
  const cls = found[ctor];
  if (typeof cls !== 'function') return [`${name}.${ctor}`];
  const proto = (cls as { prototype: object }).prototype;
  const missing = members.filter((m) => !(m in proto)).map((m) => `${name}.${ctor}#${m}`);
  const table = found.constants as Record<string, unknown> | undefined;
  for (const c of constants) {
    if (typeof table?.[c] !== 'number') missing.push(`${name}.constants.${c}`);
  }
  return missing;
}

/** What `stream_wrap` lacks: the write and shutdown requests and the shared read state. */
function missingFromStreamWrap(): string[] {
  const found = binding('stream_wrap');
  if (found === undefined) return ['stream_wrap'];
  const missing: string[] = [];
  for (const ctor of ['WriteWrap', 'ShutdownWrap']) {
    if (typeof found[ctor] !== 'function') missing.push(`stream_wrap.${ctor}`);
  }
  if (!(found.streamBaseState instanceof Int32Array)) missing.push('stream_wrap.streamBaseState');
  for (const k of [
    'kReadBytesOrError',
    'kArrayBufferOffset',
    'kBytesWritten',
    'kLastWriteWasAsync',
  ]) {
    if (typeof found[k] !== 'number') missing.push(`stream_wrap.${k}`);
  }
  return missing;
}

/** Which implementation the host transport uses, and why. */
export interface HostSocketsChoice {
  /** TCP and IPC streams: Node's libuv handles, or `node:net`. */
  streams: 'libuv' | 'node';
  /** UDP: Node's libuv handle, or `node:dgram`. */
  datagrams: 'libuv' | 'node';
  /** What the libuv bindings lack (`tcp_wrap.TCP#fd`, ...); empty on Node. */
  missing: string[];
}

let choice: HostSocketsChoice | undefined;

/** The host transport's choice for this runtime, made once. */
export function hostSocketsChoice(): HostSocketsChoice {
  if (choice !== undefined) return choice;
  if (process.env.WIRESTACK_HOST_STREAMS === 'node') {
    choice = { streams: 'node', datagrams: 'node', missing: [] };
    return choice;
  }
  const streamMissing = [
    ...missingFrom('tcp_wrap', 'TCP', TCP_MEMBERS, ['SOCKET', 'SERVER', 'UV_TCP_IPV6ONLY']),
    ...missingFrom('tcp_wrap', 'TCPConnectWrap', [], []),
    ...missingFrom('pipe_wrap', 'Pipe', PIPE_MEMBERS, [
      'SOCKET',
      'SERVER',
      'IPC',
      'UV_READABLE',
      'UV_WRITABLE',
    ]),
    ...missingFrom('pipe_wrap', 'PipeConnectWrap', [], []),
    ...missingFromStreamWrap(),
  ];
  const udpMissing = [
    ...missingFrom('udp_wrap', 'UDP', UDP_MEMBERS, ['UV_UDP_IPV6ONLY', 'UV_UDP_REUSEADDR']),
    ...missingFrom('udp_wrap', 'SendWrap', [], []),
  ];
  const streams = streamMissing.length === 0 ? 'libuv' : 'node';
  // The libuv datagram handle shares the stream bindings' conventions: both or neither.
  const datagrams = streams === 'libuv' && udpMissing.length === 0 ? 'libuv' : 'node';
  choice = { streams, datagrams, missing: [...streamMissing, ...udpMissing] };
  return choice;
}

/**
 * True when the runtime provides every libuv stream binding member the
 * host transport's streams use, and `WIRESTACK_HOST_STREAMS` does not ask
 * for the `node:net` fallback.
 */
export function libuvAvailable(): boolean {
  return hostSocketsChoice().streams === 'libuv';
}

/** True when the host transport's datagrams can use libuv's UDP handle. */
export function libuvDatagramsAvailable(): boolean {
  return hostSocketsChoice().datagrams === 'libuv';
}
