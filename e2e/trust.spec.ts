import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { readMailbox } from '../tools/test-support/mailbox';
import { IsolatedServer } from './isolated-server';
import {
  itemWith,
  latestMail,
  myReferences,
  newPerson,
  onNewDevice,
  requestReference,
  requestsForMe,
  signUp,
  syncStatus,
  verifyInApp,
} from './helpers';

const SESSION_KEY = 'aideepref.session';

/** What an attacker with the app's own token could send by hand, from the page (same origin, same CSP). */
async function pushFromPage(page: Page, changes: unknown): Promise<{ status: number; body: { rejected: Record<string, { id: string; code: string }[]> } }> {
  return page.evaluate(
    async ({ key, changes }) => {
      const { token } = JSON.parse(localStorage.getItem(key) ?? '{}') as { token: string };
      const res = await fetch('/api/sync/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ changes, lastPulledAt: null }),
      });
      return { status: res.status, body: (await res.json()) as { rejected: Record<string, { id: string; code: string }[]> } };
    },
    { key: SESSION_KEY, changes },
  );
}

test('a referee signs up, enters the mailed code, and what was asked of them appears, live', async ({ browser }) => {
  const candidate = newPerson('Vera Verified');
  const referee = newPerson('Ulla Unproven');
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: referee.name, email: referee.email }, 'Would you vouch for me?');
  await expect(syncStatus(candidatePage)).toHaveText('Synced');

  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee, { verify: false });
  await expect(refereePage.getByRole('heading', { name: 'Verify your email' })).toBeVisible();
  await expect(syncStatus(refereePage)).toHaveText('Synced');
  // Not verified: nothing addressed to this email is theirs yet.
  await expect(requestsForMe(refereePage).getByRole('listitem')).toHaveCount(0);

  // A wrong code is refused with a sentence that says what to do; the field keeps focus.
  await refereePage.getByRole('textbox', { name: 'Verification code' }).fill('000000');
  await refereePage.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(refereePage.getByText(/Wrong code/)).toBeVisible();
  await verifyInApp(refereePage, referee);
  // No reload, no pull from 0: the request arrives on the open screen.
  const request = itemWith(requestsForMe(refereePage), candidate.name);
  await expect(request).toBeVisible({ timeout: 10_000 });
  await expect(request).toContainText('Would you vouch for me?');

  // The candidate's invitation went to the referee's address, naming the candidate.
  const invitation = await latestMail(referee.email, 'invitation');
  expect(invitation.subject).toBe(`${candidate.name} asks you for a reference`);
  expect(invitation.text).toContain('> Would you vouch for me?');
  await candidateContext.close();
  await refereeContext.close();
});

test('the invitation link, opened on another device, verifies the invited address at sign-up: no code needed', async ({ browser }) => {
  const candidate = newPerson('Ines Inviter');
  const invited = newPerson('Nico Newcomer');
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: invited.name, email: invited.email }, 'You managed me at Acme.');
  const mail = await latestMail(invited.email, 'invitation');
  const link = mail.text.split(/\s+/).find((word) => word.includes('/invite?token='))!;
  // The link names the app's own address (PUBLIC_URL); open it on this test's server.
  const path = new URL(link).pathname + new URL(link).search;

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(path);
  await expect(page.getByText('You were asked for a reference.')).toBeVisible();
  // The token is a credential: it does not stay in the address bar.
  await expect(page).toHaveURL(/\/$/);
  await signUp(page, invited, '/', { verify: false });
  await expect(page.getByText('Your email is verified.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Verify your email' })).toBeHidden();
  await expect(itemWith(requestsForMe(page), candidate.name)).toContainText('You managed me at Acme.');

  // The same link does nothing for an account with another address.
  const other = newPerson('Otto Other');
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  await otherPage.goto(path);
  await signUp(otherPage, other, '/', { verify: false });
  await expect(otherPage.getByText(/That invitation was sent to another address/)).toBeVisible();
  await expect(otherPage.getByRole('heading', { name: 'Verify your email' })).toBeVisible();
  await Promise.all([candidateContext.close(), context.close(), otherContext.close()]);
});

