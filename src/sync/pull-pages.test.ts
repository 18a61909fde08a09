import { describe, expect, it } from 'vitest';
import { pullAllPages } from './pull-pages';
import type { PullResponse, Transport } from './ports';

function transportOf(pages: Record<number, PullResponse>): Transport & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    pull: async (since) => {
      calls.push(since);
      const page = pages[since];
      if (!page) throw new Error(`no page at ${since}`);
      return page;
    },
    push: async () => ({ conflicts: [], rejected: {} }),
  };
}

const row = (id: string, name: string) => ({ id, name });

describe('pullAllPages', () => {
  it('follows `more` and lets a later page win for the same id', async () => {
    const t = transportOf({
      0: { changes: { users: { created: [row('a', '1')], updated: [row('b', '1')], deleted: [] } }, timestamp: 10, more: true },
      10: { changes: { users: { created: [], updated: [row('a', '2')], deleted: ['b'] } }, timestamp: 20, more: true },
      20: { changes: { users: { created: [], updated: [row('c', '1')], deleted: [] } }, timestamp: 25, serverTime: 99 },
    });
    const result = await pullAllPages(t, 0);
    expect(t.calls).toEqual([0, 10, 20]);
    expect(result).toEqual({
      changes: { users: { created: [], updated: [row('a', '2'), row('c', '1')], deleted: ['b'] } },
      timestamp: 25,
      received: 5,
      serverTime: 99,
    });
  });

  it('follows opaque cursors that are not in ascending order (the server scrambles them)', async () => {
    const t = transportOf({
      0: { changes: { users: { created: [row('a', '1')], updated: [], deleted: [] } }, timestamp: 9_000_000_000_000_005, more: true },
      9_000_000_000_000_005: { changes: { users: { created: [row('b', '1')], updated: [], deleted: [] } }, timestamp: 4_500_000_000_000_001 },
    });
    const result = await pullAllPages(t, 0);
    expect(t.calls).toEqual([0, 9_000_000_000_000_005]);
    expect(result.timestamp).toBe(4_500_000_000_000_001);
    expect(result.received).toBe(2);
  });

  it('refuses a server that says more without moving its cursor', async () => {
    const t = transportOf({ 5: { changes: {}, timestamp: 5, more: true } });
    await expect(pullAllPages(t, 5)).rejects.toMatchObject({ name: 'SyncError', code: 'protocol' });
  });
});

describe('chunkChanges', () => {
  it('splits a push into parts of at most n entries, keeping every entry once', async () => {
    const { chunkChanges } = await import('./watermelon/sync-service');
    const parts = chunkChanges(
      {
        users: { created: [], updated: [{ id: 'u' }], deleted: [] },
        references: { created: [{ id: 'a' }, { id: 'b' }], updated: [{ id: 'c' }], deleted: ['d'] },
      },
      2,
    );
    expect(parts).toEqual([
      { users: { created: [], updated: [{ id: 'u' }], deleted: [] }, references: { created: [{ id: 'a' }], updated: [], deleted: [] } },
      { references: { created: [{ id: 'b' }], updated: [{ id: 'c' }], deleted: [] } },
      { references: { created: [], updated: [], deleted: ['d'] } },
    ]);
  });

  it('splits by bytes too: every part stays under the budget however few entries it holds', async () => {
    const { chunkChanges, utf8Length } = await import('./watermelon/sync-service');
    // 2-, 3- and 4-byte characters: the budget counts UTF-8, not string length.
    const big = (i: number) => ({ id: `r${i}`, response: 'é€😀'.repeat(2_000) });
    const rows = Array.from({ length: 30 }, (_, i) => big(i));
    const parts = chunkChanges({ references: { created: [], updated: rows, deleted: [] } }, 1_000, 100_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(utf8Length(JSON.stringify(part))).toBeLessThanOrEqual(100_000);
    expect(parts.flatMap((p) => p.references!.updated.map((r) => r.id))).toEqual(rows.map((r) => r.id));
    expect(utf8Length('é€😀')).toBe(new TextEncoder().encode('é€😀').length);
  });

  it('an entry larger than the budget goes alone, never dropped', async () => {
    const { chunkChanges } = await import('./watermelon/sync-service');
    const parts = chunkChanges({ references: { created: [{ id: 'a', message: 'x'.repeat(500) }, { id: 'b' }], updated: [], deleted: [] } }, 10, 100);
    expect(parts.map((p) => p.references!.created.map((r) => r.id))).toEqual([['a'], ['b']]);
  });
});
