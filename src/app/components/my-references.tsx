import { useMemo } from 'react';
import type { AppClient } from '../../web/app-client';
import { useObservable } from '../hooks/use-observable';
import { observeMyReferences, observeSyncErrors } from '../records';
import type { ReferenceView } from '../records';
import { StatusBadge, SyncNote, formatDate } from './reference-bits';

/** The candidate's requests and where each stands. */
export function MyReferences({ client }: { client: AppClient }) {
  const { database, session } = client;
  const references = useObservable(useMemo(() => observeMyReferences(database, session.user.id), [database, session.user.id]));
  const errors = useObservable(useMemo(() => observeSyncErrors(database), [database]));
  return (
    <section className="card" aria-labelledby="my-references-heading">
      <h2 id="my-references-heading">My references</h2>
      {references && references.length === 0 ? <p className="empty">No requests yet. Ask a former manager above.</p> : null}
      <ul className="reference-list" aria-labelledby="my-references-heading" aria-busy={references === undefined}>
        {(references ?? []).map((reference) => (
          <MyReferenceItem key={reference.id} client={client} reference={reference} error={errors?.get(reference.id)} />
        ))}
      </ul>
    </section>
  );
}

function MyReferenceItem({ client, reference, error }: { client: AppClient; reference: ReferenceView; error: string | undefined }) {
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
        <button type="button" className="button button--danger button--small" onClick={() => void client.deleteReference(reference.id)}>
          Delete
        </button>
      </div>
    </li>
  );
}