test('forging is refused by the server: no answer to oneself, no second answer, no moving an answer to someone else', async ({ browser }) => {
  const candidate = newPerson('Faye Forger');
  const referee = newPerson('Hugo Honest');
  const { context: refereeContext, page: refereePage } = await onNewDevice(browser, referee);
  const { context: candidateContext, page: candidatePage } = await onNewDevice(browser, candidate);
  await requestReference(candidatePage, { name: referee.name, email: referee.email }, 'Please');
  const item = itemWith(requestsForMe(refereePage), candidate.name);
  await item.getByRole('button', { name: 'Respond' }).click();
  await item.getByRole('textbox', { name: 'Reference' }).fill('Faye was careful and honest.');
  await item.getByRole('button', { name: 'Submit reference' }).click();
  await expect(syncStatus(refereePage)).toHaveText('Synced', { timeout: 30_000 });
  // An answered request offers no Respond or Decline any more.
  await expect(item).toContainText('completed');
  await expect(item.getByRole('button', { name: 'Respond' })).toHaveCount(0);
  await expect(item.getByRole('button', { name: 'Decline' })).toHaveCount(0);

  const answered = itemWith(myReferences(candidatePage), referee.name);
  await expect(answered).toContainText('Faye was careful and honest.', { timeout: 30_000 });
  const recordId = await refIdOf(candidatePage, referee.email);
  const now = Date.now() + 1_000;
  const attempts: [string, unknown][] = [
    ['a request to oneself', { references: { created: [{ id: `self-${now}`, user_id: await userIdOf(candidatePage), referee_name: 'Me', referee_email: candidate.email, message: '', status: 'pending', updated_at: now }] } }],
    ['the candidate answering', { references: { updated: [{ id: recordId, status: 'completed', response: 'I am great.', updated_at: now, _changed: 'status,response' }] } }],
    ['crediting the answer to a CEO', { references: { updated: [{ id: recordId, referee_name: 'Big Boss', referee_email: 'ceo@bigcorp.example', updated_at: now, _changed: 'referee_name,referee_email' }] } }],
  ];
  for (const [what, changes] of attempts) {
    const res = await pushFromPage(candidatePage, changes);
    expect(res.status, what).toBe(200);
    expect(Object.values(res.body.rejected).flat(), what).toEqual([expect.objectContaining({ code: expect.stringMatching(/^(invalid|forbidden)$/) })]);
  }
  // The referee cannot answer a second time either.
  const second = await pushFromPage(refereePage, { references: { updated: [{ id: recordId, status: 'declined', response: null, updated_at: now, _changed: 'status,response' }] } });
  expect(second.body.rejected.references).toEqual([expect.objectContaining({ id: recordId, code: 'forbidden' })]);

  // Nothing changed, on either screen.
  await candidatePage.reload();
  await expect(itemWith(myReferences(candidatePage), referee.name)).toContainText('Faye was careful and honest.');
  await expect(myReferences(candidatePage).getByText('Big Boss')).toHaveCount(0);
  await refereePage.reload();
  await expect(itemWith(requestsForMe(refereePage), candidate.name)).toContainText('completed');
  await candidateContext.close();
  await refereeContext.close();
});

async function userIdOf(page: Page): Promise<string> {
  return page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { user: { id: string } }).user.id, SESSION_KEY);
}

