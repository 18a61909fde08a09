/** Helpers for the service worker's background sync tests: CDP events, the server's view, pushes seen. */
import { expect } from '@playwright/test';
import type { APIRequestContext, BrowserContext, CDPSession, Page } from '@playwright/test';

export const OUTBOX_TAG = 'aideepref-outbox';
export const PERIODIC_TAG = 'aideepref-periodic-sync';
const SESSION_KEY = 'aideepref.session';

export interface WorkerHandle {
  cdp: CDPSession;
  origin: string;
  registrationId: () => string;
  dispatchSync(tag?: string): Promise<void>;
  dispatchPeriodicSync(tag?: string): Promise<void>;
}

/**
 * CDP's ServiceWorker domain through any page of the context (a blank one
 * when no page of the app may be open). `origin` is the app's.
 */
export async function serviceWorkerHandle(context: BrowserContext, page: Page, origin: string): Promise<WorkerHandle> {
  const cdp = await context.newCDPSession(page);
  let id = '';
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const live = registrations.find((registration) => !registration.isDeleted && registration.scopeURL.startsWith(origin));
    if (live) id = live.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => id).not.toBe('');
  return {
    cdp,
    origin,
    registrationId: () => id,
    dispatchSync: async (tag = OUTBOX_TAG) => {
      await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: id, tag, lastChance: false });
    },
    dispatchPeriodicSync: async (tag = PERIODIC_TAG) => {
      await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', { origin, registrationId: id, tag });
    },
  };
}

export async function sessionToken(page: Page): Promise<string> {
  return page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? 'null') as { token: string }).token, SESSION_KEY);
}

/** The user's references as the server holds them (a full pull with their token). */
export async function serverReferences(request: APIRequestContext, baseURL: string, token: string): Promise<Array<Record<string, unknown>>> {
  const response = await request.get(`${baseURL}/api/sync/pull?since=0`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { changes: { references: { created: Array<Record<string, unknown>>; updated: Array<Record<string, unknown>> } } };
  return [...body.changes.references.created, ...body.changes.references.updated];
}

/** Counts POST /api/sync/push requests of the context (the page's and the worker's). */
export function countPushes(context: BrowserContext): () => number {
  let pushes = 0;
  context.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/sync/push') pushes += 1;
  });
  return () => pushes;
}

/** The tags of one-off Background Sync registrations, read in the worker itself (works with no page open). */
export async function registeredSyncTags(context: BrowserContext): Promise<string[]> {
  const worker = context.serviceWorkers()[0];
  if (!worker) return [];
  return worker.evaluate(async () => {
    const registration = (self as unknown as { registration: ServiceWorkerRegistration & { sync?: { getTags(): Promise<string[]> } } }).registration;
    return registration.sync ? registration.sync.getTags() : [];
  });
}

export async function grantPeriodicSync(context: BrowserContext, page: Page, origin: string): Promise<void> {
  const cdpPage = await context.newCDPSession(page);
  const { targetInfo } = (await cdpPage.send('Target.getTargetInfo')) as { targetInfo: { browserContextId?: string } };
  const browserCdp = await context.browser()!.newBrowserCDPSession();
  await browserCdp.send('Browser.setPermission', {
    permission: { name: 'periodic-background-sync' },
    setting: 'granted',
    origin,
    ...(targetInfo.browserContextId ? { browserContextId: targetInfo.browserContextId } : {}),
  });
}

/** The token the service worker reads (IndexedDB aideepref.worker-session), or null. */
export async function workerSessionToken(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((db) => db.name);
    if (!names.includes('aideepref.worker-session')) return null;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('aideepref.worker-session');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      if (!db.objectStoreNames.contains('session')) return null;
      return await new Promise<string | null>((resolve, reject) => {
        const get = db.transaction('session', 'readonly').objectStore('session').get('current');
        get.onsuccess = () => resolve((get.result as { token?: string } | undefined)?.token ?? null);
        get.onerror = () => reject(get.error);
      });
    } finally {
      db.close();
    }
  });
}
