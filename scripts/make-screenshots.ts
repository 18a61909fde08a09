/**
 * The manifest's screenshots (Chrome's richer install dialog): the real app,
 * signed in with a few example requests, at a desktop and a phone size.
 * Run against a server on the built app, then commit the PNGs:
 *
 *   npm run build && PORT=3000 npm run serve &
 *   npx tsx scripts/make-screenshots.ts http://127.0.0.1:3000
 */
import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const tag = Date.now().toString(36);
const password = 'correct horse battery';

async function signUp(page: Page, name: string, email: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const referees = [
    ['Grace Hopper', `grace.${tag}@example.com`, 'You led the compiler team I joined in 2019.'],
    ['Alan Turing', `alan.${tag}@example.com`, 'Could you speak to my work on the codebreaking tools?'],
    ['Barbara Liskov', `barbara.${tag}@example.com`, 'Thank you for mentoring me on the data abstraction project.'],
  ] as const;
  const grace = await (await browser.newContext()).newPage();
  await signUp(grace, 'Grace Hopper', referees[0][1]);

  const wide = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await wide.newPage();
  await signUp(page, 'Ada Lovelace', `ada.${tag}@example.com`);
  for (const [name, email, message] of referees) {
    await page.getByRole('textbox', { name: 'Referee name' }).fill(name);
    await page.getByRole('textbox', { name: 'Referee email' }).fill(email);
    await page.getByRole('textbox', { name: 'Message' }).fill(message);
    await page.getByRole('button', { name: 'Request reference' }).click();
    await page.getByRole('listitem').filter({ hasText: name }).waitFor();
  }
  await page.getByRole('textbox', { name: 'Referee name' }).fill('Grace Hopper');
  await page.getByRole('textbox', { name: 'Referee email' }).fill(referees[0][1]);
  await page.getByRole('textbox', { name: 'Message' }).fill('Could you also speak to the work on the difference engine?');
  await page.getByRole('button', { name: 'Request reference' }).click();
  const request = grace.getByRole('list', { name: 'Requests for me' }).getByRole('listitem').filter({ hasText: 'compiler team' });
  await request.getByRole('button', { name: 'Respond' }).click();
  await request.getByRole('textbox', { name: 'Reference' }).fill('Ada is the most rigorous engineer I have worked with. Her notes on the analytical engine are still our reference.');
  await request.getByRole('button', { name: 'Submit reference' }).click();
  await page.getByText('1 of 4 completed').waitFor();
  await page.getByRole('status').filter({ hasText: 'Synced' }).waitFor();
  await page.locator(':focus').evaluate((element) => (element as HTMLElement).blur());
  await page.screenshot({ path: 'public/screenshots/wide.png' });

  const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true });
  const phone = await narrow.newPage();
  await phone.goto(`${base}/`);
  await phone.getByRole('button', { name: 'Sign in', exact: true }).click();
  await phone.getByRole('textbox', { name: 'Email', exact: true }).fill(referees[0][1]);
  await phone.getByLabel('Password').fill(password);
  await phone.getByRole('button', { name: 'Sign in', exact: true }).click();
  await phone.getByRole('heading', { level: 1, name: 'Requests for me' }).waitFor();
  await phone.getByRole('status').filter({ hasText: 'Synced' }).waitFor();
  await phone.screenshot({ path: 'public/screenshots/narrow.png' });
  await browser.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
