/**
 * The service worker syncs the outbox with every tab closed, through the
 * same client the tab runs (src/sw/background-sync.ts). "Offline" is
 * context.setOffline(true); "every tab closed" means no page of the app is
 * open (a blank page only gives CDP a target).
 */
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { PERIODIC_TAG, countPushes, grantPeriodicSync, registeredSyncTags, serverReferences, serviceWorkerHandle, sessionToken } from './background-sync';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signUp, syncStatus, waitForServiceWorker } from './helpers';

async function offlineWriteThenCloseEveryTab(context: BrowserContext, page: Page, refereeName: string): Promise<{ token: string; blank: Page }> {
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  const token = await sessionToken(page);
  await context.setOffline(true);
  await expect(syncStatus(page)).toHaveText(/^Offline - 0 unsynced$/);
  await requestReference(page, { name: refereeName, email: `${refereeName.toLowerCase().replace(/ /g, '.')}@example.com` });
  await expect(syncStatus(page)).toHaveText('Offline - 1 unsynced');
  // The write asked for a one-off Background Sync while offline.
  await expect.poll(() => registeredSyncTags(context)).toContain('aideepref-outbox');
  const blank = await context.newPage();
  await page.close();
  return { token, blank };
}

test('offline write, every tab closed, network back: the dispatched sync event pushes it; reopened offline it shows synced, online it pushes nothing again', async ({ browser, baseURL, request }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, newPerson('Dora Dispatch'));
  const origin = new URL(page.url()).origin;
  const { token, blank } = await offlineWriteThenCloseEveryTab(context, page, 'Dispatched Referee');
  const worker = await serviceWorkerHandle(context, blank, origin);
  const pushes = countPushes(context);
  await context.setOffline(false);
  await worker.dispatchSync();

  await expect.poll(async () => (await serverReferences(request, baseURL!, token)).map((r) => r.referee_name), { timeout: 30_000 }).toContain('Dispatched Referee');
  expect(pushes()).toBeGreaterThan(0);

  // Back in the app with no network: the worker's run was saved, so nothing is left to sync.
  await context.setOffline(true);
  const offline = await context.newPage();
  await offline.goto('/');
  await expect(itemWith(myReferences(offline), 'Dispatched Referee')).toBeVisible();
  await expect(syncStatus(offline)).toHaveText('Offline - 0 unsynced');
  await offline.close();

  // Online again: the app opens, syncs, and has nothing to push.
  await context.setOffline(false);
  const before = pushes();
  const online = await context.newPage();
  await online.goto('/');
  await expect(syncStatus(online)).toHaveText('Synced');
  await expect(myReferences(online).getByRole('listitem')).toHaveCount(1);
  await online.waitForTimeout(500);
  expect(pushes()).toBe(before);
  await context.close();
});

test('offline write, every tab closed: Chromium fires the sync by itself when the network returns', async ({ browser, baseURL, request }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, newPerson('Fern Fired'));
  const { token } = await offlineWriteThenCloseEveryTab(context, page, 'Fired Referee');
  await context.setOffline(false);
  await expect.poll(async () => (await serverReferences(request, baseURL!, token)).map((r) => r.referee_name), { timeout: 30_000 }).toContain('Fired Referee');
  await expect.poll(() => registeredSyncTags(context)).not.toContain('aideepref-outbox');
  await context.close();
});

test('a tab holds the writer lock: the worker asks it to sync instead of opening a second writer, and nothing is lost or overwritten', async ({ browser, baseURL, request }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
  });
  await signUp(page, newPerson('Hal Holder'));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  const origin = new URL(page.url()).origin;
  const token = await sessionToken(page);
  await page.evaluate(() => {
    const w = window as unknown as { __asked: number };
    w.__asked = 0;
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string }>) => {
      if (event.data?.type === 'SYNC_NOW' && event.ports.length === 1) w.__asked += 1;
    });
  });
  const worker = await serviceWorkerHandle(context, page, origin);

  await context.setOffline(true);
  await requestReference(page, { name: 'Held Referee', email: 'held@example.com' });
  await expect(syncStatus(page)).toHaveText('Offline - 1 unsynced');
  await context.setOffline(false);
  await worker.dispatchSync();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBeGreaterThan(0);
  await expect.poll(async () => (await serverReferences(request, baseURL!, token)).map((r) => r.referee_name), { timeout: 30_000 }).toContain('Held Referee');
  await expect(syncStatus(page)).toHaveText('Synced');

  // The tab kept writing the whole time: a second write, a reload, and both are there.
  await requestReference(page, { name: 'After Referee', email: 'after@example.com' });
  await expect(syncStatus(page)).toHaveText('Synced');
  await page.reload();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(2);
  expect(warnings.filter((text) => /saved over|overwrote/.test(text))).toEqual([]);
  await context.close();
});

test('periodic sync with every tab closed pulls another user\'s change; reopened offline the app shows it', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  const origin = new URL(page.url()).origin;
  await grantPeriodicSync(context, page, origin);
  const referee = newPerson('Pia Periodic');
  await signUp(page, referee);
  await waitForServiceWorker(page);
  await page.reload(); // registers again, now with the permission granted
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { periodicSync?: { getTags(): Promise<string[]> } };
        return registration.periodicSync ? await registration.periodicSync.getTags() : ['unsupported'];
      }),
    )
    .toContain(PERIODIC_TAG);
  await expect(syncStatus(page)).toHaveText('Synced');
  const blank = await context.newPage();
  await page.close();

  // Another user asks this referee for a reference while their app is closed.
  const { context: other, page: candidate } = await onNewDevice(browser, newPerson('Carl Candidate'));
  await requestReference(candidate, { name: referee.name, email: referee.email }, 'Pulled while the app was closed');
  await expect(syncStatus(candidate)).toHaveText('Synced');
  await other.close();

  const worker = await serviceWorkerHandle(context, blank, origin);
  const pulls: string[] = [];
  context.on('requestfinished', (req) => {
    if (new URL(req.url()).pathname === '/api/sync/pull') pulls.push(req.url());
  });
  await worker.dispatchPeriodicSync();
  await expect.poll(() => pulls.length, { timeout: 20_000 }).toBeGreaterThan(0);

  await context.setOffline(true);
  const offline = await context.newPage();
  await offline.goto('/inbox');
  await expect(itemWith(requestsForMe(offline), 'Carl Candidate')).toBeVisible({ timeout: 20_000 });
  await context.close();
});
