import { describe, expect, it } from 'vitest';
import type { AppClient, SyncState } from '../web/app-client';
import { createSyncStateStore } from '../sync/sync-state';
import { forgetSyncHistory, keepSyncHistory, mergeHistory, readSyncHistory } from './sync-history';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
}

describe('sync history', () => {
  it('keeps the last success and failure across clients, the newer of each winning', () => {
    const storage = memoryStorage();
    const state = createSyncStateStore();
    const client = { session: { user: { id: 'u1' } }, state } as unknown as AppClient;
    const stop = keepSyncHistory(client, storage);
    const failure = { at: 2_000, reason: 'server unreachable', message: 'network error: x' };
    state.set({ lastSuccessAt: 1_000 });
    state.set({ lastFailure: failure });
    stop();
    expect(readSyncHistory('u1', storage)).toEqual({ lastSuccessAt: 1_000, lastFailure: failure });

    // A new page knows nothing yet: what was kept stands; a newer success replaces only that.
    const fresh: Pick<SyncState, 'lastSuccessAt' | 'lastFailure'> = { lastSuccessAt: null, lastFailure: null };
    expect(mergeHistory(readSyncHistory('u1', storage), fresh)).toEqual({ lastSuccessAt: 1_000, lastFailure: failure });
    expect(mergeHistory(readSyncHistory('u1', storage), { ...fresh, lastSuccessAt: 3_000 })).toEqual({ lastSuccessAt: 3_000, lastFailure: failure });
    expect(readSyncHistory('someone-else', storage)).toEqual({ lastSuccessAt: null, lastFailure: null });
    forgetSyncHistory('u1', storage);
    expect(readSyncHistory('u1', storage)).toEqual({ lastSuccessAt: null, lastFailure: null });
  });
});
