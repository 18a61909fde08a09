import { expect, test } from '@playwright/test';
import { cleanAt } from './axe';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, syncStatus } from './helpers';

test('a write that lost shows in Conflicts with both values, survives a reload, and Restore mine puts it back everywhere', async ({ browser }) => {
  const candidate = newPerson('Cora Conflicted');
  const { context: laptop, page: laptopPage } = await onNewDevice(browser, candidate);
  await requestReference(laptopPage, { name: 'Ada Both', email: 'ada.both@example.com' }, 'Original words');
  await expect(syncStatus(laptopPage)).toHaveText('Synced');
  const { context: phone, page: phonePage } = await onNewDevice(browser, candidate, { how: 'signIn' });
  await expect(itemWith(myReferences(phonePage), 'Ada Both')).toBeVisible({ timeout: 15_000 });

  const edit = async (page: typeof laptopPage, text: string) => {
    const item = itemWith(myReferences(page), 'Ada Both');
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByRole('textbox', { name: 'Message' }).fill(text);
    await item.getByRole('button', { name: 'Save changes' }).click();
    await expect(item).toContainText(text);
  };
  // The laptop's edit is made first, offline; the phone's later one reaches the server first and wins.
  await laptop.setOffline(true);
  await expect(syncStatus(laptopPage)).toHaveText('Offline - 0 unsynced');
  await edit(laptopPage, 'Laptop words');
  await phonePage.waitForTimeout(20);
  await edit(phonePage, 'Phone words');
  await expect(syncStatus(phonePage)).toHaveText('Synced');
  await laptop.setOffline(false);
  await expect(itemWith(myReferences(laptopPage), 'Ada Both')).toContainText('Phone words', { timeout: 30_000 });
  await expect(syncStatus(laptopPage)).toHaveText('Synced');

  // The log outlives the page.
  await laptopPage.goto('/conflicts');
  await laptopPage.reload();
  const list = laptopPage.getByRole('list', { name: 'Conflicts' });
  const entry = list.getByRole('listitem').filter({ hasText: 'Ada Both' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Message');
  await expect(entry.getByRole('definition').nth(0)).toHaveText('Laptop words');
  await expect(entry.getByRole('definition').nth(1)).toHaveText('Phone words');
  await expect(entry).toContainText('another device of yours');
  await expect(entry).toContainText('when this device sent it');
  await cleanAt(laptopPage, 'the conflicts view');

  // By keyboard.
  await entry.getByRole('button', { name: 'Restore mine' }).focus();
  await laptopPage.keyboard.press('Enter');
  await expect(entry).toContainText('Restored');
  await expect(entry.getByRole('button', { name: 'Restore mine' })).toHaveCount(0);
  await expect(syncStatus(laptopPage)).toHaveText('Synced', { timeout: 30_000 });
  await expect(itemWith(myReferences(phonePage), 'Ada Both')).toContainText('Laptop words', { timeout: 15_000 });
  await laptopPage.goto('/references');
  await expect(itemWith(myReferences(laptopPage), 'Ada Both')).toContainText('Laptop words');
  await laptop.close();
  await phone.close();
});

test('a deletion pulled over unsynced changes is shown as another person’s, with what was lost', async ({ browser }) => {
  const candidate = newPerson('Dora Deleter');
  const referee = newPerson('Rolf Writer');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: referee.name, email: referee.email }, 'Please');
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 15_000 });

  await refereeContext.setOffline(true);
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('textbox', { name: 'Reference' }).fill('Written on a plane');
  await request.getByRole('button', { name: 'Submit reference' }).click();
  await expect(syncStatus(refereePage)).toHaveText('Offline - 1 unsynced');

  await itemWith(myReferences(candidatePage), referee.name).getByRole('button', { name: 'Delete' }).click();
  await expect(syncStatus(candidatePage)).toHaveText('Synced', { timeout: 15_000 });
  // The deletion must reach the server before the referee's answer does.
  await expect(candidatePage.getByRole('button', { name: 'Undo' })).toBeVisible();

  await refereeContext.setOffline(false);
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 30_000 });
  // Told where they are, not only in Conflicts behind Sync health.
  const notice = refereePage.locator('.banner').filter({ hasText: 'did not stand' });
  await expect(notice).toHaveText(/1 change made on this device did not stand\./);
  await notice.getByRole('link', { name: 'See Conflicts' }).click();
  await expect(refereePage).toHaveURL(/\/conflicts$/);
  await expect(notice).toHaveCount(0);
  const entry = refereePage.getByRole('list', { name: 'Conflicts' }).getByRole('listitem');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Deleted, with your unsynced changes');
  // Named by who asked: the request's referee fields are the referee's own name.
  await expect(entry).toContainText(`Request from ${candidate.name}`);
  await expect(entry).toContainText('deleted the request or sent it to another address');
  await expect(entry).toContainText('Written on a plane');
  await expect(entry).toContainText('another person');
  await expect(entry).toContainText('when this device received the change');
  await expect(entry.getByRole('button', { name: 'Restore mine' })).toHaveCount(0);
  await cleanAt(refereePage, 'the conflicts view with a deletion');
  // Nothing can restore it, but the answer goes to the clipboard in one click.
  await refereeContext.grantPermissions(['clipboard-read', 'clipboard-write']);
  await entry.getByRole('button', { name: 'Copy my words' }).click();
  await expect(entry.getByRole('status')).toHaveText('Copied.');
  expect(await refereePage.evaluate(() => navigator.clipboard.readText())).toBe('Written on a plane');
  await refereeContext.close();
  await candidateContext.close();
});

