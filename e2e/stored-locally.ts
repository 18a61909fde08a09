import type { Page } from '@playwright/test';

/** Every string value this origin keeps in IndexedDB and Web Storage, as one text to search. */
export async function everythingStoredLocally(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const name = info.name;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        // An open waits behind a blocked deleteDatabase: fail with a reason instead of hanging.
        const timer = setTimeout(() => reject(new Error(`IndexedDB "${name}" is blocked (a deletion cannot finish)`)), 5_000);
        const open = indexedDB.open(name);
        open.onsuccess = () => {
          clearTimeout(timer);
          resolve(open.result);
        };
        open.onerror = () => reject(open.error);
      });
      for (const storeName of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const read = db.transaction(storeName, 'readonly').objectStore(storeName).getAll();
          read.onsuccess = () => resolve(read.result);
          read.onerror = () => reject(read.error);
        });
        parts.push(JSON.stringify(rows, (_key, value: unknown) => (value instanceof Blob ? `[blob ${value.size}]` : value)));
      }
      db.close();
    }
    return parts.join('\n');
  });
}
