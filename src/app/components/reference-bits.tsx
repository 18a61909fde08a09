import { useId } from 'react';
import type { AppClient } from '../../web/app-client';
import { formatAgo, formatDateTime } from '../dates';
import type { ReferenceView } from '../records';

/** The reference's status word, exactly as CONTRACT §5 names it. */
export function StatusBadge({ status }: { status: ReferenceView['status'] }) {
  return <span className={`badge badge--${status}`}>{status}</span>;
}

/** A moment as "3 days ago", with the full date and time on hover and for machines. */
export function Ago({ at }: { at: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatDateTime(at)}>
      {formatAgo(at, Date.now())}
    </time>
  );
}

/** The one line of dates a list item shows: when asked, and when answered. */
export function DatesLine({ reference }: { reference: ReferenceView }) {
  const answered = reference.respondedAt;
  return (
    <p className="reference__dates">
      {reference.createdAt ? (
        <>
          Requested <Ago at={reference.createdAt} />
        </>
      ) : null}
      {reference.remindedAt ? (
        <>
          {' · '}reminded <Ago at={reference.remindedAt} />
        </>
      ) : null}
      {answered ? (
        <>
          {' · '}
          {reference.status === 'declined' ? 'declined' : 'answered'} <Ago at={answered} />
        </>
      ) : null}
    </p>
  );
}

/** Whether this record's local change has reached the server, and why not if it was refused. */
export function SyncNote({ client, reference, error }: { client: AppClient; reference: ReferenceView; error: string | undefined }) {
  const id = useId();
  if (reference.syncStatus === 'synced') return null;
  if (reference.syncStatus === 'pending') return <p className="sync-note">Saved on this device, waiting to sync</p>;
  return (
    <div className="sync-note sync-note--error">
      <p id={id}>Not synced: {error || 'the server refused this change.'}</p>
      <button type="button" className="button button--small" aria-describedby={id} onClick={() => void client.discardLocalChange('references', reference.id)}>
        Discard
      </button>
    </div>
  );
}
