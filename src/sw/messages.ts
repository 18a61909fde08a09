/**
 * Messages between the page and the service worker. Plain `{type}` objects:
 * across postMessage only data survives, so both sides match on `type`.
 */

/** Page → worker: activate the waiting worker now (the user accepted the update prompt). */
export const SKIP_WAITING = 'SKIP_WAITING';
/** Page → worker: drop every queued push (sign-out: the queue holds the token). */
export const CLEAR_OUTBOX = 'CLEAR_OUTBOX';
/** Worker → page: the worker replayed queued pushes or woke up periodically; sync now. */
export const SYNC_NOW = 'SYNC_NOW';

/** Name of the Background Sync queue of failed `POST /api/sync/push` requests. */
export const OUTBOX_QUEUE = 'sync-outbox';
/** Tag of the periodic background sync the page registers. */
export const PERIODIC_SYNC_TAG = 'aideepref-periodic-sync';

export type PageToWorkerMessage = { type: typeof SKIP_WAITING } | { type: typeof CLEAR_OUTBOX };
export type WorkerToPageMessage = { type: typeof SYNC_NOW };

export function isWorkerToPageMessage(data: unknown): data is WorkerToPageMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === SYNC_NOW;
}

export function isPageToWorkerMessage(data: unknown): data is PageToWorkerMessage {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  return type === SKIP_WAITING || type === CLEAR_OUTBOX;
}
