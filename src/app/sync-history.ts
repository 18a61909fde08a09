/**
 * The last successful sync and the last failure, kept on the device across
 * reloads (the engine knows them only since it started): the health view
 * shows the newer of what it kept and what the engine says now. Times and a
 * reason only, nothing the user wrote.
 */
import type { AppClient, SyncState } from '../web/app-client';

interface SyncHistory {
  lastSuccessAt: number | null;
  lastFailure: SyncState['lastFailure'];
}

const keyFor = (userId: string) => `aideepref.sync-history.${userId}`;

export function readSyncHistory(userId: string, storage: Pick<Storage, 'getItem'> = localStorage): SyncHistory {
  try {
    const value = JSON.parse(storage.getItem(keyFor(userId)) ?? 'null') as Partial<SyncHistory> | null;
    return {
      lastSuccessAt: typeof value?.lastSuccessAt === 'number' ? value.lastSuccessAt : null,
      lastFailure: value?.lastFailure && typeof value.lastFailure.at === 'number' ? value.lastFailure : null,
    };
  } catch {
    return { lastSuccessAt: null, lastFailure: null };
  }
}

/** At sign-out, with the rest of what the app keeps for this user. */
export function forgetSyncHistory(userId: string, storage: Pick<Storage, 'removeItem'> | null = typeof localStorage === 'undefined' ? null : localStorage): void {
  try {
    storage?.removeItem(keyFor(userId));
  } catch {
    // unavailable storage holds nothing to forget
  }
}

/** Newer wins, field by field. */
export function mergeHistory(kept: SyncHistory, now: Pick<SyncState, 'lastSuccessAt' | 'lastFailure'>): SyncHistory {
  return {
    lastSuccessAt: Math.max(kept.lastSuccessAt ?? 0, now.lastSuccessAt ?? 0) || null,
    lastFailure: (now.lastFailure?.at ?? 0) >= (kept.lastFailure?.at ?? 0) ? (now.lastFailure ?? kept.lastFailure) : kept.lastFailure,
  };
}

/** Writes the history whenever the engine's success or failure moves. Returns the unsubscribe. */
export function keepSyncHistory(client: AppClient, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): () => void {
  const userId = client.session.user.id;
  let last: SyncHistory | null = null;
  const save = () => {
    const { lastSuccessAt, lastFailure } = client.state.getSnapshot();
    if (last && last.lastSuccessAt === lastSuccessAt && last.lastFailure === lastFailure) return;
    last = { lastSuccessAt, lastFailure };
    try {
      storage.setItem(keyFor(userId), JSON.stringify(mergeHistory(readSyncHistory(userId, storage), last)));
    } catch {
      // Storage full or unavailable: the health view still shows what the engine knows.
    }
  };
  save();
  return client.state.subscribe(save);
}
