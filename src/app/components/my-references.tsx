import { memo, useEffect, useMemo } from 'react';
import type { AppClient } from '../../web/app-client';
import { deletedName, forgetDeletedExcept } from '../deleted-names';
import { useDrafts } from '../hooks/use-draft';
import { useObservable } from '../hooks/use-observable';
import { useSyncState } from '../hooks/use-sync-state';
import { observeMyReferencesDownloading } from '../first-sync-records';
import { NO_FILTER, observeMyReferences, observeOutboxDeletions, observeSyncErrors, sameReferenceView } from '../records';
import type { ListFilter, OutboxDeletion, ReferenceView } from '../records';
import { referencePath } from '../router';
import { DeleteButton } from './delete-button';
import { useEditRequest } from './edit-request';
import { Link } from './link';
import { DatesLine, StatusBadge, SyncNote } from './reference-bits';
import { RemindButton } from './remind-button';
import { ShowMore, usePageLimit } from './show-more';

/** The id of the heading that names the list `My references` (npm run bench finds the list by it). */
export const MY_REFERENCES_HEADING = 'my-references-heading';

interface ListProps {
  client: AppClient;
  filter?: ListFilter;
  /** Shown when the list is empty (and not filtered). */
  empty: string;
}

/** The candidate's requests and where each stands; the list is named by the heading MY_REFERENCES_HEADING. */
export function MyReferencesList({ client, filter = NO_FILTER, empty }: ListProps) {
  const { database, session } = client;
  const { limit, showMore } = usePageLimit();
  // While the first sync downloads the account, rows show as pages arrive and writes made
  // meanwhile at once, without the full query per page (first-sync-records.ts).
  const downloading = useSyncState(client).initialSync !== null;
  const page = useObservable(
    useMemo(
      () =>
        downloading
          ? observeMyReferencesDownloading(database, session.user.id, limit, filter)
          : observeMyReferences(database, session.user.id, limit, filter),
      [downloading, database, session.user.id, limit, filter],
    ),
    { keepPrevious: true },
  );
  const errors = useObservable(useMemo(() => observeSyncErrors(database), [database]));
  const deletions = useObservable(useMemo(() => observeOutboxDeletions(database), [database]));
  const failedDeletions = useMemo(() => (deletions ?? []).filter((d) => d.failed), [deletions]);
  const drafts = useDrafts();
  useEffect(() => {
    if (deletions) forgetDeletedExcept(drafts, new Set(deletions.map((d) => d.recordId)));
  }, [deletions, drafts]);
  const shown = page?.items ?? [];
  const hidden = page ? page.total - shown.length : 0;
  const filtered = filter.status !== null || filter.search.trim() !== '';
  return (
    <div className="list-block">
      {page && page.total === 0 && failedDeletions.length === 0 && !downloading ? (
        <p className="empty">{filtered ? 'Nothing matches. Clear the search or choose All to see every request.' : empty}</p>
      ) : null}
      <ul className="reference-list" aria-labelledby={MY_REFERENCES_HEADING} aria-busy={page === undefined}>
        {filtered
          ? null
          : failedDeletions.map((deletion) => <FailedDeletionItem key={deletion.recordId} client={client} deletion={deletion} />)}
        {shown.map((reference) => (
          <MyReferenceItem key={reference.id} client={client} reference={reference} error={errors?.get(reference.id)} />
        ))}
      </ul>
      <ShowMore hidden={hidden} onClick={showMore} />
    </div>
  );
}

interface ItemProps {
  client: AppClient;
  reference: ReferenceView;
  error: string | undefined;
}

/**
 * Renders again only when its own record (or error) changed: a write re-renders
 * one row, not the whole page of them (npm run bench: write_visible_p95_ms).
 */
const MyReferenceItem = memo(
  MyReferenceItemView,
  (a, b) => a.client === b.client && a.error === b.error && sameReferenceView(a.reference, b.reference),
);

/** After a final deletion the item and its buttons are gone: the list's heading keeps the place (Undo takes the focus otherwise). */
function keepFocusInList(kind: 'undoable' | 'final') {
  if (kind === 'final') requestAnimationFrame(() => document.getElementById(MY_REFERENCES_HEADING)?.focus());
}

function MyReferenceItemView({ client, reference, error }: ItemProps) {
  const edit = useEditRequest(client, reference);
  return (
    <li className="reference">
      <div className="reference__head">
        <div>
          <p className="reference__name">
            <Link to={referencePath(reference.id)}>{reference.refereeName}</Link>
          </p>
          <p className="reference__email">{reference.refereeEmail}</p>
        </div>
        <StatusBadge status={reference.status} />
      </div>
      <DatesLine reference={reference} />
      {reference.message ? <p className="reference__message">{reference.message}</p> : null}
      {reference.status === 'completed' && reference.response ? (
        <blockquote className="reference__response">
          <p>{reference.response}</p>
        </blockquote>
      ) : null}
      <SyncNote client={client} reference={reference} error={error} />
      <div className="reference__actions">
        {edit.button}
        <RemindButton client={client} reference={reference} />
        <DeleteButton client={client} reference={reference} onDeleted={keepFocusInList} />
      </div>
      {edit.form}
    </li>
  );
}

/**
 * A deletion the server refused: the reference still exists there. Discard
 * drops the deletion and brings the reference back from the server; Retry
 * (the failure notice) sends the deletion again.
 */
function FailedDeletionItem({ client, deletion }: { client: AppClient; deletion: OutboxDeletion }) {
  const drafts = useDrafts();
  const name = deletedName(drafts, deletion.recordId);
  const noteId = `deletion-${deletion.recordId}`;
  return (
    <li className="reference reference--failed">
      <div className="reference__head">
        <div>
          <p className="reference__name">{name?.refereeName || 'A request you deleted'}</p>
          {name?.refereeEmail ? <p className="reference__email">{name.refereeEmail}</p> : null}
        </div>
        <span className="badge badge--error">not deleted</span>
      </div>
      <div className="sync-note sync-note--error">
        <p id={noteId}>
          Your deletion did not sync: {deletion.error || 'the server refused it.'} Discard it to keep the request, or retry.
        </p>
        <button type="button" className="button button--small" aria-describedby={noteId} onClick={() => void client.discardLocalChange('references', deletion.recordId)}>
          Discard
        </button>
      </div>
    </li>
  );
}
