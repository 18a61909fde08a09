import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { memoryDatabase } from '../sync/watermelon/testing/memory-database';
import { createWatermelonStore } from '../sync/watermelon/watermelon-store';
import { createDrafts, type DraftStorage } from './drafts';
import { RESPOND_DRAFT_PREFIX, observeWithdrawnDrafts, withdrawnDrafts } from './withdrawn-drafts';

function memoryStorage(): DraftStorage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
  };
}

async function setup() {
  const database = memoryDatabase();
  const store = createWatermelonStore(database, () => 42);
  const request = () =>
    store.apply({ table: 'references', operation: 'create', at: 1, values: { user_id: 'cand', referee_name: 'Me', referee_email: 'me@example.com', message: 'Please', status: 'pending' } });
  const drafts = createDrafts(memoryStorage(), 'referee');
  return { database, store, drafts, request };
}

describe('references the user was writing whose request is gone', () => {
  it('are the answer drafts whose request this device no longer holds, with words in them', async () => {
    const t = await setup();
    const kept = await t.request();
    const gone = 'gone-request';
    t.drafts.save(RESPOND_DRAFT_PREFIX + kept, { text: 'Still answerable' });
    t.drafts.save(RESPOND_DRAFT_PREFIX + gone, { text: 'Words with nowhere to go' });
    t.drafts.save(`${RESPOND_DRAFT_PREFIX}blank`, { text: '   ' });
    t.drafts.save('request', { refereeName: 'A draft of another form' });
    expect(await withdrawnDrafts(t.database, t.drafts)).toEqual([{ id: gone, text: 'Words with nowhere to go' }]);
  });

  it('are read again when the request leaves the device, and when a draft is discarded', async () => {
    const t = await setup();
    const id = await t.request();
    t.drafts.save(RESPOND_DRAFT_PREFIX + id, { text: 'Half written' });
    const discarded = new Subject<void>();
    const seen: string[][] = [];
    const subscription = observeWithdrawnDrafts(t.database, t.drafts, discarded).subscribe((list) => seen.push(list.map((d) => d.id)));
    await new Promise((r) => setTimeout(r, 50));
    // Gone from the device (as a pulled deletion removes it).
    await t.store.discard('references', id);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.at(-1)).toEqual([id]);
    t.drafts.remove(RESPOND_DRAFT_PREFIX + id);
    discarded.next();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.at(-1)).toEqual([]);
    expect(seen[0]).toEqual([]);
    subscription.unsubscribe();
  });
});
