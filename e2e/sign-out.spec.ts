import { expect, test } from '@playwright/test';
import { workerSessionToken } from './background-sync';
import { itemWith, myReferences, newPerson, requestReference, signIn, signUp, syncStatus, waitForServiceWorker } from './helpers';
import { everythingStoredLocally } from './stored-locally';

test('signing out wipes the local data, the unsynced work and the token, the service worker\'s copy included', async ({ page, context }) => {
  const first = newPerson('Fay First');
  const marker = `Referee ${Date.now().toString(36)}`;
  await signUp(page, first);
  await waitForServiceWorker(page);
  await requestReference(page, { name: marker, email: 'marker.referee@example.com' });
  await expect(itemWith(myReferences(page), marker)).toBeVisible();
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  // A push lost on the network leaves the write in the outbox; the worker holds the token to sync it later.
  await context.route('**/api/sync/push', (route) => route.abort('connectionreset'));
  await requestReference(page, { name: `${marker} queued`, email: 'queued.referee@example.com' });
  await expect(syncStatus(page)).toHaveText('Tap to sync (1)', { timeout: 30_000 });
  await expect.poll(() => workerSessionToken(page)).toMatch(/^eyJ/);
  expect(await everythingStoredLocally(page)).toContain(marker);

  // With that push unsynced, signing out asks first (sign-out-guard.spec.ts); here the user goes anyway.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Sign out anyway' }).click();
  await context.unroute('**/api/sync/push');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);

  expect(await workerSessionToken(page)).toBeNull();
  const stored = await everythingStoredLocally(page);
  expect(stored).not.toContain(marker);
  expect(stored, 'no JWT left behind').not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);

  // Still signed out after a reload; the next account on this device starts empty.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await signUp(page, newPerson('Sid Second'));
  await expect(myReferences(page)).toBeAttached();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();

  // Signing in again brings the first user's data back from the server.
  await signIn(page, first);
  await expect(itemWith(myReferences(page), marker)).toBeVisible({ timeout: 30_000 });
});
