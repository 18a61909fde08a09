/**
 * The subscribable SyncState (src/web/app-client.ts). Every field is pushed
 * in by an observer (network status, outbox counts from observeCount(false),
 * the engine's run), never polled. Snapshots are immutable and replaced on
 * change, as useSyncExternalStore requires.
 */
export interface SyncStateSnapshot {
  online: boolean;
  syncing: boolean;
  pendingCount: number;
  failedCount: number;
  lastError: string | null;
  /** When the last sync run succeeded (since this client started). */
  lastSuccessAt: number | null;
  /** The last failed run, kept after later successes (the health view shows it). */
  lastFailure: SyncFailure | null;
  initialSync: { received: number; total: number | null } | null;
  authExpired: boolean;
}

export interface SyncFailure {
  at: number;
  /** In a few words, e.g. "server unreachable" (error-reason.ts). */
  reason: string;
  /** The error's own message, for the curious and for bug reports. */
  message: string;
}

export interface SyncStateStore {
  getSnapshot(): SyncStateSnapshot;
  subscribe(listener: () => void): () => void;
  set(patch: Partial<SyncStateSnapshot>): void;
}

export const INITIAL_SYNC_STATE: SyncStateSnapshot = {
  online: false,
  syncing: false,
  pendingCount: 0,
  failedCount: 0,
  lastError: null,
  lastSuccessAt: null,
  lastFailure: null,
  initialSync: null,
  authExpired: false,
};

export function createSyncStateStore(initial: Partial<SyncStateSnapshot> = {}): SyncStateStore {
  let snapshot: SyncStateSnapshot = { ...INITIAL_SYNC_STATE, ...initial };
  const listeners = new Set<() => void>();
  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(patch) {
      let changed = false;
      for (const [k, v] of Object.entries(patch) as [keyof SyncStateSnapshot, unknown][]) {
        if (snapshot[k] !== v) changed = true;
      }
      if (!changed) return;
      snapshot = { ...snapshot, ...patch };
      for (const listener of [...listeners]) listener();
    },
  };
}
