/** Node's `AbortError` (code `ABORT_ERR`), thrown or emitted when an AbortSignal fires. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  override readonly cause: unknown;
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message);
    this.name = 'AbortError';
    this.cause = options?.cause;
  }
}
