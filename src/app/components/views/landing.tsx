import { useEffect, useMemo, useState } from 'react';
import type { AppClient } from '../../../web/app-client';
import { useObservable } from '../../hooks/use-observable';
import { useRouter } from '../../hooks/use-router';
import { useSyncState } from '../../hooks/use-sync-state';
import { observeHasPulled, observeInboxCounts, observeMyCounts } from '../../records';
import type { StatusCounts } from '../../records';

/** How long `/` waits for a device's first sync to start before choosing from what it holds. */
const START_WAIT_MS = 4_000;

/** Someone who has been asked for a reference, and has something to answer (or nothing else), starts at the inbox. */
export function landingPath(mine: StatusCounts, inbox: StatusCounts): '/inbox' | '/references' {
  if (inbox.pending > 0) return '/inbox';
  if (inbox.total > 0 && mine.total === 0) return '/inbox';
  return '/references';
}

/**
 * `/`: chooses the view, once the device knows the account. On a new device
 * that is after its first pull (the user's own row arrives with it), so a
 * referee signing in on a new phone still lands on the inbox. Offline, or if
 * no sync starts soon, it chooses from what the device holds.
 */
export function Landing({ client }: { client: AppClient }) {
  const router = useRouter();
  const { database, session } = client;
  const sync = useSyncState(client);
  const pulled = useObservable(useMemo(() => observeHasPulled(database, session.user.id), [database, session.user.id]));
  const mine = useObservable(useMemo(() => observeMyCounts(database, session.user.id), [database, session.user.id]));
  const inbox = useObservable(useMemo(() => observeInboxCounts(database, session.user.email), [database, session.user.email]));
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaited(true), START_WAIT_MS);
    return () => clearTimeout(timer);
  }, []);
  const downloading = sync.initialSync !== null;
  const offline = typeof navigator !== 'undefined' && !navigator.onLine;
  const known = !downloading && (pulled === true || offline || waited || sync.lastError !== null);
  useEffect(() => {
    if (known && mine && inbox) router.navigate(landingPath(mine, inbox), { replace: true });
  }, [known, mine, inbox, router]);
  return (
    <div className="view">
      <p className="loading">Opening your references…</p>
    </div>
  );
}
