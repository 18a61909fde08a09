import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AppClient } from '../../web/app-client';
import { useSyncState } from '../hooks/use-sync-state';
import type { SessionStore } from '../session-store';
import { describeError } from '../validation';
import { Field } from './field';

/**
 * Until the email is proven, requests addressed to it stay on the server
 * (CONTRACT §3): the notice says so and takes the code. Everything else of
 * the app works meanwhile, offline too; only verifying needs the network.
 */
export function VerifyEmailNotice({ client, sessions }: { client: AppClient; sessions: SessionStore }) {
  const { online } = useSyncState(client);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const outcome = sessions.linkOutcome;
  if (client.session.user.email_verified) {
    return outcome?.ok ? (
      <p className="notice notice--success" aria-live="polite">
        {outcome.message}
      </p>
    ) : null;
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    setInfo(null);
    const digits = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(digits)) {
      setError('Enter the 6-digit code from the message we sent you.');
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await sessions.verifyEmail({ code: digits });
    } catch (failure) {
      setError(sentence(describeError(failure)));
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  async function sendNew() {
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      await sessions.sendNewCode();
      setInfo(`We sent a new code to ${client.session.user.email}.`);
    } catch (failure) {
      setError(sentence(describeError(failure)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card card--warning" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verify your email</h2>
      <p>
        We sent a 6-digit code to <strong>{client.session.user.email}</strong>. Requests addressed to you appear once you enter it. Your own
        requests keep working meanwhile, and go out to your referees once you are verified.
      </p>
      {outcome && !outcome.ok ? (
        <p className="form-error" role="alert">
          {outcome.message}
        </p>
      ) : null}
      <form onSubmit={verify} noValidate className="verify-form">
        <Field
          label="Verification code"
          value={code}
          onChange={setCode}
          error={error ?? undefined}
          inputMode="numeric"
          autoComplete="one-time-code"
          inputRef={codeRef}
        />
        {online ? null : <p className="field__hint">You are offline: verifying needs a connection.</p>}
        <div className="verify-form__actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            Verify
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => void sendNew()}>
            Send a new code
          </button>
        </div>
        {info ? (
          <p className="field__hint" aria-live="polite">
            {info}
          </p>
        ) : null}
      </form>
    </section>
  );
}

/** The server's messages are lower-case fragments; shown as a sentence. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
