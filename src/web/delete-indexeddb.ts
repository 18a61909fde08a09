/**
 * Deletes one IndexedDB database, from a page or the service worker (so: no
 * DOM here). Resolves even while another connection keeps it blocked: the
 * deletion then completes by itself once that closes, and sign-out need not
 * wait for it.
 */
export function deleteIndexedDb(name: string, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve();
    const timer = setTimeout(() => {
      console.warn(`[auth] deleting IndexedDB "${name}" is blocked by an open connection; it will finish when that closes`);
      resolve();
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = done;
    // Another connection (the service worker's Workbox queue) holds it open: the deletion
    // completes by itself once that closes; sign-out need not wait for it.
    request.onblocked = done;
    request.onerror = () => {
      console.warn(`[auth] could not delete IndexedDB "${name}"`, request.error);
      done();
    };
  });
}
