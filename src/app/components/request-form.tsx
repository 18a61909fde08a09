import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { FormEvent } from 'react';
import type { AppClient } from '../../web/app-client';
import { LIMITS } from '../../shared/schema';
import { useDraft } from '../hooks/use-draft';
import { checkMessage, checkName, checkRefereeEmail, collectErrors, describeError } from '../validation';
import type { Errors } from '../validation';
import { Field } from './field';

const FIELDS = ['refereeName', 'refereeEmail', 'message'] as const;
type Key = (typeof FIELDS)[number];

const REQUEST_DRAFT = 'request';

/**
 * Ask a former manager for a reference. Saved on this device at once; sync
 * follows. What is typed is kept on the device as it is typed (drafts.ts),
 * and a save empties only the fields that still hold what it saved.
 */
export function RequestForm({ client }: { client: AppClient }) {
  const draft = useDraft(REQUEST_DRAFT, FIELDS);
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const firstField = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const { refereeName, refereeEmail, message } = draft.value;

  function change(key: Key, value: string) {
    draft.set({ [key]: value });
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest as Errors<Key>);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const found = collectErrors<Key>({
      refereeName: checkName(refereeName, "the referee's name"),
      refereeEmail: checkRefereeEmail(refereeEmail, client.session.user.email),
      message: checkMessage(message),
    });
    flushSync(() => {
      setErrors(found ?? {});
      setFailure(null);
    });
    if (found) {
      // The first field in the form's order that needs fixing.
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const submitted = { refereeName, refereeEmail, message };
    setBusy(true);
    try {
      // Resolves once the record is stored on this device; it needs no network.
      await client.requestReference({ refereeName: refereeName.trim(), refereeEmail: refereeEmail.trim(), message: message.trim() });
      draft.settle(submitted);
      // Ready for the next request, unless the user already moved on to a field of their choice.
      const active = document.activeElement;
      if (!active || active === document.body || active === submitButton.current) firstField.current?.focus();
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card request-card" aria-labelledby="request-heading" id="request">
      <h2 id="request-heading">Request a reference</h2>
      <form ref={form} onSubmit={submit} noValidate className="request-form">
        <div className="request-form__row">
          <Field
            label="Referee name"
            value={refereeName}
            onChange={(value) => change('refereeName', value)}
            error={errors.refereeName}
            limit={LIMITS.name}
            what="the name"
            autoComplete="off"
            required
            inputRef={firstField}
          />
          <Field
            label="Referee email"
            type="email"
            value={refereeEmail}
            onChange={(value) => change('refereeEmail', value)}
            error={errors.refereeEmail}
            limit={LIMITS.email}
            what="the email"
            autoComplete="off"
            required
          />
        </div>
        <Field
          label="Message"
          multiline
          rows={3}
          value={message}
          onChange={(value) => change('message', value)}
          error={errors.message}
          limit={LIMITS.message}
          what="the message"
          hint="Optional: a note for your referee."
        />
        {failure ? (
          <p className="form-error" role="alert">
            {failure}
          </p>
        ) : null}
        <button ref={submitButton} type="submit" className="button button--primary" disabled={busy}>
          Request reference
        </button>
      </form>
    </section>
  );
}
