/// <reference lib="webworker" />
/**
 * Makes every IndexedDB connection this worker opens close itself when another
 * context deletes or upgrades that database. Workbox's Background Sync queue
 * keeps its connection open for the worker's whole life and ignores
 * `versionchange`, so sign-out's `indexedDB.deleteDatabase('workbox-background-sync')`
 * (src/web/auth.ts) stayed blocked, and any later open of that database with
 * it, until the browser stopped the worker.
 */
export function yieldConnectionsOnVersionChange(onClosed: (name: string) => void): void {
  const factory = IDBFactory.prototype;
  const open = factory.open;
  factory.open = function openThatYields(this: IDBFactory, name: string, version?: number): IDBOpenDBRequest {
    const request = version === undefined ? open.call(this, name) : open.call(this, name, version);
    request.addEventListener('success', () => {
      const db = request.result;
      db.addEventListener('versionchange', () => {
        db.close();
        onClosed(name);
      });
    });
    return request;
  };
}

/**
 * Workbox's queue caches its connection and reopens only when the cache is
 * empty. Reaching it goes through Workbox internals (Queue → QueueStore →
 * QueueDb._db, workbox-background-sync 7); if they move, this does nothing and
 * the queue fails until the browser restarts the worker, as before.
 */
export function forgetWorkboxQueueConnection(queue: object): void {
  const internals = queue as { _queueStore?: { _queueDb?: { _db?: unknown } } };
  const queueDb = internals._queueStore?._queueDb;
  if (queueDb && '_db' in queueDb) queueDb._db = null;
}