test('an edit lost to a deletion on another device: Restore mine asks again as a new request, shown everywhere', async ({ browser }) => {
  const candidate = newPerson('Cleo Restorer');
  const { context: laptop, page: laptopPage } = await onNewDevice(browser, candidate);
  await requestReference(laptopPage, { name: 'Ada Gone', email: 'ada.gone@example.com' }, 'Original words');
  await expect(syncStatus(laptopPage)).toHaveText('Synced');
  const { context: phone, page: phonePage } = await onNewDevice(browser, candidate, { how: 'signIn' });
  await expect(itemWith(myReferences(phonePage), 'Ada Gone')).toBeVisible({ timeout: 15_000 });

  // The laptop edits offline; meanwhile the phone deletes the request, and that reaches the server first.
  await laptop.setOffline(true);
  await expect(syncStatus(laptopPage)).toHaveText('Offline - 0 unsynced');
  const item = itemWith(myReferences(laptopPage), 'Ada Gone');
  await item.getByRole('button', { name: 'Edit' }).click();
  await item.getByRole('textbox', { name: 'Message' }).fill('Laptop words, written on a train');
  await item.getByRole('button', { name: 'Save changes' }).click();
  await expect(item).toContainText('Laptop words');
  await itemWith(myReferences(phonePage), 'Ada Gone').getByRole('button', { name: 'Delete' }).click();
  await expect(phonePage.getByRole('button', { name: 'Undo' })).toBeVisible();
  await expect(syncStatus(phonePage)).toHaveText('Synced', { timeout: 15_000 });
  await expect(itemWith(myReferences(phonePage), 'Ada Gone')).toHaveCount(0);

  await laptop.setOffline(false);
  await expect(itemWith(myReferences(laptopPage), 'Ada Gone')).toHaveCount(0, { timeout: 30_000 });
  await expect(syncStatus(laptopPage)).toHaveText('Synced');

  await laptopPage.goto('/conflicts');
  const entry = laptopPage.getByRole('list', { name: 'Conflicts' }).getByRole('listitem').filter({ hasText: 'Ada Gone' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Deleted, with your unsynced changes');
  await expect(entry).toContainText('Laptop words, written on a train');
  await expect(entry).toContainText('another device of yours');
  const restore = entry.getByRole('button', { name: 'Restore mine' });
  // What it will do, read with the button.
  await expect(restore).toHaveAccessibleDescription(/asks Ada Gone again with your changes, as a new request/);
  await cleanAt(laptopPage, 'the conflicts view with a deletion to restore');

  // By keyboard: the note saying what Restore did takes the focus.
  await restore.focus();
  await laptopPage.keyboard.press('Enter');
  await expect(entry).toContainText('as a new request with your changes');
  await expect(restore).toHaveCount(0);
  await expect(entry.locator('.reference__note')).toBeFocused();
  await expect(syncStatus(laptopPage)).toHaveText('Synced', { timeout: 30_000 });

  // The new request, on both devices, with the laptop's words.
  const onPhone = itemWith(myReferences(phonePage), 'Ada Gone');
  await expect(onPhone).toHaveCount(1, { timeout: 15_000 });
  await expect(onPhone).toContainText('Laptop words, written on a train');
  await expect(onPhone).toContainText('pending');
  await laptopPage.reload();
  await expect(entry).toContainText('as a new request with your changes');
  await cleanAt(laptopPage, 'the conflicts view after restoring a deletion');
  await entry.getByRole('link', { name: 'Open the new request' }).click();
  await expect(laptopPage).toHaveURL(/\/references\/[^/]+$/);
  await expect(laptopPage.getByRole('main')).toContainText('Laptop words, written on a train');
  await laptopPage.goto('/references');
  await expect(itemWith(myReferences(laptopPage), 'Ada Gone')).toHaveCount(1);
  await laptop.close();
  await phone.close();
});

test('a request deleted offline that the referee answered meanwhile is kept, answered, and Conflicts says why', async ({ browser }) => {
  const candidate = newPerson('Nora Offline');
  const referee = newPerson('Ravi Answers');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: referee.name, email: referee.email }, 'Please');
  await expect(syncStatus(candidatePage)).toHaveText('Synced');
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 15_000 });

  await candidateContext.setOffline(true);
  await expect(syncStatus(candidatePage)).toHaveText('Offline - 0 unsynced');
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('textbox', { name: 'Reference' }).fill('Ravi vouches for Nora');
  await request.getByRole('button', { name: 'Submit reference' }).click();
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 15_000 });

  // Offline the candidate still sees it pending: deleting it asks nothing.
  const mine = itemWith(myReferences(candidatePage), referee.name);
  await mine.getByRole('button', { name: 'Delete' }).click();
  await expect(candidatePage.getByRole('alertdialog')).toHaveCount(0);
  await expect(mine).toHaveCount(0);
  // Undo stays offered while the pointer is on it.
  const undo = candidatePage.getByRole('button', { name: 'Undo' });
  await undo.hover();

  await candidateContext.setOffline(false);
  await expect(mine).toContainText('Ravi vouches for Nora', { timeout: 30_000 });
  await expect(syncStatus(candidatePage)).toHaveText('Synced');
  // Nothing left to undo: it asks nobody a second time.
  await undo.click();
  await expect(syncStatus(candidatePage)).toHaveText('Synced');
  await expect(mine).toHaveCount(1);
  await expect(myReferences(candidatePage).getByRole('listitem')).toHaveCount(1);
  const notice = candidatePage.locator('.banner').filter({ hasText: 'did not stand' });
  await expect(notice).toBeVisible();
  // The referee's answer is still there for them too.
  await refereePage.reload();
  await expect(itemWith(requestsForMe(refereePage), candidate.name)).toContainText('Ravi vouches for Nora', { timeout: 15_000 });

  await candidatePage.goto('/conflicts');
  const entry = candidatePage.getByRole('list', { name: 'Conflicts' }).getByRole('listitem');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Your deletion was not sent');
  await expect(entry).toContainText('The referee answered before this device showed it');
  await expect(entry.getByRole('button', { name: 'Restore mine' })).toHaveCount(0);
  await cleanAt(candidatePage, 'the conflicts view with a deletion not sent');
  // Seen once: back in the list, and after a reload, the notice stays away.
  await candidatePage.goto('/references');
  await expect(itemWith(myReferences(candidatePage), referee.name)).toBeVisible();
  await candidatePage.reload();
  await expect(itemWith(myReferences(candidatePage), referee.name)).toBeVisible();
  await expect(notice).toHaveCount(0);
  await refereeContext.close();
  await candidateContext.close();
});

