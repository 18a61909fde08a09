import { useState } from 'react';
import type { FormEvent } from 'react';
import type { SessionStore } from '../session-store';
import { checkEmail, checkName, checkPassword, collectErrors, describeError } from '../validation';
import type { Errors } from '../validation';
import { Field } from './field';

type Mode = 'sign-up' | 'sign-in';

/** Sign-up and sign-in, switching with a button (CONTRACT §5). */
export function AuthScreen({ sessions }: { sessions: SessionStore }) {
  // A fresh device most likely belongs to someone new; the switch is one click away.
  const [mode, setMode] = useState<Mode>('sign-up');
  return (
    <main className="auth" id="main">
      <div className="card auth__card">
        <div>
          <h1 className="auth__brand">AiDeepRef</h1>
          <p className="auth__tagline">Reference checks that work on the train.</p>
        </div>
        {sessions.pendingProof?.kind === 'invite' ? (
          <p className="notice" role="note">
            You were asked for a reference. Sign up, or sign in, with the address the invitation was sent to: that proves it is yours, no code
            needed.
          </p>
        ) : null}
        {mode === 'sign-up' ? (
          <SignUpForm sessions={sessions} onSwitch={() => setMode('sign-in')} />
        ) : (
          <SignInForm sessions={sessions} onSwitch={() => setMode('sign-up')} />
        )}
      </div>
    </main>
  );
}

function SignUpForm({ sessions, onSwitch }: { sessions: SessionStore; onSwitch(): void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'name' | 'email' | 'password'>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = collectErrors({ name: checkName(name), email: checkEmail(email), password: checkPassword(password) });
    setErrors(found ?? {});
    setFailure(null);
    if (found) return;
    setBusy(true);
    try {
      await sessions.signUp({ name: name.trim(), email: email.trim(), password });
    } catch (error) {
      setFailure(describeError(error));
      setBusy(false);
    }
  }

  return (
    <>
      <h2>Create your account</h2>
      <form onSubmit={submit} noValidate aria-label="Create account">
        <Field label="Name" value={name} onChange={setName} error={errors.name} autoComplete="name" required />
        <Field label="Email" type="email" value={email} onChange={setEmail} error={errors.email} autoComplete="email" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          hint="At least 8 characters."
          autoComplete="new-password"
          required
        />
        {failure ? (
          <p className="form-error" role="alert">
            {failure}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy}>
          Sign up
        </button>
      </form>
      <p className="auth__switch">
        Already have an account?{' '}
        <button type="button" className="button button--link" onClick={onSwitch}>
          Sign in
        </button>
      </p>
    </>
  );
}

function SignInForm({ sessions, onSwitch }: { sessions: SessionStore; onSwitch(): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'email' | 'password'>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = collectErrors({ email: checkEmail(email), password: password ? null : 'Enter your password.' });
    setErrors(found ?? {});
    setFailure(null);
    if (found) return;
    setBusy(true);
    try {
      await sessions.signIn({ email: email.trim(), password });
    } catch (error) {
      setFailure(describeError(error));
      setBusy(false);
    }
  }

  return (
    <>
      <h2>Sign in</h2>
      <form onSubmit={submit} noValidate aria-label="Sign in to your account">
        <Field label="Email" type="email" value={email} onChange={setEmail} error={errors.email} autoComplete="email" required />
        <Field label="Password" type="password" value={password} onChange={setPassword} error={errors.password} autoComplete="current-password" required />
        {failure ? (
          <p className="form-error" role="alert">
            {failure}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="auth__switch">
        New here?{' '}
        <button type="button" className="button button--link" onClick={onSwitch}>
          Create account
        </button>
      </p>
    </>
  );
}
