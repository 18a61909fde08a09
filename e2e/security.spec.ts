import { expect, test } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, signUp, syncStatus, waitForServiceWorker } from './helpers';

/**
 * The server's Content-Security-Policy allows scripts from 'self' only; the
 * built app must work entirely under it. Chromium reports every violation as
 * a `securitypolicyviolation` event, collected from the first script on.
 */
test('the built app runs under its Content-Security-Policy without a single violation', async ({ page, request }) => {
  const index = await request.get('/');
  const csp = index.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  const html = await index.text();
  // Every script of the page comes from a file.
  expect(html.match(/<script\b[^>]*>/g)?.every((tag) => /\bsrc=/.test(tag))).toBe(true);

  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = []);
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await signUp(page, newPerson('Csp Checked'));
  await waitForServiceWorker(page);
  await requestReference(page, { name: 'Strict Referee', email: 'strict@example.com' });
  await expect(itemWith(myReferences(page), 'Strict Referee')).toBeVisible();
  await expect(syncStatus(page)).toHaveText('Synced');
  await page.reload();
  await expect(itemWith(myReferences(page), 'Strict Referee')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
});
