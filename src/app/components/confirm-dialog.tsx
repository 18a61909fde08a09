import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';

interface Props {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal `alertdialog` for a step that cannot be undone. Cancel has the
 * focus first (the safe choice under a stray Enter); Escape cancels. Put on
 * <body> (a portal), so it is never inside the list item that opened it and
 * the item's own buttons keep their names to themselves.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  // Closed before the caller acts: while it is open everything else is inert and cannot take the focus.
  const finish = (then: () => void) => {
    dialog.current?.close();
    then();
  };
  return createPortal(
    <dialog
      ref={dialog}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      className="dialog"
      onCancel={(event) => {
        // Escape: the dialog closes through React state, like every other way out.
        event.preventDefault();
        finish(onCancel);
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <p id={bodyId}>{body}</p>
      <div className="dialog__actions">
        <button type="button" className="button" autoFocus onClick={() => finish(onCancel)}>
          Cancel
        </button>
        <button type="button" className="button button--danger-solid" onClick={() => finish(onConfirm)}>
          {confirmLabel}
        </button>
      </div>
    </dialog>,
    document.body,
  );
}
