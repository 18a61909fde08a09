import { useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { FormEvent } from 'react';
import { LIMITS } from '../../shared/schema';
import type { SessionStore } from '../session-store';
import { checkEmail, checkName, checkPassword, collectErrors, describeProblem } from '../validation';
import type { Errors, Problem } from '../validation';
import { Field } from './field';

type Mode = 'sign-up' | 'sign-in';

interface Props {
  sessions: SessionStore;
  /** The user started on a form: time to fetch what signing in will need. */
  onFirstInput?(): void;
}

/** Sign-up and sign-in, switching with a button (CONTRACT §5). */
export function AuthScreen({ sessions, onFirstInput }: Props) {
  // A fresh device most likely belongs to someone new; the switch is one click away.
  const [mode, setMode] = useState<Mode>('sign-up');
  const [email, setEmail] = useState('');
  const [focusPassword, setFocusPassword] = useState(false);
  return (
    <main className="auth" id="main" onFocusCapture={onFirstInput} onPointerDownCapture={onFirstInput}>
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
          <SignUpForm
            sessions={sessions}
            email={email}
            onEmail={setEmail}
            onSwitch={() => setMode('sign-in')}
            onSignInInstead={() => {
              setFocusPassword(true);
              setMode('sign-in');
            }}
          />
        ) : (
          <SignInForm sessions={sessions} email={email} onEmail={setEmail} focusPassword={focusPassword} onSwitch={() => setMode('sign-up')} />
        )}
      </div>
    </main>
  );
}

/** Focuses the first field marked invalid, once the errors are on the page. */
function focusFirstInvalid(form: HTMLFormElement | null) {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

interface SignUpProps {
  sessions: SessionStore;
  email: string;
  onEmail(email: string): void;
  onSwitch(): void;
  onSignInInstead(): void;
}

function SignUpForm({ sessions, email, onEmail, onSwitch, onSignInInstead }: SignUpProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'name' | 'email' | 'password'>>({});
  const [failure, setFailure] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const alertId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = collectErrors({ name: checkName(name), email: checkEmail(email), password: checkPassword(password) });
    flushSync(() => {
      setErrors(found ?? {});
      setFailure(null);
    });
    if (found) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      await sessions.signUp({ name: name.trim(), email: email.trim(), password });
    } catch (error) {
      const problem = describeProblem(error);
      flushSync(() => {
        setFailure(problem);
        setBusy(false);
      });
      focusFirstInvalid(form.current);
    }
  }

  // A server problem about one field marks that field; its words are in the alert below.
  const marked = (key: 'name' | 'email' | 'password') => ({ invalid: failure?.field === key, describedBy: failure?.field === key ? alertId : undefined });

  return (
    <>
      <h2>Create your account</h2>
      <form ref={form} onSubmit={submit} noValidate aria-label="Create account">
        <Field label="Name" value={name} onChange={setName} error={errors.name} {...marked('name')} limit={LIMITS.name} what="the name" autoComplete="name" required />
        <Field label="Email" type="email" value={email} onChange={onEmail} error={errors.email} {...marked('email')} limit={LIMITS.email} what="the email" autoComplete="email" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          {...marked('password')}
          limit={LIMITS.passwordMax}
          what="the password"
          hint="At least 8 characters."
          autoComplete="new-password"
          required
        />
        {failure ? (
          <div className="form-error" role="alert">
            <p id={alertId}>{failure.message}</p>
            {failure.emailTaken ? (
              <button type="button" className="button button--small" onClick={onSignInInstead}>
                Sign in instead
              </button>
            ) : null}
          </div>
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

interface SignInProps {
  sessions: SessionStore;
  email: string;
  onEmail(email: string): void;
  focusPassword: boolean;
  onSwitch(): void;
}

function SignInForm({ sessions, email, onEmail, focusPassword, onSwitch }: SignInProps) {
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'email' | 'password'>>({});
  const [failure, setFailure] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const alertId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = collectErrors({ email: checkEmail(email), password: password ? null : 'Enter your password.' });
    flushSync(() => {
      setErrors(found ?? {});
      setFailure(null);
    });
    if (found) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      await sessions.signIn({ email: email.trim(), password });
    } catch (error) {
      const problem = describeProblem(error);
      flushSync(() => {
        setFailure(problem);
        setBusy(false);
      });
      focusFirstInvalid(form.current);
    }
  }

  const marked = (key: 'email' | 'password') => ({ invalid: failure?.field === key, describedBy: failure?.field === key ? alertId : undefined });

  return (
    <>
      <h2>Sign in</h2>
      <form ref={form} onSubmit={submit} noValidate aria-label="Sign in to your account">
        <Field label="Email" type="email" value={email} onChange={onEmail} error={errors.email} {...marked('email')} limit={LIMITS.email} what="the email" autoComplete="email" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          {...marked('password')}
          autoComplete="current-password"
          autoFocus={focusPassword}
          required
        />
        {failure ? (
          <p className="form-error" role="alert" id={alertId}>
            {failure.message}
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
