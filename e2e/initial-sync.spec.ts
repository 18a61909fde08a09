import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, signIn, signUp, syncStatus } from './helpers';

test('the first sync on a new device shows its progress, then the data', async ({ browser }) => {
  const person = newPerson('Ivy Initial');
  const laptop = await browser.newContext();
  const laptopPage = await laptop.newPage();
  await signUp(laptopPage, person);
  for (const n of [1, 2, 3]) await requestReference(laptopPage, { name: `Boss ${n}`, email: `boss${n}@example.com` });
  await expect(myReferences(laptopPage).getByRole('listitem')).toHaveCount(3);
  await expect(syncStatus(laptopPage)).toHaveText('Synced', { timeout: 30_000 });
  await laptop.close();

  // A slow first pull on the phone, so the progress can be seen.
  const phone = await browser.newContext();
  await phone.route('**/api/sync/pull**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  const phonePage = await phone.newPage();
  await signIn(phonePage, person);
  await expect(phonePage.getByRole('progressbar', { name: /Downloading your data/ })).toBeVisible();
  await expect(phonePage.getByRole('progressbar')).toBeHidden({ timeout: 30_000 });
  for (const n of [1, 2, 3]) await expect(itemWith(myReferences(phonePage), `Boss ${n}`)).toBeVisible();
  await expect(syncStatus(phonePage)).toHaveText('Synced');
  await phone.close();
});
