/**
 * What the health view reads from the browser itself: storage used and the
 * quota (`navigator.storage.estimate`), whether the storage is persistent
 * (and asking for it once, after the first sign-in on this device), the
 * service worker's state, and whether a Background Sync of the outbox is
 * waiting. Every call answers null where the browser has no such API.
 */
import { OUTBOX_SYNC_TAG } from '../sw/messages';

export interface StorageHealth {
  usage: number;
  quota: number;
}

export async function storageEstimate(): Promise<StorageHealth | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
  const { usage, quota } = await navigator.storage.estimate();
  return usage !== undefined && quota !== undefined ? { usage, quota } : null;
}

export async function storagePersisted(): Promise<boolean | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persisted) return null;
  return navigator.storage.persisted();
}

const PERSIST_ASKED_KEY = 'aideepref.persist-asked';

/**
 * Asks the browser to keep this origin's data (else it may evict the offline
 * copy under storage pressure). Once per device: the browser remembers its
 * answer, and asking on every start would only repeat a prompt where one shows.
 */
export async function askPersistenceOnce(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): Promise<boolean | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return null;
  if (storage.getItem(PERSIST_ASKED_KEY)) return storagePersisted();
  storage.setItem(PERSIST_ASKED_KEY, String(Date.now()));
  return navigator.storage.persist();
}

export interface ServiceWorkerHealth {
  /** The state of the worker controlling this page, or null when none does. */
  controller: ServiceWorkerState | null;
  /** A newer version is installed and waiting. */
  waiting: boolean;
  /** A failed push waits in the worker's Background Sync queue; null when the browser cannot say. */
  backgroundSyncPending: boolean | null;
}

interface SyncManagerLike {
  getTags(): Promise<string[]>;
}

export async function serviceWorkerHealth(): Promise<ServiceWorkerHealth | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  const controller = navigator.serviceWorker.controller?.state ?? null;
  let backgroundSyncPending: boolean | null = null;
  const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync;
  if (sync) {
    const tags = await sync.getTags();
    backgroundSyncPending = tags.includes(OUTBOX_SYNC_TAG);
  }
  return { controller, waiting: !!registration?.waiting, backgroundSyncPending };
}
