/**
 * The device database: WatermelonDB over LokiJS persisted incrementally to
 * IndexedDB, one IndexedDB database per user (signing out deletes it). The
 * tab and the service worker open it alike; Node has it through fake-indexeddb.
 */
import { Database } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { migrations, modelClasses, schema } from '../../db';
import { silentLogger, type Logger } from '../ports';

const DB_NAME_PREFIX = 'aideepref-';

export function dbNameFor(userId: string): string {
  return `${DB_NAME_PREFIX}${userId}`;
}

export interface LokiHooks {
  /** IndexedDB could not be opened (LokiJS would silently keep data in memory only). */
  onSetUpError?: (error: Error) => void;
  /** Another tab saved over this tab's data: this tab should reload. */
  onDidOverwrite?: () => void;
  onQuotaExceededError?: (error: Error) => void;
  /** A save to IndexedDB failed for another reason: changes since are in memory only. */
  onSaveError?: (error: Error) => void;
}

function createLokiAdapter(dbName: string, hooks: LokiHooks = {}, logger: Logger = silentLogger): LokiJSAdapter {
  return new LokiJSAdapter({
    schema,
    migrations,
    // Both must be explicit (FACTS): the worker path loses the durable-save hook,
    // the non-incremental path rewrites the whole database on every save.
    useWebWorker: false,
    useIncrementalIndexedDB: true,
    dbName,
    onSetUpError: (error) => {
      if (hooks.onSetUpError) hooks.onSetUpError(error);
      else logger.error('[db] IndexedDB could not be opened; data is NOT being saved', error);
    },
    onQuotaExceededError: (error) => {
      if (hooks.onQuotaExceededError) hooks.onQuotaExceededError(error);
      else logger.error('[db] storage quota exceeded', error);
    },
    extraIncrementalIDBOptions: {
      onDidOverwrite: () => {
        if (hooks.onDidOverwrite) hooks.onDidOverwrite();
        else logger.warn('[db] another tab overwrote this database');
      },
    },
  });
}

export function createDatabase(dbName: string, hooks: LokiHooks = {}, logger: Logger = silentLogger): Database {
  return new Database({ adapter: createLokiAdapter(dbName, hooks, logger), modelClasses });
}
