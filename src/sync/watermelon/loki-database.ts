/**
 * The LocalDatabase port over LokiJS persisted to IndexedDB: what the tab
 * and the service worker open for a user. Deleting the storage is the
 * platform's (`indexedDB.deleteDatabase` on the web), passed in.
 */
import type { LocalDatabase } from '../create-sync-client';
import type { Logger } from '../ports';
import { silentLogger } from '../ports';
import { createDatabase, dbNameFor, type LokiHooks } from './loki-adapter';
import { closeLoki, createLokiPersistence } from './loki-persistence';

export interface LokiDatabaseOptions {
  hooks?: LokiHooks;
  logger?: Logger;
  /** Deletes the named IndexedDB database; resolves even if another connection keeps it blocked. */
  deleteStorage: (name: string) => Promise<void>;
}

export function openLokiDatabase(userId: string, options: LokiDatabaseOptions): LocalDatabase {
  const logger = options.logger ?? silentLogger;
  const hooks = options.hooks ?? {};
  const name = dbNameFor(userId);
  const database = createDatabase(name, hooks, logger);
  const persistence = createLokiPersistence(database, (error) => {
    logger.error('saving to IndexedDB failed', error);
    if (error.code === 'quota_exceeded') hooks.onQuotaExceededError?.(error);
    else hooks.onSaveError?.(error);
  });
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= closeLoki(database));
  return {
    database,
    persistence,
    close,
    async destroy() {
      await close().catch((error: unknown) => logger.warn('closing the database before deleting it failed', error));
      await options.deleteStorage(name);
    },
  };
}
