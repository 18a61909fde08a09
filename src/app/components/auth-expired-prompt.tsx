import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AppClient } from '../../web/app-client';
import { useSyncState } from '../hooks/use-sync-state';
import type { SessionStore } from '../session-store';
import { describeError } from '../validation';
import { Field } from './field';

/** Shown when the server refused the token: sign in again, nothing local is lost. */
export function AuthExpiredPrompt({ client, sessions }: { client: AppClient; sessions: SessionStore }) {
  const { authExpired } = useSyncState(client);
  if (!authExpired) return null;
  return <RenewForm sessions={sessions} email={client.session.user.email} />;
}

function RenewForm({ sessions, email }: { sessions: SessionStore; email: string }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter your password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await sessions.renew({ email, password });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card card--warning" aria-labelledby="renew-heading">
      <h2 id="renew-heading">Sign in again to keep syncing</h2>
      <p>Your session has expired. Your changes are safe on this device and will sync once you sign in.</p>
      <form onSubmit={submit} noValidate className="renew-form">
        <p className="renew-form__email">
          Signed in as <strong>{email}</strong>
        </p>
        <Field label="Password" type="password" value={password} onChange={setPassword} error={error ?? undefined} autoComplete="current-password" required />
        <button type="submit" className="button button--primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
