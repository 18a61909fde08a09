import { describe, expect, it } from 'vitest';
import type { SyncState } from '../web/app-client';
import { failedText, indicatorView } from './sync-labels';

const base: SyncState = {
  online: true,
  syncing: false,
  pendingCount: 0,
  failedCount: 0,
  lastError: null,
  lastSuccessAt: null,
  lastFailure: null,
  initialSync: null,
  authExpired: false,
};

describe('indicatorView', () => {
  it.each([
    [{ online: false, pendingCount: 3 }, 'Offline - 3 unsynced'],
    [{ online: false, syncing: true, pendingCount: 0 }, 'Offline - 0 unsynced'],
    [{ syncing: true, pendingCount: 2 }, 'Syncing...'],
    [{ pendingCount: 2 }, 'Tap to sync (2)'],
    [{}, 'Synced'],
  ] as Array<[Partial<SyncState>, string]>)('%o shows %s', (patch, text) => {
    expect(indicatorView({ ...base, ...patch }).text).toBe(text);
  });

  it('counts failures', () => {
    expect(failedText(4)).toBe('4 failed to sync');
  });
});
