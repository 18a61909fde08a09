/** Chromium as the e2e suite drives it, and the small in-page probes the client figures use. */
import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { tempDir } from './common';

export const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export async function launch(): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(tempDir('profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  // tsx (esbuild keepNames) wraps named functions in `__name(...)`; functions sent to the page need it.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await context.addInitScript(listTotalProbe);
  return context;
}

export const LIST = 'ul[aria-labelledby="my-references-heading"]';

/**
 * Installs `window.__listTotal(selector)`: how many items the list holds, not
 * only the rows in the DOM. The app renders a long list a page at a time; the
 * rest is announced by its "Show N more of M" button.
 */
export function listTotalProbe(): void {
  (window as unknown as { __listTotal: (selector: string) => number }).__listTotal = (selector: string) => {
    const list = document.querySelector(selector);
    if (!list) return 0;
    const more = list.parentElement?.querySelector('.show-more')?.textContent ?? '';
    const hidden = /of (\d+)/.exec(more);
    return list.childElementCount + (hidden ? Number(hidden[1]) : 0);
  };
}

/** Records `window.__firstRow`: ms since navigation start when the first row of the list is painted. */
export function firstRowProbe(listSelector: string): void {
  const w = window as unknown as { __firstRow?: number };
  const watch = () => {
    const observer = new MutationObserver(() => {
      const list = document.querySelector(listSelector);
      if (!list?.firstElementChild) return;
      observer.disconnect();
      // After the next frame is produced: rAF runs before paint, the posted task after it.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => (w.__firstRow = performance.now());
        channel.port2.postMessage(0);
      });
    });
    observer.observe(document, { childList: true, subtree: true });
  };
  watch();
}

export async function signInForm(page: Page, email: string, password: string): Promise<void> {
  if (await page.getByRole('button', { name: 'Sign up' }).isVisible()) await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
}

export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

/** A static file server for the floor pages (their own origin) and the floor's data files. */
export async function staticServer(dir: string, files: Map<string, string>): Promise<{ url: string; close: () => void; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const data = files.get(path);
    if (data !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(data);
      return;
    }
    const file = join(dir, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close(), server };
}
