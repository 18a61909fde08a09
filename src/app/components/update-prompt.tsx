import { useStore } from '../hooks/use-store';
import type { ServiceWorkerControl } from '../sw-registration';

/**
 * A new version is installed and waiting. Reload switches to it (the forms'
 * text is on the device as drafts, so nothing typed is lost); Later keeps
 * this version until the next reload or the next update found.
 */
export function UpdatePrompt({ worker }: { worker: ServiceWorkerControl }) {
  const { updateAvailable } = useStore(worker);
  if (!updateAvailable) return null;
  return (
    <div className="toast" role="alert">
      <span>An update is available.</span>
      <button type="button" className="button button--primary button--small" onClick={() => worker.applyUpdate()}>
        Reload
      </button>
      <button type="button" className="button button--small button--on-dark" onClick={() => worker.dismissUpdate()}>
        Later
      </button>
    </div>
  );
}
