import { memo, useCallback, useMemo, useRef } from 'react';
import type { AppClient } from '../../web/app-client';
import { useObservable } from '../hooks/use-observable';
import { UNTIL_DOWNLOADED, observeMyReferences, observeSyncErrors, sameReferenceView } from '../records';
import { useSyncState } from '../hooks/use-sync-state';
import type { ReferenceView } from '../records';
import { StatusBadge, SyncNote, formatDate } from './reference-bits';
import { RemindButton } from './remind-button';
import { ShowMore, usePageLimit } from './show-more';

/** The candidate's requests and where each stands. */
export function MyReferences({ client }: { client: AppClient }) {
  const { database, session } = client;
  const { limit, showMore } = usePageLimit();
  // While the first sync downloads the account, the list waits (the progress bar shows):
  // re-querying and re-rendering it after every page cost a sixth of a large first sync.
  const downloading = useSyncState(client).initialSync !== null;
  const page = useObservable(
    useMemo(
      () => (downloading ? UNTIL_DOWNLOADED : observeMyReferences(database, session.user.id, limit)),
      [downloading, database, session.user.id, limit],
    ),
    { keepPrevious: true },
  );
  const errors = useObservable(useMemo(() => observeSyncErrors(database), [database]));
  const shown = page?.items ?? [];
  const hidden = page ? page.total - shown.length : 0;
  const heading = useRef<HTMLHeadingElement>(null);
  // The item and its button disappear: keep keyboard focus in the list's section.
  const onDelete = useCallback(() => heading.current?.focus(), []);
  return (
    <section className="card" aria-labelledby="my-references-heading">
      <h2 id="my-references-heading" ref={heading} tabIndex={-1}>
        My references
      </h2>
      {page && page.total === 0 ? <p className="empty">No requests yet. Ask a former manager above.</p> : null}
      <ul className="reference-list" aria-labelledby="my-references-heading" aria-busy={page === undefined}>
        {shown.map((reference) => (
          <MyReferenceItem
            key={reference.id}
            client={client}
            reference={reference}
            error={errors?.get(reference.id)}
            onDelete={onDelete}
          />
        ))}
      </ul>
      <ShowMore hidden={hidden} onClick={showMore} />
    </section>
  );
}

interface ItemProps {
  client: AppClient;
  reference: ReferenceView;
  error: string | undefined;
  onDelete(): void;
}

/**
 * Renders again only when its own record (or error) changed: a write re-renders
 * one row, not the whole page of them (npm run bench: write_visible_p95_ms).
 */
const MyReferenceItem = memo(
  MyReferenceItemView,
  (a, b) => a.client === b.client && a.error === b.error && a.onDelete === b.onDelete && sameReferenceView(a.reference, b.reference),
);

function MyReferenceItemView({ client, reference, error, onDelete }: ItemProps) {
  const answered = formatDate(reference.respondedAt);
  return (
    <li className="reference">
      <div className="reference__head">
        <div>
          <p className="reference__name">{reference.refereeName}</p>
          <p className="reference__email">{reference.refereeEmail}</p>
        </div>
        <StatusBadge status={reference.status} />
      </div>
      {reference.message ? <p className="reference__message">{reference.message}</p> : null}
      {reference.status === 'completed' && reference.response ? (
        <blockquote className="reference__response">
          <p>{reference.response}</p>
          {answered ? <footer>Written {answered}</footer> : null}
        </blockquote>
      ) : null}
      <SyncNote client={client} reference={reference} error={error} />
      {reference.remindedAt ? <p className="reference__note">Reminded {formatDate(reference.remindedAt)}</p> : null}
      <div className="reference__actions">
        <RemindButton client={client} reference={reference} />
        <button type="button" className="button button--danger button--small" onClick={() => {
            onDelete();
            void client.deleteReference(reference.id);
          }}>
          Delete
        </button>
      </div>
    </li>
  );
}
