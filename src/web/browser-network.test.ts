import { describe, expect, it } from 'vitest';
import { healthProbe } from './browser-network';

describe('health probe', () => {
  it('is true only for a 2xx from /api/health, false on errors and on timeout', async () => {
    const urls: string[] = [];
    const ok = healthProbe('http://x', 1_000, (async (url: RequestInfo | URL) => {
      urls.push(String(url));
      return new Response('{"ok":true}', { status: 200 });
    }) as typeof fetch);
    expect(await ok()).toBe(true);
    expect(urls).toEqual(['http://x/api/health']);

    const down = healthProbe('', 1_000, (async () => new Response('', { status: 503 })) as typeof fetch);
    expect(await down()).toBe(false);

    const refused = healthProbe('', 1_000, (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch);
    expect(await refused()).toBe(false);

    const hanging = healthProbe('', 50, ((_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch);
    expect(await hanging()).toBe(false);
  });
});
