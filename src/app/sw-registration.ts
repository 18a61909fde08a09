/**
 * Registers the service worker (workbox-window) and exposes, as a store,
 * whether a new version waits to take over (registerType 'prompt': the user
 * chooses when to reload, or Later). Looks for a new version whenever the tab
 * becomes visible and every hour (update-checks.ts). Also asks for Periodic
 * Background Sync where the browser permits it. (The worker's SYNC_NOW
 * reaches the engine through src/web/sw-messages.ts, wired by createAppClient.)
 */
import { Workbox } from 'workbox-window';
import type { Store } from '../web/app-client';
import { PERIODIC_SYNC_TAG } from '../sw/messages';
import { scheduleUpdateChecks } from './update-checks';

interface UpdateState {
  updateAvailable: boolean;
}

export interface ServiceWorkerControl extends Store<UpdateState> {
  /** Activate the waiting worker; the page reloads once it controls it. */
  applyUpdate(): void;
  /** Not now: the prompt goes until the next reload or a newer version. */
  dismissUpdate(): void;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

export function registerServiceWorker(scriptUrl = '/sw.js'): ServiceWorkerControl {
  let state: UpdateState = { updateAvailable: false };
  const listeners = new Set<() => void>();
  const supported = 'serviceWorker' in navigator;
  const wb = supported ? new Workbox(scriptUrl) : null;

  function set(next: UpdateState) {
    state = next;
    for (const listener of listeners) listener();
  }

  if (wb) {
    wb.addEventListener('waiting', () => set({ updateAvailable: true }));
    wb.register()
      .then((registration) => {
        if (!registration) return undefined;
        scheduleUpdateChecks({
          check: () => registration.update(),
          document,
          setInterval: (callback, ms) => window.setInterval(callback, ms),
          clearInterval: (handle) => window.clearInterval(handle as number),
        });
        return registerPeriodicSync(registration);
      })
      .catch((error: unknown) => console.warn('Service worker registration failed', error));
  }

  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyUpdate() {
      if (!wb) return;
      // Reload only once the new worker controls the page, so the new shell is what loads.
      navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
      void navigator.serviceWorker.getRegistration().then((registration) => {
        // It may have taken over on its own meanwhile (the old one lost its last page): then a reload is all it takes.
        if (registration?.waiting) wb.messageSkipWaiting();
        else window.location.reload();
      });
    },
    dismissUpdate() {
      set({ updateAvailable: false });
    },
  };
}

interface PeriodicSyncManager {
  register(tag: string, options: { minInterval: number }): Promise<void>;
}

/** Only installed PWAs get the permission; everywhere else this quietly does nothing. */
async function registerPeriodicSync(registration: ServiceWorkerRegistration): Promise<void> {
  const periodicSync = (registration as ServiceWorkerRegistration & { periodicSync?: PeriodicSyncManager }).periodicSync;
  if (!periodicSync) return;
  try {
    const permission = await navigator.permissions.query({ name: 'periodic-background-sync' as PermissionName });
    if (permission.state !== 'granted') return;
    await periodicSync.register(PERIODIC_SYNC_TAG, { minInterval: FIFTEEN_MINUTES });
  } catch {
    // Not permitted or not supported: the app still syncs whenever it is open.
  }
}
