/**
 * One background sync (the service worker's `sync` and `periodicsync`
 * events; a mobile app's background task), with the same client the app
 * runs:
 *
 *   signed out ─────────────────────────────────▶ nothing to do
 *   writer lock free ─▶ take it ─▶ open the user's database (createSyncClient)
 *                       ─▶ pull, push, settle, durable save ─▶ close ─▶ release
 *   lock held (a tab writes) ─▶ ask that tab to sync, wait for its answer
 *   lock held, no tab to ask (the last one is closing) ─▶ wait for the lock, a bounded time
 *
 * Resolves when the work is done or cannot be done by retrying (a 401: the
 * session ended; the note is in the database for the next open). Rejects on
 * any other failure, so the platform retries later.
 */
import { isSyncError, SyncErrorCode } from './errors';
import type { SyncClient } from './create-sync-client';
import type { Logger } from './ports';

export interface BackgroundSession {
  token: string;
  user: { id: string };
}

export interface BackgroundRunPorts<S extends BackgroundSession> {
  /** The session the app stored for the background (null: signed out). */
  readSession(): Promise<S | null>;
  /**
   * Runs `work` holding this user's writer lock and resolves with true. With
   * `wait` false it resolves with false at once when someone holds the lock;
   * with `wait` true it waits for it, a bounded time (then false).
   */
  withLock(userId: string, work: () => Promise<void>, options: { wait: boolean }): Promise<boolean>;
  /** Opens the user's client (not started: no triggers, no socket). */
  openClient(session: S): Promise<SyncClient>;
  /**
   * Asks the app instance that holds the lock to sync; resolves false when
   * none is there to ask (the holder is closing), rejects when it failed or
   * never answered.
   */
  askWriter(): Promise<boolean>;
  logger: Logger;
}

export type BackgroundOutcome = 'signed-out' | 'synced' | 'asked-writer' | 'session-ended';

export async function runBackgroundSync<S extends BackgroundSession>(ports: BackgroundRunPorts<S>): Promise<BackgroundOutcome> {
  const session = await ports.readSession();
  if (!session) return 'signed-out';
  let outcome: BackgroundOutcome = 'synced';
  const work = async () => {
    const client = await ports.openClient(session);
    try {
      await client.syncOnce();
    } catch (error) {
      if (isSyncError(error) && error.code === SyncErrorCode.unauthorized) {
        ports.logger.warn('background sync: the session ended; the app says so when it opens');
        outcome = 'session-ended';
        return;
      }
      throw error;
    } finally {
      await client.close();
    }
  };
  if (await ports.withLock(session.user.id, work, { wait: false })) return outcome;
  if (await ports.askWriter()) return 'asked-writer';
  // The lock is held but no app instance answers: the last tab is closing (its lock goes with it).
  if (await ports.withLock(session.user.id, work, { wait: true })) return outcome;
  throw new Error('the writer lock stayed held with no app open to ask: try again later');
}
