import { flushSync } from 'react-dom';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type { AppClient } from '../../web/app-client';
import { LIMITS } from '../../shared/schema';
import { useDraft } from '../hooks/use-draft';
import { checkResponse, describeError } from '../validation';
import { RESPOND_DRAFT_PREFIX } from '../withdrawn-drafts';
import { Field } from './field';

const FIELDS = ['text'] as const;

/** The draft's name for a reference being written (kept across reloads, see drafts.ts). */
export function respondDraftName(id: string): string {
  return `${RESPOND_DRAFT_PREFIX}${id}`;
}

interface Props {
  client: AppClient;
  requestId: string;
  /** Closed without answering (Cancel, Escape): the draft stays for next time. */
  onClose(): void;
  /** Answered (submitted or declined). */
  onAnswered(): void;
}

/** Write the reference or decline. Escape closes it; the text stays on the device until it is sent. */
export function RespondForm({ client, requestId, onClose, onAnswered }: Props) {
  const draft = useDraft(respondDraftName(requestId), FIELDS);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  // On a phone the form opens below the fold: bring all of it (text and buttons) into view.
  useEffect(() => {
    field.current?.focus({ preventScroll: true });
    form.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      draft.discard();
      onAnswered();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
      field.current?.focus();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = checkResponse(draft.value.text);
    if (problem) {
      flushSync(() => setError(problem));
      field.current?.focus();
      return;
    }
    void run(() => client.respond(requestId, draft.value.text.trim()));
  }

  function keyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && !busy) {
      event.stopPropagation();
      onClose();
    }
  }

  return (
    <form ref={form} className="respond-form" onSubmit={submit} onKeyDown={keyDown} noValidate aria-label="Respond">
      <Field
        label="Reference"
        multiline
        rows={5}
        value={draft.value.text}
        onChange={(text) => {
          setError(null);
          draft.set({ text });
        }}
        error={error ?? undefined}
        limit={LIMITS.response}
        what="the reference"
        hint="Kept on this device as you type, until you send it."
        readOnly={busy}
        inputRef={field}
      />
      <div className="reference__actions">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          Submit reference
        </button>
        <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => void run(() => client.decline(requestId))}>
          Decline
        </button>
        <button type="button" className="button button--link button--small" disabled={busy} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
