import { expect, test } from '@playwright/test';
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, queuedRequests, requestReference, requestsForMe, signIn, signUp, syncStatus, waitForServiceWorker } from './helpers';

const QUEUE_TAG = 'workbox-background-sync:sync-outbox';
const PERIODIC_TAG = 'aideepref-periodic-sync';

/** Counts SYNC_NOW messages the worker posts to this page. */
async function countSyncNowMessages(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __syncNow: number };
    w.__syncNow = 0;
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string }>) => {
      if (event.data?.type === 'SYNC_NOW') w.__syncNow += 1;
    });
  });
  return () => page.evaluate(() => (window as unknown as { __syncNow: number }).__syncNow);
}

async function serviceWorkerCdp(context: BrowserContext, page: Page): Promise<{ cdp: CDPSession; registrationId: () => string }> {
  const cdp = await context.newCDPSession(page);
  let id = '';
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const live = registrations.find((registration) => !registration.isDeleted);
    if (live) id = live.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => id).not.toBe('');
  return { cdp, registrationId: () => id };
}

test('a push that fails on the network waits in the Background Sync queue and is replayed', async ({ page, context }) => {
  await signUp(page, newPerson('Quinn Queue'));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  const syncNowCount = await countSyncNowMessages(page);
  const origin = new URL(page.url()).origin;
  const { cdp, registrationId } = await serviceWorkerCdp(context, page);

  // The network drops the worker's push while the browser still believes it is online.
  await context.route('**/api/sync/push', (route) => route.abort('internetdisconnected'));
  await requestReference(page, { name: 'Queued Referee', email: 'queued@example.com' });
  await expect(itemWith(myReferences(page), 'Queued Referee')).toContainText('pending');
  await expect.poll(() => queuedRequests(page), { timeout: 20_000 }).toBe(1);
  // The engine's own retries fail too; the queue still holds only the newest push.
  await expect(syncStatus(page)).toHaveText(/Tap to sync \(1\)|Syncing\.\.\./);
  await page.waitForTimeout(1_500);
  expect(await queuedRequests(page)).toBe(1);

  await context.unroute('**/api/sync/push');
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: registrationId(), tag: QUEUE_TAG, lastChance: false });
  await expect.poll(() => queuedRequests(page)).toBe(0);
  await expect.poll(syncNowCount).toBeGreaterThan(0);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
});

test('the service worker delivers a queued push after every tab of the app is closed', async ({ browser }) => {
  const referee = newPerson('Walt Worker');
  const refereeContext = await browser.newContext();
  await signUp(await refereeContext.newPage(), referee);
  await refereeContext.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, newPerson('Cole Closed'));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  await context.route('**/api/sync/push', (route) => route.abort('internetdisconnected'));
  await requestReference(page, { name: referee.name, email: referee.email }, 'Delivered by the worker alone');
  await expect.poll(() => queuedRequests(page), { timeout: 20_000 }).toBe(1);

  // No tab of the app is left; a blank page only gives the test a handle on the worker.
  const blank = await context.newPage();
  const origin = new URL(page.url()).origin;
  const { cdp, registrationId } = await serviceWorkerCdp(context, blank);
  await page.close();
  await context.unroute('**/api/sync/push');
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: registrationId(), tag: QUEUE_TAG, lastChance: false });

  // The server has it: the referee's own screen shows it, while the candidate's app is still closed.
  const refereeAgain = await browser.newContext();
  const refereePage = await refereeAgain.newPage();
  await signIn(refereePage, referee);
  const incoming = requestsForMe(refereePage).getByRole('listitem');
  await expect(incoming).toHaveCount(1, { timeout: 30_000 });
  await expect(incoming).toContainText('Delivered by the worker alone');
  await refereeAgain.close();

  // Back in the app: the same request once, synced.
  const reopened = await context.newPage();
  await reopened.goto('/');
  await expect(syncStatus(reopened)).toHaveText('Synced', { timeout: 30_000 });
  await expect(myReferences(reopened).getByRole('listitem')).toHaveCount(1);
  await context.close();
});

test('periodic background sync is registered where permitted and wakes the page to sync', async ({ page, context }) => {
  const cdpPage = await context.newCDPSession(page);
  await page.goto('/');
  const origin = new URL(page.url()).origin;
  const { targetInfo } = (await cdpPage.send('Target.getTargetInfo')) as { targetInfo: { browserContextId?: string } };
  const browserCdp = await context.browser()!.newBrowserCDPSession();
  await browserCdp.send('Browser.setPermission', {
    permission: { name: 'periodic-background-sync' },
    setting: 'granted',
    origin,
    ...(targetInfo.browserContextId ? { browserContextId: targetInfo.browserContextId } : {}),
  });

  await signUp(page, newPerson('Perry Periodic'));
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

  const syncNowCount = await countSyncNowMessages(page);
  const { cdp, registrationId } = await serviceWorkerCdp(context, page);
  await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', { origin, registrationId: registrationId(), tag: PERIODIC_TAG });
  await expect.poll(syncNowCount).toBeGreaterThan(0);
  await expect(syncStatus(page)).toHaveText('Synced');
});
