import { expect, test } from '@playwright/test';
import type { Browser, BrowserContext, Page, Request } from '@playwright/test';
import { itemWith, myReferences, newPerson, onNewDevice, requestReference, signIn, syncStatus } from './helpers';

/** Far below the periodic sync, with no reload or reconnect to trigger a pull: only the live channel is this fast. */
const LIVE = { timeout: 5_000 };

const polling = (request: Request) => /\/socket\.io\/.*transport=polling/.test(request.url());
const websocket = (url: string) => /\/socket\.io\/.*transport=websocket/.test(url);

/** A second device of the same person, signed in; `blockWebSockets`: as behind a proxy that refuses them. */
async function secondDevice(browser: Browser, person: Parameters<typeof signIn>[1], blockWebSockets: boolean): Promise<{ context: BrowserContext; page: Page; polled: string[]; sockets: string[] }> {
  const context = await browser.newContext();
  if (blockWebSockets) {
    // Every WebSocket fails before it opens, as one a proxy refuses does.
    await context.addInitScript(() => {
      class Refused extends EventTarget {
        static readonly CONNECTING = 0;
        static readonly OPEN = 1;
        static readonly CLOSING = 2;
        static readonly CLOSED = 3;
        readyState = 0;
        binaryType = 'blob';
        onopen: ((e: Event) => void) | null = null;
        onerror: ((e: Event) => void) | null = null;
        onclose: ((e: CloseEvent) => void) | null = null;
        onmessage: ((e: MessageEvent) => void) | null = null;
        constructor(readonly url: string) {
          super();
          setTimeout(() => {
            this.readyState = 3;
            const error = new Event('error');
            this.onerror?.(error);
            this.dispatchEvent(error);
            const close = new CloseEvent('close', { code: 1006, wasClean: false });
            this.onclose?.(close);
            this.dispatchEvent(close);
          }, 20);
        }
        send(): void {}
        close(): void {}
      }
      (window as unknown as { WebSocket: unknown }).WebSocket = Refused;
    });
  }
  const page = await context.newPage();
  const polled: string[] = [];
  const sockets: string[] = [];
  page.on('request', (request) => void (polling(request) && polled.push(request.url())));
  page.on('websocket', (ws) => void (websocket(ws.url()) && sockets.push(ws.url())));
  await signIn(page, person);
  return { context, page, polled, sockets };
}

test('the live channel opens as a WebSocket straight away: no polling requests beside the first sync', async ({ browser }) => {
  const person = newPerson('Wes Socket');
  const { context: first, page: firstPage } = await onNewDevice(browser, person);
  await expect(syncStatus(firstPage)).toHaveText('Synced');
  const second = await secondDevice(browser, person, false);
  await expect(syncStatus(second.page)).toHaveText('Synced');

  await requestReference(firstPage, { name: 'Live Boss', email: 'live.boss@example.org' });
  await expect(itemWith(myReferences(second.page), 'Live Boss')).toBeVisible(LIVE);
  expect(second.sockets.length).toBeGreaterThan(0);
  expect(second.polled).toEqual([]);

  await first.close();
  await second.context.close();
});

test('where WebSockets are refused, the live channel falls back to polling and still brings changes live', async ({ browser }) => {
  const person = newPerson('Polly Proxy');
  const { context: first, page: firstPage } = await onNewDevice(browser, person);
  await expect(syncStatus(firstPage)).toHaveText('Synced');
  const second = await secondDevice(browser, person, true);
  await expect(syncStatus(second.page)).toHaveText('Synced');
  await expect.poll(() => second.polled.length).toBeGreaterThan(0);

  await requestReference(firstPage, { name: 'Polled Boss', email: 'polled.boss@example.org' });
  await expect(itemWith(myReferences(second.page), 'Polled Boss')).toBeVisible(LIVE);
  expect(second.sockets).toEqual([]);

  await first.close();
  await second.context.close();
});
