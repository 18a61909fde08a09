/**
 * Messages between the page and the service worker, and the tags the worker
 * answers. Plain `{type}` objects: across postMessage only data survives, so
 * both sides match on `type`.
 */

/** Page → worker: activate the waiting worker now (the user accepted the update prompt). */
export const SKIP_WAITING = 'SKIP_WAITING';
/**
 * Worker → page: sync now. The worker sends it when its own run cannot take
 * the writer lock (a tab holds it); with a MessagePort attached, the tab
 * that writes answers on it with SYNC_DONE once its run settled.
 */
export const SYNC_NOW = 'SYNC_NOW';
/** Page → worker (on the port of a SYNC_NOW): the run settled; `error` when it failed. */
export const SYNC_DONE = 'SYNC_DONE';

/** The one-off Background Sync tag: registered while the outbox holds work (every local write ensures it). */
export const OUTBOX_SYNC_TAG = 'aideepref-outbox';
/** Tag of the periodic background sync the page registers. */
export const PERIODIC_SYNC_TAG = 'aideepref-periodic-sync';

export type PageToWorkerMessage = { type: typeof SKIP_WAITING };
export type WorkerToPageMessage = { type: typeof SYNC_NOW };
export type SyncDoneMessage = { type: typeof SYNC_DONE; error: string | null };

function typeOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
}

export function isWorkerToPageMessage(data: unknown): data is WorkerToPageMessage {
  return typeOf(data) === SYNC_NOW;
}

export function isPageToWorkerMessage(data: unknown): data is PageToWorkerMessage {
  return typeOf(data) === SKIP_WAITING;
}

export function isSyncDoneMessage(data: unknown): data is SyncDoneMessage {
  if (typeOf(data) !== SYNC_DONE) return false;
  const error = (data as { error?: unknown }).error;
  return error === null || typeof error === 'string';
}
