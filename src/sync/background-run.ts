/**
 * One background sync (the service worker's `sync` and `periodicsync`
 * events; a mobile app's background task), with the same client the app
 * runs:
 *
 *   signed out ─────────────────────────────────▶ nothing to do
 *   writer lock free ─▶ take it ─▶ open the user's database (createSyncClient)
 *                       ─▶ pull, push, settle, durable save ─▶ close ─▶ release
 *   lock held (a tab writes) ─▶ ask that tab to sync, wait for its answer
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
   * Runs `work` holding this user's writer lock if it is free right now, and
   * resolves with true; resolves with false at once when someone holds it.
   */
  withLockIfFree(userId: string, work: () => Promise<void>): Promise<boolean>;
  /** Opens the user's client (not started: no triggers, no socket). */
  openClient(session: S): Promise<SyncClient>;
  /** Asks the app instance that holds the lock to sync; rejects when it failed or never answered. */
  askWriter(): Promise<void>;
  logger: Logger;
}

export type BackgroundOutcome = 'signed-out' | 'synced' | 'asked-writer' | 'session-ended';

export async function runBackgroundSync<S extends BackgroundSession>(ports: BackgroundRunPorts<S>): Promise<BackgroundOutcome> {
  const session = await ports.readSession();
  if (!session) return 'signed-out';
  let outcome: BackgroundOutcome = 'synced';
  const ran = await ports.withLockIfFree(session.user.id, async () => {
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
  });
  if (ran) return outcome;
  await ports.askWriter();
  return 'asked-writer';
}
