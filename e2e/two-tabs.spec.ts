import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, signUp } from './helpers';

test('two tabs writing to the same local database warn about it', async ({ context }) => {
  const first = await context.newPage();
  await signUp(first, newPerson('Tess Tabs'));
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await requestReference(second, { name: 'From the second tab', email: 'second@example.com' });
  await expect(itemWith(myReferences(second), 'From the second tab')).toBeVisible();
  await requestReference(first, { name: 'From the first tab', email: 'first@example.com' });
  await expect(itemWith(myReferences(first), 'From the first tab')).toBeVisible();

  const warned = [first, second].map((page) => page.getByText('AiDeepRef is open in another tab.'));
  await expect.poll(async () => (await Promise.all(warned.map((w) => w.isVisible()))).some(Boolean), { timeout: 15_000 }).toBe(true);
});
