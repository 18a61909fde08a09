import { flushSync } from 'react-dom';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import type { AppClient } from '../../web/app-client';
import { LIMITS } from '../../shared/schema';
import type { ReferenceView } from '../records';
import { checkMessage, checkName, checkRefereeEmail, collectErrors, describeError } from '../validation';
import type { Errors } from '../validation';
import { Field } from './field';

type Key = 'refereeName' | 'refereeEmail' | 'message';
type Fields = Record<Key, string>;
const KEYS: readonly Key[] = ['refereeName', 'refereeEmail', 'message'];

/**
 * The form's text and the values it opened with, the base a save compares with
 * (only what the user changed is written). A field the user has not touched
 * follows a change of the record made elsewhere, base and text alike, so the form
 * never shows an old value that saving would not write; a touched one keeps the
 * user's text and its base, so saving it is still a change.
 */
interface FormText {
  value: Fields;
  openedWith: Fields;
}

function follow(text: FormText, record: Fields): FormText {
  let next = text;
  for (const key of KEYS) {
    if (text.value[key] === text.openedWith[key] && text.openedWith[key] !== record[key]) {
      next = { value: { ...next.value, [key]: record[key] }, openedWith: { ...next.openedWith, [key]: record[key] } };
    }
  }
  return next;
}

/**
 * `Edit` on a pending request, opening its fields in place with `Save changes`.
 * A save is a local write (offline too) of only the fields the user changed
 * in it, so another device's edit of another field survives the merge, even
 * one that arrived while the form was open. The hook gives
 * the button (for the item's row of actions) and the form (below it).
 */
export function useEditRequest(client: AppClient, reference: ReferenceView): { button: ReactNode; form: ReactNode } {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  if (reference.status !== 'pending') return { button: null, form: null };
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => buttonRef.current?.focus());
  };
  return {
    button: (
      <button ref={buttonRef} type="button" className="button button--small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Edit
      </button>
    ),
    form: open ? <EditForm client={client} reference={reference} onClose={close} /> : null,
  };
}

function EditForm({ client, reference, onClose }: { client: AppClient; reference: ReferenceView; onClose(): void }) {
  const { refereeName, refereeEmail, message } = reference;
  const [text, setText] = useState<FormText>(() => {
    const opened = { refereeName, refereeEmail, message };
    return { value: opened, openedWith: opened };
  });
  const value = text.value;
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  useEffect(() => {
    first.current?.focus({ preventScroll: true });
    form.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  useEffect(() => {
    setText((t) => follow(t, { refereeName, refereeEmail, message }));
  }, [refereeName, refereeEmail, message]);

  function change(key: Key, next: string) {
    setText((t) => ({ ...t, value: { ...t.value, [key]: next } }));
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest as Errors<Key>);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const found = collectErrors<Key>({
      refereeName: checkName(value.refereeName, "the referee's name"),
      refereeEmail: checkRefereeEmail(value.refereeEmail, client.session.user.email),
      message: checkMessage(value.message),
    });
    flushSync(() => {
      setErrors(found ?? {});
      setFailure(null);
    });
    if (found) {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    try {
      await client.editRequest(reference.id, value, text.openedWith);
      onClose();
    } catch (error) {
      setFailure(describeError(error));
      setBusy(false);
      first.current?.focus();
    }
  }

  function keyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && !busy) {
      event.stopPropagation();
      onClose();
    }
  }

  return (
    <form ref={form} className="edit-form" onSubmit={submit} onKeyDown={keyDown} noValidate aria-label={`Edit the request to ${reference.refereeName}`}>
      <Field
        label="Referee name"
        value={value.refereeName}
        onChange={(v) => change('refereeName', v)}
        error={errors.refereeName}
        limit={LIMITS.name}
        what="the name"
        autoComplete="off"
        required
        readOnly={busy}
        inputRef={first}
      />
      <Field
        label="Referee email"
        type="email"
        value={value.refereeEmail}
        onChange={(v) => change('refereeEmail', v)}
        error={errors.refereeEmail}
        limit={LIMITS.email}
        what="the email"
        autoComplete="off"
        required
        readOnly={busy}
      />
      <Field
        label="Message"
        multiline
        rows={3}
        value={value.message}
        onChange={(v) => change('message', v)}
        error={errors.message}
        limit={LIMITS.message}
        what="the message"
        readOnly={busy}
      />
      {failure ? (
        <p className="form-error" role="alert">
          {failure}
        </p>
      ) : null}
      <div className="reference__actions">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          Save changes
        </button>
        <button type="button" className="button button--link button--small" disabled={busy} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
