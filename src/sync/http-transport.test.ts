import { describe, expect, it, vi } from 'vitest';
import { NEXT_PAGE_AFTER_MS, createHttpTransport } from './http-transport';
import { FakeClockTimers } from './testing/fake-timers';

const emptyChanges = { users: { created: [], updated: [], deleted: [] }, references: { created: [], updated: [], deleted: [] } };

function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return handler(String(input), init ?? {});
  }) as typeof fetch;
  return { f, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('http transport', () => {
  it('pulls with the bearer token and reads x-server-time', async () => {
    const { f, calls } = fakeFetch(() => json({ changes: emptyChanges, timestamp: 7, more: true }, 200, { 'x-server-time': '123' }));
    const t = createHttpTransport({ getToken: () => 'tok', fetch: f });
    const page = await t.pull(5);
    expect(page).toEqual({ changes: emptyChanges, timestamp: 7, more: true, serverTime: 123 });
    expect(calls[0]!.url).toBe('/api/sync/pull?since=5');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  /** A page whose headers name cursor 9 and whose body ends when the test says. */
  function slowPage(headers: Record<string, string> = {}) {
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"changes":${JSON.stringify(emptyChanges)},`));
        finish = () => {
          controller.enqueue(new TextEncoder().encode('"timestamp":9,"more":true}'));
          controller.close();
        };
      },
    });
    const { f } = fakeFetch(() => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-sync-next': '9', ...headers } }));
    return { f, finish: () => finish() };
  }

  it('tells the next cursor from the headers once the page has arrived, before it is parsed and checked', async () => {
    const { f, finish } = slowPage();
    const t = createHttpTransport({ getToken: () => 'tok', fetch: f });
    const heard: number[] = [];
    let resolved = false;
    const page = t.pull(0, 5000, (cursor) => heard.push(cursor));
    void page.then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 20));
    // Not while the page still arrives: the server would read the next one meanwhile.
    expect(heard).toEqual([]);
    finish();
    await vi.waitFor(() => expect(heard).toEqual([9]));
    expect((await page).timestamp).toBe(9);
    expect(resolved).toBe(true);
  });

  it('tells the next cursor NEXT_PAGE_AFTER_MS after the headers when the page is still arriving then', async () => {
    const { f, finish } = slowPage();
    const timers = new FakeClockTimers();
    const t = createHttpTransport({ getToken: () => 'tok', fetch: f, timers });
    const heard: number[] = [];
    const page = t.pull(0, 5000, (cursor) => heard.push(cursor));
    await vi.waitFor(() => expect(timers.pending()).toBeGreaterThan(1));
    await timers.advance(NEXT_PAGE_AFTER_MS - 1);
    expect(heard).toEqual([]);
    await timers.advance(1);
    expect(heard).toEqual([9]);
    finish();
    expect((await page).timestamp).toBe(9);
    expect(heard).toEqual([9]);
  });

  it('tells the next cursor at the headers when the server says its database reads elsewhere', async () => {
    const { f, finish } = slowPage({ 'x-sync-next-now': '1' });
    const timers = new FakeClockTimers();
    const heard: number[] = [];
    const page = createHttpTransport({ getToken: () => 'tok', fetch: f, timers }).pull(0, 5000, (cursor) => heard.push(cursor));
    // The page is still arriving and no time has passed.
    await vi.waitFor(() => expect(heard).toEqual([9]));
    finish();
    expect((await page).timestamp).toBe(9);
    expect(heard).toEqual([9]);
  });

  it('tells no next cursor when the server names none or names garbage', async () => {
    for (const headers of [{}, { 'x-sync-next': '' }, { 'x-sync-next': 'abc' }] as Record<string, string>[]) {
      const { f } = fakeFetch(() => json({ changes: emptyChanges, timestamp: 7, more: true }, 200, headers));
      const heard: number[] = [];
      await createHttpTransport({ getToken: () => 'tok', fetch: f }).pull(0, undefined, (cursor) => heard.push(cursor));
      expect(heard).toEqual([]);
    }
  });

  it('pushes JSON and parses conflicts and rejections', async () => {
    const { f, calls } = fakeFetch(() =>
      json({ conflicts: [{ table: 'references', id: 'a', winner: 'server' }], rejected: { references: [{ id: 'b', code: 'forbidden', message: 'no' }] } }),
    );
    const t = createHttpTransport({ getToken: () => 'tok', fetch: f });
    const result = await t.push({ references: { created: [], updated: [], deleted: ['x'] } }, 3);
    expect(result.conflicts).toHaveLength(1);
    expect(result.rejected.references).toEqual([{ id: 'b', code: 'forbidden', message: 'no' }]);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({
      changes: { references: { created: [], updated: [], deleted: ['x'] } },
      lastPulledAt: 3,
    });
  });

  it('maps failures to SyncError codes', async () => {
    const unauthorized = createHttpTransport({
      getToken: () => 'bad',
      fetch: fakeFetch(() => json({ error: { code: 'unauthorized', message: 'bad token' } }, 401)).f,
    });
    await expect(unauthorized.pull(0)).rejects.toMatchObject({ name: 'SyncError', code: 'unauthorized', status: 401 });

    const down = createHttpTransport({
      getToken: () => 't',
      fetch: fakeFetch(() => {
        throw new TypeError('Failed to fetch');
      }).f,
    });
    await expect(down.pull(0)).rejects.toMatchObject({ code: 'network' });

    const broken = createHttpTransport({ getToken: () => 't', fetch: fakeFetch(() => json({ nope: 1 })).f });
    await expect(broken.pull(0)).rejects.toMatchObject({ code: 'protocol' });

    const crash = createHttpTransport({ getToken: () => 't', fetch: fakeFetch(() => json({ error: { code: 'internal', message: 'x' } }, 500)).f });
    await expect(crash.push({}, null)).rejects.toMatchObject({ code: 'server', status: 500, message: 'internal: x' });
  });

  const reference = (id: string) => ({
    id,
    user_id: 'u1',
    referee_name: 'Ref',
    referee_email: 'ref@example.org',
    message: 'm',
    status: 'pending',
    response: null,
    responded_at: null,
    reminded_at: null,
    server_id: id,
    sync_status: 'synced',
    last_synced_at: null,
    created_at: 1,
    updated_at: 2,
    is_deleted: false,
  });

  /** A page in the server's layout (a record per line), its body written as `pieces` and closed when the test says. */
  function linePage(records: unknown[]) {
    const lines = [
      '{"changes":{"users":{"created":[',
      '],"updated":[',
      '],"deleted":[',
      ']},"references":{"created":[',
      records.map((r) => JSON.stringify(r)).join(',\n'),
      '],"updated":[',
      '],"deleted":[',
      '"gone"',
      ']}},"timestamp":9}',
    ];
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(lines.slice(0, 6).join('\n')));
        finish = () => {
          controller.enqueue(new TextEncoder().encode(`\n${lines.slice(6).join('\n')}`));
          controller.close();
        };
      },
    });
    const { f } = fakeFetch(() => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
    return { f, finish: () => finish() };
  }

  it('checks each record of a page as it arrives: the result is what checking the whole page gives', async () => {
    const stray = { ...reference('r1'), password_hash: 'x' };
    const lines = linePage([stray, reference('r2')]);
    const byLine = createHttpTransport({ getToken: () => 't', fetch: lines.f }).pull(0);
    lines.finish();
    const whole = { ...emptyChanges, references: { created: [stray, reference('r2')], updated: [], deleted: ['gone'] } };
    const asOne = await createHttpTransport({ getToken: () => 't', fetch: fakeFetch(() => json({ changes: whole, timestamp: 9 })).f }).pull(0);
    const page = await byLine;
    expect(page).toEqual(asOne);
    // The record's stray column is not kept, as checking the whole page does not keep it.
    expect(page.changes.references!.created[0]).toEqual(reference('r1'));
  });

  it('refuses a page at its first bad record, naming it, while the rest is still on its way', async () => {
    const lines = linePage([reference('r1'), { ...reference('r2'), status: 'hacked' }]);
    const pulled = createHttpTransport({ getToken: () => 't', fetch: lines.f }).pull(0);
    // The body never finishes: only a check as the records arrive can refuse it.
    await expect(pulled).rejects.toMatchObject({ code: 'protocol', message: expect.stringContaining('changes.references.created') });
  });
});
