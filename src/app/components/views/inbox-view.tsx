import type { AppClient } from '../../../web/app-client';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useCounts } from '../../hooks/use-counts';
import { inboxSummary, referencesSummary } from '../../summary';
import { Link } from '../link';
import { ListControls, useListFilter } from '../list-controls';
import { MY_REFERENCES_HEADING, MyReferencesList } from '../my-references';
import { REQUESTS_FOR_ME_HEADING, RequestsForMeList } from '../requests-for-me';

const LABELS = { pending: 'Waiting for you', completed: 'Written', declined: 'Declined' } as const;

/** /inbox: the referee's view. The requests waiting for an answer, each answerable in place. */
export function InboxView({ client }: { client: AppClient }) {
  useDocumentTitle('Requests for me');
  const counts = useCounts(client, 'inbox');
  const mine = useCounts(client, 'mine');
  const [filter, setFilter] = useListFilter();
  const summary = counts ? inboxSummary(counts) : null;
  const mySummary = mine ? referencesSummary(mine) : null;
  return (
    <div className="view">
      <header className="view__head">
        <h1 id={REQUESTS_FOR_ME_HEADING} tabIndex={-1}>
          Requests for me
        </h1>
        {summary ? (
          <p className="view__summary">
            <strong>{summary.headline}</strong>
            {summary.detail ? <span> · {summary.detail}</span> : null}
          </p>
        ) : null}
      </header>
      <div className="view__columns view__columns--inbox">
        <section className="card view__main" aria-label="Requests to answer">
          {counts && counts.total > 0 ? (
            <ListControls filter={filter} onChange={setFilter} counts={counts} labels={LABELS} searchLabel="Find a candidate by name or email" />
          ) : null}
          <RequestsForMeList
            client={client}
            filter={filter}
            empty="Nobody has asked you for a reference yet. When someone does, their request shows here and you can answer it, even offline."
          />
        </section>
        <div className="view__side">
          {mine && mine.total > 0 && mySummary ? (
            <section className="card" aria-labelledby={MY_REFERENCES_HEADING}>
              <h2 id={MY_REFERENCES_HEADING} tabIndex={-1}>
                My references
              </h2>
              <p className="panel__summary">
                {mySummary.headline}. <Link to="/references">Open my references</Link>
              </p>
              <MyReferencesList client={client} empty="" />
            </section>
          ) : (
            <section className="card" aria-labelledby="ask-heading">
              <h2 id="ask-heading">Need a reference yourself?</h2>
              <p className="panel__summary">
                <Link to="/references#request">Request a reference</Link> from a former manager.
              </p>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
