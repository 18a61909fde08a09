import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { newPerson, signUp, waitForServiceWorker } from './helpers';
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

let deploys = 0;

/** A new release of the worker, written as the build writes it (with its compressed copies). */
function deploy(): void {
  const file = join(server!.staticDir, 'sw.js');
  appendFileSync(file, `\n// deploy ${++deploys}\n`);
  const bytes = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(bytes));
  writeFileSync(`${file}.gz`, gzipSync(bytes));
}

const waiting = (page: Page) =>
  page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));

test('the app looks for a new version when it becomes visible; Later waits, Reload switches and keeps what was typed', async ({ page }) => {
  // Two installs of the worker (each precaches the whole app) on a shared machine.
  test.setTimeout(120_000);
  await signUp(page, newPerson('Ulla Update'), `${server!.origin}/`, { mailDir: server!.mailDir });
  await waitForServiceWorker(page);
  await expect(page.getByText('An update is available.')).toHaveCount(0);
  await page.getByRole('textbox', { name: 'Referee name' }).fill('Half typed before the update');

  deploy();
  // The tab comes back into view: the app itself asks for the new worker (registration.update()).
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(page.getByText('An update is available.')).toBeVisible({ timeout: 20_000 });
  // Nothing switches by itself: the old worker still controls the page.
  expect(await waiting(page)).toBe(true);

  await page.getByRole('button', { name: 'Later' }).click();
  await expect(page.getByText('An update is available.')).toHaveCount(0);
  expect(await waiting(page)).toBe(true);

  // Still waiting after a reload (the old worker keeps the page): asked again.
  await page.reload();
  await expect(page.getByText('An update is available.')).toBeVisible({ timeout: 20_000 });
  const reloaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await waitForServiceWorker(page);
  await expect(page.getByText('An update is available.')).toHaveCount(0);
  expect(await waiting(page)).toBe(false);
  await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('Half typed before the update');
});
