import { expect, test } from '@playwright/test';
import type { Route } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signUp, syncStatus } from './helpers';

test('deleting a pending request offers Undo for at least 5 seconds; Undo brings it back on every device, after the deletion synced', async ({ browser }) => {
  const candidate = newPerson('Uma Undo');
  const referee = newPerson('Rex Restored');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email }, 'Worth keeping.');
  const incoming = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(incoming).toBeVisible({ timeout: 15_000 });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  await itemWith(myReferences(page), referee.name).getByRole('button', { name: 'Delete' }).click();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);
  const undo = page.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeVisible();
  await expect(undo).toBeFocused();
  // The deletion has reached the server and the other user.
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(incoming).toHaveCount(0, { timeout: 15_000 });

  // CONTRACT §5: shown at least 5 seconds.
  await page.waitForTimeout(5_500);
  await expect(undo).toBeVisible();
  await undo.click();
  await expect(undo).toHaveCount(0);
  const restored = itemWith(myReferences(page), referee.name);
  await expect(restored).toContainText('pending');
  await expect(restored).toContainText('Worth keeping.');
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(itemWith(requestsForMe(refereePage), candidate.name)).toContainText('Worth keeping.', { timeout: 15_000 });
  // And it stays after a reload: it is a real request again, not a screen's memory.
  await page.reload();
  await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
  await context.close();
  await refereeContext.close();
});

test('deleting an answered reference asks first, and Cancel or Escape keeps it', async ({ browser }) => {
  const candidate = newPerson('Cid Confirm');
  const referee = newPerson('Wes Written');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email });
  const incoming = itemWith(requestsForMe(refereePage), candidate.name);
  await incoming.getByRole('button', { name: 'Respond' }).click();
  await incoming.getByRole('textbox', { name: 'Reference' }).fill('Cid is thorough.');
  await incoming.getByRole('button', { name: 'Submit reference' }).click();
  const item = itemWith(myReferences(page), referee.name);
  await expect(item).toContainText('completed', { timeout: 15_000 });

  const deleteButton = item.getByRole('button', { name: 'Delete' });
  await deleteButton.click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(referee.name);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(deleteButton).toBeFocused();
  await expect(item).toContainText('Cid is thorough.');

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(item).toBeVisible();

  await deleteButton.click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(item).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'My references' })).toBeFocused();
  // Final, so no Undo is offered for it.
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  await expect(incoming).toHaveCount(0, { timeout: 15_000 });
  await context.close();
  await refereeContext.close();
});

interface PushBody {
  changes: Record<string, { deleted?: string[] }>;
}

/** A server that refuses every deletion pushed to it (CONTRACT §3 `rejected`), and accepts nothing else. */
async function refuseDeletions(route: Route) {
  const body = route.request().postDataJSON() as PushBody;
  const ids = body.changes.references?.deleted ?? [];
  const rejected = ids.length ? { references: ids.map((id) => ({ id, code: 'forbidden', message: 'Deletion refused by the test server' })) } : {};
  await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ conflicts: [], rejected }) });
}

test('a deletion the server refuses is shown with Discard, which keeps the request', async ({ page, context }) => {
  await signUp(page, newPerson('Dan Discard'));
  await requestReference(page, { name: 'Kept Referee', email: 'kept.referee@example.com' });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  // context.route also sees the service worker's fetches, which carry the push.
  await context.route('**/api/sync/push', refuseDeletions);
  await itemWith(myReferences(page), 'Kept Referee').getByRole('button', { name: 'Delete' }).click();
  const refused = itemWith(myReferences(page), 'Kept Referee');
  await expect(refused).toContainText('Your deletion did not sync: forbidden: Deletion refused by the test server', { timeout: 30_000 });
  await expect(page.getByText('1 failed to sync')).toBeVisible();

  // Discard first: every sync pushes a refused deletion again, and one that reached the real
  // server (the worker's Background Sync asks for one after each write) would really delete it.
  await refused.getByRole('button', { name: 'Discard' }).click();
  await context.unroute('**/api/sync/push');
  const back = itemWith(myReferences(page), 'Kept Referee');
  await expect(back).toContainText('pending', { timeout: 30_000 });
  await expect(back.getByRole('button', { name: 'Delete' })).toBeVisible();
  await expect(page.getByText('1 failed to sync')).toHaveCount(0);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
});

test('counts count what the user can see: a deletion waiting to sync is named beside the list', async ({ page, context }) => {
  await signUp(page, newPerson('Cora Counts'));
  await requestReference(page, { name: 'Staying Referee', email: 'staying@example.com' });
  await requestReference(page, { name: 'Leaving Referee', email: 'leaving@example.com' });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  await context.setOffline(true);
  await itemWith(myReferences(page), 'Leaving Referee').getByRole('button', { name: 'Delete' }).click();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await expect(syncStatus(page)).toHaveText('Offline - 1 unsynced');
  await expect(page.getByText('0 of 1 completed')).toBeVisible();
  await expect(page.getByText('1 deletion waiting to sync')).toBeVisible();

  await context.setOffline(false);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(page.getByText('1 deletion waiting to sync')).toHaveCount(0);
});

test('deleting from a reference’s own view goes back to the list, with Undo', async ({ page }) => {
  await signUp(page, newPerson('Vic Viewdelete'));
  await requestReference(page, { name: 'Detail Referee', email: 'detail.referee@example.com' }, 'From the detail view.');
  await itemWith(myReferences(page), 'Detail Referee').getByRole('link', { name: 'Detail Referee' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Detail Referee' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/references$/);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeFocused();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(itemWith(myReferences(page), 'Detail Referee')).toContainText('From the detail view.');
});
