import { useId } from 'react';
import type { AppClient } from '../../web/app-client';
import { useSyncState } from '../hooks/use-sync-state';
import { indicatorReason, indicatorView } from '../sync-labels';
import { Link } from './link';

/**
 * The one `status` element; its text is exactly one of CONTRACT §5's four.
 * When a failed sync is why it says `Tap to sync`, the reason stands beside
 * it (outside the status, whose words are fixed) and describes the button.
 */
export function SyncIndicator({ client }: { client: AppClient }) {
  const state = useSyncState(client);
  const view = indicatorView(state);
  const reason = indicatorReason(state);
  const reasonId = useId();
  return (
    <div className="sync-indicator-wrap">
      <div role="status" className={`sync-indicator sync-indicator--${view.kind}`}>
        {view.kind === 'tap-to-sync' ? (
          <button type="button" className="button button--small" aria-describedby={reason ? reasonId : undefined} onClick={() => client.syncNow()}>
            {view.text}
          </button>
        ) : (
          view.text
        )}
      </div>
      {reason ? (
        <span id={reasonId} className="sync-reason">
          {reason}
        </span>
      ) : null}
      <Link to="/health" className="sync-details">
        Sync health
      </Link>
    </div>
  );
}
