import { expect, test } from '@playwright/test';
import type { APIRequestContext, Browser } from '@playwright/test';
import { codeIn } from '../tools/test-support/mailbox';
import { cleanAt } from './axe';
import { itemWith, latestMail, newPerson, requestsForMe, signIn, syncStatus } from './helpers';
import { addReferences, newWireReference, pushNewReferences, signUpByApi } from './seed-accounts';

/** The referee's own requests: more than the first page of a first sync (5,000 entries) holds. */
const OWN = 6_000;

type Person = ReturnType<typeof newPerson>;

async function signUpVerified(request: APIRequestContext, person: Person): Promise<{ token: string; id: string }> {
  const me = await signUpByApi(request, person);
  const code = codeIn((await latestMail(person.email, 'verification')).text);
  const verify = await request.post('/api/auth/verify', { headers: { authorization: `Bearer ${me.token}` }, data: { code } });
  expect(verify.status()).toBe(200);
  return me;
}

/**
 * A referee with OWN requests of their own, then one request addressed to
 * them, written last: on a new device it arrives in the second page of the first sync.
 */
async function seed(request: APIRequestContext, referee: Person, candidate: Person): Promise<void> {
  const me = await signUpVerified(request, referee);
  await addReferences(request, me, OWN, { prefix: 'late', part: 3_000 });
  const them = await signUpVerified(request, candidate);
  await pushNewReferences(request, them.token, [newWireReference(`ask${Date.now().toString(36)}`, them.id, referee.name, referee.email, Date.now())]);
}

/** A new device whose first sync takes 3 s more a page: time to land before the request arrives. */
async function slowNewDevice(browser: Browser) {
  const context = await browser.newContext();
  await context.route('**/api/sync/pull**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.continue();
  });
  return { context, page: await context.newPage() };
}

test('a referee whose request arrives in a later page of the first sync is taken to the inbox, if they have done nothing yet', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const referee = newPerson('Lena Late');
  const candidate = newPerson('Carl Asking');
  await seed(request, referee, candidate);
  const { context, page } = await slowNewDevice(browser);
  await signIn(page, referee);
  const progress = page.getByRole('progressbar', { name: /Downloading your data/ });

  // The first page holds only their own requests: usable at once, on their references.
  await expect(page).toHaveURL(/\/references$/, { timeout: 30_000 });
  expect(await progress.isVisible(), 'landed while still downloading').toBe(true);
  // The second page brings the request: to the inbox, saying why.
  await expect(page).toHaveURL(/\/inbox$/, { timeout: 60_000 });
  await expect(itemWith(requestsForMe(page), candidate.name)).toBeVisible();
  await expect(page.getByText('A request for your answer arrived while your data downloaded')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await cleanAt(page, 'the inbox a late request moved the referee to');
  await expect(progress).toBeHidden({ timeout: 60_000 });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 60_000 });
  await context.close();
});

test('a referee who started to type on the view they landed on stays there when the request arrives', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const referee = newPerson('Tom Typing');
  const candidate = newPerson('Cara Asking');
  await seed(request, referee, candidate);
  const { context, page } = await slowNewDevice(browser);
  await signIn(page, referee);
  const progress = page.getByRole('progressbar', { name: /Downloading your data/ });

  await expect(page).toHaveURL(/\/references$/, { timeout: 30_000 });
  const name = page.getByRole('textbox', { name: 'Referee name' });
  await name.click();
  await name.pressSequentially('Half typ');
  expect(await progress.isVisible(), 'typed while still downloading').toBe(true);

  // The request arrives (shown second on this view), and the user is left where they are.
  await expect(itemWith(requestsForMe(page), candidate.name)).toBeVisible({ timeout: 60_000 });
  await expect(progress).toBeHidden({ timeout: 60_000 });
  await page.waitForTimeout(2_000);
  await expect(page).toHaveURL(/\/references$/);
  await expect(name).toHaveValue('Half typ');
  await expect(name).toBeFocused();
  await context.close();
});
