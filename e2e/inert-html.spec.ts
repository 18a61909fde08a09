import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, requestsForMe, signUp } from './helpers';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script><b>bold</b>';

test('text that looks like HTML renders as inert text for both roles', async ({ browser }) => {
  const candidate = { ...newPerson('Mallory'), name: `Mallory ${IMG}` };
  const referee = newPerson('Victor Victim');
  const candidateContext = await browser.newContext();
  const refereeContext = await browser.newContext();
  const candidatePage = await candidateContext.newPage();
  const refereePage = await refereeContext.newPage();
  await signUp(refereePage, referee);
  await signUp(candidatePage, candidate);

  await requestReference(candidatePage, { name: `Boss ${IMG}`, email: referee.email }, SCRIPT);
  const mine = itemWith(myReferences(candidatePage), `Boss ${IMG}`);
  await expect(mine).toBeVisible();
  await expect(mine).toContainText(SCRIPT);
  await expect(mine.locator('img, script, b')).toHaveCount(0);

  // The candidate's name and message reach the referee as text too.
  const inbox = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(inbox).toBeVisible({ timeout: 30_000 });
  await expect(inbox).toContainText(SCRIPT);
  await expect(inbox.locator('img, script, b')).toHaveCount(0);
  await inbox.getByRole('button', { name: 'Respond' }).click();
  await inbox.getByRole('textbox', { name: 'Reference' }).fill(`Great ${IMG}`);
  await inbox.getByRole('button', { name: 'Submit reference' }).click();

  await expect(mine).toContainText(`Great ${IMG}`, { timeout: 30_000 });
  await expect(mine.locator('img')).toHaveCount(0);

  for (const page of [candidatePage, refereePage]) {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }
  await candidateContext.close();
  await refereeContext.close();
});
