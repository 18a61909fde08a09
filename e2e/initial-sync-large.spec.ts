import { expect, test } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';
import { myReferences, newPerson, signIn, syncStatus, waitForServiceWorker } from './helpers';
import { addReferences, signUpByApi } from './seed-accounts';

const RECORDS = 20_000;

/** A candidate with RECORDS references on the server, written through the real push endpoint. */
async function seed(request: APIRequestContext, person: ReturnType<typeof newPerson>): Promise<void> {
  await addReferences(request, await signUpByApi(request, person), RECORDS, { prefix: 'big', message: 'Would you write me a reference?' });
}

test('a first sync of 20,000 records shows received of total, then keeps them all offline', async ({ browser, request }) => {
  test.setTimeout(240_000);
  const person = newPerson('Bea Backlog');
  await seed(request, person);

  const context = await browser.newContext();
  const page = await context.newPage();
  // Freezes are measured by `npm run bench`, not asserted here; the longest is noted for the report.
  await page.addInitScript(() => {
    const seen: number[] = ((window as unknown as { longTasks: number[] }).longTasks = []);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen.push(Math.round(entry.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
  await signIn(page, person);

  // Every label the progress bar showed, as the user saw it.
  const progress = page.getByRole('progressbar', { name: /Downloading your data/ });
  await expect(progress).toBeVisible();
  // The user's own row and every reference: the total is known from the first page on.
  await expect(page.getByText(new RegExp(`Downloading your data: \\d+ of ${RECORDS + 1}`))).toBeVisible();
  await expect(progress).toBeHidden({ timeout: 180_000 });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 60_000 });

  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
  test.info().annotations.push({ type: 'longest main-thread task during the first sync (ms)', description: String(longest) });
  console.log(`longest main-thread task during the first sync: ${longest} ms`);

  const list = myReferences(page);
  const countShown = async (): Promise<number> => {
    const items = await list.getByRole('listitem').count();
    const more = await page.getByRole('button', { name: /^Show \d+ more of \d+$/ }).textContent();
    return items + Number(/of (\d+)$/.exec(more ?? '')?.[1] ?? 0);
  };
  await expect.poll(countShown, { timeout: 30_000 }).toBe(RECORDS);

  // Durable: the same count after a reload with no network at all.
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible({ timeout: 60_000 });
  await expect.poll(countShown, { timeout: 60_000 }).toBe(RECORDS);
  await context.close();
});
