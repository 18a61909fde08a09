/**
 * The lists while the first sync on this device downloads the account
 * (records.ts observes them afterwards). The usual list queries sort every
 * record and re-run on every page written: over a large account that cost a
 * sixth of the download. So, while it lasts:
 *
 * - the rows that have arrived: read again after each write of the table
 *   (a query that stops at `limit` and sorts nothing; one at a time, the
 *   writes meanwhile folded into the next), until `limit` of them are there;
 * - this device's own writes (sync_status not 'synced': a few records) are
 *   observed live, first in the list: a request made meanwhile shows at once.
 *
 * Searches wait for the download (they would scan the account per page).
 *
 * Fewer rows than a page (ROWS_WHILE_DOWNLOADING): a screen shows a few,
 * and they are replaced anyway when the download ends (the list then shows
 * the latest activity first, which arrives last); each of them rendered is
 * main-thread time the download's pages wait for.
 */
import { Q, type Database, type Query } from '@nozbe/watermelondb';
import { Observable, combineLatest, map, startWith } from 'rxjs';
import type { Reference } from '../db/models';
import type { ListFilter, ListPage, ReferenceView } from './records';
import { REFERENCE_COLUMNS, addressedTo, mine, notDeleted, statusClause, toReferenceView } from './records';

/** The first `limit` rows of `query`, read again after each write of `table` (one read at a time), until there are `limit`. */
function arrivedRows(database: Database, query: Query<Reference>, limit: number): Observable<Reference[]> {
  return new Observable<Reference[]>((subscriber) => {
    let reading = false;
    let again = false;
    let stopped = false;
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const rows = await query.fetch();
          if (stopped) return;
          subscriber.next(rows);
          if (rows.length >= limit) {
            stop();
            return;
          }
        } while (again);
      } catch (error) {
        subscriber.error(error);
      } finally {
        reading = false;
      }
    };
    const changes = database.get<Reference>('references').changes.subscribe(() => void read());
    const stop = () => {
      stopped = true;
      changes.unsubscribe();
    };
    void read();
    return stop;
  });
}

/** How many of the rows that have arrived a list shows while the first sync downloads. */
export const ROWS_WHILE_DOWNLOADING = 50;

function whileDownloading(database: Database, where: Q.Clause[], limit: number): Observable<ListPage<ReferenceView>> {
  const references = database.get<Reference>('references');
  const rows = Math.min(limit, ROWS_WHILE_DOWNLOADING);
  const arrived = arrivedRows(database, references.query(...where, notDeleted, Q.take(rows)), rows).pipe(
    map((records) => records.map(toReferenceView)),
    startWith([] as ReferenceView[]),
  );
  const local = references
    .query(...where, notDeleted, Q.where('sync_status', Q.notEq('synced')))
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView).sort((a, b) => b.updatedAt - a.updatedAt)));
  return combineLatest([local, arrived]).pipe(
    map(([own, rows]) => {
      const ids = new Set(own.map((r) => r.id));
      const items = [...own, ...rows.filter((r) => !ids.has(r.id))].slice(0, limit);
      return { items, total: items.length };
    }),
  );
}

export function observeMyReferencesDownloading(database: Database, userId: string, limit: number, filter: ListFilter): Observable<ListPage<ReferenceView>> {
  return whileDownloading(database, [mine(userId), ...statusClause(filter)], limit);
}

export function observeRequestsForMeDownloading(database: Database, email: string, limit: number, filter: ListFilter): Observable<ListPage<ReferenceView>> {
  return whileDownloading(database, [addressedTo(email), ...statusClause(filter)], limit);
}