test('a reference half-written when its request is sent to another address is shown with its words until discarded', async ({ browser }) => {
  const candidate = newPerson('Paula Retargets');
  const referee = newPerson('Quinn Writing');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: referee.name, email: referee.email }, 'Please');
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 15_000 });
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('textbox', { name: 'Reference' }).fill('Quinn was halfway through this');

  const mine = itemWith(myReferences(candidatePage), referee.name);
  await mine.getByRole('button', { name: 'Edit' }).click();
  await mine.getByRole('textbox', { name: 'Referee email' }).fill('someone.else@example.com');
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await expect(syncStatus(candidatePage)).toHaveText('Synced', { timeout: 15_000 });

  await expect(request).toHaveCount(0, { timeout: 15_000 });
  const kept = refereePage.getByRole('region', { name: 'References you were writing' });
  await expect(kept).toContainText('A reference you were writing is no longer here.');
  await expect(kept.getByRole('blockquote')).toHaveText('Quinn was halfway through this');
  await cleanAt(refereePage, 'a reference kept after its request went away');
  // Still there after a reload; gone once discarded, for good.
  await refereePage.reload();
  await expect(kept.getByRole('blockquote')).toHaveText('Quinn was halfway through this');
  await kept.getByRole('button', { name: 'Discard' }).click();
  await expect(kept).toHaveCount(0);
  await refereePage.reload();
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 15_000 });
  await expect(kept).toHaveCount(0);
  await refereeContext.close();
  await candidateContext.close();
});
