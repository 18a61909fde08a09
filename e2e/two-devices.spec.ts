import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, syncStatus } from './helpers';

/**
 * Far below the 5-minute periodic sync and with no reconnect or reload to
 * trigger a pull: only the live channel can bring a change this fast.
 */
const LIVE = { timeout: 5_000 };

test('an edit on one device appears on the other user’s open screen, live', async ({ browser }) => {
  const candidate = newPerson('Lena Live');
  const referee = newPerson('Omar Open');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await expect(syncStatus(refereePage)).toHaveText('Synced');
  await expect(syncStatus(candidatePage)).toHaveText('Synced');

  await requestReference(candidatePage, { name: referee.name, email: referee.email }, 'First request');
  await requestReference(candidatePage, { name: 'Second Boss', email: referee.email }, 'Second request');
  const incoming = requestsForMe(refereePage).getByRole('listitem');
  await expect(incoming).toHaveCount(2, { timeout: 15_000 });

  const first = incoming.filter({ hasText: 'First request' });
  await first.getByRole('button', { name: 'Respond' }).click();
  await first.getByRole('textbox', { name: 'Reference' }).fill('Lena shipped every quarter.');
  await first.getByRole('button', { name: 'Submit reference' }).click();
  const answered = itemWith(myReferences(candidatePage), referee.name);
  await expect(answered).toContainText('completed', LIVE);
  await expect(answered).toContainText('Lena shipped every quarter.', LIVE);

  // And the other way: the candidate withdraws a request, the referee's list follows.
  await itemWith(myReferences(candidatePage), 'Second Boss').getByRole('button', { name: 'Delete' }).click();
  await expect(incoming).toHaveCount(1, LIVE);
  await expect(incoming).toContainText('First request');

  await candidateContext.close();
  await refereeContext.close();
});

async function answer(page: Page, from: string, text: string): Promise<void> {
  const item = itemWith(requestsForMe(page), from);
  await item.getByRole('button', { name: 'Respond' }).click();
  await item.getByRole('textbox', { name: 'Reference' }).fill(text);
  await item.getByRole('button', { name: 'Submit reference' }).click();
  await expect(item).toContainText(text);
}

test('two devices edit the same reference offline and converge to the later write', async ({ browser }) => {
  const candidate = newPerson('Cleo Contested');
  const referee = newPerson('Ravi Twophones');
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: referee.name, email: referee.email });
  await expect(syncStatus(candidatePage)).toHaveText('Synced');

  // The referee on a laptop and a phone, both holding the request.
  const { context: laptop, page: laptopPage } = await onNewDevice(browser, referee);
  const { context: phone, page: phonePage } = await onNewDevice(browser, referee, { how: 'signIn' });
  for (const page of [laptopPage, phonePage]) {
    await expect(itemWith(requestsForMe(page), candidate.name)).toBeVisible({ timeout: 15_000 });
    await expect(syncStatus(page)).toHaveText('Synced');
  }

  await laptop.setOffline(true);
  await phone.setOffline(true);
  await answer(laptopPage, candidate.name, 'Written first, on the laptop.');
  // Later by the rule's clock: the phone's answer must win wherever it arrives.
  await phonePage.waitForTimeout(50);
  await answer(phonePage, candidate.name, 'Written later, on the phone.');

  // The later write reaches the server first; the older one arrives after it and must lose.
  await phone.setOffline(false);
  await expect(syncStatus(phonePage)).toHaveText('Synced', { timeout: 30_000 });
  await laptop.setOffline(false);
  await expect(syncStatus(laptopPage)).toHaveText('Synced', { timeout: 30_000 });

  for (const page of [laptopPage, phonePage, candidatePage]) {
    const list = page === candidatePage ? myReferences(page) : requestsForMe(page);
    const item = list.getByRole('listitem');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Written later, on the phone.', { timeout: 15_000 });
    await expect(item).not.toContainText('Written first, on the laptop.');
  }
  await candidateContext.close();
  await laptop.close();
  await phone.close();
});
