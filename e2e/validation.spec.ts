import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, signUp, syncStatus } from './helpers';

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

test('the request form and Edit refuse the user’s own email, online and offline, and save nothing', async ({ browser }) => {
  const person = newPerson('Selma Self');
  const { context, page } = await onNewDevice(browser, person);
  const own = `  ${person.email.toUpperCase()} `;
  const error = page.getByText("Enter someone else's email: you cannot ask yourself for a reference.");
  const refereeEmail = page.getByRole('textbox', { name: 'Referee email' });

  await page.getByRole('textbox', { name: 'Referee name' }).fill('Me Myself');
  await refereeEmail.fill(own);
  await page.getByRole('button', { name: 'Request reference' }).click();
  await expect(error).toBeVisible();
  await expect(refereeEmail).toHaveAttribute('aria-invalid', 'true');
  await expect(refereeEmail).toBeFocused();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);

  await context.setOffline(true);
  await expect(page.getByText('Offline - Changes will sync when connected')).toBeVisible();
  await page.getByRole('button', { name: 'Request reference' }).click();
  await expect(error).toBeVisible();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(0);
  await expect(syncStatus(page)).toHaveText('Offline - 0 unsynced');
  await context.setOffline(false);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  // Edit of an existing request: the same refusal, and the request keeps its referee.
  await requestReference(page, { name: 'Other Person', email: 'other.person@example.com' });
  await expect(syncStatus(page)).toHaveText('Synced');
  const item = itemWith(myReferences(page), 'Other Person');
  await item.getByRole('button', { name: 'Edit' }).click();
  const editEmail = item.getByRole('textbox', { name: 'Referee email' });
  await editEmail.fill(person.email);
  await item.getByRole('button', { name: 'Save changes' }).click();
  await expect(item.getByText("Enter someone else's email: you cannot ask yourself for a reference.")).toBeVisible();
  await expect(editEmail).toHaveAttribute('aria-invalid', 'true');
  await item.getByRole('button', { name: 'Cancel' }).click();
  await expect(item).toContainText('other.person@example.com');
  await expect(syncStatus(page)).toHaveText('Synced');
  await page.reload();
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await expect(itemWith(myReferences(page), 'Other Person')).toContainText('other.person@example.com');
  await context.close();
});
