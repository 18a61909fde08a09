import type { AppClient } from '../../web/app-client';
import { useSyncState } from '../hooks/use-sync-state';
import { indicatorView } from '../sync-labels';

/** The one `status` element; its text is exactly one of CONTRACT §5's four. */
export function SyncIndicator({ client }: { client: AppClient }) {
  const view = indicatorView(useSyncState(client));
  return (
    <div role="status" className={`sync-indicator sync-indicator--${view.kind}`}>
      {view.kind === 'tap-to-sync' ? (
        <button type="button" className="button button--small" onClick={() => client.syncNow()}>
          {view.text}
        </button>
      ) : (
        view.text
      )}
    </div>
  );
}
