import { useMemo, useState } from 'react';
import type { AppClient } from '../../../web/app-client';
import type { ConflictEntry } from '../../../sync/conflict-log';
import { columnName, observeConflicts, valueText } from '../../conflict-records';
import { formatAgo, formatDateTime } from '../../dates';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useObservable } from '../../hooks/use-observable';
import { referencePath } from '../../router';
import { describeError } from '../../validation';
import { Link } from '../link';

const BY = { 'own-device': 'another device of yours', 'other-user': 'another person', unknown: 'another write' } as const;

/** /conflicts: every write of this device that lost to a newer one, with `Restore mine`. */
export function ConflictsView({ client }: { client: AppClient }) {
  useDocumentTitle('Conflicts');
  const entries = useObservable(useMemo(() => observeConflicts(client.database), [client.database]));
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
  const now = Date.now();
  const what = entry.column === null ? 'Deleted, with your unsynced changes' : columnName(entry.column);
  const record = entry.table === 'references' ? <Link to={referencePath(entry.id)}>{entry.label}</Link> : entry.label;
  async function restore() {
    setBusy(true);
    setError(null);
    try {
      await client.restoreConflict(entry.key);
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
        <dl className="conflict">
          {Object.entries(entry.mine as Record<string, unknown>).map(([column, value]) => (
            <div key={column}>
              <dt>Yours, {columnName(column).toLowerCase()}</dt>
              <dd>{valueText(column, value, formatDateTime)}</dd>
            </div>
          ))}
        </dl>
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
      {entry.column !== null ? (
        <div className="reference__actions">
          {entry.restoredAt !== undefined ? (
            <p className="reference__note">Restored {formatAgo(entry.restoredAt, now)}.</p>
          ) : (
            <button type="button" className="button button--small" disabled={busy} onClick={() => void restore()}>
              Restore mine
            </button>
          )}
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
