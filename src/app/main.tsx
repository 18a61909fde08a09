import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { auth } from '../web/auth';
import { createAppClient } from '../web/create-app-client';
import { App } from './components/app';
import { createDeviceProblems } from './device-problems';
import { captureLinkProof, linkProofs } from './link-proof';
import { createSessionStore } from './session-store';
import { registerServiceWorker } from './sw-registration';
import './styles.css';

// A link from a mail (/verify, /invite): its token waits for the signed-in session.
captureLinkProof(window.location, window.history);
const worker = import.meta.env.PROD ? registerServiceWorker() : null;
const problems = createDeviceProblems();
const sessions = createSessionStore({
  auth,
  proofs: linkProofs,
  createClient(session) {
    problems.reset();
    return createAppClient(session, { loki: problems.hooks });
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App sessions={sessions} worker={worker} problems={problems} />
  </StrictMode>,
);

sessions.restore().catch((error: unknown) => {
  console.error('Could not open the stored session', error);
});
