/**
 * How a command reports an error that ends it: one line for what the user
 * can act on, the stack for anything else, which is a defect worth
 * reporting with its trace.
 */

/**
 * A command could not start what it was asked to (its capture file cannot
 * be written, ...); the message says what and why, in one line.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}

/**
 * One line for a `SetupError` or a system error (`ECONNREFUSED`, `ENOENT`,
 * with the address or path in its message); the stack for any other error.
 */
export function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err instanceof SetupError) return err.message;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string' && typeof syscall === 'string') return err.message;
  return err.stack ?? err.message;
}
