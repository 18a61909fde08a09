import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signUp, syncStatus, waitForServiceWorker } from './helpers';

/** The address of an item's own view (its name is the link). */
async function detailPath(item: Locator): Promise<string> {
  const href = await item.getByRole('link').first().getAttribute('href');
  expect(href).toMatch(/^\/references\/[^/]+$/);
  return href ?? '';
}

async function answer(page: Page, from: string, text: string | null): Promise<void> {
  const item = itemWith(requestsForMe(page), from);
  await item.getByRole('button', { name: 'Respond' }).click();
  if (text === null) {
    await item.getByRole('button', { name: 'Decline' }).click();
    await expect(item).toContainText('declined');
    return;
  }
  await item.getByRole('textbox', { name: 'Reference' }).fill(text);
  await item.getByRole('button', { name: 'Submit reference' }).click();
  await expect(item).toContainText('completed');
}

test('each side has a view of its own, a referee with requests lands on the inbox, and every view is a link', async ({ browser }) => {
  const candidate = newPerson('Vera Views');
  const referee = newPerson('Rolf Referee');
  const { context: candidateContext, page } = await onNewDevice(browser, candidate);
  // A candidate with nothing addressed to them: their view, and no empty inbox on it.
  await expect(page).toHaveURL(/\/references$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My references' })).toBeVisible();
  await expect(page.getByText('No requests yet', { exact: true })).toBeVisible();
  await expect(requestsForMe(page)).toHaveCount(0);

  await requestReference(page, { name: referee.name, email: referee.email }, 'You saw my first project.');
  await requestReference(page, { name: 'Second Boss', email: 'second.boss@example.com' });
  await requestReference(page, { name: 'Third Boss', email: 'third.boss@example.com' });
  await expect(page.getByText('0 of 3 completed')).toBeVisible();
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  // The referee signs up on a device of their own after the request exists and proves the
  // address: what was asked of them arrives, and opening the app lands on the inbox.
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  await expect(requestsForMe(refereePage).getByRole('listitem')).toHaveCount(1, { timeout: 30_000 });
  await refereePage.goto('/');
  await expect(refereePage).toHaveURL(/\/inbox$/, { timeout: 30_000 });
  await expect(refereePage.getByRole('heading', { level: 1, name: 'Requests for me' })).toBeVisible();
  await expect(refereePage.getByText('1 request waiting for your answer')).toBeVisible();
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  // The referee sees who asks: name and email.
  await expect(request).toContainText(candidate.email);
  await expect(request).toContainText('Requested just now');
  await answer(refereePage, candidate.name, 'Vera shipped her first project early.');
  await expect(refereePage.getByText('Every request answered')).toBeVisible();

  // The candidate's summary follows.
  await expect(page.getByText('1 of 3 completed')).toBeVisible({ timeout: 15_000 });

  // One reference's own view, for each side, with the dates the data has.
  const candidatePath = await detailPath(itemWith(myReferences(page), referee.name));
  await itemWith(myReferences(page), referee.name).getByRole('link', { name: referee.name }).click();
  await expect(page).toHaveURL(candidatePath);
  await expect(page.getByRole('heading', { level: 1, name: referee.name })).toBeFocused();
  await expect(page.getByRole('definition')).toHaveCount(2);
  await expect(page.getByText('Requested', { exact: true })).toBeVisible();
  await expect(page.getByText('Answered', { exact: true })).toBeVisible();
  await expect(page.getByText('Vera shipped her first project early.')).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/references$/);

  await refereePage.goto(candidatePath);
  await expect(refereePage.getByRole('heading', { level: 1, name: candidate.name })).toBeVisible();
  await expect(refereePage.getByText('You saw my first project.')).toBeVisible();
  await expect(refereePage.getByRole('button', { name: 'Respond' })).toHaveCount(0);

  // The top bar moves between the views.
  await refereePage.getByRole('link', { name: 'My references' }).click();
  await expect(refereePage).toHaveURL(/\/references$/);
  await refereePage.getByRole('link', { name: 'Requests for me' }).click();
  await expect(refereePage).toHaveURL(/\/inbox$/);

  // An address with nothing behind it says so.
  await page.goto('/references/no-such-id');
  await expect(page.getByRole('heading', { level: 1, name: 'This reference is not on this device' })).toBeVisible();
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'There is no page at this address' })).toBeVisible();

  await candidateContext.close();
  await refereeContext.close();
});

