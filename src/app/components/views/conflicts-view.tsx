import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { AppClient } from '../../../web/app-client';
import { requestToRestore, type ConflictEntry } from '../../../sync/conflict-log';
import { columnName, observeConflicts, valueText } from '../../conflict-records';
import type { ConflictsSeen } from '../../conflicts-seen';
import { formatAgo, formatDateTime } from '../../dates';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useObservable } from '../../hooks/use-observable';
import { referencePath } from '../../router';
import { describeError } from '../../validation';
import { CopyWords } from '../copy-words';
import { Link } from '../link';

const BY = { 'own-device': 'another device of yours', 'other-user': 'another person', unknown: 'another write' } as const;

/** /conflicts: every write of this device that lost to a newer one, with `Restore mine`. */
export function ConflictsView({ client, seen }: { client: AppClient; seen: ConflictsSeen }) {
  useDocumentTitle('Conflicts');
  const entries = useObservable(useMemo(() => observeConflicts(client.database), [client.database]));
  // Open, the log is seen: what arrives while it is open too.
  useEffect(() => {
    if (entries?.length) seen.markSeen(Math.max(...entries.map((entry) => entry.at)));
  }, [entries, seen]);
  return (
    <div className="view">
      <header className="view__head">
        <h1 id="conflicts-heading" tabIndex={-1}>
          Conflicts
        </h1>
        <p className="view__summary">
          Changes made on this device that lost to a newer one, from the last {entries ? entries.length : '…'} kept here.{' '}
          <Link to="/health">Sync health</Link>
        </p>
      </header>
      <section className="card" aria-labelledby="conflicts-heading">
        {entries && entries.length === 0 ? <p className="empty">None: every change made on this device stands.</p> : null}
        <ul className="reference-list" aria-labelledby="conflicts-heading" aria-busy={entries === undefined}>
          {(entries ?? []).map((entry) => (
            <ConflictItem key={entry.key} client={client} entry={entry} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function ConflictItem({ client, entry }: { client: AppClient; entry: ConflictEntry }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Restore mine is gone once it worked: the note saying what it did takes the focus.
  const [restoring, setRestoring] = useState(false);
  const note = useRef<HTMLParagraphElement>(null);
  const explainId = useId();
  const now = Date.now();
  const what = entry.deletionNotSent ? 'Your deletion was not sent' : entry.column === null ? 'Deleted, with your unsynced changes' : columnName(entry.column);
  const record = entry.table === 'references' ? <Link to={referencePath(entry.id)}>{entry.label}</Link> : entry.label;
  // A deletion is final on the server: only a request of ours can come back, as a new one.
  const askAgain = entry.column === null ? requestToRestore(entry, client.session.user.id) : null;
  const restorable = entry.column !== null || askAgain !== null;
  useEffect(() => {
    if (restoring && entry.restoredAt !== undefined) {
      note.current?.focus();
      setRestoring(false);
    }
  }, [restoring, entry.restoredAt]);
  async function restore() {
    setBusy(true);
    setError(null);
    try {
      await client.restoreConflict(entry.key);
      setRestoring(true);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li className="reference">
      <div className="reference__head">
        <div>
          <p className="reference__name">{record}</p>
          <p className="reference__email">{what}</p>
        </div>
      </div>
      {entry.column === null ? (
        Object.keys(entry.mine as Record<string, unknown>).length === 0 ? null : (
        <dl className="conflict">
          {Object.entries(entry.mine as Record<string, unknown>).map(([column, value]) => (
            <div key={column}>
              <dt>Yours, {columnName(column).toLowerCase()}</dt>
              <dd>{valueText(column, value, formatDateTime)}</dd>
            </div>
          ))}
        </dl>
        )
      ) : (
        <dl className="conflict">
          <div>
            <dt>Yours</dt>
            <dd>{valueText(entry.column, entry.mine, formatDateTime)}</dd>
          </div>
          <div>
            <dt>Kept</dt>
            <dd>{valueText(entry.column, entry.winner, formatDateTime)}</dd>
          </div>
        </dl>
      )}
      <p className="reference__dates">
        {formatAgo(entry.at, now)}, found {entry.source === 'push' ? 'when this device sent it' : 'when this device received the change'}; the newer
        write came from {BY[entry.by]}.
      </p>
      <div className="reference__actions">
        {entry.restoredAt !== undefined ? (
          <p className="reference__note" ref={note} tabIndex={-1}>
            {entry.restoredAs ? (
              <>
                Asked again {formatAgo(entry.restoredAt, now)}, as a new request with your changes. <Link to={referencePath(entry.restoredAs.id)}>Open the new request</Link>
              </>
            ) : (
              <>Restored {formatAgo(entry.restoredAt, now)}.</>
            )}
          </p>
        ) : restorable ? (
          <>
            {askAgain ? (
              <p className="reference__note" id={explainId}>
                A deletion is final, so Restore mine asks {askAgain.refereeName} again with your changes, as a new request.
              </p>
            ) : null}
            <button
              type="button"
              className="button button--small"
              disabled={busy}
              aria-describedby={askAgain ? explainId : undefined}
              onClick={() => void restore()}
            >
              Restore mine
            </button>
          </>
        ) : entry.deletionNotSent ? (
          <p className="reference__note">
            The referee answered before this device showed it, so the reference was kept. Delete it again if you still want to.
            {Object.keys(entry.mine as Record<string, unknown>).length ? ' What you had changed before deleting it was not sent; it is shown above.' : ''}
          </p>
        ) : (
          <>
            <p className="reference__note">
              {entry.by === 'other-user'
                ? 'The person who asked deleted the request or sent it to another address, so it is no longer yours to answer. Your words are kept above.'
                : 'Your changes are kept above; to ask again, use the request form.'}
            </p>
            {wordsOf(entry) ? <CopyWords words={wordsOf(entry)!} /> : null}
          </>
        )}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** What the user wrote in a write lost to a deletion (an answer, a message): the one thing worth taking elsewhere. */
function wordsOf(entry: ConflictEntry): string | null {
  if (entry.column !== null) return null;
  const mine = entry.mine as Record<string, unknown>;
  const words = ['response', 'message'].map((column) => mine[column]).filter((value): value is string => typeof value === 'string' && value.trim() !== '');
  return words.length ? words.join('\n\n') : null;
}
