/**
 * Problems of this device's storage that the user must know about, reported
 * by the LokiJS adapter (src/web/loki-adapter.ts hooks) and shown as banners.
 */
import type { Store } from '../web/app-client';
import type { LokiHooks } from '../sync/watermelon/loki-adapter';

interface DeviceProblems {
  /**
   * This tab had to save over data another tab of the app had written (LokiJS
   * keeps one in-memory copy per tab): unsynced changes of either can be lost.
   */
  overwrittenByOtherTab: boolean;
  /** IndexedDB could not be used: changes live in memory only and are lost on reload. */
  storageError: string | null;
}

export interface DeviceProblemsStore extends Store<DeviceProblems> {
  readonly hooks: LokiHooks;
  /** A new database is being opened (another sign-in): earlier problems were about the old one. */
  reset(): void;
}

export function createDeviceProblems(): DeviceProblemsStore {
  let snapshot: DeviceProblems = { overwrittenByOtherTab: false, storageError: null };
  const listeners = new Set<() => void>();
  const update = (patch: Partial<DeviceProblems>) => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of listeners) listener();
  };
  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset: () => update({ overwrittenByOtherTab: false, storageError: null }),
    hooks: {
      onDidOverwrite: () => update({ overwrittenByOtherTab: true }),
      onSetUpError: (error) => update({ storageError: `This browser is not saving your data on this device (${error.message}). Keep the app open until it has synced.` }),
      onQuotaExceededError: () =>
        update({ storageError: 'This device is out of storage space: new changes are kept only while the app is open and are sent to the server when it can be reached. Free some space before closing the app.' }),
      onSaveError: (error) =>
        update({ storageError: `Your latest changes could not be saved on this device (${error.message}). They are kept while the app is open and sent to the server when it can be reached.` }),
    },
  };
}
