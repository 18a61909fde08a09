import { useMemo } from 'react';
import { Subject } from 'rxjs';
import type { AppClient } from '../../web/app-client';
import { useDrafts } from '../hooks/use-draft';
import { useObservable } from '../hooks/use-observable';
import { useSyncState } from '../hooks/use-sync-state';
import { RESPOND_DRAFT_PREFIX, observeWithdrawnDrafts } from '../withdrawn-drafts';
import { CopyWords } from './copy-words';

/**
 * The words of a reference the user was writing when its request went away
 * (deleted, or sent to another address): shown on every screen until
 * discarded. Not while a sync runs: a record can be briefly absent then (a
 * discarded change waits for the server's copy).
 */
export function WithdrawnDraftsNotice({ client }: { client: AppClient }) {
  const drafts = useDrafts();
  const discarded = useMemo(() => new Subject<void>(), []);
  const withdrawn = useObservable(useMemo(() => observeWithdrawnDrafts(client.database, drafts, discarded), [client.database, drafts, discarded]));
  const { syncing, initialSync } = useSyncState(client);
  if (syncing || initialSync !== null || !withdrawn?.length) return null;
  return (
    <section className="card withdrawn" aria-label="References you were writing">
      <p className="banner__text">
        {withdrawn.length === 1 ? 'A reference you were writing is no longer here.' : `${withdrawn.length} references you were writing are no longer here.`}
      </p>
      <p>The person who asked deleted the request or sent it to another address. Your words stay here until you discard them.</p>
      {withdrawn.map((draft) => (
        <div key={draft.id} className="withdrawn__draft">
          <blockquote className="reference__response">
            <p>{draft.text}</p>
          </blockquote>
          <div className="reference__actions">
            <CopyWords words={draft.text} />
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                drafts.remove(RESPOND_DRAFT_PREFIX + draft.id);
                discarded.next();
              }}
            >
              Discard
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
