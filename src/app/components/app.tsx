import { lazy, Suspense } from 'react';
import { useStore } from '../hooks/use-store';
import type { DeviceProblemsStore } from '../device-problems';
import { RouterContext } from '../hooks/use-router';
import type { Router } from '../router';
import type { SessionStore } from '../session-store';
import type { ServiceWorkerControl } from '../sw-registration';
import { AuthScreen } from './auth-screen';
import { UpdatePrompt } from './update-prompt';

/**
 * The signed-in screens load as their own chunk (as the data layer does,
 * main.tsx): the first page of someone signed out does not carry them. The
 * service worker precaches every chunk, so they open offline like the rest.
 */
export const loadSignedInApp = () => import('./signed-in-app');
const SignedInApp = lazy(loadSignedInApp);

interface Props {
  sessions: SessionStore;
  worker: ServiceWorkerControl | null;
  problems: DeviceProblemsStore;
  router: Router;
  /** The user started on the sign-in or sign-up form: fetch what signing in needs. */
  onFirstInput(): void;
}

function Opening() {
  return (
    <main className="content" id="main" aria-busy="true">
      <p className="loading">Opening AiDeepRef…</p>
    </main>
  );
}

export function App({ sessions, worker, problems, router, onFirstInput }: Props) {
  const session = useStore(sessions);
  return (
    <RouterContext.Provider value={router}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {session.phase === 'starting' ? (
        <Opening />
      ) : session.phase === 'signed-out' ? (
        <AuthScreen sessions={sessions} onFirstInput={onFirstInput} />
      ) : (
        // Keyed by user: nothing of one account's screens survives into another's.
        <Suspense fallback={<Opening />}>
          <SignedInApp key={session.client.session.user.id} client={session.client} sessions={sessions} problems={problems} />
        </Suspense>
      )}
      <section id="toasts" className="toasts" aria-label="Notifications">
        {worker ? <UpdatePrompt worker={worker} /> : null}
      </section>
    </RouterContext.Provider>
  );
}
