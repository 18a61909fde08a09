import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { auth } from '../web/auth';
import { createAppClient } from '../web/create-app-client';
import { App, loadSignedInApp } from './components/app';
import { createDeviceProblems } from './device-problems';
import { browserStorage, clearDrafts } from './drafts';
import { createRouter } from './router';
import { createSessionStore } from './session-store';
import { registerServiceWorker } from './sw-registration';
import './styles.css';

const worker = import.meta.env.PROD ? registerServiceWorker() : null;
const problems = createDeviceProblems();
const router = createRouter();
const sessions = createSessionStore({
  auth,
  createClient(session) {
    problems.reset();
    return createAppClient(session, { loki: problems.hooks });
  },
  onSignedOut: (userId) => clearDrafts(browserStorage(), userId),
});

// Someone is signed in on this device: fetch their screens while the database opens.
if (auth.restore()) void loadSignedInApp();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App sessions={sessions} worker={worker} problems={problems} router={router} />
  </StrictMode>,
);

sessions.restore().catch((error: unknown) => {
  console.error('Could not open the stored session', error);
});
