import { useEffect, useId, useRef, useState } from 'react';
import { recordIsLive } from '../../sync/watermelon/records';
import type { AppClient } from '../../web/app-client';
import { useStore } from '../hooks/use-store';
import { useUndo } from '../hooks/use-undo';
import { describeError } from '../validation';

/**
 * "Deleted the request to X" with `Undo` (CONTRACT §5), shown for at least
 * 5 seconds and for as long as the pointer or focus is on it. Focus moves to
 * Undo when it appears: the deleted item's buttons are gone, and undoing is
 * the likely next step.
 *
 * Undo asks again with the same name, email and message: a new request,
 * which the server accepts however far the deletion has travelled (a
 * deletion there is final, so the old id cannot come back). The referee
 * sees it as a new request. Unless the request is back already: a deletion
 * the sync did not send because the referee had answered (sync-service.ts)
 * leaves nothing to undo, and asking again would send a second request.
 */
export function UndoNotice({ client }: { client: AppClient }) {
  const undo = useUndo();
  const offer = useStore(undo);
  const [failure, setFailure] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => {
    if (offer) button.current?.focus();
  }, [offer]);

  async function restore() {
    const taken = undo.take();
    if (!taken) return;
    try {
      if (!(await recordIsLive(client.database, 'references', taken.id))) await client.requestReference(taken.input);
      setFailure(null);
      document.getElementById('my-references-heading')?.focus();
    } catch (error) {
      setFailure(`Could not restore the request: ${describeError(error)}`);
    }
  }

  if (!offer && !failure) return null;
  return (
    <div
      className="toast toast--undo"
      onMouseEnter={() => undo.hold()}
      onMouseLeave={() => undo.release()}
      // Held while a keyboard user is on it; the focus given to Undo after a click does not hold it.
      onFocus={(event) => {
        if (event.target.matches(':focus-visible')) undo.hold();
      }}
      onBlur={() => undo.release()}
    >
      {offer ? (
        <>
          <span id={textId}>Deleted the request to {offer.input.refereeName}.</span>
          <button ref={button} type="button" className="button button--primary button--small" aria-describedby={textId} onClick={() => void restore()}>
            Undo
          </button>
        </>
      ) : (
        <>
          <span role="alert">{failure}</span>
          <button type="button" className="button button--small" onClick={() => setFailure(null)}>
            Close
          </button>
        </>
      )}
    </div>
  );
}
