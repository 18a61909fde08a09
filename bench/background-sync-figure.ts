/**
 * background_sync_ms: from the network's return to the server's answer to the
 * push, with no tab of the app open (the worker's sync event, dispatched
 * through CDP as soon as the network is back), as a ratio to the same change
 * synced by an open tab in the same run (its engine sees the network return).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { median, result, type Result, type User } from './lib/common';
import { launch, signInForm, waitForServiceWorker } from './lib/browser';

const ROUNDS = 5;

function pushAnswered(context: BrowserContext): Promise<number> {
  return context
    .waitForEvent('requestfinished', {
      predicate: (request) => request.method() === 'POST' && new URL(request.url()).pathname === '/api/sync/push',
      timeout: 60_000,
    })
    .then(() => performance.now());
}

async function offlineWrite(context: BrowserContext, page: Page, name: string): Promise<void> {
  await context.setOffline(true);
  await page.getByRole('textbox', { name: 'Referee name' }).fill(name);
  await page.getByRole('textbox', { name: 'Referee email' }).fill('bench.background@example.org');
  await page.getByRole('button', { name: 'Request reference' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent?.includes('1 unsynced'), null, { timeout: 30_000 });
}

async function appPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent?.trim() === 'Synced', null, { timeout: 60_000 });
  return page;
}

export async function backgroundSyncFigure(url: string, user: User): Promise<Result> {
  const context = await launch();
  try {
    const first = await context.newPage();
    await first.goto(url);
    await first.getByRole('button', { name: 'Sign up' }).waitFor();
    await waitForServiceWorker(first);
    await signInForm(first, user.email, user.password);
    await first.getByRole('button', { name: 'Sign in', exact: true }).click();
    await first.getByRole('button', { name: 'Sign out', exact: true }).waitFor({ timeout: 30_000 });
    await first.close();

    const cdpPage = await context.newPage();
    const cdp = await context.newCDPSession(cdpPage);
    let registrationId = '';
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const live = registrations.find((r) => !r.isDeleted && r.scopeURL.startsWith(url));
      if (live) registrationId = live.registrationId;
    });
    await cdp.send('ServiceWorker.enable');
    for (let i = 0; i < 100 && !registrationId; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!registrationId) throw new Error('no service worker registration');

    const inTab: number[] = [];
    const background: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // An open tab: the engine sees the network return and pushes.
      let page = await appPage(context, url);
      await offlineWrite(context, page, `In tab ${round}`);
      let answered = pushAnswered(context);
      let t0 = performance.now();
      await context.setOffline(false);
      inTab.push((await answered) - t0);
      await page.close();

      // Every tab closed: the worker's sync event, dispatched as soon as the network is back.
      page = await appPage(context, url);
      await offlineWrite(context, page, `Background ${round}`);
      await page.close();
      answered = pushAnswered(context);
      t0 = performance.now();
      await context.setOffline(false);
      await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: url, registrationId, tag: 'aideepref-outbox', lastChance: false });
      background.push((await answered) - t0);
    }
    return result('background_sync_ms', median(background), 'ms', median(inTab), 'ratio <= 3', (_v, r) => r !== null && r <= 3);
  } finally {
    await context.close();
  }
}
