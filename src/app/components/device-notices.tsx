import type { DeviceProblemsStore } from '../device-problems';
import { useStore } from '../hooks/use-store';

export function DeviceNotices({ problems }: { problems: DeviceProblemsStore }) {
  const { overwrittenByOtherTab, storageError } = useStore(problems);
  return (
    <>
      {overwrittenByOtherTab ? (
        <div className="banner banner--error" role="alert">
          <span className="banner__detail">
            AiDeepRef is open in another tab. Changes not yet synced can overwrite each other on this device: use one tab, close the others,
            then reload.
          </span>
          <button type="button" className="button button--small" onClick={() => window.location.reload()}>
            Reload tab
          </button>
        </div>
      ) : null}
      {storageError ? (
        <p className="banner banner--error" role="alert">
          {storageError}
        </p>
      ) : null}
    </>
  );
}
