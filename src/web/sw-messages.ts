/**
 * Page side of the service worker's messages: the worker posts SYNC_NOW
 * (after replaying queued pushes or on a periodic wake-up) and the page syncs.
 * The page posts nothing to the worker from here; sign-out's CLEAR_OUTBOX is
 * sent by auth.ts.
 */
import { isWorkerToPageMessage } from '../sw/messages';

export function onServiceWorkerSyncRequest(listener: () => void): () => void {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (!container) return () => {};
  const handler = (event: MessageEvent) => {
    if (isWorkerToPageMessage(event.data)) listener();
  };
  container.addEventListener('message', handler);
  return () => container.removeEventListener('message', handler);
}
