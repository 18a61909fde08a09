import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AppClient } from '../../web/app-client';
import { LIMITS } from '../../shared/schema';
import { useObservable } from '../hooks/use-observable';
import { UNTIL_DOWNLOADED, observeRequestsForMe, observeSyncErrors, observeUserNames, sameReferenceView } from '../records';
import { useSyncState } from '../hooks/use-sync-state';
import type { ReferenceView } from '../records';
import { checkResponse, describeError } from '../validation';
import { Field } from './field';
import { StatusBadge, SyncNote, formatDate } from './reference-bits';
import { ShowMore, usePageLimit } from './show-more';

/** The referee's inbox: references others asked this user to write. */
export function RequestsForMe({ client }: { client: AppClient }) {
  const { database, session } = client;
  const { limit, showMore } = usePageLimit();
  // Waits for the first sync to finish, like MyReferences.
  const downloading = useSyncState(client).initialSync !== null;
  const page = useObservable(
    useMemo(
      () => (downloading ? UNTIL_DOWNLOADED : observeRequestsForMe(database, session.user.email, limit)),
      [downloading, database, session.user.email, limit],
    ),
    { keepPrevious: true },
  );
  const names = useObservable(useMemo(() => observeUserNames(database), [database]));
  const errors = useObservable(useMemo(() => observeSyncErrors(database), [database]));
  const shown = page?.items ?? [];
  const hidden = page ? page.total - shown.length : 0;
  return (
    <section className="card" aria-labelledby="requests-for-me-heading">
      <h2 id="requests-for-me-heading">Requests for me</h2>
      {page && page.total === 0 ? <p className="empty">Nobody has asked you for a reference yet.</p> : null}
      <ul className="reference-list" aria-labelledby="requests-for-me-heading" aria-busy={page === undefined}>
        {shown.map((request) => (
          <RequestItem
            key={request.id}
            client={client}
            request={request}
            candidateName={names?.get(request.userId) ?? 'A candidate'}
            error={errors?.get(request.id)}
          />
        ))}
      </ul>
      <ShowMore hidden={hidden} onClick={showMore} />
    </section>
  );
}

interface RequestItemProps {
  client: AppClient;
  request: ReferenceView;
  candidateName: string;
  error: string | undefined;
}

/** Renders again only when its own record, name or error changed (see MyReferenceItem). */
const RequestItem = memo(
  RequestItemView,
  (a, b) => a.client === b.client && a.candidateName === b.candidateName && a.error === b.error && sameReferenceView(a.request, b.request),
);

function RequestItemView({ client, request, candidateName, error }: RequestItemProps) {
  const [open, setOpen] = useState(false);
  const respondButton = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Closing the form removes the focused control: give focus back to Respond.
  useEffect(() => {
    if (wasOpen.current && !open) respondButton.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const answered = formatDate(request.respondedAt);
  return (
    <li className="reference">
      <div className="reference__head">
        <div>
          <p className="reference__name">{candidateName}</p>
          <p className="reference__email">asks you for a reference</p>
        </div>
        <StatusBadge status={request.status} />
      </div>
      {request.message ? <p className="reference__message">{request.message}</p> : null}
      {request.status === 'completed' && request.response ? (
        <blockquote className="reference__response">
          <p>{request.response}</p>
          {answered ? <footer>Written {answered}</footer> : null}
        </blockquote>
      ) : null}
      <SyncNote client={client} reference={request} error={error} />
      {/* An answer is final (CONTRACT §3): an answered request offers nothing more to do. */}
      {request.status !== 'pending' ? null : open ? (
        <RespondForm client={client} request={request} onDone={() => setOpen(false)} />
      ) : (
        <div className="reference__actions">
          <button ref={respondButton} type="button" className="button button--small" onClick={() => setOpen(true)}>
            Respond
          </button>
        </div>
      )}
    </li>
  );
}

function RespondForm({ client, request, onDone }: { client: AppClient; request: ReferenceView; onDone(): void }) {
  const [text, setText] = useState(request.response ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = checkResponse(text);
    if (problem) {
      setError(problem);
      return;
    }
    void run(() => client.respond(request.id, text.trim()));
  }

  return (
    <form className="respond-form" onSubmit={submit} noValidate>
      <Field label="Reference" multiline value={text} onChange={setText} error={error ?? undefined} maxLength={LIMITS.response} autoFocus />
      <div className="reference__actions">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          Submit reference
        </button>
        <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => void run(() => client.decline(request.id))}>
          Decline
        </button>
        <button type="button" className="button button--link button--small" disabled={busy} onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
