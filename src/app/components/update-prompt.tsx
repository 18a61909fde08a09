import { useStore } from '../hooks/use-store';
import type { ServiceWorkerControl } from '../sw-registration';

/** A new version is installed and waiting; reloading switches to it. */
export function UpdatePrompt({ worker }: { worker: ServiceWorkerControl }) {
  const { updateAvailable } = useStore(worker);
  if (!updateAvailable) return null;
  return (
    <div className="toast" role="alert">
      <span>An update is available.</span>
      <button type="button" className="button button--primary button--small" onClick={() => worker.applyUpdate()}>
        Reload
      </button>
    </div>
  );
}
