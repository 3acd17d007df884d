/**
 * Write batching for the host transport's libuv stream handles, one window
 * per event-loop turn.
 *
 * The window opens when a turn delivers its first read and closes in that
 * turn's check phase (the `setImmediate` queued as it opened). Writes made
 * while it is open — in the read callbacks, and in the ticks and promise
 * jobs that follow them — are held by their handle, which accepts them at
 * once as a kernel send buffer would (their callbacks run as for a write
 * the kernel took whole); when the window closes every handle writes what it
 * holds, in one system call each. A server that reads many requests in one
 * turn thus answers them back to back once it has read them all: the peer
 * is woken once for the lot rather than once per response, and several
 * writes to one connection leave together.
 *
 * What a handle holds is bounded: the write that brings it to 16 KiB sends
 * the batch and completes only when libuv has written it, as an unbatched
 * write would; and a connection whose writes libuv has queued (the peer is
 * not reading) is not held at all. Backpressure is thus unchanged. Writes
 * made outside the window (in timers, in the check phase, in a turn without
 * reads) go out at once.
 * A handle that shuts down or closes first writes what it holds; so does
 * every handle when the process emits 'exit' (also on an uncaught
 * exception), so `write()` followed by `process.exit()` still sends, as in
 * Node. An error writing held bytes is the connection's (the handle's
 * `onerror`: `EPIPE`, `ECONNRESET`).
 */

/** A handle holding writes until the window closes. */
export interface WriteHolder {
  /** Hands everything held to the kernel now (a no-op when nothing is held). */
  flushWrites(): void;
}

let open = false;
let exitHooked = false;
const holders: WriteHolder[] = [];

/** A read is about to be delivered: writes wait for this turn's check phase. */
export function openWriteWindow(): void {
  if (open) return;
  open = true;
  setImmediate(closeWriteWindow);
}

/** Writes made now are held (the window is open). */
export function writeWindowOpen(): boolean {
  return open;
}

/** `holder` starts holding writes: it is flushed when the window closes. */
export function enlistWriteHolder(holder: WriteHolder): void {
  holders.push(holder);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', closeWriteWindow);
  }
}

function closeWriteWindow(): void {
  open = false;
  // Flushing runs write callbacks, which may make writes of their own: on a
  // handle still holding some (enlisted further on), they join its batch.
  for (let i = 0; i < holders.length; i++) holders[i]!.flushWrites();
  holders.length = 0;
}
