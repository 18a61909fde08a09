import { expect, test } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, signIn, syncStatus } from './helpers';
import { addReferences, signUpByApi } from './seed-accounts';

const RECORDS = 12_000;

/** A candidate with RECORDS references on the server, written through the real push endpoint. */
async function seed(request: APIRequestContext, person: ReturnType<typeof newPerson>): Promise<void> {
  await addReferences(request, await signUpByApi(request, person), RECORDS, { prefix: 'use', part: 3_000 });
}

test('during a first sync, rows show as pages arrive and a request made meanwhile shows at once', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const person = newPerson('Una Usable');
  await seed(request, person);
  const context = await browser.newContext();
  // Every page of the download takes 3 s more: time to look while it runs.
  await context.route('**/api/sync/pull**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.continue();
  });
  const page = await context.newPage();
  await signIn(page, person);
  const progress = page.getByRole('progressbar', { name: /Downloading your data/ });
  await expect(progress).toBeVisible();

  // The first page is stored: the view opens with its rows while the rest downloads.
  await expect(page).toHaveURL(/\/references$/, { timeout: 30_000 });
  await expect(myReferences(page).getByRole('listitem').first()).toBeVisible({ timeout: 30_000 });
  expect(await progress.isVisible(), 'still downloading').toBe(true);

  await requestReference(page, { name: 'Meanwhile Mia', email: 'meanwhile.mia@example.com' });
  await expect(itemWith(myReferences(page), 'Meanwhile Mia')).toBeVisible({ timeout: 5_000 });
  expect(await progress.isVisible(), 'shown before the download ended').toBe(true);

  await expect(progress).toBeHidden({ timeout: 120_000 });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 60_000 });
  const countShown = async (): Promise<number> => {
    const items = await myReferences(page).getByRole('listitem').count();
    const more = await page.getByRole('button', { name: /^Show \d+ more of \d+$/ }).textContent();
    return items + Number(/of (\d+)$/.exec(more ?? '')?.[1] ?? 0);
  };
  // Every seeded record and the one made meanwhile.
  await expect.poll(countShown, { timeout: 30_000 }).toBe(RECORDS + 1);
  await expect(itemWith(myReferences(page), 'Meanwhile Mia')).toBeVisible();
  await context.close();
});
