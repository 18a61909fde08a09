import type { AppClient } from '../../web/app-client';
import { useSyncState } from '../hooks/use-sync-state';
import { OFFLINE_BANNER, failedText } from '../sync-labels';

export function OfflineBanner({ client }: { client: AppClient }) {
  const { online } = useSyncState(client);
  if (online) return null;
  return (
    <p className="banner banner--offline" role="alert">
      {OFFLINE_BANNER}
    </p>
  );
}

export function FailedNotice({ client }: { client: AppClient }) {
  const { failedCount, lastError } = useSyncState(client);
  if (failedCount <= 0) return null;
  return (
    <div className="banner banner--error" role="alert">
      <span className="banner__text">{failedText(failedCount)}</span>
      {lastError ? <span className="banner__detail">{lastError}</span> : null}
      <button type="button" className="button button--small" onClick={() => client.retryFailed()}>
        Retry
      </button>
    </div>
  );
}

export function InitialSyncProgress({ client }: { client: AppClient }) {
  const { initialSync } = useSyncState(client);
  if (!initialSync) return null;
  const { received, total } = initialSync;
  return (
    <div className="initial-sync">
      <label htmlFor="initial-sync-progress">
        Downloading your data: {received}
        {total !== null ? ` of ${total}` : ''}
      </label>
      {total !== null ? (
        <progress id="initial-sync-progress" value={received} max={Math.max(total, 1)} />
      ) : (
        <progress id="initial-sync-progress" />
      )}
    </div>
  );
}
