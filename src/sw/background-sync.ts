/// <reference lib="webworker" />
/**
 * The service worker's side of background sync: the ports of
 * src/sync/background-run.ts in a worker. The database is the same
 * WatermelonDB/LokiJS/IndexedDB the tab opens, the writer lock the same Web
 * Lock (tab-leadership.ts), the token the one the writer tab keeps in
 * IndexedDB (worker-session.ts).
 */
import { createSyncClient } from '../sync/create-sync-client';
import { createHttpTransport } from '../sync/http-transport';
import type { Logger, NetworkStatus, Timers } from '../sync/ports';
import { runBackgroundSync, type BackgroundOutcome } from '../sync/background-run';
import { isSyncError, SyncErrorCode } from '../sync/errors';
import { openLokiDatabase } from '../sync/watermelon/loki-database';
import type { Session } from '../sync/session-client';
import { deleteIndexedDb } from '../web/delete-indexeddb';
import { schemas } from '../web/schemas';
import { lockNameFor, type LocksLike } from '../sync/writer-lock';
import { readWorkerSession } from '../web/worker-session';
import { SYNC_NOW, isSyncDoneMessage, type WorkerToPageMessage } from './messages';

declare const self: ServiceWorkerGlobalScope;

/** How long the writer tab may take to answer before the event fails (and the browser retries). */
const WRITER_ANSWER_MS = 60_000;

const logger: Logger = {
  debug: () => {},
  warn: (message, data) => console.warn(`[sw] ${message}`, data ?? ''),
  error: (message, data) => console.error(`[sw] ${message}`, data ?? ''),
};

const timers: Timers = {
  setTimeout: (fn, ms) => self.setTimeout(fn, ms),
  clearTimeout: (handle) => self.clearTimeout(handle as number),
};

/** The browser fired the event because it is online; a failed request says otherwise by rejecting. */
const onlineNow: NetworkStatus = {
  getStatus: () => ({ online: true }),
  subscribe: () => () => {},
  recheck: async () => {},
};

function locks(): LocksLike {
  const manager = (self.navigator as WorkerNavigator & { locks?: LocksLike }).locks;
  if (!manager) throw new Error('no Web Locks in this worker');
  return manager;
}

/** How long a run waits for the lock of a tab that is closing. */
const CLOSING_TAB_MS = 15_000;

async function withLock(userId: string, work: () => Promise<void>, options: { wait: boolean }): Promise<boolean> {
  let ran = false;
  const abort = new AbortController();
  const timer = options.wait ? self.setTimeout(() => abort.abort(), CLOSING_TAB_MS) : undefined;
  try {
    await locks().request(lockNameFor(userId), options.wait ? { signal: abort.signal } : { ifAvailable: true }, async (lock) => {
      self.clearTimeout(timer);
      if (!lock) return;
      ran = true;
      await work();
    });
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'AbortError')) throw error;
  } finally {
    self.clearTimeout(timer);
  }
  return ran;
}

async function openClient(session: Session) {
  const local = openLokiDatabase(session.user.id, { logger, deleteStorage: (name) => deleteIndexedDb(name) });
  const transport = createHttpTransport({ getToken: () => session.token, timers, schemas });
  return createSyncClient({ local, transport, network: onlineNow, timers, logger }, { userId: () => session.user.id });
}

/** Posts SYNC_NOW with a reply port to every window; the writer tab answers, the others do not. */
async function askWriter(): Promise<boolean> {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (pages.length === 0) return false;
  await new Promise<void>((resolve, reject) => {
    const timer = self.setTimeout(() => reject(new Error('the writer tab did not answer')), WRITER_ANSWER_MS);
    for (const page of pages) {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event: MessageEvent) => {
        if (!isSyncDoneMessage(event.data)) return;
        self.clearTimeout(timer);
        if (event.data.error === null) resolve();
        else reject(new Error(`the writer tab's sync failed: ${event.data.error}`));
      };
      const message: WorkerToPageMessage = { type: SYNC_NOW };
      page.postMessage(message, [channel.port2]);
    }
  });
  return true;
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/**
 * One run. A run that met no network while the worker itself sees none
 * (the event fired on a connection that was already gone) registers the tag
 * again and resolves: the browser then fires it when the network is back,
 * instead of backing off for minutes as it does after a rejection.
 */
export async function backgroundSync(tag: string): Promise<BackgroundOutcome | 'waiting-for-network'> {
  try {
    return await runBackgroundSync({ readSession: readWorkerSession, withLock, openClient, askWriter, logger });
  } catch (error) {
    logger.warn(`background sync failed (online: ${self.navigator.onLine})`, error);
    const sync = (self.registration as ServiceWorkerRegistration & { sync?: SyncManagerLike }).sync;
    if (isSyncError(error) && error.code === SyncErrorCode.network && !self.navigator.onLine && sync) {
      await sync.register(tag);
      return 'waiting-for-network';
    }
    throw error;
  }
}
