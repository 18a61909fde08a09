import { flushSync } from 'react-dom';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import type { AppClient } from '../../web/app-client';
import { LIMITS } from '../../shared/schema';
import type { ReferenceView } from '../records';
import { checkEmail, checkMessage, checkName, collectErrors, describeError } from '../validation';
import type { Errors } from '../validation';
import { Field } from './field';

type Key = 'refereeName' | 'refereeEmail' | 'message';

/**
 * `Edit` on a pending request, opening its fields in place with `Save changes`.
 * A save is a local write (offline too) of only the fields that changed, so
 * another device's edit of another field survives the merge. The hook gives
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
  const [value, setValue] = useState({ refereeName: reference.refereeName, refereeEmail: reference.refereeEmail, message: reference.message });
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  useEffect(() => {
    first.current?.focus({ preventScroll: true });
    form.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  function change(key: Key, next: string) {
    setValue((v) => ({ ...v, [key]: next }));
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest as Errors<Key>);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const found = collectErrors<Key>({
      refereeName: checkName(value.refereeName, "the referee's name"),
      refereeEmail: checkEmail(value.refereeEmail, "the referee's email"),
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
      await client.editRequest(reference.id, value);
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
