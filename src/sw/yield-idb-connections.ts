/// <reference lib="webworker" />
/**
 * Makes every IndexedDB connection this worker opens close itself when another
 * context deletes or upgrades that database. A connection LokiJS leaves open
 * after a background sync would otherwise keep sign-out's
 * `indexedDB.deleteDatabase` of the user's database blocked, and any later
 * open of it with it, until the browser stopped the worker.
 */
export function yieldConnectionsOnVersionChange(): void {
  const factory = IDBFactory.prototype;
  const open = factory.open;
  factory.open = function openThatYields(this: IDBFactory, name: string, version?: number): IDBOpenDBRequest {
    const request = version === undefined ? open.call(this, name) : open.call(this, name, version);
    request.addEventListener('success', () => {
      const db = request.result;
      db.addEventListener('versionchange', () => db.close());
    });
    return request;
  };
}
