import { useMemo } from 'react';
import type { AppClient } from '../../../web/app-client';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useObservable } from '../../hooks/use-observable';
import { useCounts } from '../../hooks/use-counts';
import { observeOutboxDeletions } from '../../records';
import { inboxSummary, pendingDeletionsText, referencesSummary } from '../../summary';
import { Link } from '../link';
import { ListControls, useListFilter } from '../list-controls';
import { MY_REFERENCES_HEADING, MyReferencesList } from '../my-references';
import { RequestForm } from '../request-form';
import { REQUESTS_FOR_ME_HEADING, RequestsForMeList } from '../requests-for-me';

const LABELS = { pending: 'Waiting', completed: 'Completed', declined: 'Declined' } as const;

/** /references: the candidate's view. Asking comes first; the list below finds any request again. */
export function ReferencesView({ client }: { client: AppClient }) {
  useDocumentTitle('My references');
  const { database } = client;
  const counts = useCounts(client, 'mine');
  const inbox = useCounts(client, 'inbox');
  const deletions = useObservable(useMemo(() => observeOutboxDeletions(database), [database]));
  const waitingDeletions = deletions?.filter((d) => !d.failed).length ?? 0;
  const [filter, setFilter] = useListFilter();
  const summary = counts ? referencesSummary(counts) : null;
  return (
    <div className="view">
      <header className="view__head">
        <h1 id={MY_REFERENCES_HEADING} tabIndex={-1}>
          My references
        </h1>
        {summary ? (
          <p className="view__summary">
            <strong>{summary.headline}</strong>
            {summary.detail ? <span> · {summary.detail}</span> : null}
            {waitingDeletions ? <span> · {pendingDeletionsText(waitingDeletions)}</span> : null}
          </p>
        ) : null}
      </header>
      <div className="view__columns">
        <div className="view__side">
          <RequestForm client={client} />
          {/* Someone asked this user too: shown here, second, and never as an empty box. */}
          {inbox && inbox.total > 0 ? (
            <section className="card" aria-labelledby={REQUESTS_FOR_ME_HEADING}>
              <h2 id={REQUESTS_FOR_ME_HEADING}>Requests for me</h2>
              <p className="panel__summary">
                {inboxSummary(inbox).headline}. <Link to="/inbox">Open your inbox</Link>
              </p>
              <RequestsForMeList client={client} empty="" />
            </section>
          ) : null}
        </div>
        <section className="card view__main" aria-label="Your requests">
          {counts && counts.total > 0 ? (
            <ListControls filter={filter} onChange={setFilter} counts={counts} labels={LABELS} searchLabel="Find a referee by name or email" />
          ) : null}
          <MyReferencesList client={client} filter={filter} empty="No requests yet. Ask a former manager with the form." />
        </section>
      </div>
    </div>
  );
}
