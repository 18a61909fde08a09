import { useState } from 'react';
import type { AppClient } from '../../web/app-client';
import type { DeviceProblemsStore } from '../device-problems';
import type { SessionStore } from '../session-store';
import { describeError } from '../validation';
import { AuthExpiredPrompt } from './auth-expired-prompt';
import { DeviceNotices } from './device-notices';
import { MyReferences } from './my-references';
import { RequestForm } from './request-form';
import { RequestsForMe } from './requests-for-me';
import { SyncIndicator } from './sync-indicator';
import { VerifyEmailNotice } from './verify-email';
import { FailedNotice, InitialSyncProgress, OfflineBanner } from './sync-notices';

interface Props {
  client: AppClient;
  sessions: SessionStore;
  problems: DeviceProblemsStore;
}

/** The signed-in screens. The worker's SYNC_NOW is wired inside createAppClient. */
export function SignedInApp({ client, sessions, problems }: Props) {
  return (
    <>
      <header className="topbar">
        <div className="topbar__inner">
          <h1 className="brand">AiDeepRef</h1>
          <SyncIndicator client={client} />
          <div className="topbar__user">
            <span className="topbar__name">{client.session.user.name}</span>
            <SignOutButton sessions={sessions} />
          </div>
        </div>
      </header>
      <main className="content" id="main">
        <DeviceNotices problems={problems} />
        <OfflineBanner client={client} />
        <FailedNotice client={client} />
        <InitialSyncProgress client={client} />
        <AuthExpiredPrompt client={client} sessions={sessions} />
        <VerifyEmailNotice client={client} sessions={sessions} />
        <RequestForm client={client} />
        <div className="columns">
          <MyReferences client={client} />
          <RequestsForMe client={client} />
        </div>
      </main>
    </>
  );
}

function SignOutButton({ sessions }: { sessions: SessionStore }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function signOut() {
    setBusy(true);
    try {
      await sessions.signOut();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="button button--small" disabled={busy} onClick={() => void signOut()}>
        Sign out
      </button>
      {error ? (
        <span className="form-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
