/**
 * A follower tab's database: WatermelonDB over LokiJS held in memory only.
 * Its LokiJS has autosave off AND a persistence adapter that stores nothing,
 * so this copy can never reach IndexedDB (where it would overwrite the
 * writer's data, the bug tab-client.ts exists to prevent). It is filled and
 * kept current from the writer's rows (record-feed.ts).
 */
import { Database } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { migrations, modelClasses, schema } from '../../db';

/** A LokiJS persistence adapter with nothing behind it. */
const nowhere = {
  loadDatabase: (_name: string, callback: (data: null) => void) => callback(null),
  saveDatabase: (_name: string, _data: string, callback: (error?: Error) => void) => callback(),
  deleteDatabase: (_name: string, callback: (error?: Error) => void) => callback(),
};

let n = 0;

export function createMirrorDatabase(userId: string): Database {
  const adapter = new LokiJSAdapter({
    schema,
    migrations,
    useWebWorker: false,
    useIncrementalIndexedDB: false,
    dbName: `aideepref-mirror-${userId}-${++n}`,
    // Verified in adapters/lokijs/worker/lokiExtensions.js: extraLokiOptions goes to `new Loki()`,
    // and `_testLokiAdapter` replaces the IndexedDB adapter before IndexedDB is even probed.
    extraLokiOptions: { autosave: false },
    _testLokiAdapter: nowhere,
  });
  return new Database({ adapter, modelClasses });
}
