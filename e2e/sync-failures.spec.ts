import { expect, test } from '@playwright/test';
import type { Route } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, signUp, syncStatus } from './helpers';

interface PushBody {
  changes: Record<string, { created?: Array<{ id: string }>; updated?: Array<{ id: string }> }>;
}

/** Answers a push as a server that refuses every record in it (CONTRACT §3 `rejected`). */
async function rejectEverything(route: Route) {
  const body = route.request().postDataJSON() as PushBody;
  const rejected: Record<string, Array<{ id: string; code: string; message: string }>> = {};
  for (const [table, changes] of Object.entries(body.changes)) {
    const ids = [...(changes.created ?? []), ...(changes.updated ?? [])].map((row) => row.id);
    if (ids.length) rejected[table] = ids.map((id) => ({ id, code: 'forbidden', message: 'Refused by the test server' }));
  }
  await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ conflicts: [], rejected }) });
}

test('a record the server refuses shows its error, and Retry sends it again', async ({ page, context }) => {
  await signUp(page, newPerson('Reggie Rejected'));
  await expect(syncStatus(page)).toHaveText('Synced');

  // context.route also sees the service worker's fetches, which carry the push. The refusal
  // ends only as Retry is clicked: the worker's background sync or the periodic one would
  // otherwise send the record between the route's removal and the click.
  let refusing = true;
  await context.route('**/api/sync/push', (route) => (refusing ? rejectEverything(route) : route.continue()));
  await requestReference(page, { name: 'Refused Referee', email: 'refused@example.com' });
  const item = itemWith(myReferences(page), 'Refused Referee');
  await expect(item).toContainText('Not synced: forbidden: Refused by the test server', { timeout: 30_000 });
  await expect(page.getByText('1 failed to sync')).toBeVisible();

  const retry = page.getByRole('button', { name: 'Retry' });
  await expect(retry).toBeVisible();
  // The refusal ends inside the click itself (a capturing listener runs before the app's): any
  // sync before it is still refused, so Retry stays until it is clicked (a sync let through
  // between the flag and the click sent the record and took Retry away: 1 of 6 runs).
  await page.exposeBinding('stopRefusing', () => {
    refusing = false;
  });
  await page.evaluate(() =>
    document.addEventListener(
      'click',
      (event) => {
        if ((event.target as Element | null)?.closest('button')?.textContent === 'Retry') void (window as unknown as { stopRefusing(): Promise<void> }).stopRefusing();
      },
      { capture: true },
    ),
  );
  await retry.click();
  await expect(page.getByText('1 failed to sync')).toBeHidden({ timeout: 30_000 });
  await expect(item).not.toContainText('Not synced', { timeout: 30_000 });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
});

test('an expired session asks to sign in again and keeps the local changes', async ({ page, context }) => {
  const person = newPerson('Erin Expired');
  await signUp(page, person);
  await expect(syncStatus(page)).toHaveText('Synced');

  await context.route('**/api/sync/**', (route) =>
    route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unauthorized', message: 'Token expired' } }) }),
  );
  await requestReference(page, { name: 'Kept Referee', email: 'kept@example.com' });
  await expect(page.getByRole('heading', { name: 'Sign in again to keep syncing' })).toBeVisible({ timeout: 30_000 });
  await expect(itemWith(myReferences(page), 'Kept Referee')).toContainText('pending');

  await context.unroute('**/api/sync/**');
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in again to keep syncing' })).toBeHidden();
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(itemWith(myReferences(page), 'Kept Referee')).toBeVisible();
});

test('while a push cannot get through, the indicator offers to sync now', async ({ page, context }) => {
  await signUp(page, newPerson('Tara Tapper'));
  await expect(syncStatus(page)).toHaveText('Synced');

  await context.route('**/api/sync/push', (route) => route.abort('connectionreset'));
  await requestReference(page, { name: 'Tapped Referee', email: 'tapped@example.com' });
  const tap = syncStatus(page).getByRole('button', { name: 'Tap to sync (1)' });
  await expect(tap).toBeVisible({ timeout: 30_000 });
  await expect(syncStatus(page)).toHaveText('Tap to sync (1)');

  await context.unroute('**/api/sync/push');
  await tap.click();
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(itemWith(myReferences(page), 'Tapped Referee')).not.toContainText('waiting to sync');
});
