import { expect, test } from '@playwright/test';
import { newPerson, signUp, syncStatus } from './helpers';

const BANNER = 'Offline - Changes will sync when connected';

test('the offline banner and indicator follow the connection', async ({ page, context }) => {
  await signUp(page, newPerson('Olive Offline'));
  await expect(syncStatus(page)).toHaveText('Synced');
  await expect(page.getByText(BANNER)).toBeHidden();

  await context.setOffline(true);
  await expect(page.getByText(BANNER)).toBeVisible();
  await expect(syncStatus(page)).toHaveText('Offline - 0 unsynced');

  await context.setOffline(false);
  await expect(page.getByText(BANNER)).toBeHidden({ timeout: 30_000 });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
});
