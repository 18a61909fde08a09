import { createContext, useContext, useMemo } from 'react';
import { shareReplay } from 'rxjs';
import type { Observable } from 'rxjs';
import type { AppClient } from '../../web/app-client';
import { UNTIL_DOWNLOADED, observeInboxCounts, observeMyCounts } from '../records';
import type { StatusCounts } from '../records';
import { useObservable } from './use-observable';
import { useSyncState } from './use-sync-state';

interface SharedCounts {
  mine: Observable<StatusCounts>;
  inbox: Observable<StatusCounts>;
}

/**
 * One set of count queries for every screen that shows a count (the top
 * bar, the views, the landing): each count re-runs on every write, over
 * every record, so a second copy of them would cost every write twice.
 */
export function createSharedCounts(client: AppClient): SharedCounts {
  const share = <T,>(source: Observable<T>) => source.pipe(shareReplay({ bufferSize: 1, refCount: true }));
  return {
    mine: share(observeMyCounts(client.database, client.session.user.id)),
    inbox: share(observeInboxCounts(client.database, client.session.user.email)),
  };
}

export const CountsContext = createContext<SharedCounts | null>(null);

/**
 * The counts of the user's references (`mine`) or of the requests addressed
 * to them (`inbox`); undefined while the first sync on this device downloads
 * the account (like the lists: counting again after each page of it would
 * slow it down).
 */
export function useCounts(client: AppClient, which: keyof SharedCounts): StatusCounts | undefined {
  const shared = useContext(CountsContext);
  if (!shared) throw new Error('useCounts outside CountsContext');
  const downloading = useSyncState(client).initialSync !== null;
  return useObservable(useMemo(() => (downloading ? UNTIL_DOWNLOADED : shared[which]), [downloading, shared, which]));
}
