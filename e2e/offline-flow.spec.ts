import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, requestsForMe, signUp, syncStatus, waitForServiceWorker } from './helpers';

test('a request made offline survives a reload, syncs, and the referee answers it', async ({ browser }) => {
  const candidate = newPerson('Cara Candidate');
  const referee = newPerson('Rita Referee');
  const candidateContext = await browser.newContext();
  const refereeContext = await browser.newContext();
  const candidatePage = await candidateContext.newPage();
  const refereePage = await refereeContext.newPage();

  await signUp(refereePage, referee);
  await signUp(candidatePage, candidate);
  await expect(syncStatus(candidatePage)).toHaveText('Synced');
  await waitForServiceWorker(candidatePage);

  // Offline: the request is stored locally and shows at once.
  await candidateContext.setOffline(true);
  await expect(candidatePage.getByText('Offline - Changes will sync when connected')).toBeVisible();
  await requestReference(candidatePage, { name: referee.name, email: referee.email });
  const item = itemWith(myReferences(candidatePage), referee.name);
  await expect(item).toBeVisible();
  await expect(item).toContainText(referee.email);
  await expect(item).toContainText('pending');
  await expect(syncStatus(candidatePage)).toHaveText('Offline - 1 unsynced');

  // A reload with no network: the worker serves the shell, IndexedDB the data.
  await candidatePage.reload();
  await expect(itemWith(myReferences(candidatePage), referee.name)).toContainText('pending');
  await expect(syncStatus(candidatePage)).toHaveText('Offline - 1 unsynced');

  // Back online it syncs by itself.
  await candidateContext.setOffline(false);
  await expect(syncStatus(candidatePage)).toHaveText('Synced', { timeout: 30_000 });
  await expect(candidatePage.getByText('Offline - Changes will sync when connected')).toBeHidden();

  // The referee sees it under the candidate's name and writes the reference.
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 30_000 });
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('textbox', { name: 'Reference' }).fill('Cara was dependable and kind. Hire her.');
  await request.getByRole('button', { name: 'Submit reference' }).click();
  await expect(request).toContainText('completed');
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 30_000 });

  // The candidate sees the answer.
  const answered = itemWith(myReferences(candidatePage), referee.name);
  await expect(answered).toContainText('completed', { timeout: 30_000 });
  await expect(answered).toContainText('Cara was dependable and kind. Hire her.');

  await candidateContext.close();
  await refereeContext.close();
});

test('a referee can decline, and the candidate sees it', async ({ browser }) => {
  const candidate = newPerson('Dan Candidate');
  const referee = newPerson('Nora Referee');
  const candidateContext = await browser.newContext();
  const refereeContext = await browser.newContext();
  const candidatePage = await candidateContext.newPage();
  const refereePage = await refereeContext.newPage();
  await signUp(refereePage, referee);
  await signUp(candidatePage, candidate);

  await requestReference(candidatePage, { name: referee.name, email: referee.email.toUpperCase() });
  await expect(itemWith(myReferences(candidatePage), referee.name)).toContainText('pending');

  // Addressed in capitals: emails match case-insensitively.
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 30_000 });
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('button', { name: 'Decline' }).click();
  await expect(request).toContainText('declined');

  await expect(itemWith(myReferences(candidatePage), referee.name)).toContainText('declined', { timeout: 30_000 });

  // Deleting takes it off both lists (an answered one, after the confirmation).
  await itemWith(myReferences(candidatePage), referee.name).getByRole('button', { name: 'Delete' }).click();
  await candidatePage.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(itemWith(myReferences(candidatePage), referee.name)).toHaveCount(0);
  await expect(itemWith(requestsForMe(refereePage), candidate.name)).toHaveCount(0, { timeout: 30_000 });

  await candidateContext.close();
  await refereeContext.close();
});
