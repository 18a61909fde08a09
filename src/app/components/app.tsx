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
 * The signed-in screens load as their own chunk: the first page of someone
 * signed out (and its JS budget, npm run bench) does not carry them. The
 * service worker precaches the chunk, so it opens offline like the rest.
 */
export const loadSignedInApp = () => import('./signed-in-app');
const SignedInApp = lazy(loadSignedInApp);

interface Props {
  sessions: SessionStore;
  worker: ServiceWorkerControl | null;
  problems: DeviceProblemsStore;
  router: Router;
}

function Opening() {
  return (
    <main className="content" id="main" aria-busy="true">
      <p className="loading">Opening AiDeepRef…</p>
    </main>
  );
}

export function App({ sessions, worker, problems, router }: Props) {
  const session = useStore(sessions);
  return (
    <RouterContext.Provider value={router}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {session.phase === 'starting' ? (
        <Opening />
      ) : session.phase === 'signed-out' ? (
        <AuthScreen sessions={sessions} onFirstInput={() => void loadSignedInApp()} />
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
