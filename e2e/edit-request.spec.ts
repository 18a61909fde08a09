import { expect, test } from '@playwright/test';
import { cleanAt } from './axe';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, syncStatus } from './helpers';

test('Edit offline on one device, another column edited on another: both edits survive, everywhere', async ({ browser }) => {
  const candidate = newPerson('Edda Editor');
  const { context: laptop, page: laptopPage } = await onNewDevice(browser, candidate);
  await requestReference(laptopPage, { name: 'Ada Typo', email: 'ada.typo@example.com' }, 'First words');
  await expect(syncStatus(laptopPage)).toHaveText('Synced');
  const { context: phone, page: phonePage } = await onNewDevice(browser, candidate, { how: 'signIn' });
  await expect(itemWith(myReferences(phonePage), 'Ada Typo')).toBeVisible({ timeout: 15_000 });

  // The laptop goes offline; the phone, online, rewrites the message.
  await laptop.setOffline(true);
  await expect(laptopPage.getByText('Offline - Changes will sync when connected')).toBeVisible();
  const onPhone = itemWith(myReferences(phonePage), 'Ada Typo');
  await onPhone.getByRole('button', { name: 'Edit' }).click();
  await onPhone.getByRole('textbox', { name: 'Message' }).fill('Better words');
  await onPhone.getByRole('button', { name: 'Save changes' }).click();
  await expect(itemWith(myReferences(phonePage), 'Better words')).toBeVisible();
  await expect(syncStatus(phonePage)).toHaveText('Synced');

  // Then the laptop, still offline and still showing the old message, fixes the name. Its write is the
  // later one: had it written every field, its stale message would win over the phone's.
  const onLaptop = itemWith(myReferences(laptopPage), 'Ada Typo');
  await onLaptop.getByRole('button', { name: 'Edit' }).click();
  await expect(onLaptop.getByRole('textbox', { name: 'Referee name' })).toBeFocused();
  await expect(onLaptop.getByRole('textbox', { name: 'Message' })).toHaveValue('First words');
  await cleanAt(laptopPage, 'the edit form, offline');
  await onLaptop.getByRole('textbox', { name: 'Referee name' }).fill('Ada Lovelace');
  await onLaptop.getByRole('button', { name: 'Save changes' }).click();
  const fixed = itemWith(myReferences(laptopPage), 'Ada Lovelace');
  await expect(fixed).toBeVisible();
  await expect(fixed.getByRole('button', { name: 'Edit' })).toBeFocused();
  await expect(syncStatus(laptopPage)).toHaveText('Offline - 1 unsynced');

  await laptop.setOffline(false);
  for (const page of [laptopPage, phonePage]) {
    await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
    const item = myReferences(page).getByRole('listitem');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Ada Lovelace', { timeout: 15_000 });
    await expect(item).toContainText('Better words', { timeout: 15_000 });
  }
  // And after a reload, from what the device stored.
  await laptopPage.reload();
  await expect(itemWith(myReferences(laptopPage), 'Ada Lovelace')).toContainText('Better words');
  await laptop.close();
  await phone.close();
});

test('Edit by keyboard: Escape closes without saving, Enter saves; an answered request has no Edit', async ({ browser }) => {
  const candidate = newPerson('Kai Keys');
  const referee = newPerson('Rhea Replies');
  const { context, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email }, 'Keyboard only');
  const item = itemWith(myReferences(page), referee.name);
  await item.getByRole('button', { name: 'Edit' }).focus();
  await page.keyboard.press('Enter');
  const name = item.getByRole('textbox', { name: 'Referee name' });
  await expect(name).toBeFocused();
  await page.keyboard.type(' Jr');
  await page.keyboard.press('Escape');
  await expect(name).toBeHidden();
  await expect(item.getByRole('button', { name: 'Edit' })).toBeFocused();
  await expect(item).not.toContainText(`${referee.name} Jr`);

  await page.keyboard.press('Enter');
  await expect(name).toBeFocused();
  await page.keyboard.press('Tab'); // email
  await page.keyboard.press('Tab'); // message
  await expect(item.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(', please');
  await page.keyboard.press('Tab');
  await expect(item.getByRole('button', { name: 'Save changes' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(item).toContainText('Keyboard only, please');
  await expect(syncStatus(page)).toHaveText('Synced');

  // On the request's own view too.
  await item.getByRole('link', { name: referee.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: referee.name })).toBeVisible();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('textbox', { name: 'Referee email' }).fill('not an email');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('textbox', { name: 'Referee email' })).toBeFocused();
  await cleanAt(page, 'the edit form with an error, on the request’s view');
  await page.keyboard.press('Escape');

  // Answered: no Edit.
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const request = refereePage.getByRole('list', { name: 'Requests for me' }).getByRole('listitem').filter({ hasText: candidate.name });
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('button', { name: 'Decline' }).click();
  await page.goto('/references');
  await expect(itemWith(myReferences(page), referee.name)).toContainText('declined', { timeout: 15_000 });
  await expect(itemWith(myReferences(page), referee.name).getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await refereeContext.close();
  await context.close();
});
