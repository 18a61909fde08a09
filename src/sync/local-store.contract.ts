/**
 * The LocalStore contract, run against every implementation (fake-store in
 * src/sync/local-store.test.ts, WatermelonDB in src/web/local-store.watermelon.test.ts)
 * so the fake cannot drift from the real store.
 */
import { describe, expect, it } from 'vitest';
import type { LocalStore, OutboxCounts } from './local-store';
import { META_FULL_PULL_NEEDED } from './local-store';

export interface StoreHarness {
  store: LocalStore;
  /** Plays synchronize(): the server accepted every pushed change and they were marked synced. */
  acknowledge(): Promise<void>;
}

const ref = (name: string) => ({
  user_id: 'u1',
  referee_name: name,
  referee_email: `${name.toLowerCase()}@example.com`,
  message: '',
  status: 'pending',
  response: null,
  responded_at: null,
});

/** Observers may be notified asynchronously: let queued work run (no timers in src/sync). */
async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

export function storeContract(name: string, make: () => Promise<StoreHarness> | StoreHarness) {
  describe(`LocalStore contract: ${name}`, () => {
    it('applies a create with its outbox entry, stamped with the given time', async () => {
      const { store } = await make();
      const id = await store.apply({ table: 'references', operation: 'create', at: 5_000, values: ref('Ada') });
      expect(await store.read('references', id)).toMatchObject({
        id,
        referee_name: 'Ada',
        created_at: 5_000,
        updated_at: 5_000,
        sync_status: 'pending',
        is_deleted: false,
      });
      expect(await store.outbox()).toEqual([
        { table: 'references', recordId: id, operation: 'create', status: 'pending', retryCount: 0, error: null },
      ]);
      expect(await store.newestUpdatedAt()).toBe(5_000);
    });

    it('keeps one entry per record; create stays create, delete wins', async () => {
      const { store } = await make();
      const id = await store.apply({ table: 'references', operation: 'create', at: 1, values: ref('Ada') });
      await store.apply({ table: 'references', operation: 'update', id, at: 2, values: { referee_name: 'Ada L' } });
      expect(await store.outbox()).toEqual([expect.objectContaining({ recordId: id, operation: 'create' })]);
      expect(await store.read('references', id)).toMatchObject({ referee_name: 'Ada L', updated_at: 2 });
      await store.apply({ table: 'references', operation: 'delete', id, at: 3, values: {} });
      expect(await store.outbox()).toEqual([expect.objectContaining({ recordId: id, operation: 'delete' })]);
      expect(await store.read('references', id)).toBeNull();
    });

    it('writes nothing when the target of an update is missing', async () => {
      const { store } = await make();
      await expect(
        store.apply({ table: 'references', operation: 'update', id: 'nope', at: 1, values: { referee_name: 'x' } }),
      ).rejects.toThrow();
      expect(await store.outbox()).toEqual([]);
    });

    it('settle removes acknowledged entries and marks their records synced', async () => {
      const h = await make();
      const a = await h.store.apply({ table: 'references', operation: 'create', at: 1, values: ref('A') });
      const b = await h.store.apply({ table: 'references', operation: 'create', at: 2, values: ref('B') });
      await h.store.apply({ table: 'references', operation: 'delete', id: b, at: 3, values: {} });
      await h.acknowledge();
      await h.store.settle({});
      expect(await h.store.outbox()).toEqual([]);
      expect(await h.store.read('references', a)).toMatchObject({ sync_status: 'synced', server_id: a });
      expect(await h.store.read('references', b)).toBeNull();
    });

    it('settle marks rejected records error and their entries failed, without touching others', async () => {
      const h = await make();
      const a = await h.store.apply({ table: 'references', operation: 'create', at: 1, values: ref('A') });
      const b = await h.store.apply({ table: 'references', operation: 'create', at: 2, values: ref('B') });
      await h.store.settle({ references: [{ id: a, code: 'forbidden', message: 'no' }] });
      expect(await h.store.read('references', a)).toMatchObject({ sync_status: 'error' });
      expect(await h.store.read('references', b)).toMatchObject({ sync_status: 'pending' });
      expect(await h.store.outbox()).toEqual([
        expect.objectContaining({ recordId: a, status: 'failed', error: 'forbidden: no' }),
        expect.objectContaining({ recordId: b, status: 'pending', error: null }),
      ]);
    });

    it('settle leaves a record pending when it was written again after the version the server refused', async () => {
      const { store } = await make();
      const a = await store.apply({ table: 'references', operation: 'create', at: 1, values: ref('A') });
      const b = await store.apply({ table: 'references', operation: 'create', at: 2, values: ref('B') });
      await store.apply({ table: 'references', operation: 'update', id: a, at: 3, values: { referee_name: 'A2' } });
      await store.settle({
        references: [
          { id: a, code: 'forbidden', message: 'no', updatedAt: 1 },
          { id: b, code: 'forbidden', message: 'no', updatedAt: 2 },
        ],
      });
      expect(await store.read('references', a)).toMatchObject({ referee_name: 'A2', sync_status: 'pending' });
      expect(await store.read('references', b)).toMatchObject({ sync_status: 'error' });
      expect(await store.outbox()).toEqual([
        expect.objectContaining({ recordId: a, status: 'pending', error: null }),
        expect.objectContaining({ recordId: b, status: 'failed', error: 'forbidden: no' }),
      ]);
      expect(await store.refusedUnchanged()).toEqual({ references: [b] });
    });

    it('lists refused records until a new write or a reset; failures that are not refusals are never listed', async () => {
      const { store } = await make();
      const a = await store.apply({ table: 'references', operation: 'create', at: 1, values: ref('A') });
      const b = await store.apply({ table: 'references', operation: 'create', at: 2, values: ref('B') });
      const c = await store.apply({ table: 'references', operation: 'create', at: 3, values: ref('C') });
      const d = await store.apply({ table: 'references', operation: 'create', at: 4, values: ref('D') });
      expect(await store.refusedUnchanged()).toEqual({});
      await store.settle({ references: [a, b, d].map((id) => ({ id, code: 'forbidden', message: 'no' })) });
      // c used up its retries: failed, but not refused.
      await store.recordFailure('HTTP 500', true);
      const sorted = async () => Object.fromEntries(Object.entries(await store.refusedUnchanged()).map(([t, ids]) => [t, [...ids].sort()]));
      expect(await sorted()).toEqual({ references: [a, b, d].sort() });
      await store.apply({ table: 'references', operation: 'update', id: a, at: 5, values: { referee_name: 'A2' } });
      await store.apply({ table: 'references', operation: 'delete', id: d, at: 6, values: {} });
      expect(await sorted()).toEqual({ references: [b] });
      expect(await store.read('references', b)).toMatchObject({ sync_status: 'error' });
      await store.resetFailed();
      expect(await store.refusedUnchanged()).toEqual({});
      expect((await store.outbox()).map((e) => e.recordId).sort()).toEqual([a, b, c, d].sort());
    });

    it('counts failures, exhausts to failed, and resets on demand', async () => {
      const { store } = await make();
      const id = await store.apply({ table: 'references', operation: 'create', at: 1, values: ref('A') });
      await store.recordFailure('HTTP 500', false);
      await store.recordFailure('HTTP 502', true);
      expect(await store.outbox()).toEqual([
        expect.objectContaining({ recordId: id, status: 'failed', retryCount: 2, error: 'HTTP 502' }),
      ]);
      await store.resetFailed();
      expect(await store.outbox()).toEqual([expect.objectContaining({ recordId: id, status: 'pending', retryCount: 0 })]);
    });

    it('reports every count change to observers, starting with the current counts', async () => {
      const { store } = await make();
      const seen: OutboxCounts[] = [];
      const stop = store.observeCounts((c) => seen.push(c));
      await settled();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await store.apply({ table: 'references', operation: 'create', at: i + 1, values: ref(`R${i}`) }));
      await store.recordFailure('down', true);
      await settled();
      stop();
      expect(seen[0]).toEqual({ pending: 0, failed: 0 });
      expect(seen.at(-1)).toEqual({ pending: 3, failed: 3 });
      expect(seen).toContainEqual({ pending: 2, failed: 0 });
    });

    it('stores metadata and discards a local change', async () => {
      const { store } = await make();
      await store.setMeta('k', 'v1');
      await store.setMeta('k', 'v2');
      expect(await store.getMeta('k')).toBe('v2');
      await store.setMeta('k', null);
      expect(await store.getMeta('k')).toBeNull();
      const id = await store.apply({ table: 'references', operation: 'create', at: 1, values: ref('A') });
      await store.discard('references', id);
      expect(await store.read('references', id)).toBeNull();
      expect(await store.outbox()).toEqual([]);
      expect(await store.getMeta(META_FULL_PULL_NEEDED)).toBe('1');
    });

    it('clears metadata only while it holds the value given', async () => {
      const { store } = await make();
      await store.setMeta('k', 'mine');
      await store.setMeta('k', 'theirs');
      expect(await store.clearMetaIf('k', 'mine')).toBe(false);
      expect(await store.getMeta('k')).toBe('theirs');
      expect(await store.clearMetaIf('k', 'theirs')).toBe(true);
      expect(await store.getMeta('k')).toBeNull();
      expect(await store.clearMetaIf('k', 'theirs')).toBe(false);
    });
  });
}
