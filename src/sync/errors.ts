/**
 * Errors of the engine carry a stable `name` and `code`: across postMessage or
 * a bundle boundary the prototype is lost, so callers match on these strings.
 */
export const SyncErrorCode = {
  /** No network, DNS failure, connection reset, timeout: nothing reached the server. */
  network: 'network',
  /** The server refused the token (401): the user must sign in again. */
  unauthorized: 'unauthorized',
  /** The server answered with an unexpected status (5xx, or a 4xx for the whole request). */
  server: 'server',
  /** The server's answer did not have the contract's shape. */
  protocol: 'protocol',
  /** Writing to the local database or making it durable failed. */
  storage: 'storage',
  /** The client was closed while the operation ran. */
  closed: 'closed',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly status?: number,
    /** With a 429: how long the server asked us to wait (its `Retry-After`), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function isSyncError(error: unknown): error is SyncError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'SyncError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
