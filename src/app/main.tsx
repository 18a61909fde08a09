import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { watchSessionEndings } from '../web/session-endings';
import { SESSION_KEY } from '../web/session-key';
import { App, loadSignedInApp } from './components/app';
import { warmDateFormats } from './dates';
import { createDeviceProblems } from './device-problems';
import { browserStorage, clearDrafts } from './drafts';
import { forgetSyncHistory } from './sync-history';
import { forgetConflictsSeen } from './conflicts-seen';
import { captureLinkProof, linkProofs } from './link-proof';
import { createRouter } from './router';
import { createSessionStore } from './session-store';
import { registerServiceWorker } from './sw-registration';
import './styles.css';

// A sign-out made offline ends its session on the server once the network is back.
watchSessionEndings();

// A link from a mail (/verify, /invite): its token waits for the signed-in session.
captureLinkProof(window.location, window.history);

/** The data layer and the signed-in screens, each fetched once. */
const loadRuntime = () => import('./runtime');
const prefetch = () => {
  void loadRuntime();
  void loadSignedInApp();
};

const hasStoredSession = () => browserStorage()?.getItem(SESSION_KEY) != null;

const worker = import.meta.env.PROD ? registerServiceWorker() : null;
const problems = createDeviceProblems();
const router = createRouter();
const sessions = createSessionStore({
  loadAuth: async () => (await loadRuntime()).auth,
  hasStoredSession,
  proofs: linkProofs,
  async createClient(session, { signedIn }) {
    problems.reset();
    const { createAppClient } = await loadRuntime();
    // Just signed in: the first page of their data is asked for while the database opens.
    return createAppClient(session, { loki: problems.hooks, firstPullAhead: signedIn });
  },
  onSignedOut: (userId) => {
    clearDrafts(browserStorage(), userId);
    forgetSyncHistory(userId);
    forgetConflictsSeen(userId);
  },
});

/**
 * The user started on the sign-in or sign-up form: the schemas that check
 * the server's answer come too, or the answer to the login waits for them
 * before the first sync can start. (Not for a stored session: a start from
 * IndexedDB shows its rows before any answer needs checking.) The date
 * formatters are built meanwhile, when the page is idle, not in the first
 * render of the rows.
 */
const prefetchForSignIn = () => {
  prefetch();
  void loadRuntime().then((runtime) => runtime.schemas());
  whenIdle(warmDateFormats);
};

function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 2_000 });
  else setTimeout(work, 0);
}

// Someone is signed in on this device: fetch the rest while React starts.
if (hasStoredSession()) prefetch();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App sessions={sessions} worker={worker} problems={problems} router={router} onFirstInput={prefetchForSignIn} />
  </StrictMode>,
);

sessions.restore().catch((error: unknown) => {
  console.error('Could not open the stored session', error);
});
