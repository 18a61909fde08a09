/**
 * The service worker syncs the outbox with every tab closed, through the
 * same client the tab runs (src/sw/background-sync.ts). "Offline" is
 * context.setOffline(true); "every tab closed" means no page of the app is
 * open (a blank page only gives CDP a target).
 */
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { countPushes, registeredSyncTags, serverReferences, serviceWorkerHandle, sessionToken } from './background-sync';
import { itemWith, myReferences, newPerson, requestReference, signUp, syncStatus, waitForServiceWorker } from './helpers';

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
