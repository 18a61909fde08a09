/**
 * The writer lock changing hands under pressure: the worker's background run
 * against a tab opening, and a closing tab against the next one. Either may
 * hold the lock for a moment; neither may lose a write, save over the other's
 * data or leave the next tab waiting.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { serverReferences, serviceWorkerHandle, sessionToken } from './background-sync';
import { myReferences, newPerson, requestReference, signUp, syncStatus, waitForServiceWorker } from './helpers';

/**
 * Rounds of each race. They were 20 and 50; CI on this 2-core machine reached 19 of its 20
 * minutes, and these loops were 2.3 of them. The lost write after a tab closes failed 6 of 6
 * runs before its fix (FACTS.md).
 */
const ROUNDS_WITH_WORKER = 12;
const ROUNDS_OF_TABS = 30;

/** Errors and overwrite warnings of a page; a failed request while offline is what offline means. */
function watchProblems(page: Page, into: string[], label = () => ''): void {
  page.on('pageerror', (error) => into.push(`${label()}pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/ERR_INTERNET_DISCONNECTED/.test(text)) return;
    if (message.type() === 'error' || /saved over|overwrote/.test(text)) into.push(`${label()}${message.type()}: ${text} @ ${message.location().url}`);
  });
}

test('a worker run and a tab opening at the same moment, 12 times: nothing lost, nothing saved over, no crash', async ({ browser, baseURL, request }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext();
  const problems: string[] = [];
  let round = 0;
  let page = await context.newPage();
  // Not watched while signing up: LokiJS setting up an empty database logs a blocked deletion of it every time.
  await signUp(page, newPerson('Rae Race'));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  watchProblems(page, problems, () => `round ${round}: `);
  const origin = new URL(page.url()).origin;
  const token = await sessionToken(page);
  const blank = await context.newPage();
  const worker = await serviceWorkerHandle(context, blank, origin);
  context.on('console', (message) => {
    if (message.page() === null && message.type() === 'error') problems.push(`round ${round}: worker: ${message.text()}`);
  });

  for (round = 1; round <= ROUNDS_WITH_WORKER; round += 1) {
    await context.setOffline(true);
    await requestReference(page, { name: `Race ${round}`, email: `race.${round}@example.com` });
    await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');
    await page.close();
    await context.setOffline(false);
    page = await context.newPage();
    watchProblems(page, problems, () => `round ${round}: `);
    // The same moment: the worker's sync (Chromium fires its own too) and the app opening.
    await Promise.all([worker.dispatchSync(), page.goto('/')]);
    await expect(myReferences(page).getByRole('listitem')).toHaveCount(round);
    await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  }

  const onServer = (await serverReferences(request, baseURL!, token)).map((r) => r.referee_name).sort();
  expect(onServer).toEqual(Array.from({ length: ROUNDS_WITH_WORKER }, (_, i) => `Race ${i + 1}`).sort());
  expect(problems).toEqual([]);
  await context.close();
});

test('a tab closed right after a write and a new tab opened at once, 30 times: the new tab shows the write every time', async ({ browser }) => {
  test.setTimeout(300_000);
  const context = await browser.newContext();
  const problems: string[] = [];
  let page = await context.newPage();
  await signUp(page, newPerson('Tom Turnover'));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced');
  watchProblems(page, problems);

  for (let round = 1; round <= ROUNDS_OF_TABS; round += 1) {
    await requestReference(page, { name: `Turn ${round}`, email: `turn.${round}@example.com` });
    await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');
    await page.close();
    page = await context.newPage();
    watchProblems(page, problems);
    await page.goto('/');
    await expect(myReferences(page).getByRole('listitem').filter({ hasText: `Turn ${round}` }), `round ${round}`).toBeVisible({ timeout: 15_000 });
  }
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(ROUNDS_OF_TABS);
  expect(problems).toEqual([]);
  await context.close();
});
