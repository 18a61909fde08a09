/**
 * Up to when this user has looked at the conflict log on this device: the
 * newest entry's time when Conflicts was last open. Entries after it are news
 * the signed-in screens point to (a change of theirs that did not stand is
 * otherwise only found by opening Sync health, then Conflicts). Kept in
 * localStorage beside the drafts, shared by the user's tabs, forgotten at
 * sign-out.
 */
import type { Store } from '../web/app-client';

type SeenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const keyFor = (userId: string) => `aideepref.conflicts-seen.${userId}`;

const browser = (): SeenStorage | null => {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
};

export interface ConflictsSeen extends Store<number> {
  /** Everything up to `at` has been seen (never moves back). */
  markSeen(at: number): void;
}

export function conflictsSeen(userId: string, storage: SeenStorage | null = browser()): ConflictsSeen {
  const listeners = new Set<() => void>();
  const read = () => {
    try {
      const value = Number(storage?.getItem(keyFor(userId)) ?? 0);
      return Number.isFinite(value) ? value : 0;
    } catch {
      return 0;
    }
  };
  let seen = read();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  // Another tab of the user looked.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== keyFor(userId)) return;
    seen = Math.max(seen, read());
    notify();
  };
  return {
    getSnapshot: () => seen,
    subscribe(listener) {
      if (!listeners.size && typeof window !== 'undefined') window.addEventListener('storage', onStorage);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (!listeners.size && typeof window !== 'undefined') window.removeEventListener('storage', onStorage);
      };
    },
    markSeen(at) {
      if (at <= seen) return;
      seen = at;
      try {
        storage?.setItem(keyFor(userId), String(at));
      } catch {
        // Storage full or unavailable: seen for this page's life.
      }
      notify();
    },
  };
}

/** At sign-out, with the rest of what the app keeps for this user. */
export function forgetConflictsSeen(userId: string, storage: SeenStorage | null = browser()): void {
  try {
    storage?.removeItem(keyFor(userId));
  } catch {
    // unavailable storage holds nothing to forget
  }
}
