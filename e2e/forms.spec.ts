import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signUp } from './helpers';

test('a field near its limit counts down; pasted text past it is kept whole and the form says what to do', async ({ page }) => {
  await signUp(page, newPerson('Lena Limits'));
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('x'.repeat(1_850));
  await expect(page.getByText('150 characters left')).toBeVisible();
  await expect(message).not.toHaveAttribute('maxlength');

  const pasted = 'y'.repeat(2_100);
  await message.fill(pasted);
  await expect(message).toHaveValue(pasted);
  await expect(page.getByText('100 characters over the limit of 2,000')).toBeVisible();
  await expect(message).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Shorten the message to 2,000 characters or fewer.')).toBeVisible();

  await page.getByRole('textbox', { name: 'Referee name' }).fill('Long Winded');
  await page.getByRole('textbox', { name: 'Referee email' }).fill('long.winded@example.com');
  await page.getByRole('button', { name: 'Request reference' }).click();
  await expect(page.getByText('Shorten the message to 2,000 characters or fewer (it has 2,100).')).toBeVisible();
  await expect(message).toBeFocused();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);
  await expect(message).toHaveValue(pasted);
});

test('focus moves to the first field that needs fixing', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toBeFocused();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Fio Focus');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toBeFocused();

  await signUp(page, newPerson('Fio Focus'));
  await page.getByRole('textbox', { name: 'Referee email' }).fill('ok@example.com');
  await page.getByRole('button', { name: 'Request reference' }).click();
  await expect(page.getByRole('textbox', { name: 'Referee name' })).toBeFocused();
  await expect(page.getByText("Enter the referee's name.")).toBeVisible();
});

test('a taken email offers Sign in instead, which keeps the email and signs in', async ({ page, browser }) => {
  const person = newPerson('Sid Signin');
  const other = await browser.newContext();
  await signUp(await other.newPage(), person);
  await other.close();

  await page.goto('/');
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(person.name);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(person.email);
  await page.getByLabel('Password').fill('another password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('An account with this email already exists. Sign in instead, or use another email.');
  await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toHaveAttribute('aria-invalid', 'true');

  await alert.getByRole('button', { name: 'Sign in instead' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toHaveValue(person.email);
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.getByLabel('Password').fill('a wrong password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // The server's "wrong email or password", as a sentence that says what to do.
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match. Check both and try again.');
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
});

test('Escape closes the respond form, keeps what was written and gives focus back to Respond', async ({ browser }) => {
  const candidate = newPerson('Eve Escape');
  const referee = newPerson('Kai Keys');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context, page } = await onNewDevice(browser, candidate);
  await requestReference(page, { name: referee.name, email: referee.email });
  const item = itemWith(requestsForMe(refereePage), candidate.name);
  await item.getByRole('button', { name: 'Respond' }).click();
  await refereePage.keyboard.type('Eve is');
  await refereePage.keyboard.press('Escape');
  await expect(item.getByRole('textbox', { name: 'Reference' })).toHaveCount(0);
  await expect(item.getByRole('button', { name: 'Respond' })).toBeFocused();
  await refereePage.keyboard.press('Enter');
  await expect(item.getByRole('textbox', { name: 'Reference' })).toHaveValue('Eve is');
  // An empty answer is refused with what to do instead.
  await item.getByRole('textbox', { name: 'Reference' }).fill('   ');
  await item.getByRole('button', { name: 'Submit reference' }).click();
  await expect(item.getByText('Write the reference, or decline.')).toBeVisible();
  await expect(item.getByRole('textbox', { name: 'Reference' })).toBeFocused();
  await context.close();
  await refereeContext.close();
});
