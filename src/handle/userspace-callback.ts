/**
 * User code called from the userspace stack's input and timers (a socket's
 * 'data' and 'connect' listeners, a server's connection handler, a dgram
 * 'message' listener) may throw. libuv calls such code at a point where
 * nothing of its own is under way, so the exception reaches
 * `uncaughtException` and the loop goes on. Here the stack is in the middle
 * of a segment (its ACK not sent, its FIN not processed, other packets
 * waiting): the exception must not unwind through it. It is caught at the
 * handle and thrown again on the next tick, once the stack's work is done —
 * an uncaught exception, as in Node.
 */
import process from 'node:process';

function rethrow(err: unknown): never {
  throw err;
}

/** Throws `err` again once the current call into the stack has returned. */
export function throwLater(err: unknown): void {
  process.nextTick(rethrow, err);
}
