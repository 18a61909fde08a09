import { join } from 'node:path';
import { expect } from '@playwright/test';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { codeIn, waitForMail, type ReceivedMail } from '../tools/test-support/mailbox';

export interface Person {
  name: string;
  email: string;
  password: string;
}

let counter = 0;

/** A user no other test (or earlier run against the same server) has used. */
export function newPerson(name: string): Person {
  counter += 1;
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}${counter}`;
  return { name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${tag}@example.com`, password: 'correct horse battery' };
}

/** Where the shared test server writes its mail (.eml files): playwright.config.ts gives it its DATA_DIR. */
export function sharedMailDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it)');
  return join(dir, 'mail');
}

/** The newest message of a kind to someone, as the server wrote it. */
export async function latestMail(to: string, kind: 'verification' | 'invitation' | 'reminder', mailDir = sharedMailDir(), count = 1): Promise<ReceivedMail> {
  return (await waitForMail(mailDir, { to, kind, count }, 30_000)).at(-1)!;
}

/** Enters the code the server mailed, as the person would, and waits for the notice to go. */
export async function verifyInApp(page: Page, person: Person, mailDir = sharedMailDir()): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Verify your email' })).toBeVisible();
  const code = codeIn((await latestMail(person.email, 'verification', mailDir)).text);
  await page.getByRole('textbox', { name: 'Verification code' }).fill(code);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Verify your email' })).toBeHidden();
}

export interface SignUpOptions {
  /** Enter the mailed code right away (default), as a person who wants their requests does. */
  verify?: boolean;
  /** The mail folder of the server at `at` (default: the shared server's). */
  mailDir?: string;
}

/** `at`: the app's address; another server's origin for tests that run their own. */
export async function signUp(page: Page, person: Person, at = '/', options: SignUpOptions = {}): Promise<void> {
  await page.goto(at);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(person.name);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
  if (options.verify !== false) await verifyInApp(page, person, options.mailDir);
}

/** A device of its own (a fresh browser context) on which `person` signs up, or signs in with `how: signIn`. */
export async function onNewDevice(
  browser: Browser,
  person: Person,
  options: { how?: 'signUp' | 'signIn'; at?: string; mailDir?: string; verify?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (options.how === 'signIn') await signIn(page, person, options.at);
  else await signUp(page, person, options.at, { ...(options.mailDir ? { mailDir: options.mailDir } : {}), ...(options.verify === false ? { verify: false } : {}) });
  return { context, page };
}

export async function signIn(page: Page, person: Pick<Person, 'email' | 'password'>, at = '/'): Promise<void> {
  await page.goto(at);
  const switchToSignIn = page.getByRole('button', { name: 'Sign in', exact: true });
  // The sign-up form shows first on a fresh device; its switch button is named `Sign in` too.
  if (await page.getByRole('button', { name: 'Sign up' }).isVisible()) await switchToSignIn.click();
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
}

/** Resolves once the service worker controls the page, so the shell is precached and a reload offline works. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { message: 'service worker controls the page', timeout: 20_000 })
    .toBe(true);
  // The precache is filled during install, before activation: controlling means it is complete.
}

export async function requestReference(page: Page, referee: { name: string; email: string }, message = 'Could you write me a reference?'): Promise<void> {
  await page.getByRole('textbox', { name: 'Referee name' }).fill(referee.name);
  await page.getByRole('textbox', { name: 'Referee email' }).fill(referee.email);
  await page.getByRole('textbox', { name: 'Message' }).fill(message);
  await page.getByRole('button', { name: 'Request reference' }).click();
}

export function myReferences(page: Page): Locator {
  return page.getByRole('list', { name: 'My references' });
}

export function requestsForMe(page: Page): Locator {
  return page.getByRole('list', { name: 'Requests for me' });
}

export function itemWith(list: Locator, text: string): Locator {
  return list.getByRole('listitem').filter({ hasText: text });
}

export function syncStatus(page: Page): Locator {
  return page.getByRole('status');
}
