import { expect, test } from '@playwright/test';
import { newPerson, signUp, waitForServiceWorker } from './helpers';

interface Manifest {
  id?: string;
  name?: string;
  short_name?: string;
  start_url?: string;
  display?: string;
  theme_color?: string;
  icons?: Array<{ src: string; sizes: string; type?: string; purpose?: string }>;
}

test('Chromium finds the app installable', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  const cdp = await page.context().newCDPSession(page);
  await expect
    .poll(async () => {
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
      // A test context is always incognito-like; any other id is a real problem.
      return installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito');
    })
    .toEqual([]);
});

test('the manifest names the app and links real icons, a maskable one included', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifest = (await (await request.get(new URL(href ?? '', page.url()).toString())).json()) as Manifest;
  expect(manifest).toMatchObject({ id: '/', name: expect.any(String), short_name: expect.any(String), start_url: '/', display: 'standalone', theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i) });

  const icons = manifest.icons ?? [];
  expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(icons.some((icon) => icon.purpose?.split(' ').includes('maskable'))).toBe(true);
  for (const icon of icons) {
    const response = await request.get(new URL(icon.src, page.url()).toString());
    expect(response.headers()['content-type']).toContain('image/png');
    const png = await response.body();
    // IHDR: width and height at bytes 16 and 20.
    const size = `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;
    expect(size, icon.src).toBe(icon.sizes);
  }
});

interface RichManifest {
  screenshots?: Array<{ src: string; sizes: string; type?: string; form_factor?: string; label?: string }>;
  shortcuts?: Array<{ name: string; url: string }>;
}

test('the manifest has wide and narrow screenshots of the app and shortcuts to its two views', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = (await (await request.get(new URL(href ?? '', page.url()).toString())).json()) as RichManifest;
  const screenshots = manifest.screenshots ?? [];
  expect(screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide']);
  for (const screenshot of screenshots) {
    expect(screenshot.label).toBeTruthy();
    const response = await request.get(new URL(screenshot.src, page.url()).toString());
    expect(response.headers()['content-type']).toContain('image/png');
    const png = await response.body();
    expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, screenshot.src).toBe(screenshot.sizes);
  }
  const [wide, narrow] = ['wide', 'narrow'].map((f) => screenshots.find((s) => s.form_factor === f)?.sizes.split('x').map(Number) ?? [0, 0]);
  expect(wide![0]!).toBeGreaterThan(wide![1]!);
  expect(narrow![0]!).toBeLessThan(narrow![1]!);

  expect(manifest.shortcuts?.map((s) => s.name)).toEqual(['Request a reference', 'Requests for me']);
  // Each shortcut opens its view, even as the first page of a visit.
  await signUp(page, newPerson('Sho Shortcut'));
  for (const shortcut of manifest.shortcuts ?? []) {
    await page.goto(shortcut.url);
    if (shortcut.name === 'Request a reference') await expect(page.getByRole('textbox', { name: 'Referee name' })).toBeFocused();
    else await expect(page.getByRole('heading', { level: 1, name: 'Requests for me' })).toBeVisible();
  }
});
