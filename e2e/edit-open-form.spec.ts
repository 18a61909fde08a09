import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, syncStatus } from './helpers';

/**
 * An Edit form left open while another device changes the request: saving it
 * writes only what the user changed in it, not the values it opened with.
 */
test('an Edit form opened before another device’s edit saves only the field changed in it', async ({ browser }) => {
  const candidate = newPerson('Olga Open');
  const { context: deviceA, page: a } = await onNewDevice(browser, candidate);
  await requestReference(a, { name: 'Rita Referee', email: 'rita.referee@example.com' }, 'original message');
  await expect(syncStatus(a)).toHaveText('Synced');
  const { context: deviceB, page: b } = await onNewDevice(browser, candidate, { how: 'signIn' });
  await expect(itemWith(myReferences(b), 'original message')).toBeVisible({ timeout: 15_000 });

  // A opens Edit and leaves it open.
  const onA = itemWith(myReferences(a), 'Rita Referee');
  await onA.getByRole('button', { name: 'Edit' }).click();
  await expect(onA.getByRole('textbox', { name: 'Message' })).toHaveValue('original message');

  // B fixes the message and syncs; A's list follows live.
  const onB = itemWith(myReferences(b), 'Rita Referee');
  await onB.getByRole('button', { name: 'Edit' }).click();
  await onB.getByRole('textbox', { name: 'Message' }).fill('message fixed on laptop B');
  await onB.getByRole('button', { name: 'Save changes' }).click();
  await expect(syncStatus(b)).toHaveText('Synced');
  await expect(onA).toContainText('message fixed on laptop B', { timeout: 15_000 });
  // The open form's untouched field follows too: it never shows a value that saving would not write.
  await expect(onA.getByRole('textbox', { name: 'Message' })).toHaveValue('message fixed on laptop B');

  // A changes only the name in the form it opened before B's edit.
  await onA.getByRole('textbox', { name: 'Referee name' }).fill('Rita Renamed');
  await onA.getByRole('button', { name: 'Save changes' }).click();
  const renamed = itemWith(myReferences(a), 'Rita Renamed');
  await expect(renamed).toBeVisible();
  await expect(syncStatus(a)).toHaveText('Synced', { timeout: 30_000 });

  for (const page of [a, b]) {
    const item = myReferences(page).getByRole('listitem');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Rita Renamed', { timeout: 15_000 });
    await expect(item).toContainText('message fixed on laptop B');
    await expect(item).not.toContainText('original message');
  }
  // Nothing lost, so nothing to report as a conflict.
  await a.goto('/conflicts');
  await expect(a.getByText('None: every change made on this device stands.')).toBeVisible();
  await deviceA.close();
  await deviceB.close();
});
