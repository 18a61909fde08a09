import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AppClient } from '../../web/app-client';
import { LIMITS } from '../../shared/schema';
import { checkEmail, checkMessage, checkName, collectErrors, describeError } from '../validation';
import type { Errors } from '../validation';
import { Field } from './field';

type Key = 'refereeName' | 'refereeEmail' | 'message';

/** Ask a former manager for a reference. Saved on this device at once; sync follows. */
export function RequestForm({ client }: { client: AppClient }) {
  const [refereeName, setRefereeName] = useState('');
  const [refereeEmail, setRefereeEmail] = useState('');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstField = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = collectErrors<Key>({
      refereeName: checkName(refereeName, "the referee's name"),
      refereeEmail: checkEmail(refereeEmail, "the referee's email"),
      message: checkMessage(message),
    });
    setErrors(found ?? {});
    setFailure(null);
    if (found) return;
    setBusy(true);
    try {
      // Resolves once the record is stored on this device; it needs no network.
      await client.requestReference({ refereeName: refereeName.trim(), refereeEmail: refereeEmail.trim(), message: message.trim() });
      setRefereeName('');
      setRefereeEmail('');
      setMessage('');
      firstField.current?.focus();
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="request-heading">
      <h2 id="request-heading">Request a reference</h2>
      <form onSubmit={submit} noValidate className="request-form">
        <div className="request-form__row">
          <Field
            label="Referee name"
            value={refereeName}
            onChange={setRefereeName}
            error={errors.refereeName}
            maxLength={LIMITS.name}
            autoComplete="off"
            required
            inputRef={firstField}
          />
          <Field
            label="Referee email"
            type="email"
            value={refereeEmail}
            onChange={setRefereeEmail}
            error={errors.refereeEmail}
            maxLength={LIMITS.email}
            autoComplete="off"
            required
          />
        </div>
        <Field label="Message" multiline value={message} onChange={setMessage} error={errors.message} maxLength={LIMITS.message} hint="Optional: a note for your referee." />
        {failure ? (
          <p className="form-error" role="alert">
            {failure}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy}>
          Request reference
        </button>
      </form>
    </section>
  );
}
