import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { AppClient } from '../../web/app-client';
import { askPersistenceOnce } from '../../web/device-health';
import type { DeviceProblemsStore } from '../device-problems';
import { browserStorage, createDrafts } from '../drafts';
import { CountsContext, createSharedCounts } from '../hooks/use-counts';
import { DraftsContext } from '../hooks/use-draft';
import { useLocation, useRoute } from '../hooks/use-router';
import { UndoContext } from '../hooks/use-undo';
import type { SessionStore } from '../session-store';
import { createLandingWatch, type LandingWatch } from '../late-landing';
import { keepSyncHistory } from '../sync-history';
import { conflictsSeen, type ConflictsSeen } from '../conflicts-seen';
import { createUndoStore } from '../undo-store';
import { AuthExpiredPrompt } from './auth-expired-prompt';
import { ConflictsNotice } from './conflicts-notice';
import { WithdrawnDraftsNotice } from './withdrawn-drafts-notice';
import { DeviceNotices } from './device-notices';
import { VerifyEmailNotice } from './verify-email';
import { LateLanding } from './late-landing';
import { FailedNotice, InitialSyncProgress, OfflineBanner } from './sync-notices';
import { TopBar } from './top-bar';
import { UndoNotice } from './undo-notice';
import { ConflictsView } from './views/conflicts-view';
import { HealthView } from './views/health-view';
import { InboxView } from './views/inbox-view';
import { Landing } from './views/landing';
import { NotFoundView } from './views/not-found-view';
import { ReferenceView } from './views/reference-view';
import { ReferencesView } from './views/references-view';

interface Props {
  client: AppClient;
  sessions: SessionStore;
  problems: DeviceProblemsStore;
}

/** The signed-in screens: the frame, the notices, and the view the address names. The worker's SYNC_NOW is wired inside createAppClient. */
export default function SignedInApp({ client, sessions, problems }: Props) {
  const drafts = useMemo(() => createDrafts(browserStorage(), client.session.user.id), [client.session.user.id]);
  const undo = useMemo(() => createUndoStore(), []);
  const counts = useMemo(() => createSharedCounts(client), [client]);
  const landing = useMemo(() => createLandingWatch(), []);
  const seen = useMemo(() => conflictsSeen(client.session.user.id), [client.session.user.id]);
  useEffect(() => () => undo.dismiss(), [undo]);
  // After the first sign-in on this device: ask the browser not to evict the offline data.
  useEffect(() => void askPersistenceOnce().catch(() => null), []);
  useEffect(() => keepSyncHistory(client), [client]);
  return (
    <DraftsContext.Provider value={drafts}>
      <CountsContext.Provider value={counts}>
        <UndoContext.Provider value={undo}>
          <TopBar client={client} sessions={sessions} />
          <main className="content" id="main">
            <DeviceNotices problems={problems} />
            <OfflineBanner client={client} />
            <FailedNotice client={client} />
            <ConflictsNotice client={client} seen={seen} />
            <WithdrawnDraftsNotice client={client} />
            <InitialSyncProgress client={client} />
            <AuthExpiredPrompt client={client} sessions={sessions} />
            <VerifyEmailNotice client={client} sessions={sessions} />
            <LateLanding client={client} watch={landing} />
            <CurrentView client={client} landing={landing} seen={seen} />
          </main>
          <Toast>
            <UndoNotice client={client} />
          </Toast>
        </UndoContext.Provider>
      </CountsContext.Provider>
    </DraftsContext.Provider>
  );
}

function CurrentView({ client, landing, seen }: { client: AppClient; landing: LandingWatch; seen: ConflictsSeen }) {
  const route = useRoute();
  const { pathname, hash } = useLocation();
  useFocusOnNavigation(pathname);
  useEffect(() => {
    // The "Request a reference" shortcut (manifest) and link: straight to the form's first field.
    if (hash !== '#request') return;
    const focus = () => document.getElementById('request')?.querySelector<HTMLElement>('input')?.focus();
    focus();
    // Within the page the browser's own move to the fragment comes after (and takes the focus away).
    window.addEventListener('hashchange', focus, { once: true });
    return () => window.removeEventListener('hashchange', focus);
  }, [hash, pathname]);
  switch (route.name) {
    case 'home':
      return <Landing client={client} watch={landing} />;
    case 'references':
      return <ReferencesView client={client} />;
    case 'inbox':
      return <InboxView client={client} />;
    case 'reference':
      return <ReferenceView key={route.id} client={client} id={route.id} />;
    case 'health':
      return <HealthView client={client} />;
    case 'conflicts':
      return <ConflictsView client={client} seen={seen} />;
    default:
      return <NotFoundView />;
  }
}

/**
 * After moving to another view, focus its heading, as a page load would
 * start reading there. Not on the first view, nor on the landing's own
 * redirect: nobody asked to go anywhere then.
 */
function useFocusOnNavigation(pathname: string) {
  const previous = useRef(pathname);
  useEffect(() => {
    const from = previous.current;
    previous.current = pathname;
    if (from === pathname || from === '/') return;
    window.scrollTo({ top: 0 });
    // A view shows its heading once its record has been read: look again for a few frames.
    let frames = 0;
    let handle = 0;
    const focus = () => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (heading) heading.focus({ preventScroll: true });
      else if (frames++ < 30) handle = requestAnimationFrame(focus);
    };
    focus();
    return () => cancelAnimationFrame(handle);
  }, [pathname]);
}

/** Renders into the page's notification region (App), above every view. */
function Toast({ children }: { children: ReactNode }) {
  const [target, setTarget] = useState<HTMLElement | null>(null);
  useEffect(() => setTarget(document.getElementById('toasts')), []);
  return target ? createPortal(children, target) : null;
}
