import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { launchOptions } from './browser';
import { itemWith, myReferences, newPerson, requestReference, signUp, waitForServiceWorker } from './helpers';

// A persistent profile: a plain context keeps IndexedDB in memory, which would prove nothing.
test('a request survives closing the page 0-100 ms after it was saved', async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'aideepref-profile-'));
  const open = () => chromium.launchPersistentContext(profile, { ...launchOptions, headless: true, baseURL });
  try {
    let context = await open();
    const first = await context.newPage();
    await signUp(first, newPerson('Pat Persistent'));
    await waitForServiceWorker(first);
    await first.close();
    // Offline throughout: nothing can come back from the server, only from this device's disk.
    await context.setOffline(true);

    const delays = [0, 30, 60, 100];
    for (const delay of delays) {
      const page = await context.newPage();
      await page.goto('/');
      const refereeName = `Referee after ${delay} ms`;
      await requestReference(page, { name: refereeName, email: `referee.${delay}@example.com` });
      // The form empties once requestReference resolved, i.e. once the write is stored.
      await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');
      await page.waitForTimeout(delay);
      await page.close();
    }

    // Reopen in the same context, then in a fresh browser on the same profile.
    const again = await context.newPage();
    await again.goto('/');
    for (const delay of delays) await expect(itemWith(myReferences(again), `Referee after ${delay} ms`)).toBeVisible();
    await context.close();

    context = await open();
    await context.setOffline(true);
    const cold = await context.newPage();
    await cold.goto('/');
    for (const delay of delays) await expect(itemWith(myReferences(cold), `Referee after ${delay} ms`)).toBeVisible();
    await expect(myReferences(cold).getByRole('listitem')).toHaveCount(delays.length);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
