import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Route } from '@playwright/test';
import { SignJWT } from 'jose';
import { IsolatedServer } from './isolated-server';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, requestsForMe, signUp, syncStatus, waitForServiceWorker } from './helpers';
import type { Person } from './helpers';
import { everythingStoredLocally } from './stored-locally';

const SESSION_KEY = 'aideepref.session';

/** The referee's own screen: what the server really holds for them, through the real app. */
async function refereeSees(browser: Browser, referee: Person, at = '/') {
  const { context, page } = await onNewDevice(browser, referee, { how: 'signIn', at });
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  return { list: requestsForMe(page).getByRole('listitem'), close: () => context.close() };
}

async function signedUpReferee(browser: Browser, server?: IsolatedServer): Promise<Person> {
  const referee = newPerson('Rhea Referee');
  await (await onNewDevice(browser, referee, server ? { at: server.origin, mailDir: server.mailDir } : {})).context.close();
  return referee;
}

test('a tab closed in the middle of a sync loses nothing; the next visit sends it', async ({ browser }) => {
  const referee = await signedUpReferee(browser);
  const candidate = newPerson('Tess Tabclose');
  const context = await browser.newContext();
  let page = await context.newPage();
  await signUp(page, candidate);
  await expect(syncStatus(page)).toHaveText('Synced');
  await waitForServiceWorker(page);

  // The push leaves but gets no answer before the tab goes away.
  const held: Route[] = [];
  let pushSeen!: () => void;
  const pushing = new Promise<void>((resolve) => (pushSeen = resolve));
  await context.route('**/api/sync/push', (route) => {
    held.push(route);
    pushSeen();
  });
  await requestReference(page, { name: referee.name, email: referee.email }, 'Sent as the tab closed');
  await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
  await pushing;
  await page.close();
  await context.unroute('**/api/sync/push');
  for (const route of held) await route.abort('connectionreset').catch(() => {});

  page = await context.newPage();
  await page.goto('/');
  await expect(itemWith(myReferences(page), referee.name)).toContainText('Sent as the tab closed');
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  const seen = await refereeSees(browser, referee);
  await expect(seen.list).toHaveCount(1);
  await expect(seen.list).toContainText('Sent as the tab closed');
  await seen.close();
  await context.close();
});

test('the network drops after the server committed a push: the retry duplicates nothing', async ({ browser }) => {
  const referee = await signedUpReferee(browser);
  const candidate = newPerson('Nico Netdrop');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, candidate);
  await expect(syncStatus(page)).toHaveText('Synced');

  // The first push reaches the server and commits; its answer never comes back.
  let dropped = 0;
  await context.route('**/api/sync/push', async (route) => {
    if (dropped > 0) return route.continue();
    dropped += 1;
    const response = await route.fetch();
    expect(response.status()).toBe(200);
    await route.abort('internetdisconnected');
  });
  await requestReference(page, { name: referee.name, email: referee.email }, 'Pushed once, answered never');
  await expect.poll(() => dropped).toBe(1);
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(1);

  const seen = await refereeSees(browser, referee);
  await expect(seen.list).toHaveCount(1);
  await seen.close();
  await context.close();
});

test('the server goes down while the app is open: the indicator says so and the app recovers by itself', async ({ browser }) => {
  test.setTimeout(180_000);
  const server = await IsolatedServer.start();
  try {
    const referee = await signedUpReferee(browser, server);
    const candidate = newPerson('Sam Serverdown');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUp(page, candidate, server.origin, { mailDir: server.mailDir });
    await expect(syncStatus(page)).toHaveText('Synced');

    await server.kill();
    await requestReference(page, { name: referee.name, email: referee.email }, 'Written while the server was down');
    await expect(itemWith(myReferences(page), referee.name)).toContainText('pending');
    // The browser is online; only the reachability check can tell.
    await expect(syncStatus(page)).toHaveText('Offline - 1 unsynced', { timeout: 30_000 });

    await server.restart();
    // No click, no reload: the app notices and sends what waited.
    await expect(syncStatus(page)).toHaveText('Synced', { timeout: 90_000 });
    const seen = await refereeSees(browser, referee, server.origin);
    await expect(seen.list).toHaveCount(1);
    await expect(seen.list).toContainText('Written while the server was down');
    await seen.close();
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a token that expired while offline: sign in again, and nothing written is lost', async ({ browser }) => {
  const referee = await signedUpReferee(browser);
  const candidate = newPerson('Eve Expiry');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, candidate);
  await expect(syncStatus(page)).toHaveText('Synced');
  await waitForServiceWorker(page);

  await context.setOffline(true);
  await requestReference(page, { name: referee.name, email: referee.email }, 'Written offline, first');
  await requestReference(page, { name: 'Second Referee', email: referee.email }, 'Written offline, second');
  await expect(syncStatus(page)).toHaveText('Offline - 2 unsynced');
  // The reload below is about the token, not a reload inside the save's few milliseconds.
  await expect.poll(() => everythingStoredLocally(page), { timeout: 15_000 }).toContain('Written offline, second');

  // Time passes offline until the token is past its expiry: the server's own secret signs one that is.
  const secret = readFileSync(join(process.env.E2E_DATA_DIR ?? '', 'jwt-secret'), 'utf8').trim();
  const userId = await page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? 'null') as { user: { id: string } }).user.id, SESSION_KEY);
  const past = Math.floor(Date.now() / 1000) - 3_600;
  const expired = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer('aideepref')
    .setIssuedAt(past - 60)
    .setExpirationTime(past)
    .sign(new TextEncoder().encode(secret));
  await page.evaluate(
    ([key, token]) => {
      const session = JSON.parse(localStorage.getItem(key!) ?? 'null') as { token: string };
      localStorage.setItem(key!, JSON.stringify({ ...session, token }));
    },
    [SESSION_KEY, expired],
  );
  await page.reload();
  await expect(syncStatus(page)).toHaveText('Offline - 2 unsynced');

  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: 'Sign in again to keep syncing' })).toBeVisible({ timeout: 30_000 });
  await expect(myReferences(page).getByRole('listitem')).toHaveCount(2);
  await page.getByLabel('Password').fill(candidate.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });

  const seen = await refereeSees(browser, referee);
  await expect(seen.list).toHaveCount(2);
  await seen.close();
  await context.close();
});

test('storage quota exceeded: a clear message, and the write still reaches the server', async ({ browser, baseURL }) => {
  const referee = await signedUpReferee(browser);
  const candidate = newPerson('Quinn Quota');
  const context = await browser.newContext();
  const page = await context.newPage();
  // Chromium's own quota for the origin, shrunk to nothing before the app stores anything
  // (it is read when storage is first opened): every IndexedDB write now fails.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL ?? '').origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await signUp(page, candidate);
  await expect(syncStatus(page)).toHaveText('Synced');

  await requestReference(page, { name: referee.name, email: referee.email }, 'Written with a full disk');
  await expect(itemWith(myReferences(page), referee.name)).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'out of storage space' })).toBeVisible({ timeout: 15_000 });
  // Not failed in silence and not left behind: it is on the server.
  await expect(syncStatus(page)).toHaveText('Synced', { timeout: 30_000 });
  const seen = await refereeSees(browser, referee);
  await expect(seen.list).toHaveCount(1);
  await expect(seen.list).toContainText('Written with a full disk');
  await seen.close();
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await context.close();
});
