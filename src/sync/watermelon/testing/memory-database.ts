/** A WatermelonDB over LokiJS in memory (Node has no IndexedDB), for tests. */
import { Database } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { logger } from '@nozbe/watermelondb/utils/common';
import { migrations, modelClasses, schema } from '../../../db';
import type { Persistence } from '../../ports';

logger.silence();

let n = 0;

export function memoryDatabase(): Database {
  const adapter = new LokiJSAdapter({
    schema,
    migrations,
    useWebWorker: false,
    useIncrementalIndexedDB: false,
    dbName: `memory-${++n}`,
    extraLokiOptions: { autosave: false },
  });
  return new Database({ adapter, modelClasses });
}

export const noPersistence: Persistence = { saveNow: async () => {} };
