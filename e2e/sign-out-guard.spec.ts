import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { cleanAt } from './axe';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, signIn, syncStatus } from './helpers';

test('Sign out with unsynced work names the count and offers Sync now and Export unsynced work first', async ({ browser }) => {
  const person = newPerson('Gus Guarded');
  const { context, page } = await onNewDevice(browser, person);
  await expect(syncStatus(page)).toHaveText('Synced');
  await context.setOffline(true);
  await requestReference(page, { name: 'Offline Olga', email: 'olga.offline@example.com' }, 'Written offline');
  await expect(syncStatus(page)).toHaveText('Offline - 1 unsynced');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  const guard = page.getByRole('alertdialog', { name: '1 change not synced yet' });
  await expect(guard).toBeVisible();
  await expect(guard).toContainText('lost');
  await expect(guard.getByRole('button', { name: 'Sync now' })).toBeFocused();
  await expect(guard.getByRole('button', { name: 'Export unsynced work' })).toBeVisible();
  await expect(guard.getByRole('button', { name: 'Sign out anyway' })).toBeVisible();
  await cleanAt(page, 'the sign-out guard');

  // The export: a JSON file of every pending change.
  const [download] = await Promise.all([page.waitForEvent('download'), guard.getByRole('button', { name: 'Export unsynced work' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^aideepref-unsynced-.*\.json$/);
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
    user: { email: string };
    changes: { table: string; id: string; operation: string; columns: Record<string, unknown>; firstMadeAt: number; lastMadeAtIso: string }[];
  };
  expect(doc.user.email).toBe(person.email);
  expect(doc.changes).toHaveLength(1);
  expect(doc.changes[0]).toMatchObject({
    table: 'references',
    operation: 'create',
    columns: { referee_name: 'Offline Olga', referee_email: 'olga.offline@example.com', message: 'Written offline' },
  });
  expect(doc.changes[0]!.id).toMatch(/\w+/);
  expect(Date.now() - doc.changes[0]!.firstMadeAt).toBeLessThan(120_000);
  await expect(guard).toContainText('Saved 1 change to a file');

  // Escape: nothing happens, the focus goes back where it was.
  await page.keyboard.press('Escape');
  await expect(guard).toBeHidden();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeFocused();
  await expect(itemWith(myReferences(page), 'Offline Olga')).toBeVisible();

  // Keyboard again; back online, Sync now, then the plain Sign out.
  await page.keyboard.press('Enter');
  await expect(guard).toBeVisible();
  // Back online the app also syncs by itself: its push waits until Sync now has been pressed, or the
  // dialog could turn to "synced" (its Sign out focused) under the key press (seen in CI).
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route('**/api/sync/push', async (route) => {
    await held;
    await route.continue();
  });
  await context.setOffline(false);
  await expect(guard.getByRole('button', { name: 'Sync now' })).toBeFocused();
  await page.keyboard.press('Enter'); // Sync now, focused
  release();
  const synced = page.getByRole('alertdialog', { name: 'Your work has synced' });
  await expect(synced).toBeVisible({ timeout: 30_000 });
  await expect(synced.getByRole('button', { name: 'Sign out', exact: true })).toBeFocused();
  await expect(synced.getByRole('button', { name: 'Sign out anyway' })).toHaveCount(0);
  await context.unroute('**/api/sync/push');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();

  await signIn(page, person);
  await expect(itemWith(myReferences(page), 'Offline Olga')).toBeVisible({ timeout: 30_000 });
  await context.close();
});

test('signing out anyway takes the second, explicit choice; Sign out everywhere is guarded the same way', async ({ browser }) => {
  const person = newPerson('Ann Anyway');
  const { context, page } = await onNewDevice(browser, person);
  await expect(syncStatus(page)).toHaveText('Synced');
  await context.setOffline(true);
  await requestReference(page, { name: 'Lost Lars', email: 'lost.lars@example.com' });
  await requestReference(page, { name: 'Lost Lena', email: 'lost.lena@example.com' });
  await expect(syncStatus(page)).toHaveText('Offline - 2 unsynced');

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  const guard = page.getByRole('alertdialog', { name: '2 changes not synced yet' });
  await expect(guard).toBeVisible();
  await guard.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Sign out everywhere' })).toBeFocused();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(guard).toBeVisible();
  // Still signed in, with the work, until the second choice.
  await expect(itemWith(myReferences(page), 'Lost Lars')).toBeAttached();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('aideepref.sync-history.')))).toHaveLength(1);
  await guard.getByRole('button', { name: 'Sign out anyway' }).click();
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  // What the health view kept for this user goes with the rest.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('aideepref.sync-history.')))).toEqual([]);
  await context.close();
});
