import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signIn, signUp, syncStatus } from './helpers';

test('a half-typed request survives a reload and a closed tab, and signing out removes it', async ({ page, context }) => {
  const person = newPerson('Hal Halfway');
  await signUp(page, person);
  await page.getByRole('textbox', { name: 'Referee name' }).fill('Grace Draft');
  await page.getByRole('textbox', { name: 'Referee email' }).fill('grace.draft@');
  await page.getByRole('textbox', { name: 'Message' }).fill('Half of a mess');

  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('Grace Draft');
  await expect(page.getByRole('textbox', { name: 'Referee email' })).toHaveValue('grace.draft@');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('Half of a mess');

  // A crash or a closed tab: the page goes without a chance to save anything.
  await page.getByRole('textbox', { name: 'Message' }).click();
  await page.keyboard.press('End');
  await page.keyboard.type('age');
  await page.close({ runBeforeUnload: false });
  const again = await context.newPage();
  await again.goto('/references');
  await expect(again.getByRole('textbox', { name: 'Message' })).toHaveValue('Half of a message');

  await again.getByRole('textbox', { name: 'Referee email' }).fill('grace.draft@example.com');
  await again.getByRole('button', { name: 'Request reference' }).click();
  await expect(itemWith(myReferences(again), 'Grace Draft')).toBeVisible();
  await expect(again.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');
  await again.reload();
  await expect(again.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');

  await again.getByRole('textbox', { name: 'Referee name' }).fill('Private Draft');
  // Nothing unsynced: the sign-out asks nothing (sign-out-guard.spec.ts).
  await expect(syncStatus(again)).toHaveText('Synced');
  await again.getByRole('button', { name: 'Sign out', exact: true }).click();
  // The sign-out goes on after the click returns (its first step waits for a module import, then it
  // forgets the session and deletes the data): a navigation before the sign-up form shows cuts it
  // off, and the next page opens still signed in, the draft still there.
  await expect(again.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await signIn(again, person);
  await expect(again.getByRole('textbox', { name: 'Referee name' })).toHaveValue('');
});

test('text typed while the previous request is being saved is kept', async ({ page }) => {
  await signUp(page, newPerson('Tia Typist'));
  await page.getByRole('textbox', { name: 'Referee name' }).fill('First Referee');
  await page.getByRole('textbox', { name: 'Referee email' }).fill('first.referee@example.com');
  await page.getByRole('textbox', { name: 'Message' }).fill('First message');
  // Submit, then type the next name in the same moment, before the save can have finished
  // (the save writes IndexedDB: it always resolves later than this task).
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Request reference');
    const field = document.querySelector<HTMLInputElement>('#request input');
    if (!button || !field) throw new Error('form not found');
    button.click();
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    setValue?.call(field, 'Second Referee');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect(itemWith(myReferences(page), 'First Referee')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Request reference' })).toBeEnabled();
  // The field typed into keeps the new text; the ones left as they were are emptied for the next request.
  await expect(page.getByRole('textbox', { name: 'Referee name' })).toHaveValue('Second Referee');
  await expect(page.getByRole('textbox', { name: 'Referee email' })).toHaveValue('');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
});

test('a reference being written survives a reload, reopening where it was', async ({ browser }) => {
  const candidate = newPerson('Cal Candidate');
  const referee = newPerson('Wendy Writer');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email });
  const item = itemWith(requestsForMe(refereePage), candidate.name);
  await item.getByRole('button', { name: 'Respond' }).click();
  await item.getByRole('textbox', { name: 'Reference' }).fill('Cal is careful and');
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 30_000 });

  await refereePage.reload();
  const reopened = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(reopened.getByRole('textbox', { name: 'Reference' })).toHaveValue('Cal is careful and');
  await reopened.getByRole('textbox', { name: 'Reference' }).click();
  await refereePage.keyboard.press('End');
  await refereePage.keyboard.type(' kind.');
  await reopened.getByRole('button', { name: 'Submit reference' }).click();
  await expect(itemWith(myReferences(page), referee.name)).toContainText('Cal is careful and kind.', { timeout: 15_000 });
  // Sent: the draft is gone.
  await refereePage.reload();
  await expect(itemWith(requestsForMe(refereePage), candidate.name).getByRole('textbox', { name: 'Reference' })).toHaveCount(0);
  await context.close();
  await refereeContext.close();
});
