import { useRef, useState } from 'react';
import type { AppClient } from '../../web/app-client';
import { rememberDeleted } from '../deleted-names';
import { useDrafts } from '../hooks/use-draft';
import { useUndo } from '../hooks/use-undo';
import type { ReferenceView } from '../records';
import { ConfirmDialog } from './confirm-dialog';

interface Props {
  client: AppClient;
  reference: ReferenceView;
  /**
   * After the deletion was written (the button itself is gone then): `undoable`
   * when Undo was offered (and has the focus), `final` after the confirmation.
   */
  onDeleted?(kind: 'undoable' | 'final'): void;
}

/**
 * Delete, the way its consequences call for: a pending request goes at once
 * and can be undone (it is only a question so far, and asking again is what
 * Undo does); an answered one holds the referee's words, so it asks first.
 */
export function DeleteButton({ client, reference, onDeleted }: Props) {
  const undo = useUndo();
  const drafts = useDrafts();
  const [confirming, setConfirming] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const answered = reference.status !== 'pending';

  async function remove() {
    rememberDeleted(drafts, reference.id, reference);
    await client.deleteReference(reference.id);
  }

  function click() {
    if (answered) {
      setConfirming(true);
      return;
    }
    undo.offer({
      id: reference.id,
      input: { refereeName: reference.refereeName, refereeEmail: reference.refereeEmail, message: reference.message },
    });
    onDeleted?.('undoable');
    void remove();
  }

  return (
    <>
      <button ref={button} type="button" className="button button--danger button--small" onClick={click}>
        Delete
      </button>
      {confirming ? (
        <ConfirmDialog
          title={`Delete the reference from ${reference.refereeName}?`}
          body={
            reference.status === 'completed'
              ? `${reference.refereeName}'s reference is deleted for both of you, on every device. This cannot be undone.`
              : `The request and ${reference.refereeName}'s answer are deleted for both of you, on every device. This cannot be undone.`
          }
          confirmLabel="Delete"
          onCancel={() => {
            setConfirming(false);
            button.current?.focus();
          }}
          onConfirm={() => {
            setConfirming(false);
            onDeleted?.('final');
            void remove();
          }}
        />
      ) : null}
    </>
  );
}
