/**
 * The WatermelonDB queries the screens observe, and the plain views they
 * render. Observation only: the screens re-render when the database changes,
 * they never poll.
 */
import { Q } from '@nozbe/watermelondb';
import type { Database } from '@nozbe/watermelondb';
import type { Observable } from 'rxjs';
import { NEVER, combineLatest, map } from 'rxjs';
import type { Reference, SyncQueueItem, User } from '../db/models';
import { DATA_COLUMNS, normalizeEmail } from '../shared/schema';
import type { ReferenceStatus, SyncStatus } from '../shared/schema';

export interface ReferenceView {
  id: string;
  userId: string;
  refereeName: string;
  refereeEmail: string;
  message: string;
  status: ReferenceStatus;
  response: string | null;
  respondedAt: number | null;
  remindedAt: number | null;
  /** When the server received the request (its time, CONTRACT §3). */
  createdAt: number;
  syncStatus: SyncStatus;
}

/** Re-render when any of these change, not only when the list's membership does. */
const REFERENCE_COLUMNS = [...DATA_COLUMNS.references, 'sync_status', 'updated_at', 'created_at'];

/** Same record, same values: a list item given an equal view need not render again. */
export function sameReferenceView(a: ReferenceView, b: ReferenceView): boolean {
  return (
    a.id === b.id &&
    a.userId === b.userId &&
    a.refereeName === b.refereeName &&
    a.refereeEmail === b.refereeEmail &&
    a.message === b.message &&
    a.status === b.status &&
    a.response === b.response &&
    a.respondedAt === b.respondedAt &&
    a.remindedAt === b.remindedAt &&
    a.createdAt === b.createdAt &&
    a.syncStatus === b.syncStatus
  );
}

export function toReferenceView(record: Reference): ReferenceView {
  return {
    id: record.id,
    userId: record.userId,
    refereeName: record.refereeName ?? '',
    refereeEmail: record.refereeEmail ?? '',
    message: record.message ?? '',
    status: record.status,
    response: record.response ?? null,
    respondedAt: record.respondedAt ?? null,
    remindedAt: record.remindedAt ?? null,
    createdAt: record.createdAt instanceof Date ? record.createdAt.getTime() : Number(record.createdAt),
    syncStatus: record.localSyncStatus,
  };
}

const notDeleted = Q.where('is_deleted', Q.notEq(true));
const newestFirst = Q.sortBy('created_at', Q.desc);

/** The first `limit` items of a list, and how many it holds in all. */
export interface ListPage<T> {
  items: T[];
  total: number;
}

/**
 * The newest `limit` references matching `where`, and their count. Only the
 * shown ones become models and views and are watched column by column: with
 * 10,000 records, doing that for all of them on every change cost more than
 * the rest of a write (npm run bench: write_visible_p95_ms, cold_start_10k_ms).
 */
function observeReferencePage(database: Database, where: Q.Clause[], limit: number): Observable<ListPage<ReferenceView>> {
  const references = database.get<Reference>('references');
  const items = references
    .query(...where, notDeleted, newestFirst, Q.take(limit))
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView)));
  // Not throttled: the default 250 ms throttle can keep showing a wrong count (FACTS).
  const total = references.query(...where, notDeleted).observeCount(false);
  return combineLatest([items, total]).pipe(map(([shown, count]) => ({ items: shown, total: Math.max(count, shown.length) })));
}

/** Nothing until the first sync on this device has stored everything (see observeMyReferences). */
export const UNTIL_DOWNLOADED: Observable<never> = NEVER;

/** The references this user asked for, newest first. */
export function observeMyReferences(database: Database, userId: string, limit: number): Observable<ListPage<ReferenceView>> {
  return observeReferencePage(database, [Q.where('user_id', userId)], limit);
}

/**
 * The references addressed to this user's email, newest first. Emails are
 * stored normalized (lowercase, trimmed) by both sides, so the indexed column
 * is compared for equality with the normalized address (CONTRACT §3).
 */
export function observeRequestsForMe(database: Database, email: string, limit: number): Observable<ListPage<ReferenceView>> {
  return observeReferencePage(database, [Q.where('referee_email', normalizeEmail(email))], limit);
}

/** Names of the users this device knows (the user and the candidates who asked them), by id. */
export function observeUserNames(database: Database): Observable<ReadonlyMap<string, string>> {
  return database
    .get<User>('users')
    .query()
    .observeWithColumns(['name', 'email'])
    .pipe(map((users) => new Map(users.map((user) => [user.id, user.name || user.email]))));
}

/** Why a record's local change did not sync: the outbox entry's error, by record id. */
export function observeSyncErrors(database: Database): Observable<ReadonlyMap<string, string>> {
  return database
    .get<SyncQueueItem>('sync_queue')
    .query(Q.where('error', Q.notEq(null)))
    .observeWithColumns(['error', 'status'])
    .pipe(map((items) => new Map(items.filter((item) => item.error).map((item) => [item.recordId, item.error ?? '']))));
}
