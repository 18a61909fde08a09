import { useEffect, useState } from 'react';
import { useStore } from '../hooks/use-store';
import type { DeviceProblemsStore } from '../device-problems';
import { RouterContext } from '../hooks/use-router';
import type { Router } from '../router';
import type { SessionStore } from '../session-store';
import type { ServiceWorkerControl } from '../sw-registration';
import { AuthScreen } from './auth-screen';
import type SignedInApp from './signed-in-app';
import { UpdatePrompt } from './update-prompt';

/**
 * The signed-in screens load as their own chunk (as the data layer does,
 * main.tsx): the first page of someone signed out does not carry them. The
 * service worker precaches every chunk, so they open offline like the rest.
 */
type SignedInModule = { default: typeof SignedInApp };
let signedIn: SignedInModule | null = null;
export const loadSignedInApp = () => import('./signed-in-app').then((module) => (signedIn = module));

/**
 * The signed-in screens' module, or null until it has loaded. Not React.lazy
 * with Suspense: React holds a revealed Suspense boundary back for about
 * 300 ms after its fallback showed, which a start from IndexedDB would wait
 * for every time (npm run bench: cold_start_10k_ms). It is usually loaded
 * already: main.tsx fetches it while the database opens.
 */
function useSignedInModule(wanted: boolean): SignedInModule | null {
  const [module, setModule] = useState(signedIn);
  useEffect(() => {
    if (!wanted || module) return;
    let live = true;
    void loadSignedInApp().then((loaded) => live && setModule(loaded));
    return () => {
      live = false;
    };
  }, [wanted, module]);
  return module ?? signedIn;
}

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
  const screens = useSignedInModule(session.phase === 'signed-in');
  return (
    <RouterContext.Provider value={router}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {session.phase === 'starting' ? (
        <Opening />
      ) : session.phase === 'signed-out' ? (
        <AuthScreen sessions={sessions} onFirstInput={onFirstInput} />
      ) : screens ? (
        // Keyed by user: nothing of one account's screens survives into another's.
        <screens.default key={session.client.session.user.id} client={session.client} sessions={sessions} problems={problems} />
      ) : (
        <Opening />
      )}
      <section id="toasts" className="toasts" aria-label="Notifications">
        {worker ? <UpdatePrompt worker={worker} /> : null}
      </section>
    </RouterContext.Provider>
  );
}
