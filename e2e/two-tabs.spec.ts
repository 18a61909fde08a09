import { expect, test, type Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, requestsForMe, signIn, signUp, syncStatus, waitForServiceWorker } from './helpers';

/**
 * Two tabs of one user in one browser context share one IndexedDB database.
 * Only one tab writes it (src/web/tab-client.ts); the other sends its
 * actions there. Neither tab may lose the other's writes, both show both,
 * across reloads, with the writer tab closed, offline and online.
 */
async function write(page: Page, name: string): Promise<void> {
  await requestReference(page, { name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com` });
  // The form empties once the action resolved, i.e. once the write is on disk.
  await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');
}

async function expectAll(page: Page, names: string[]): Promise<void> {
  for (const name of names) await expect(itemWith(myReferences(page), name), `${name} on ${page.url()}`).toBeVisible();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(names.length);
}

test('two tabs never lose each other’s writes, and both show both', async ({ browser }) => {
  test.setTimeout(120_000);
  const person = newPerson('Tess Tabs');
  const other = newPerson('Otto Other');
  const context = await browser.newContext();
  const first = await context.newPage();
  await signUp(first, person);
  await waitForServiceWorker(first);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();

  // Online, alternately.
  const names: string[] = [];
  for (const [page, name] of [
    [first, 'Online one (first tab)'],
    [second, 'Online two (second tab)'],
    [first, 'Online three (first tab)'],
    [second, 'Online four (second tab)'],
  ] as const) {
    await write(page, name);
    names.push(name);
  }
  await expectAll(first, names);
  await expectAll(second, names);
  for (const page of [first, second]) await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  // Offline, alternately: the second tab's writes reach the writer without any network.
  await context.setOffline(true);
  for (const [page, name] of [
    [second, 'Offline five (second tab)'],
    [first, 'Offline six (first tab)'],
    [second, 'Offline seven (second tab)'],
  ] as const) {
    await write(page, name);
    names.push(name);
  }
  await expectAll(first, names);
  await expectAll(second, names);
  for (const page of [first, second]) await expect(syncStatus(page)).toHaveText('Offline - 3 unsynced');

  // Reload both, still offline: everything comes back from this device's disk.
  await second.reload();
  await first.reload();
  await expectAll(first, names);
  await expectAll(second, names);

  // Another user asks this one for a reference: it reaches both tabs through the server.
  await context.setOffline(false);
  for (const page of [first, second]) await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  await signUp(otherPage, other);
  await requestReference(otherPage, { name: person.name, email: person.email }, 'Please vouch for me.');
  await expect(syncStatus(otherPage)).toHaveText('Synced', { timeout: 30_000 });
  for (const page of [first, second]) await expect(itemWith(requestsForMe(page), other.name)).toBeVisible({ timeout: 30_000 });

  // Close the tab that writes. The first tab wrote until its reload above; the second,
  // waiting for the lock, took over then. The first tab says so when it takes over in turn.
  const [writer, survivor] = [second, first];
  const tookOver = new Promise<void>((resolve) => {
    survivor.on('console', (message) => {
      if (message.text().includes('this tab takes over')) resolve();
    });
  });
  await writer.close();
  await tookOver;
  await write(survivor, 'After close eight');
  names.push('After close eight');
  const request = itemWith(requestsForMe(survivor), other.name);
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('textbox', { name: 'Reference' }).fill('Otto is reliable.');
  await request.getByRole('button', { name: 'Submit reference' }).click();
  await expect(request).toContainText('completed');

  // Offline in the survivor, then a new tab beside it, alternately.
  await context.setOffline(true);
  await write(survivor, 'Offline nine (survivor)');
  names.push('Offline nine (survivor)');
  const third = await context.newPage();
  await third.goto('/');
  await expectAll(third, names);
  await write(third, 'Offline ten (new tab)');
  names.push('Offline ten (new tab)');
  await expectAll(survivor, names);
  await survivor.reload();
  await third.reload();
  await expectAll(survivor, names);
  await expectAll(third, names);

  // Online: every write reaches the server (a fresh device sees them all) and the answer reaches the other user.
  await context.setOffline(false);
  for (const page of [survivor, third]) await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  const fresh = await browser.newContext();
  const freshPage = await fresh.newPage();
  await signIn(freshPage, person);
  await expectAll(freshPage, names);
  await expect(itemWith(myReferences(otherPage), person.name)).toContainText('completed', { timeout: 30_000 });

  await fresh.close();
  await otherContext.close();
  await context.close();
});

async function expectSignedOut(page: Page): Promise<void> {
  await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeHidden();
}

async function appDatabases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((name) => name.startsWith('aideepref-')));
}

test('signing out in any tab signs the other tabs out and leaves no database behind', async ({ browser }) => {
  const person = newPerson('Sid Signout');
  const context = await browser.newContext();
  const writer = await context.newPage();
  await signUp(writer, person);
  const follower = await context.newPage();
  const another = await context.newPage();
  for (const page of [follower, another]) {
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
  }
  await write(follower, 'Written before signing out');
  await expect(syncStatus(writer)).toHaveText('Synced', { timeout: 30_000 });
  expect(await appDatabases(writer)).toHaveLength(1);

  // From a tab that does not write: the writer tab lets go too, so the database really goes.
  await follower.getByRole('button', { name: 'Sign out', exact: true }).click();
  for (const page of [follower, writer, another]) await expectSignedOut(page);
  await expect.poll(() => appDatabases(writer)).toEqual([]);

  // From the writer tab: the tab that would take over leaves instead of recreating the database.
  await signIn(writer, person);
  await expectAll(writer, ['Written before signing out']);
  await follower.goto('/');
  await expectAll(follower, ['Written before signing out']);
  await writer.getByRole('button', { name: 'Sign out', exact: true }).click();
  for (const page of [writer, follower, another]) await expectSignedOut(page);
  await expect.poll(() => appDatabases(follower)).toEqual([]);
  await context.close();
});
