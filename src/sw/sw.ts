/// <reference lib="webworker" />
/**
 * The service worker: serves the precached app shell (so a reload with no
 * network still opens the app), and syncs this device's outbox with every
 * tab closed: a one-off Background Sync (registered by every local write,
 * src/web/background-wake.ts) and Periodic Background Sync (installed PWA)
 * run the same sync client the tab runs (background-sync.ts).
 *
 * Data never goes through a cache here: records live in IndexedDB
 * (WatermelonDB) and /api and /socket.io always go to the network.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { deleteIndexedDb } from '../web/delete-indexeddb';
import { backgroundSync } from './background-sync';
import { OUTBOX_SYNC_TAG, PERIODIC_SYNC_TAG, SKIP_WAITING, isPageToWorkerMessage } from './messages';
import { yieldConnectionsOnVersionChange } from './yield-idb-connections';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null } | string> };

/** Background Sync and Periodic Background Sync events are not in TypeScript's WebWorker lib yet. */
interface TaggedSyncEvent extends ExtendableEvent {
  readonly tag: string;
}

/** An earlier release queued raw pushes (with the token) here; the outbox is the one ledger now. */
const LEGACY_WORKBOX_QUEUE_DB = 'workbox-background-sync';

// Sign-out deletes the user's database: a connection this worker left open must not block it.
yieldConnectionsOnVersionChange();

// registerType 'prompt': a new worker waits until the page asks it to take over.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  if (isPageToWorkerMessage(data) && data.type === SKIP_WAITING) void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(deleteIndexedDb(LEGACY_WORKBOX_QUEUE_DB));
});

// Without this the first load is not controlled and its requests bypass the worker.
clientsClaim();

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Any navigation (a deep link, a reload offline) gets the app shell; the API never does.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api(\/|$)/, /^\/socket\.io(\/|$)/],
  }),
);

// A rejected promise makes the browser retry the one-off sync later; a 401 resolves (background-run.ts).
self.addEventListener('sync', (event) => {
  const sync = event as TaggedSyncEvent;
  if (sync.tag !== OUTBOX_SYNC_TAG) return;
  sync.waitUntil(backgroundSync(OUTBOX_SYNC_TAG));
});

self.addEventListener('periodicsync', (event) => {
  const periodic = event as TaggedSyncEvent;
  if (periodic.tag !== PERIODIC_SYNC_TAG) return;
  // A periodic run that fails waits for the next period; the one-off tag covers the outbox.
  periodic.waitUntil(backgroundSync(OUTBOX_SYNC_TAG).then(() => undefined));
});