/** The id of the candidate's reference to `email`, as the server serves it. */
async function refIdOf(page: Page, email: string): Promise<string> {
  return page.evaluate(
    async ({ key, email }) => {
      const { token } = JSON.parse(localStorage.getItem(key) ?? '{}') as { token: string };
      const res = await fetch('/api/sync/pull', { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { changes: { references: { created: { id: string; referee_email: string }[] } } };
      return body.changes.references.created.find((r) => r.referee_email === email)!.id;
    },
    { key: SESSION_KEY, email },
  );
}

test('Sign out everywhere cuts a live socket: the other device asks to sign in again by itself, its work kept', async ({ browser }) => {
  const person = newPerson('Sol Sessions');
  const { context: laptop, page: laptopPage } = await onNewDevice(browser, person);
  const { context: phone, page: phonePage } = await onNewDevice(browser, person, { how: 'signIn' });
  await expect(syncStatus(phonePage)).toHaveText('Synced');

  const laptopToken = await tokenOf(laptopPage);
  await laptopPage.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(laptopPage.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
  expect(await statusWith(laptopPage, laptopToken)).toBe(401);
  // Nobody touches the phone: its socket is cut, and it learns the session is over.
  await expect(phonePage.getByRole('heading', { name: 'Sign in again to keep syncing' })).toBeVisible({ timeout: 10_000 });
  // What is written now stays on the phone, and syncs once its owner signs in again.
  await requestReference(phonePage, { name: 'Kept Safe', email: 'kept@example.com' }, 'Written after the session ended');
  await expect(itemWith(myReferences(phonePage), 'Kept Safe')).toBeVisible();
  await phonePage.getByLabel('Password').fill(person.password);
  await phonePage.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(syncStatus(phonePage)).toHaveText('Synced', { timeout: 30_000 });
  await laptop.close();
  await phone.close();
});

test('Sign out made offline ends the session on the server once the network is back; only the token waited', async ({ browser }) => {
  const person = newPerson('Otto Offline');
  const { context, page } = await onNewDevice(browser, person);
  await expect(syncStatus(page)).toHaveText('Synced');
  const token = await tokenOf(page);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  const kept = await page.evaluate(() => ({ ...localStorage }));
  expect(JSON.stringify(kept)).not.toContain(person.email);
  expect(JSON.stringify(kept)).toContain(token);
  await context.setOffline(false);
  // Nobody signs in again: the app sends the ending by itself.
  await expect.poll(() => statusWith(page, token), { timeout: 15_000 }).toBe(401);
  await expect.poll(() => page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(token);
  await context.close();
});

async function tokenOf(page: Page): Promise<string> {
  return page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { token: string }).token, SESSION_KEY);
}

/** What the server answers a pull made with this token, from the page's origin. */
async function statusWith(page: Page, token: string): Promise<number> {
  return page.evaluate(async (t) => (await fetch('/api/sync/pull', { headers: { authorization: `Bearer ${t}` } })).status, token);
}

test('Remind made offline is mailed once it syncs, 24 hours after the invitation', async ({ browser }) => {
  test.setTimeout(180_000);
  const server = await IsolatedServer.start({ timeTravel: true });
  try {
    const candidate = newPerson('Rory Reminder');
    const refereeEmail = `busy.${Date.now()}@referees.example`;
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUp(page, candidate, server.origin, { mailDir: server.mailDir });
    await requestReference(page, { name: 'Busy Boss', email: refereeEmail }, 'A gentle nudge');
    await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
    await latestMail(refereeEmail, 'invitation', server.mailDir);
    const item = itemWith(myReferences(page), 'Busy Boss');

    // Too soon: nothing is written, and the app says when a reminder can go out.
    await item.getByRole('button', { name: 'Remind' }).click();
    await expect(item.getByText(/24 hours after the request/)).toBeVisible();
    await expect(syncStatus(page)).toHaveText('Synced');

    // A day and an hour later, on a train: Remind offline.
    const later = 25 * 3_600_000;
    await page.clock.setSystemTime(Date.now() + later);
    server.setClockOffset(later);
    await context.setOffline(true);
    await item.getByRole('button', { name: 'Remind' }).click();
    await expect(item.getByText(/Reminder saved/)).toBeVisible();
    await expect(syncStatus(page)).toHaveText('Offline - 1 unsynced');
    await new Promise((r) => setTimeout(r, 500));
    expect((await readMailbox(server.mailDir)).filter((m) => m.to === refereeEmail && /^Reminder/.test(m.subject))).toHaveLength(0);

    await context.setOffline(false);
    const reminder = await latestMail(refereeEmail, 'reminder', server.mailDir);
    expect(reminder.subject).toBe(`Reminder: ${candidate.name} is waiting for your reference`);
    await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
    await expect(item).toContainText('reminded');
    await context.close();
  } finally {
    await server.stop();
  }
});
