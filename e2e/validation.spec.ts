import { expect, test } from '@playwright/test';
import { newPerson, signUp } from './helpers';

test('sign-up explains what is wrong before asking the server', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText('Enter your name.')).toBeVisible();
  await expect(page.getByText('Enter your email.')).toBeVisible();
  await expect(page.getByText('Enter your password.')).toBeVisible();

  await page.getByRole('textbox', { name: 'Name' }).fill('Val');
  await page.getByRole('textbox', { name: 'Email' }).fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Email' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
});

test('the forms switch, and a taken email is reported', async ({ page, browser }) => {
  const person = newPerson('Sam Twice');
  const other = await browser.newContext();
  await signUp(await other.newPage(), person);
  await other.close();

  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(person.name);
  await page.getByRole('textbox', { name: 'Email' }).fill(person.email.toUpperCase());
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
});

test('the request form checks its fields', async ({ page }) => {
  await signUp(page, newPerson('Rhea Requester'));
  await page.getByRole('button', { name: 'Request reference' }).click();
  await expect(page.getByText("Enter the referee's name.")).toBeVisible();
  await expect(page.getByText("Enter the referee's email.")).toBeVisible();
  await page.getByRole('textbox', { name: 'Referee email' }).fill('nope@');
  await page.getByRole('button', { name: 'Request reference' }).click();
  await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'My references' }).getByRole('listitem')).toHaveCount(0);
});
