import { useEffect, useMemo, useState } from 'react';
import type { AppClient } from '../../../web/app-client';
import type { LandingWatch } from '../../late-landing';
import { useObservable } from '../../hooks/use-observable';
import { useRouter } from '../../hooks/use-router';
import { useSyncState } from '../../hooks/use-sync-state';
import { NEVER_DECIDED, observeHasOwnReferences, observeHasPulled, observeHasRequestsForMe } from '../../records';

/** How long `/` waits for a device's first sync to start before choosing from what it holds. */
const START_WAIT_MS = 4_000;

/**
 * Someone with requests waiting for their answer starts at the inbox, and so
 * does someone who has only been asked (never asked anyone); everyone else at
 * their references. `hasOwn` is looked up only when it decides (undefined until then).
 */
export function landingPath(inbox: { waiting: boolean; any: boolean }, hasOwn: boolean | undefined): '/inbox' | '/references' | null {
  if (inbox.waiting) return '/inbox';
  if (!inbox.any) return '/references';
  if (hasOwn === undefined) return null;
  return hasOwn ? '/references' : '/inbox';
}

/**
 * `/`: chooses the view, once the device knows the account. On a new device
 * that is after the first page of its first pull (the user's own row arrives
 * with it), so a referee signing in on a new phone still lands on the inbox. Offline, or if
 * no sync starts soon, it chooses from what the device holds. A choice of
 * `/references` made during a first sync is watched (`watch`, late-landing.ts):
 * a waiting request in a later page still takes an idle user to the inbox.
 */
export function Landing({ client, watch }: { client: AppClient; watch?: LandingWatch }) {
  const router = useRouter();
  const { database, session } = client;
  const sync = useSyncState(client);
  const pulled = useObservable(useMemo(() => observeHasPulled(database, session.user.id), [database, session.user.id]));
  const downloading = sync.initialSync !== null;
  // Whether anything is there, not how much: one record read each, so the choice is made at once.
  const { email } = session.user;
  const waiting = useObservable(useMemo(() => observeHasRequestsForMe(database, email, true), [database, email]));
  const any = useObservable(useMemo(() => observeHasRequestsForMe(database, email, false), [database, email]));
  const inbox = waiting === undefined || any === undefined ? undefined : { waiting, any };
  const needsOwn = inbox !== undefined && !inbox.waiting && inbox.any;
  const hasOwn = useObservable(useMemo(() => (needsOwn ? observeHasOwnReferences(database, session.user.id) : NEVER_DECIDED), [needsOwn, database, session.user.id]));
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaited(true), START_WAIT_MS);
    return () => clearTimeout(timer);
  }, []);
  const offline = typeof navigator !== 'undefined' && !navigator.onLine;
  // During a first sync, as soon as its first page is stored (the user's own row comes with
  // it): the lists show rows as pages arrive, so waiting for the whole account would only
  // keep the user on this message. From the data so far; LateLanding looks at the later pages.
  const known = pulled === true || (!downloading && (offline || waited || sync.lastError !== null));
  const path = known && inbox ? landingPath(inbox, hasOwn) : null;
  useEffect(() => {
    if (!path) return;
    watch?.landed(path, downloading);
    router.navigate(path, { replace: true });
    // `downloading` as it was when the choice was made; a later change must not choose again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, router, watch]);
  return (
    <div className="view">
      <p className="loading">Opening your references…</p>
    </div>
  );
}
