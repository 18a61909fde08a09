import { describe, expect, it } from 'vitest';
import { createPagesAhead, type FetchPage } from './pages-ahead';
import type { PullResponse } from './ports';

/** A server whose pages answer only when the test says: headers (the next cursor) first, then the body. */
function slowServer() {
  const asked: number[] = [];
  const pending = new Map<number, { onNext: (cursor: number) => void; resolve: (page: PullResponse) => void }>();
  const fetchPage: FetchPage = (since, onNext) => {
    asked.push(since);
    return new Promise((resolve) => pending.set(since, { onNext, resolve }));
  };
  const page = (timestamp: number, more: boolean): PullResponse => ({ changes: {}, timestamp, ...(more ? { more: true } : {}) });
  return {
    fetchPage,
    asked,
    headers(since: number, next: number) {
      pending.get(since)!.onNext(next);
    },
    body(since: number, timestamp: number, more = true) {
      pending.get(since)!.resolve(page(timestamp, more));
    },
  };
}

describe('pages ahead', () => {
  it('asks for the next page as soon as the headers name its cursor, before the body arrives', async () => {
    const server = slowServer();
    const pages = createPagesAhead(server.fetchPage);
    const first = pages.take(0);
    expect(server.asked).toEqual([0]);
    server.headers(0, 10);
    expect(server.asked).toEqual([0, 10]);
    server.body(0, 10);
    await first;
    const second = pages.take(10);
    expect(server.asked).toEqual([0, 10]); // taken from ahead, not asked again
    server.body(10, 20, false);
    expect((await second).timestamp).toBe(20);
  });

  it('keeps at most one page ahead of the one taken, however early the server answers', async () => {
    const server = slowServer();
    const pages = createPagesAhead(server.fetchPage);
    void pages.take(0);
    server.headers(0, 10);
    // Page 10 answers its headers while page 0 is still being written: page 20 waits for page 10's turn.
    server.headers(10, 20);
    expect(server.asked).toEqual([0, 10]);
    void pages.take(10);
    expect(server.asked).toEqual([0, 10, 20]);
  });

  it('falls back to the body cursor when the server names none, and asks once', async () => {
    const server = slowServer();
    const pages = createPagesAhead(server.fetchPage);
    void pages.take(0);
    server.body(0, 10);
    pages.ahead(10);
    pages.ahead(10);
    expect(server.asked).toEqual([0, 10]);
  });

  it('asks again when the cursor taken is not the one asked ahead, and forgets everything on reset', async () => {
    const server = slowServer();
    const pages = createPagesAhead(server.fetchPage);
    void pages.take(0);
    server.headers(0, 10);
    void pages.take(11); // the body said 11: the page asked for 10 is dropped
    expect(server.asked).toEqual([0, 10, 11]);
    pages.reset();
    server.headers(11, 30); // from before the reset: asks for nothing
    void pages.take(5);
    expect(server.asked).toEqual([0, 10, 11, 5]);
  });

  it('a page asked ahead that fails reports to whoever takes it, and only then', async () => {
    let calls = 0;
    const pages = createPagesAhead((since, onNext) => {
      calls += 1;
      if (since === 0) {
        onNext(10);
        return Promise.resolve({ changes: {}, timestamp: 10, more: true });
      }
      return Promise.reject(new Error('offline'));
    });
    await pages.take(0);
    expect(calls).toBe(2);
    await expect(pages.take(10)).rejects.toThrow('offline');
  });
});
