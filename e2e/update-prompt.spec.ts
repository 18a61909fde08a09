import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { waitForServiceWorker } from './helpers';
import { IsolatedServer } from './isolated-server';

/**
 * A deploy changes dist/sw.js. The browser fetches worker scripts itself, out
 * of reach of context.route, so this test runs its own server over its own copy
 * of dist/ and edits that copy; the shared server of the other tests is untouched.
 */
let server: IsolatedServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await IsolatedServer.start({ ownDist: true });
});

test.afterAll(async () => {
  await server?.stop();
});

test('a new service worker waits until the user chooses to reload', async ({ page }) => {
  await page.goto(`${server!.origin}/`);
  await waitForServiceWorker(page);
  await expect(page.getByText('An update is available.')).toHaveCount(0);

  appendFileSync(join(server!.staticDir, 'sw.js'), '\n// next deploy\n');
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });

  await expect(page.getByText('An update is available.')).toBeVisible({ timeout: 20_000 });
  // Nothing switches by itself: the old worker still controls the page.
  expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true);

  const reloaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await waitForServiceWorker(page);
  await expect(page.getByText('An update is available.')).toHaveCount(0);
  expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(false);
});
