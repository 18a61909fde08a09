import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { waitForServiceWorker } from './helpers';

/**
 * A deploy changes dist/sw.js. The browser fetches worker scripts itself, out
 * of reach of context.route, so this test runs its own server over its own copy
 * of dist/ and edits that copy; the shared server of the other tests is untouched.
 */
let server: ChildProcess | undefined;
let root = '';
let origin = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  root = mkdtempSync(join(tmpdir(), 'aideepref-update-'));
  cpSync('dist', join(root, 'dist'), { recursive: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(root, 'data'), STATIC_DIR: join(root, 'dist'), DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  await expect
    .poll(async () => {
      try {
        return (await fetch(`${origin}/api/health`)).ok;
      } catch {
        return false;
      }
    }, { timeout: 60_000 })
    .toBe(true);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a new service worker waits until the user chooses to reload', async ({ page }) => {
  await page.goto(`${origin}/`);
  await waitForServiceWorker(page);
  await expect(page.getByText('An update is available.')).toHaveCount(0);

  appendFileSync(join(root, 'dist', 'sw.js'), '\n// next deploy\n');
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });

  await expect(page.getByText('An update is available.')).toBeVisible({ timeout: 20_000 });
  // Nothing switches by itself: the old worker still controls the page.
  expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true);

  const reloaded = page.waitForEvent('load');
  await page.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await waitForServiceWorker(page);
  await expect(page.getByText('An update is available.')).toHaveCount(0);
  expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(false);
});
