/**
 * The session as the service worker reads it: IndexedDB, since a worker has
 * no localStorage. The writer tab puts it here when it opens and when the
 * session is renewed; sign-out removes it. One record: this device holds one
 * signed-in user at a time (localStorage's SESSION_KEY is the page's copy).
 * Runs in pages and in the worker, so no DOM here.
 */
import type { Session } from '../sync/session-client';

const WORKER_SESSION_DB = 'aideepref.worker-session';
const STORE = 'session';
const KEY = 'current';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(WORKER_SESSION_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      const db = request.result;
      // Sign-out may delete it while a worker holds it open: let it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error(`opening ${WORKER_SESSION_DB} failed`));
    request.onblocked = () => reject(new Error(`opening ${WORKER_SESSION_DB} is blocked`));
  });
}

async function inStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | null): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      let result: T | undefined;
      if (request) request.onsuccess = () => (result = request.result);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error ?? new Error('worker session transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('worker session transaction aborted'));
    });
  } finally {
    db.close();
  }
}

function isSession(value: unknown): value is Session {
  const v = value as { token?: unknown; user?: { id?: unknown } } | null;
  return typeof v === 'object' && v !== null && typeof v.token === 'string' && typeof v.user?.id === 'string';
}

export async function saveWorkerSession(session: Session): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await inStore('readwrite', (store) => store.put(session, KEY));
}

export async function readWorkerSession(): Promise<Session | null> {
  if (typeof indexedDB === 'undefined') return null;
  const value = await inStore<unknown>('readonly', (store) => store.get(KEY));
  return isSession(value) ? value : null;
}

export async function clearWorkerSession(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await inStore('readwrite', (store) => store.delete(KEY));
}