test('completed references are easy to find: filtered by status and found by name or email', async ({ browser }) => {
  const candidate = newPerson('Fay Finder');
  const referee = newPerson('Otto Oldboss');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context: candidateContext, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email });
  for (const n of [1, 2, 3]) await requestReference(page, { name: `Newer Boss ${n}`, email: `newer${n}@example.com` });
  await answer(refereePage, candidate.name, 'Fay was great.');
  await expect(itemWith(myReferences(page), referee.name)).toContainText('completed', { timeout: 15_000 });

  await page.getByRole('radio', { name: /Completed/ }).check();
  await expect(page).toHaveURL(/show=completed/);
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await expect(myReferences(page).getByRole('listitem')).toContainText('Fay was great.');
  // The filter is part of the address: a reload (or a shared link) shows the same.
  await page.reload();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await page.getByRole('radio', { name: /All/ }).check();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(4);

  const search = page.getByRole('searchbox', { name: 'Find a referee by name or email' });
  await search.fill('newer2@');
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await expect(myReferences(page).getByRole('listitem')).toContainText('Newer Boss 2');
  await search.fill('oldboss');
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await search.fill('nobody at all');
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText('Nothing matches.', { exact: false })).toBeVisible();

  // The inbox finds a candidate by their email too.
  const inboxSearch = refereePage.getByRole('searchbox', { name: 'Find a candidate by name or email' });
  await refereePage.goto('/inbox');
  await inboxSearch.fill(candidate.email.slice(0, 12));
  await expect(requestsForMe(refereePage).getByRole('listitem')).toHaveCount(1);
  await inboxSearch.fill('zzz-no-match');
  await expect(requestsForMe(refereePage).getByRole('listitem')).toHaveCount(0);
  await candidateContext.close();
  await refereeContext.close();
});

test('a referee on the candidate view sees new requests arrive there, and deep links open offline', async ({ browser }) => {
  const candidate = newPerson('Dora Deeplink');
  const referee = newPerson('Ike Incoming');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  await expect(refereePage).toHaveURL(/\/references$/);
  const { context, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email });
  // Not hidden behind a link: the request shows on the open screen, second to the form.
  await expect(itemWith(requestsForMe(refereePage), candidate.name)).toBeVisible({ timeout: 15_000 });
  await refereeContext.close();

  const path = await detailPath(itemWith(myReferences(page), referee.name));
  await waitForServiceWorker(page);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await context.setOffline(true);
  for (const [address, heading] of [
    [path, referee.name],
    ['/inbox', 'Requests for me'],
    ['/references', 'My references'],
  ] as const) {
    await page.goto(address);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  }
  await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
  await context.close();
});

test('on a phone the primary action and the respond form stay on screen', async ({ browser }) => {
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const candidate = newPerson('Pia Phone');
  const referee = newPerson('Max Mobile');
  const candidateContext = await browser.newContext(phone);
  const page = await candidateContext.newPage();
  await signUp(page, candidate);
  await expect(page.getByRole('button', { name: 'Request reference' })).toBeInViewport();
  for (const n of ['First', 'Second', 'Third', 'Fourth']) await requestReference(page, { name: referee.name, email: referee.email }, `${n} request, with a message long enough to take a few lines on a phone screen.`);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Request reference' })).toBeInViewport();

  const refereeContext = await browser.newContext(phone);
  const refereePage = await refereeContext.newPage();
  await signUp(refereePage, referee);
  await expect(requestsForMe(refereePage).getByRole('listitem')).toHaveCount(4, { timeout: 30_000 });
  await refereePage.goto('/');
  await expect(refereePage).toHaveURL(/\/inbox$/, { timeout: 30_000 });
  await expect(requestsForMe(refereePage).getByRole('listitem').first().getByRole('button', { name: 'Respond' })).toBeInViewport();
  // The oldest request is the last one, below the first screen: its form must open where it can be used.
  const item = itemWith(requestsForMe(refereePage), 'First request');
  await item.getByRole('button', { name: 'Respond' }).click();
  await expect(item.getByRole('textbox', { name: 'Reference' })).toBeFocused();
  await expect(item.getByRole('textbox', { name: 'Reference' })).toBeInViewport();
  await expect(item.getByRole('button', { name: 'Submit reference' })).toBeInViewport();
  await expect(item.getByRole('button', { name: 'Decline' })).toBeInViewport();
  await candidateContext.close();
  await refereeContext.close();
});
