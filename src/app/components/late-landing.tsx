import { useEffect, useMemo } from 'react';
import type { AppClient } from '../../web/app-client';
import { useObservable } from '../hooks/use-observable';
import { useLocation, useRouter } from '../hooks/use-router';
import { useStore } from '../hooks/use-store';
import { useSyncState } from '../hooks/use-sync-state';
import { INTERACTIONS, lateLanding, type LandingWatch } from '../late-landing';
import { NEVER_DECIDED, observeHasRequestsForMe } from '../records';

/** After the first sync ends, how long a last page's request still counts (its rows are stored before the sync says it ended). */
const AFTER_FIRST_SYNC_MS = 1_000;

/**
 * Watches the landing's choice of `/references` during a first sync (late-landing.ts):
 * a request waiting for the user's answer that arrives in a later page takes
 * them to the inbox, unless they have started to do something.
 */
export function LateLanding({ client, watch }: { client: AppClient; watch: LandingWatch }) {
  const router = useRouter();
  const { pathname } = useLocation();
  const { watching, moved } = useStore(watch);
  const downloading = useSyncState(client).initialSync !== null;
  const { database, session } = client;
  const waiting = useObservable(
    useMemo(() => (watching ? observeHasRequestsForMe(database, session.user.email, true) : NEVER_DECIDED), [watching, database, session.user.email]),
  );

  useEffect(() => {
    if (!watching) return;
    const stop = () => watch.stop();
    for (const type of INTERACTIONS) document.addEventListener(type, stop, { capture: true, passive: true });
    return () => {
      for (const type of INTERACTIONS) document.removeEventListener(type, stop, { capture: true });
    };
  }, [watching, watch]);

  useEffect(() => {
    if (!watching || downloading) return;
    const timer = setTimeout(() => watch.stop(), AFTER_FIRST_SYNC_MS);
    return () => clearTimeout(timer);
  }, [watching, downloading, watch]);

  const next = lateLanding({ watching, pathname, waiting });
  useEffect(() => {
    if (next === 'stop') watch.stop();
    if (next === 'move') {
      watch.movedToInbox();
      router.navigate('/inbox', { replace: true });
    }
  }, [next, watch, router]);

  useEffect(() => {
    if (moved && pathname !== '/inbox') watch.forget();
  }, [moved, pathname, watch]);

  // A live region that is there before its text, so the move is announced (the sync indicator is the page's one `status`).
  if (!watching && !moved) return null;
  return (
    <div className="late-landing" aria-live="polite">
      {moved && pathname === '/inbox' ? <p className="banner">A request for your answer arrived while your data downloaded, so here is your inbox.</p> : null}
    </div>
  );
}
