/**
 * Page side of the service worker's messages: the worker posts SYNC_NOW
 * (its Background Sync found this user's writer lock held, or a periodic
 * wake-up) and the page syncs; when the message carries a port, the answer
 * (SYNC_DONE) goes back on it once the run settled, so the worker's event
 * lasts as long as the sync and fails when it failed.
 */
import { SYNC_DONE, isWorkerToPageMessage, type SyncDoneMessage } from '../sw/messages';

/** `sync` resolves with the run's error message, or null when it went through. */
export function onServiceWorkerSyncRequest(sync: () => Promise<{ lastError: string | null; authExpired: boolean }>): () => void {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (!container) return () => {};
  const handler = (event: MessageEvent) => {
    if (!isWorkerToPageMessage(event.data)) return;
    const port = event.ports[0];
    void sync().then(
      (state) => {
        // A 401 is permanent: the worker must not retry it; this tab already asks to sign in again.
        const answer: SyncDoneMessage = { type: SYNC_DONE, error: state.authExpired ? null : state.lastError };
        port?.postMessage(answer);
      },
      (error: unknown) => port?.postMessage({ type: SYNC_DONE, error: String(error) } satisfies SyncDoneMessage),
    );
  };
  container.addEventListener('message', handler);
  return () => container.removeEventListener('message', handler);
}
