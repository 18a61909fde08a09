/**
 * A device's WatermelonDB (LokiJS, in memory) over a simulated disk. What is
 * on the "disk" is exactly what the last LokiJS save wrote, as IndexedDB
 * would hold it; a killed device reopens from it and loses everything
 * committed in memory after that save. A dead incarnation's saves never
 * reach the disk.
 */
import { Database } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { logger } from '@nozbe/watermelondb/utils/common';
import { migrations, modelClasses, schema } from '../db';

logger.silence();

/** LokiJS's persistence adapter interface (non-reference mode: whole-database strings). */
interface LokiPersistenceAdapter {
  loadDatabase(name: string, callback: (data: string | null) => void): void;
  saveDatabase(name: string, data: string, callback: (error?: Error) => void): void;
  deleteDatabase(name: string, callback: (error?: Error) => void): void;
}

export class SimDisk {
  private files = new Map<string, string>();
  saves = 0;

  /** A persistence adapter for one incarnation; `kill()` it when the process dies. */
  open(name: string): { adapter: LokiPersistenceAdapter; kill: () => void } {
    let alive = true;
    const adapter: LokiPersistenceAdapter = {
      loadDatabase: (file, callback) => callback(this.files.get(file) ?? null),
      saveDatabase: (file, data, callback) => {
        if (alive) {
          this.files.set(file, data);
          this.saves += 1;
        }
        callback();
      },
      deleteDatabase: (file, callback) => {
        if (alive) this.files.delete(file);
        // WatermelonDB treats any argument but undefined (or {success: true}) as a failure.
        callback();
      },
    };
    void name;
    return { adapter, kill: () => (alive = false) };
  }
}

export function openDiskDatabase(disk: SimDisk, name: string): { database: Database; kill: () => void } {
  const { adapter, kill } = disk.open(name);
  const loki = new LokiJSAdapter({
    schema,
    migrations,
    useWebWorker: false,
    useIncrementalIndexedDB: false,
    dbName: name,
    extraLokiOptions: { autosave: false },
    // The adapter's typings name LokiMemoryAdapter; any LokiJS persistence adapter works.
    _testLokiAdapter: adapter as never,
  });
  return { database: new Database({ adapter: loki, modelClasses }), kill };
}
