import { useStore } from '../hooks/use-store';
import type { DeviceProblemsStore } from '../device-problems';
import type { SessionStore } from '../session-store';
import type { ServiceWorkerControl } from '../sw-registration';
import { AuthScreen } from './auth-screen';
import { SignedInApp } from './signed-in-app';
import { UpdatePrompt } from './update-prompt';

interface Props {
  sessions: SessionStore;
  worker: ServiceWorkerControl | null;
  problems: DeviceProblemsStore;
}

export function App({ sessions, worker, problems }: Props) {
  const session = useStore(sessions);
  return (
    <>
      {session.phase === 'starting' ? (
        <main className="content" id="main" aria-busy="true">
          <p className="loading">Opening AiDeepRef…</p>
        </main>
      ) : session.phase === 'signed-out' ? (
        <AuthScreen sessions={sessions} />
      ) : (
        // Keyed by user: nothing of one account's screens survives into another's.
        <SignedInApp key={session.client.session.user.id} client={session.client} sessions={sessions} problems={problems} />
      )}
      {worker ? <UpdatePrompt worker={worker} /> : null}
    </>
  );
}
