/**
 * Which tab is the writer: the one holding the Web Lock
 * `aideepref-db-<userId>` (navigator.locks). The lock is held for the tab's
 * life and the browser releases it when the tab closes or crashes, so at most
 * one tab writes this user's IndexedDB at any time, and a waiting tab is
 * granted it as soon as the writer is gone.
 */

export type { LocksLike } from '../sync/writer-lock';
import type { LocksLike } from '../sync/writer-lock';

export interface Leadership {
  /** Resolves when this tab holds the lock (at once if it was free); never if close() came first. */
  readonly acquired: Promise<void>;
  /** true once `acquired` resolved. */
  isLeader(): boolean;
  /** Releases the lock, or stops waiting for it. */
  release(): void;
}

export { lockNameFor } from '../sync/writer-lock';

export function browserLocks(): LocksLike | null {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LocksLike }).locks : undefined;
  return locks ?? null;
}

/**
 * Asks for the lock without waiting first (to learn at once whether this tab
 * starts as the writer), then queues for it.
 */
export async function claimLeadership(locks: LocksLike, name: string): Promise<{ leadership: Leadership; leaderNow: boolean }> {
  let leader = false;
  let releaseHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => (releaseHeld = resolve));
  let resolveAcquired: () => void = () => {};
  const acquired = new Promise<void>((resolve) => (resolveAcquired = resolve));
  let released = false;
  const abort = new AbortController();

  const hold = async () => {
    leader = true;
    resolveAcquired();
    await held;
  };

  const gotAtOnce = await new Promise<boolean>((resolve) => {
    void locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (!lock) return resolve(false);
        resolve(true);
        await hold();
      })
      .catch(() => resolve(false));
  });

  if (!gotAtOnce) {
    locks
      .request(name, { signal: abort.signal }, async () => {
        if (released) return;
        await hold();
      })
      .catch(() => {
        // AbortError after release() while waiting: nothing to do.
      });
  }

  return {
    leaderNow: gotAtOnce,
    leadership: {
      acquired,
      isLeader: () => leader,
      release() {
        if (released) return;
        released = true;
        abort.abort();
        releaseHeld();
      },
    },
  };
}
