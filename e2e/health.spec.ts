import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { cleanAt } from './axe';
import { registeredSyncTags } from './background-sync';
import { newPerson, requestReference, signUp, syncStatus, waitForServiceWorker } from './helpers';

function row(page: Page, term: string) {
  return page.locator('.health__row').filter({ has: page.getByRole('term').filter({ hasText: term }) }).getByRole('definition');
}

test('the health view: outbox, last sync and error with its reason, storage, persistence, worker and background sync', async ({ page, context }) => {
  // Counts the app's calls to navigator.storage.persist(), across reloads.
  await context.addInitScript(() => {
    const storage = navigator.storage;
    const original = storage.persist.bind(storage);
    storage.persist = () => {
      localStorage.setItem('test.persist-calls', String(Number(localStorage.getItem('test.persist-calls') ?? 0) + 1));
      return original();
    };
  });
  await signUp(page, newPerson('Hal Health'));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('test.persist-calls'))).toBe('1');
  await page.reload();
  await expect(syncStatus(page)).toHaveText('Synced');

  // By keyboard from the top bar.
  const link = page.getByRole('link', { name: 'Sync health' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/health$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sync health' })).toBeFocused();
  expect(await page.evaluate(() => localStorage.getItem('test.persist-calls')), 'asked once per device').toBe('1');

  await expect(row(page, 'Waiting to sync')).toHaveText('Nothing: every change on this device reached the server.');
  await expect(row(page, 'Last successful sync')).toContainText('just now');
  await expect(row(page, 'Last error')).toHaveText('None recorded on this device.');
  await expect(row(page, 'Storage used')).toHaveText(/^[\d.,]+ MB of [\d.,]+ MB available to this app$/);
  const persisted = await page.evaluate(() => navigator.storage.persisted());
  await expect(row(page, 'Persistent storage')).toContainText(persisted ? 'Granted' : 'Not granted');
  await expect(row(page, 'Service worker')).toContainText('Active (activated)');
  await expect(row(page, 'Background sync')).toHaveText('None pending.');
  await cleanAt(page, 'the health view');

  // The server cannot be reached for pushes: the reason shows beside Tap to sync and here.
  await context.route('**/api/sync/push', (route) => route.abort('connectionrefused'));
  await page.goto('/references');
  await requestReference(page, { name: 'Stuck Stan', email: 'stuck.stan@example.com' });
  await expect(syncStatus(page)).toHaveText('Tap to sync (1)', { timeout: 30_000 });
  const tap = page.getByRole('button', { name: 'Tap to sync (1)' });
  await expect(tap).toHaveAccessibleDescription('Not synced: server unreachable');
  await expect(page.getByText('Not synced: server unreachable')).toBeVisible();
  // The write keeps a one-off Background Sync registered while the outbox holds it.
  await expect.poll(() => registeredSyncTags(context)).toContain('aideepref-outbox');

  await page.getByRole('link', { name: 'Sync health' }).click();
  await expect(row(page, 'Waiting to sync')).toHaveText(/^1 change; the oldest made just now$/);
  await expect(row(page, 'Last error')).toContainText('server unreachable');
  await expect(row(page, 'Background sync')).toContainText('Pending', { timeout: 10_000 });
  await cleanAt(page, 'the health view with a failure');

  // The export is here too.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export unsynced work' }).click()]);
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as { changes: { columns: Record<string, unknown> }[] };
  expect(doc.changes.map((c) => c.columns.referee_name)).toEqual(['Stuck Stan']);

  await context.unroute('**/api/sync/push');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(row(page, 'Waiting to sync')).toHaveText('Nothing: every change on this device reached the server.', { timeout: 30_000 });
  await expect(row(page, 'Last error')).toContainText('(a later sync succeeded)');

  // Kept across a reload, offline, before any sync of the new page.
  await context.setOffline(true);
  await page.reload();
  await expect(row(page, 'Last successful sync')).toContainText(/just now|minute/);
  await expect(row(page, 'Last error')).toContainText('server unreachable');
});
