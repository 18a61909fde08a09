/**
 * The BackgroundWake port on the web: a one-off Background Sync registration
 * (tag OUTBOX_SYNC_TAG). Registering a tag that is already registered is a
 * no-op, so every local write asks again, online or offline: while the
 * outbox holds work, the browser will wake the service worker when the
 * network is there, even with every tab closed (src/sw/background-run.ts).
 */
import type { BackgroundWake } from '../sync/create-sync-client';
import type { Logger } from '../sync/ports';
import { OUTBOX_SYNC_TAG } from '../sw/messages';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

export function browserBackgroundWake(logger: Logger): BackgroundWake {
  let unsupported = false;
  return {
    async ensure() {
      if (unsupported || typeof navigator === 'undefined' || !navigator.serviceWorker) return;
      const registration = await navigator.serviceWorker.getRegistration();
      const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync;
      if (!registration) return;
      if (!sync) {
        unsupported = true;
        logger.debug('no Background Sync here: the outbox syncs while the app is open');
        return;
      }
      await sync.register(OUTBOX_SYNC_TAG);
    },
  };
}
