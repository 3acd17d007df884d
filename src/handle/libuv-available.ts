/**
 * True when the runtime exposes Node's libuv handle bindings through
 * `process.binding` (Node does; Deno, Bun and browsers may not), and
 * `WIRESTACK_HOST_STREAMS` does not ask for the node:net fallback.
 */
export function libuvAvailable(): boolean {
  if (process.env.WIRESTACK_HOST_STREAMS === 'node') return false;
  try {
    const binding = (process as unknown as { binding?(name: string): unknown }).binding;
    const tcp = binding?.('tcp_wrap') as { TCP?: unknown } | undefined;
    return typeof tcp?.TCP === 'function';
  } catch {
    return false;
  }
}
