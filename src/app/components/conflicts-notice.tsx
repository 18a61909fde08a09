import { useMemo } from 'react';
import type { AppClient } from '../../web/app-client';
import { observeConflicts } from '../conflict-records';
import type { ConflictsSeen } from '../conflicts-seen';
import { useObservable } from '../hooks/use-observable';
import { useRoute } from '../hooks/use-router';
import { useStore } from '../hooks/use-store';
import { Link } from './link';

/**
 * Points to Conflicts when a change made on this device did not stand (a
 * newer write won, the request was deleted or sent elsewhere under an answer,
 * a deletion was not sent) since the user last looked: the log itself sits
 * behind Sync health.
 */
export function ConflictsNotice({ client, seen }: { client: AppClient; seen: ConflictsSeen }) {
  const entries = useObservable(useMemo(() => observeConflicts(client.database), [client.database]));
  const seenAt = useStore(seen);
  const route = useRoute();
  const unseen = (entries ?? []).filter((entry) => entry.at > seenAt && entry.restoredAt === undefined);
  if (route.name === 'conflicts' || unseen.length === 0) return null;
  const newest = Math.max(...unseen.map((entry) => entry.at));
  return (
    // Polite, and no role: the page's one `status` is the sync indicator (CONTRACT), found by that role.
    <div className="banner banner--notice" aria-live="polite">
      <span className="banner__text">{unseen.length === 1 ? '1 change made on this device did not stand.' : `${unseen.length} changes made on this device did not stand.`}</span>
      <Link to="/conflicts">See Conflicts</Link>
      <button type="button" className="button button--small" onClick={() => seen.markSeen(newest)}>
        Dismiss
      </button>
    </div>
  );
}
