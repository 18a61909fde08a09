import { useMemo, useRef } from 'react';
import type { AppClient } from '../../web/app-client';
import { useObservable } from '../hooks/use-observable';
import { observeMyReferences, observeSyncErrors } from '../records';
import type { ReferenceView } from '../records';
import { StatusBadge, SyncNote, formatDate } from './reference-bits';
import { ShowMore, useShown } from './show-more';

/** The candidate's requests and where each stands. */
export function MyReferences({ client }: { client: AppClient }) {
  const { database, session } = client;
  const references = useObservable(useMemo(() => observeMyReferences(database, session.user.id), [database, session.user.id]));
  const errors = useObservable(useMemo(() => observeSyncErrors(database), [database]));
  const { shown, hidden, showMore } = useShown(references);
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <section className="card" aria-labelledby="my-references-heading">
      <h2 id="my-references-heading" ref={heading} tabIndex={-1}>
        My references
      </h2>
      {references && references.length === 0 ? <p className="empty">No requests yet. Ask a former manager above.</p> : null}
      <ul className="reference-list" aria-labelledby="my-references-heading" aria-busy={references === undefined}>
        {shown.map((reference) => (
          <MyReferenceItem
            key={reference.id}
            client={client}
            reference={reference}
            error={errors?.get(reference.id)}
            // The item and its button disappear: keep keyboard focus in the list's section.
            onDelete={() => heading.current?.focus()}
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

function MyReferenceItem({ client, reference, error, onDelete }: ItemProps) {
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
      <div className="reference__actions">
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
