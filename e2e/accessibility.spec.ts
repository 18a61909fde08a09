import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, requestsForMe, signUp } from './helpers';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, targets: violation.nodes.map((node) => node.target.join(' ')) }));
}

test('no serious or critical axe violations on any screen', async ({ browser }) => {
  const candidate = newPerson('Ada Access');
  const referee = newPerson('Ben Access');
  const candidateContext = await browser.newContext();
  const refereeContext = await browser.newContext();
  const page = await candidateContext.newPage();
  const refereePage = await refereeContext.newPage();

  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign up' }).click(); // with its error messages showing
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  expect(await seriousViolations(page)).toEqual([]);

  await signUp(refereePage, referee);
  await signUp(page, candidate);
  await requestReference(page, { name: referee.name, email: referee.email });
  await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
  await candidateContext.setOffline(true);
  await expect(page.getByText('Offline - Changes will sync when connected')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await candidateContext.setOffline(false);

  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 30_000 });
  await request.getByRole('button', { name: 'Respond' }).click();
  await expect(request.getByRole('textbox', { name: 'Reference' })).toBeFocused();
  expect(await seriousViolations(refereePage)).toEqual([]);
  await refereePage.keyboard.type('Ada is excellent.');
  await request.getByRole('button', { name: 'Submit reference' }).click();
  await expect(request.getByRole('button', { name: 'Respond' })).toBeFocused();
  expect(await seriousViolations(refereePage)).toEqual([]);

  await candidateContext.close();
  await refereeContext.close();
});

test('the main flow works from the keyboard alone', async ({ page }) => {
  const person = newPerson('Kim Keys');
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Name' }).focus();
  await page.keyboard.type(person.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(person.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(person.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.getByRole('textbox', { name: 'Referee name' }).focus();
  await page.keyboard.type('Keyboard Referee');
  await page.keyboard.press('Tab');
  await page.keyboard.type('keys@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Thanks!');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Request reference' })).toBeFocused();
  await page.keyboard.press('Enter');
  const item = itemWith(myReferences(page), 'Keyboard Referee');
  await expect(item).toContainText('pending');

  // Delete from the keyboard; focus stays in the section instead of falling to <body>.
  await item.getByRole('button', { name: 'Delete' }).focus();
  await page.keyboard.press('Enter');
  await expect(item).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'My references' })).toBeFocused();
});
