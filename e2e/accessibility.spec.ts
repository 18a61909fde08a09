import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signUp, syncStatus } from './helpers';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** Every axe violation, whatever its impact, as `rule: targets` lines (empty when clean). `rules`: only those. */
async function violations(page: Page, rules?: string[]): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const results = await (rules ? builder.withRules(rules) : builder.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact ?? 'no impact'}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** axe on the page as it is now, at the desktop and the phone size. */
async function cleanAt(page: Page, what: string, rules?: string[]): Promise<void> {
  const original = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await violations(page, rules), `${what} at ${size.width}x${size.height}`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}

/**
 * Every rule in the light scheme; in the dark one the rules whose outcome a
 * color scheme can change (contrast), which keeps the suite's time in bounds.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`no axe violations of any impact on any view, at 1280x800 and 390x844 (${colorScheme} scheme)`, async ({ browser }) => {
    test.setTimeout(240_000);
    const rules = colorScheme === 'dark' ? ['color-contrast', 'link-in-text-block'] : undefined;
    const clean = (page: Page, what: string) => cleanAt(page, what, rules);
    const candidate = newPerson(`Ada Access ${colorScheme}`);
    const referee = newPerson(`Ben Access ${colorScheme}`);
    const candidateContext = await browser.newContext({ colorScheme });
    const refereeContext = await browser.newContext({ colorScheme });
    const page = await candidateContext.newPage();

    await page.goto('/');
    await page.getByRole('button', { name: 'Sign up' }).click(); // with its error messages showing
    await clean(page, `${colorScheme}: sign-up with errors`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await clean(page, `${colorScheme}: sign-in`);

    const refereePage = await refereeContext.newPage();
    await signUp(refereePage, referee);
    await expect(refereePage).toHaveURL(/\/references$/);
    await clean(refereePage, `${colorScheme}: a new user's references`);
    await refereePage.goto('/inbox');
    await expect(refereePage.getByRole('heading', { level: 1, name: 'Requests for me' })).toBeVisible();
    await clean(refereePage, `${colorScheme}: an empty inbox`);

    await signUp(page, candidate);
    await requestReference(page, { name: referee.name, email: referee.email });
    await requestReference(page, { name: 'Second Referee', email: 'second.referee@example.com' }, 'x'.repeat(1_990));
    await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
    await page.getByRole('textbox', { name: 'Message' }).fill('y'.repeat(2_010)); // counter and too-long error
    await clean(page, `${colorScheme}: references with items`);
    await itemWith(myReferences(page), 'Second Referee').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();
    await candidateContext.setOffline(true);
    await expect(page.getByText('Offline - Changes will sync when connected')).toBeVisible();
    await clean(page, `${colorScheme}: Undo, offline`);
    await candidateContext.setOffline(false);
    await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

    await refereePage.goto('/inbox');
    const request = itemWith(requestsForMe(refereePage), candidate.name);
    await expect(request).toBeVisible({ timeout: 30_000 });
    await clean(refereePage, `${colorScheme}: inbox with a request`);
    await request.getByRole('button', { name: 'Respond' }).click();
    await expect(request.getByRole('textbox', { name: 'Reference' })).toBeFocused();
    await clean(refereePage, `${colorScheme}: the respond form`);
    await request.getByRole('link', { name: candidate.name }).click();
    await expect(refereePage.getByRole('heading', { level: 1, name: candidate.name })).toBeVisible();
    await clean(refereePage, `${colorScheme}: one request, as the referee`);
    await refereePage.getByRole('button', { name: 'Respond' }).click();
    await refereePage.getByRole('textbox', { name: 'Reference' }).fill('Ada is excellent.');
    await refereePage.getByRole('button', { name: 'Submit reference' }).click();
    await expect(refereePage.getByText('completed', { exact: true })).toBeVisible();
    await clean(refereePage, `${colorScheme}: one answered request, as the referee`);

    const answered = itemWith(myReferences(page), referee.name);
    await expect(answered).toContainText('completed', { timeout: 15_000 });
    await answered.getByRole('link', { name: referee.name }).click();
    await expect(page.getByRole('heading', { level: 1, name: referee.name })).toBeVisible();
    await clean(page, `${colorScheme}: one reference, as the candidate`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await clean(page, `${colorScheme}: the confirmation`);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    await page.goto('/references/not-here');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await clean(page, `${colorScheme}: a missing reference`);
    await page.goto('/nowhere');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await clean(page, `${colorScheme}: no such page`);

    await candidateContext.close();
    await refereeContext.close();
  });
}

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails if it is not reached within `max` presses. */
async function tabTo(page: Page, target: Locator, options: { back?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (options.max ?? 30); i += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
}

test('every view works from the keyboard alone', async ({ browser }) => {
  const referee = newPerson('Kim Keys');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const candidateContext = await browser.newContext();
  const page = await candidateContext.newPage();
  const person = newPerson('Kit Keyboard');

  // Sign up.
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await tabTo(page, page.getByRole('textbox', { name: 'Name', exact: true }));
  await page.keyboard.type(person.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(person.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(person.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();

  // /references: ask, find, delete, undo.
  await tabTo(page, page.getByRole('textbox', { name: 'Referee name' }));
  await page.keyboard.type(referee.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(referee.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Thanks!');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Request reference' })).toBeFocused();
  await page.keyboard.press('Enter');
  const item = itemWith(myReferences(page), referee.name);
  await expect(item).toContainText('pending');
  await tabTo(page, page.getByRole('searchbox'));
  await page.keyboard.type('keys');
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('radio', { name: /All/ })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /Waiting/ })).toBeChecked();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('radio', { name: /All/ })).toBeChecked();
  await tabTo(page, item.getByRole('button', { name: 'Delete' }));
  await page.keyboard.press('Enter');
  await expect(item).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'My references' })).toBeFocused();

  // /inbox, through the top bar, for the referee: respond from the keyboard.
  const request = itemWith(requestsForMe(refereePage), person.name);
  // A device that has synced before chooses from what it holds: once the request is here, / is the inbox.
  // The request as it is after the Undo: had the deletion synced first, the Undo asked again under a
  // new id, and the referee's device drops the first and gets the second (a reload between the two
  // opens a device without either: it lands on /references, seen in a CI run).
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  const asked = await itemWith(myReferences(page), referee.name).getByRole('link', { name: referee.name }).getAttribute('href');
  await expect(request.getByRole('link', { name: person.name })).toHaveAttribute('href', asked!, { timeout: 15_000 });
  // Shown is not yet stored: Synced comes after the durable save, and a reload before it opens
  // a device without the request (it then lands on /references: seen once in a CI run).
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 30_000 });
  await refereePage.goto('/');
  await expect(refereePage).toHaveURL(/\/inbox$/, { timeout: 30_000 });
  await refereePage.getByRole('link', { name: 'My references' }).focus();
  await refereePage.keyboard.press('Enter');
  await expect(refereePage).toHaveURL(/\/references$/);
  await tabTo(refereePage, refereePage.getByRole('link', { name: 'Requests for me' }), { back: true });
  await refereePage.keyboard.press('Enter');
  await expect(refereePage).toHaveURL(/\/inbox$/);
  await expect(refereePage.getByRole('heading', { level: 1, name: 'Requests for me' })).toBeFocused();
  await tabTo(refereePage, request.getByRole('button', { name: 'Respond' }));
  await refereePage.keyboard.press('Enter');
  await expect(request.getByRole('textbox', { name: 'Reference' })).toBeFocused();
  await refereePage.keyboard.type('Kit is steady.');
  await tabTo(refereePage, request.getByRole('button', { name: 'Submit reference' }));
  await refereePage.keyboard.press('Enter');
  await expect(request).toContainText('completed');
  // The answered item keeps the focus in its place: its link, into its own view.
  await expect(request.getByRole('link', { name: person.name })).toBeFocused();
  await refereePage.keyboard.press('Enter');
  await expect(refereePage.getByRole('heading', { level: 1, name: person.name })).toBeFocused();
  await tabTo(refereePage, refereePage.getByRole('link', { name: '← Requests for me' }), { back: true });
  await refereePage.keyboard.press('Enter');
  await expect(refereePage).toHaveURL(/\/inbox$/);

  // One reference, for the candidate: the confirmation keeps the focus inside it.
  const answered = itemWith(myReferences(page), referee.name);
  await expect(answered).toContainText('completed', { timeout: 15_000 });
  await tabTo(page, answered.getByRole('link', { name: referee.name }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: referee.name })).toBeFocused();
  const remove = page.getByRole('button', { name: 'Delete' });
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();
  await tabTo(page, page.getByRole('link', { name: '← My references' }), { back: true });
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/references$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My references' })).toBeFocused();

  await candidateContext.close();
  await refereeContext.close();
});
