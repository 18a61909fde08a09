import { memo, useMemo, useRef, useState } from 'react';
import type { AppClient } from '../../web/app-client';
import { useDrafts } from '../hooks/use-draft';
import { useObservable } from '../hooks/use-observable';
import { useSyncState } from '../hooks/use-sync-state';
import { observeRequestsForMeDownloading } from '../first-sync-records';
import { NO_FILTER, observeRequestsForMe, observeSyncErrors, observeUsers, sameReferenceView } from '../records';
import type { ListFilter, Person, ReferenceView } from '../records';
import { referencePath } from '../router';
import { Link } from './link';
import { DatesLine, StatusBadge, SyncNote } from './reference-bits';
import { RespondForm, respondDraftName } from './respond-form';
import { ShowMore, usePageLimit } from './show-more';

export const REQUESTS_FOR_ME_HEADING = 'requests-for-me-heading';

const SOMEONE: Person = { name: 'A candidate', email: '' };

interface ListProps {
  client: AppClient;
  filter?: ListFilter;
  empty: string;
}

/** The referee's inbox: references others asked this user to write. Named by the heading REQUESTS_FOR_ME_HEADING. */
export function RequestsForMeList({ client, filter = NO_FILTER, empty }: ListProps) {
  const { database, session } = client;
  const { limit, showMore } = usePageLimit();
  // During the first sync, as MyReferencesList.
  const downloading = useSyncState(client).initialSync !== null;
  const page = useObservable(
    useMemo(
      () =>
        downloading
          ? observeRequestsForMeDownloading(database, session.user.email, limit, filter)
          : observeRequestsForMe(database, session.user.email, limit, filter),
      [downloading, database, session.user.email, limit, filter],
    ),
    { keepPrevious: true },
  );
  const people = useObservable(useMemo(() => observeUsers(database), [database]));
  const errors = useObservable(useMemo(() => observeSyncErrors(database), [database]));
  const shown = page?.items ?? [];
  const hidden = page ? page.total - shown.length : 0;
  const filtered = filter.status !== null || filter.search.trim() !== '';
  return (
    <div className="list-block">
      {page && page.total === 0 && !downloading ? <p className="empty">{filtered ? 'Nothing matches. Clear the search or choose All to see every request.' : empty}</p> : null}
      <ul className="reference-list" aria-labelledby={REQUESTS_FOR_ME_HEADING} aria-busy={page === undefined}>
        {shown.map((request) => (
          <RequestItem key={request.id} client={client} request={request} candidate={people?.get(request.userId) ?? SOMEONE} error={errors?.get(request.id)} />
        ))}
      </ul>
      <ShowMore hidden={hidden} onClick={showMore} />
    </div>
  );
}

interface RequestItemProps {
  client: AppClient;
  request: ReferenceView;
  candidate: Person;
  error: string | undefined;
}

/** Renders again only when its own record, candidate or error changed (see MyReferenceItem). */
const RequestItem = memo(
  RequestItemView,
  (a, b) =>
    a.client === b.client &&
    a.candidate.name === b.candidate.name &&
    a.candidate.email === b.candidate.email &&
    a.error === b.error &&
    sameReferenceView(a.request, b.request),
);

function RequestItemView({ client, request, candidate, error }: RequestItemProps) {
  const drafts = useDrafts();
  const pending = request.status === 'pending';
  // A reference half-written before a reload opens again where it was.
  const [open, setOpen] = useState(() => pending && drafts.read(respondDraftName(request.id)) !== null);
  const respondButton = useRef<HTMLButtonElement>(null);
  const nameLink = useRef<HTMLAnchorElement>(null);
  return (
    <li className="reference">
      <div className="reference__head">
        <div>
          <p className="reference__name">
            <Link ref={nameLink} to={referencePath(request.id)}>
              {candidate.name}
            </Link>
          </p>
          {candidate.email ? <p className="reference__email">{candidate.email}</p> : null}
        </div>
        <StatusBadge status={request.status} />
      </div>
      <DatesLine reference={request} />
      {request.message ? <p className="reference__message">{request.message}</p> : null}
      {request.status === 'completed' && request.response ? (
        <blockquote className="reference__response">
          <p>{request.response}</p>
        </blockquote>
      ) : null}
      <SyncNote client={client} reference={request} error={error} />
      {pending && open ? (
        <RespondForm
          client={client}
          requestId={request.id}
          onClose={() => {
            setOpen(false);
            // The focused control is gone with the form: back to the button that opened it.
            requestAnimationFrame(() => respondButton.current?.focus());
          }}
          onAnswered={() => {
            setOpen(false);
            // Answered: Respond is gone too; the item's own link keeps the place.
            requestAnimationFrame(() => nameLink.current?.focus());
          }}
        />
      ) : pending ? (
        <div className="reference__actions">
          <button ref={respondButton} type="button" className="button button--primary button--small" onClick={() => setOpen(true)}>
            Respond
          </button>
        </div>
      ) : null}
    </li>
  );
}
