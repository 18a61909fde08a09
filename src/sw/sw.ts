/// <reference lib="webworker" />
/**
 * The service worker: serves the precached app shell (so a reload with no
 * network still opens the app) and keeps failed sync pushes in a Background
 * Sync queue that the browser replays when the network returns.
 *
 * Data never goes through a cache here: records live in IndexedDB
 * (WatermelonDB) and /api and /socket.io always go to the network.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { Queue } from 'workbox-background-sync';
import type { WorkboxPlugin } from 'workbox-core/types';
import { forgetWorkboxQueueConnection, yieldConnectionsOnVersionChange } from './yield-idb-connections';
import { CLEAR_OUTBOX, OUTBOX_QUEUE, PERIODIC_SYNC_TAG, SKIP_WAITING, SYNC_NOW, isPageToWorkerMessage } from './messages';
import type { WorkerToPageMessage } from './messages';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null } | string> };

/** Periodic Background Sync is not in TypeScript's WebWorker lib yet. */
interface PeriodicSyncEvent extends ExtendableEvent {
  readonly tag: string;
}

const SEVEN_DAYS_IN_MINUTES = 7 * 24 * 60;
/** The database Workbox keeps every Background Sync queue in. */
const WORKBOX_QUEUE_DB = 'workbox-background-sync';

// registerType 'prompt': a new worker waits until the page asks it to take over.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  if (!isPageToWorkerMessage(data)) return;
  if (data.type === SKIP_WAITING) void self.skipWaiting();
  if (data.type === CLEAR_OUTBOX) event.waitUntil(clearOutbox());
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

/**
 * Failed pushes wait here and are replayed by the browser when it is online
 * again, even with the app closed. Pushing the same changes twice equals once
 * (CONTRACT §3), and the engine pushes its own copy again anyway, so a replay
 * can only make the server catch up sooner. This is BackgroundSyncPlugin's own
 * mechanism (fetchDidFail → pushRequest) around a Queue we keep a handle on, so
 * the periodic sync and sign-out below can reach the same queue (Workbox allows
 * only one Queue per name), and so only the newest push is kept.
 */
const outbox = new Queue(OUTBOX_QUEUE, {
  maxRetentionTime: SEVEN_DAYS_IN_MINUTES,
  onSync: async ({ queue }) => {
    await queue.replayRequests();
    await tellPagesToSync();
  },
});

/**
 * Keeps only the newest failed push. The engine pushes every unacknowledged
 * change each time, so the newest push covers what an older one still
 * carried; without this a flaky connection would queue one copy per retry.
 */
// Sign-out deletes the queue's database: let it, and reopen afterwards.
yieldConnectionsOnVersionChange((name) => {
  if (name === WORKBOX_QUEUE_DB) forgetWorkboxQueueConnection(outbox);
});

const queueFailedPush: WorkboxPlugin = {
  fetchDidFail: async ({ request }) => {
    while (await outbox.shiftRequest()) {
      // superseded by this one
    }
    await outbox.pushRequest({ request });
  },
};

registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname === '/api/sync/push',
  new NetworkOnly({ plugins: [queueFailedPush] }),
  'POST',
);

self.addEventListener('periodicsync', (event) => {
  const periodic = event as PeriodicSyncEvent;
  if (periodic.tag !== PERIODIC_SYNC_TAG) return;
  periodic.waitUntil(
    (async () => {
      try {
        await outbox.replayRequests();
      } finally {
        await tellPagesToSync();
      }
    })(),
  );
});

async function tellPagesToSync(): Promise<void> {
  const message: WorkerToPageMessage = { type: SYNC_NOW };
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const page of pages) page.postMessage(message);
}

async function clearOutbox(): Promise<void> {
  while (await outbox.shiftRequest()) {
    // drop it: the queued request carries the signed-out user's token
  }
}
