import { useMemo, useRef, useState } from 'react';
import type { AppClient } from '../../../web/app-client';
import { formatDateTime } from '../../dates';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useObservable } from '../../hooks/use-observable';
import { useRouter } from '../../hooks/use-router';
import { useSyncState } from '../../hooks/use-sync-state';
import { observeReference, observeSyncErrors, observeUsers } from '../../records';
import type { ReferenceView as Reference } from '../../records';
import { DeleteButton } from '../delete-button';
import { useEditRequest } from '../edit-request';
import { Link } from '../link';
import { Ago, StatusBadge, SyncNote } from '../reference-bits';
import { RespondForm, respondDraftName } from '../respond-form';
import { useDrafts } from '../../hooks/use-draft';

/** /references/<id>: one reference with everything known about it, for the candidate or the referee. */
export function ReferenceView({ client, id }: { client: AppClient; id: string }) {
  const { database, session } = client;
  const reference = useObservable(useMemo(() => observeReference(database, id), [database, id]));
  const downloading = useSyncState(client).initialSync !== null;
  if (reference === undefined) return <p className="loading">Opening the reference…</p>;
  if (reference === null) return <MissingReference downloading={downloading} />;
  return reference.userId === session.user.id ? <AsCandidate client={client} reference={reference} /> : <AsReferee client={client} reference={reference} />;
}

function MissingReference({ downloading }: { downloading: boolean }) {
  useDocumentTitle('Reference not found');
  return (
    <div className="view">
      <section className="card detail" aria-labelledby="missing-heading">
        <h1 id="missing-heading" tabIndex={-1}>
          {downloading ? 'Still downloading your data' : 'This reference is not on this device'}
        </h1>
        <p>
          {downloading
            ? 'It shows here as soon as it has arrived.'
            : 'It may have been deleted, or it belongs to another account. Go back to your lists to find the others.'}
        </p>
        <p className="detail__links">
          <Link to="/references">My references</Link> · <Link to="/inbox">Requests for me</Link>
        </p>
      </section>
    </div>
  );
}

/** The dates the data holds, oldest first; a date it does not hold is not shown. */
function Dates({ reference }: { reference: Reference }) {
  const rows: Array<[string, number]> = [];
  if (reference.createdAt) rows.push(['Requested', reference.createdAt]);
  if (reference.remindedAt) rows.push(['Reminded', reference.remindedAt]);
  if (reference.respondedAt) rows.push([reference.status === 'declined' ? 'Declined' : 'Answered', reference.respondedAt]);
  return (
    <dl className="detail__dates">
      {rows.map(([label, at]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>
            {formatDateTime(at)} (<Ago at={at} />)
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Body({ client, reference, heading }: { client: AppClient; reference: Reference; heading: string }) {
  const errors = useObservable(useMemo(() => observeSyncErrors(client.database), [client.database]));
  return (
    <>
      <Dates reference={reference} />
      {reference.message ? (
        <div className="detail__block">
          <h2>{heading}</h2>
          <p className="reference__message">{reference.message}</p>
        </div>
      ) : null}
      {reference.status === 'completed' && reference.response ? (
        <div className="detail__block">
          <h2>The reference</h2>
          <blockquote className="reference__response">
            <p>{reference.response}</p>
          </blockquote>
        </div>
      ) : null}
      <SyncNote client={client} reference={reference} error={errors?.get(reference.id)} />
    </>
  );
}

function AsCandidate({ client, reference }: { client: AppClient; reference: Reference }) {
  useDocumentTitle(`Request to ${reference.refereeName}`);
  const router = useRouter();
  const edit = useEditRequest(client, reference);
  return (
    <div className="view">
      <p className="detail__back">
        <Link to="/references">← My references</Link>
      </p>
      <article className="card detail" aria-labelledby="detail-heading">
        <div className="reference__head">
          <div>
            <p className="detail__kicker">Your request to</p>
            <h1 id="detail-heading" tabIndex={-1}>
              {reference.refereeName}
            </h1>
            <p className="reference__email">{reference.refereeEmail}</p>
          </div>
          <StatusBadge status={reference.status} />
        </div>
        <Body client={client} reference={reference} heading="Your message" />
        <div className="reference__actions">
          {edit.button}
          <DeleteButton client={client} reference={reference} onDeleted={() => router.navigate('/references')} />
        </div>
        {edit.form}
      </article>
    </div>
  );
}

function AsReferee({ client, reference }: { client: AppClient; reference: Reference }) {
  const people = useObservable(useMemo(() => observeUsers(client.database), [client.database]));
  const candidate = people?.get(reference.userId);
  const name = candidate?.name ?? 'A candidate';
  useDocumentTitle(`Request from ${name}`);
  const drafts = useDrafts();
  const pending = reference.status === 'pending';
  const [open, setOpen] = useState(() => pending && drafts.read(respondDraftName(reference.id)) !== null);
  const respondButton = useRef<HTMLButtonElement>(null);
  return (
    <div className="view">
      <p className="detail__back">
        <Link to="/inbox">← Requests for me</Link>
      </p>
      <article className="card detail" aria-labelledby="detail-heading">
        <div className="reference__head">
          <div>
            <p className="detail__kicker">A request from</p>
            <h1 id="detail-heading" tabIndex={-1}>
              {name}
            </h1>
            {candidate?.email ? <p className="reference__email">{candidate.email}</p> : null}
          </div>
          <StatusBadge status={reference.status} />
        </div>
        <Body client={client} reference={reference} heading="Their message" />
        {pending && open ? (
          <RespondForm
            client={client}
            requestId={reference.id}
            onClose={() => {
              setOpen(false);
              requestAnimationFrame(() => respondButton.current?.focus());
            }}
            onAnswered={() => {
              setOpen(false);
              requestAnimationFrame(() => document.getElementById('detail-heading')?.focus());
            }}
          />
        ) : pending ? (
          <div className="reference__actions">
            <button ref={respondButton} type="button" className="button button--primary" onClick={() => setOpen(true)}>
              Respond
            </button>
          </div>
        ) : null}
      </article>
    </div>
  );
}
