import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { AppClient } from '../../web/app-client';
import { downloadUnsynced } from '../download-unsynced';
import { useSyncState } from '../hooks/use-sync-state';
import { describeError } from '../validation';

interface Props {
  client: AppClient;
  /** `Sign out everywhere` rather than `Sign out`: the same guard, the same words for the last step. */
  everywhere: boolean;
  onSignOut(): void;
  onCancel(): void;
}

const changes = (n: number) => (n === 1 ? '1 change' : `${n} changes`);

/**
 * Before a sign-out deletes this device's copy while some of the user's work
 * has not reached the server: says how much, and offers `Sync now` and
 * `Export unsynced work` first. `Sign out anyway` is the explicit second
 * choice; once everything synced, plain `Sign out` takes its place.
 */
export function SignOutGuard({ client, everywhere, onSignOut, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const state = useSyncState(client);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [asked, setAsked] = useState(false);
  const pending = state.pendingCount;
  const done = pending === 0;
  const signOutLabel = everywhere ? 'Sign out everywhere' : 'Sign out';

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  // The focused Sync now is gone once everything synced: the safe next step takes the focus.
  const signOutButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (done) signOutButton.current?.focus();
  }, [done]);

  const finish = (then: () => void) => {
    dialog.current?.close();
    then();
  };

  async function exportWork() {
    setExportError(null);
    try {
      const count = await downloadUnsynced(client);
      setExported(`Saved ${changes(count)} to a file in your downloads.`);
    } catch (error) {
      setExportError(`The export failed: ${describeError(error)}`);
    }
  }

  let progress: string;
  if (done) progress = 'Everything has synced. Signing out is safe now.';
  else if (!state.online) progress = 'You are offline: they sync once you are connected. Export them to keep a copy now.';
  else if (state.syncing) progress = 'Syncing...';
  else if (asked && state.lastError) progress = `The sync did not finish: ${state.lastError}`;
  else progress = 'Sync them now, or export them to keep a copy.';

  return createPortal(
    <dialog
      ref={dialog}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      className="dialog"
      onCancel={(event) => {
        event.preventDefault();
        finish(onCancel);
      }}
    >
      <h2 id={titleId}>{done ? 'Your work has synced' : `${changes(pending)} not synced yet`}</h2>
      <p id={bodyId}>
        {done
          ? 'Nothing on this device is waiting for the server.'
          : `Signing out deletes this device's copy of your data, and ${pending === 1 ? 'this change has' : 'these changes have'} not reached the server: ${pending === 1 ? 'it would be' : 'they would be'} lost.`}
      </p>
      <p className="dialog__progress" aria-live="polite">
        {progress}
      </p>
      {exported ? <p aria-live="polite">{exported}</p> : null}
      {exportError ? (
        <p className="form-error" role="alert">
          {exportError}
        </p>
      ) : null}
      {/* Keyed: a Sync now pressed just as the sync ends must not land on the Cancel that would take its place. */}
      <div className="dialog__actions" key={done ? 'done' : 'pending'}>
        {done ? (
          <>
            <button type="button" className="button" onClick={() => finish(onCancel)}>
              Cancel
            </button>
            <button ref={signOutButton} type="button" className="button button--primary" onClick={() => finish(onSignOut)}>
              {signOutLabel}
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="button button--primary"
              autoFocus
              onClick={() => {
                setAsked(true);
                client.syncNow();
              }}
            >
              Sync now
            </button>
            <button type="button" className="button" onClick={() => void exportWork()}>
              Export unsynced work
            </button>
            <button type="button" className="button" onClick={() => finish(onCancel)}>
              Cancel
            </button>
            <button type="button" className="button button--danger-solid" onClick={() => finish(onSignOut)}>
              Sign out anyway
            </button>
          </>
        )}
      </div>
    </dialog>,
    document.body,
  );
}
