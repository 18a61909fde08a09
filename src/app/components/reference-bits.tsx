import type { AppClient } from '../../web/app-client';
import type { ReferenceView } from '../records';

/** The reference's status word, exactly as CONTRACT §5 names it. */
export function StatusBadge({ status }: { status: ReferenceView['status'] }) {
  return <span className={`badge badge--${status}`}>{status}</span>;
}

export function formatDate(ms: number | null): string | null {
  if (ms === null || ms <= 0) return null;
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Whether this record's local change has reached the server, and why not if it was refused. */
export function SyncNote({ client, reference, error }: { client: AppClient; reference: ReferenceView; error: string | undefined }) {
  if (reference.syncStatus === 'synced') return null;
  if (reference.syncStatus === 'pending') return <p className="sync-note">Saved on this device, waiting to sync</p>;
  return (
    <div className="sync-note sync-note--error">
      <p>Not synced: {error || 'the server refused this change.'}</p>
      <button type="button" className="button button--small" onClick={() => void client.discardLocalChange('references', reference.id)}>
        Discard change
      </button>
    </div>
  );
}
