/**
 * The WatermelonDB queries the screens observe, and the plain views they
 * render. Observation only: the screens re-render when the database changes,
 * they never poll.
 */
import { Q } from '@nozbe/watermelondb';
import type { Database } from '@nozbe/watermelondb';
import type { Observable } from 'rxjs';
import { NEVER, combineLatest, debounceTime, distinctUntilChanged, from, map, merge, switchMap, timer } from 'rxjs';
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
  /** When the candidate asked (set by the server on receipt). */
  createdAt: number;
  updatedAt: number;
  /** When the candidate last asked for a reminder; schema version 2 adds the column, older data has none. */
  remindedAt: number | null;
  syncStatus: SyncStatus;
}

/** Re-render when any of these change, not only when the list's membership does. */
export const REFERENCE_COLUMNS = [...new Set<string>([...DATA_COLUMNS.references, 'reminded_at', 'sync_status', 'updated_at', 'created_at'])];

/** Same record, same values: a list item given an equal view need not render again. */
export function sameReferenceView(a: ReferenceView, b: ReferenceView): boolean {
  return (Object.keys(a) as (keyof ReferenceView)[]).every((key) => a[key] === b[key]);
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

export function toReferenceView(record: Reference): ReferenceView {
  const raw = record._raw as unknown as Record<string, unknown>;
  return {
    id: record.id,
    userId: record.userId,
    refereeName: record.refereeName ?? '',
    refereeEmail: record.refereeEmail ?? '',
    message: record.message ?? '',
    status: record.status,
    response: record.response ?? null,
    respondedAt: record.respondedAt ?? null,
    createdAt: Number(raw.created_at) || 0,
    updatedAt: Number(raw.updated_at) || 0,
    remindedAt: optionalNumber(raw.reminded_at),
    syncStatus: record.localSyncStatus,
  };
}

export const notDeleted = Q.where('is_deleted', Q.notEq(true));
/**
 * Latest activity first: asking, answering (and reminding) all stamp
 * `updated_at`, so a reference just answered comes to the top instead of
 * sinking under newer requests; the status filter finds the older ones.
 */
const latestFirst = [Q.sortBy('updated_at', Q.desc)];
/**
 * The inbox puts what waits for an answer first: 'pending' sorts after
 * 'declined' and 'completed', so descending by status, then latest activity.
 */
const waitingFirst = [Q.sortBy('status', Q.desc), Q.sortBy('updated_at', Q.desc)];

/** The first `limit` items of a list, and how many it holds in all. */
export interface ListPage<T> {
  items: T[];
  total: number;
}

/** What a list is narrowed to: a status, and text to find in a name or email. */
export interface ListFilter {
  status: ReferenceStatus | null;
  search: string;
}

export const NO_FILTER: ListFilter = { status: null, search: '' };

function like(text: string): Q.Comparison {
  return Q.like(`%${Q.sanitizeLikeString(text)}%`);
}

/**
 * The newest `limit` references matching `where`, and their count. Only the
 * shown ones become models and views and are watched column by column: with
 * 10,000 records, doing that for all of them on every change cost more than
 * the rest of a write (npm run bench: write_visible_p95_ms, cold_start_10k_ms).
 */
function observeReferencePage(database: Database, where: Q.Clause[], limit: number, order: Q.Clause[] = latestFirst): Observable<ListPage<ReferenceView>> {
  const references = database.get<Reference>('references');
  const items = references
    .query(...where, notDeleted, ...order, Q.take(limit))
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView)));
  // Not throttled: the default 250 ms throttle can keep showing a wrong count (FACTS).
  const total = references.query(...where, notDeleted).observeCount(false);
  return combineLatest([items, total]).pipe(map(([shown, count]) => ({ items: shown, total: Math.max(count, shown.length) })));
}

export function statusClause(filter: ListFilter): Q.Clause[] {
  return filter.status ? [Q.where('status', filter.status)] : [];
}

/** Nothing until the first sync on this device has stored everything (see observeMyReferences). */
export const UNTIL_DOWNLOADED: Observable<never> = NEVER;
/** A question not asked (yet): never answers. */
export const NEVER_DECIDED: Observable<never> = NEVER;

export const mine = (userId: string) => Q.where('user_id', userId);
/**
 * Emails are stored normalized (lowercase, trimmed) by both sides, so the
 * indexed column is compared for equality with the normalized address (CONTRACT §3).
 */
export const addressedTo = (email: string) => Q.where('referee_email', normalizeEmail(email));

/** The references this user asked for, latest activity first; the search looks at the referee's name and email. */
export function observeMyReferences(database: Database, userId: string, limit: number, filter: ListFilter = NO_FILTER): Observable<ListPage<ReferenceView>> {
  const search = filter.search.trim();
  const found = search ? [Q.or(Q.where('referee_name', like(search)), Q.where('referee_email', like(search)))] : [];
  return observeReferencePage(database, [mine(userId), ...statusClause(filter), ...found], limit);
}

/**
 * The references addressed to this user's email, those waiting for an answer first. The search looks at the
 * candidate's name and email (users rows) and at the request's message.
 */
export function observeRequestsForMe(database: Database, email: string, limit: number, filter: ListFilter = NO_FILTER): Observable<ListPage<ReferenceView>> {
  const search = filter.search.trim();
  const where = [addressedTo(email), ...statusClause(filter)];
  if (!search) return observeReferencePage(database, where, limit, waitingFirst);
  return database
    .get<User>('users')
    .query(Q.or(Q.where('name', like(search)), Q.where('email', like(search))))
    .observeWithColumns(['name', 'email'])
    .pipe(
      map((users) => users.map((user) => user.id).sort().join(',')),
      distinctUntilChanged(),
      switchMap((ids) => {
        const matching = ids ? [Q.where('user_id', Q.oneOf(ids.split(',')))] : [];
        return observeReferencePage(database, [...where, Q.or(...matching, Q.where('message', like(search)))], limit, waitingFirst);
      }),
    );
}

export interface StatusCounts {
  total: number;
  pending: number;
  completed: number;
  declined: number;
}

/** How long the references must be still before the summaries count them again. */
const COUNT_SETTLE_MS = 150;

/**
 * A count that follows the records once they are still: COUNT_SETTLE_MS
 * after the screen opened (its list first), then COUNT_SETTLE_MS after the
 * last change. A live count re-runs over every record on every write, before the
 * list shows the write (npm run bench: write_visible_p95_ms, cold_start_10k_ms);
 * a summary can wait a moment. Unlike observeCount's throttle, the last
 * change is always counted.
 */
function settledCount(database: Database, clauses: Q.Clause[]): Observable<number> {
  const references = database.get<Reference>('references');
  const query = references.query(...clauses);
  return merge(timer(COUNT_SETTLE_MS), references.changes.pipe(debounceTime(COUNT_SETTLE_MS))).pipe(
    switchMap(() => from(query.fetchCount())),
    distinctUntilChanged(),
  );
}

function observeStatusCounts(database: Database, where: Q.Clause): Observable<StatusCounts> {
  const count = (status: ReferenceStatus) => settledCount(database, [where, notDeleted, Q.where('status', status)]);
  return combineLatest([count('pending'), count('completed'), count('declined')]).pipe(
    map(([pending, completed, declined]) => ({ total: pending + completed + declined, pending, completed, declined })),
  );
}

/** Counts of the candidate's references by status: what the list shows, deleted ones not included. */
export function observeMyCounts(database: Database, userId: string): Observable<StatusCounts> {
  return observeStatusCounts(database, mine(userId));
}

export function observeInboxCounts(database: Database, email: string): Observable<StatusCounts> {
  return observeStatusCounts(database, addressedTo(email));
}

function observeAny(database: Database, clauses: Q.Clause[]): Observable<boolean> {
  return database
    .get<Reference>('references')
    .query(...clauses, notDeleted, Q.take(1))
    .observe()
    .pipe(
      map((records) => records.length > 0),
      distinctUntilChanged(),
    );
}

/** Whether the user has asked for any reference: one record read, not a count of them all. */
export function observeHasOwnReferences(database: Database, userId: string): Observable<boolean> {
  return observeAny(database, [mine(userId)]);
}

/** Whether anything is addressed to the user (`pending`: waiting for their answer). */
export function observeHasRequestsForMe(database: Database, email: string, pending: boolean): Observable<boolean> {
  return observeAny(database, [addressedTo(email), ...(pending ? [Q.where('status', 'pending')] : [])]);
}

/** One reference, or null once it is not on this device (never synced here, or deleted). */
export function observeReference(database: Database, id: string): Observable<ReferenceView | null> {
  return database
    .get<Reference>('references')
    .query(Q.where('id', id), notDeleted)
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => (records[0] ? toReferenceView(records[0]) : null)));
}

export interface Person {
  name: string;
  email: string;
}

/** The users this device knows (the user and the candidates who asked them), by id. */
export function observeUsers(database: Database): Observable<ReadonlyMap<string, Person>> {
  return database
    .get<User>('users')
    .query()
    .observeWithColumns(['name', 'email'])
    .pipe(map((users) => new Map(users.map((user) => [user.id, { name: user.name || user.email, email: user.email }]))));
}

/**
 * Whether this device has pulled the user's own row: the first pull brings
 * it, nothing else writes it. Until then the device has not seen the account.
 */
export function observeHasPulled(database: Database, userId: string): Observable<boolean> {
  return database
    .get<User>('users')
    .query(Q.where('id', userId))
    .observeCount(false)
    .pipe(
      map((n) => n > 0),
      distinctUntilChanged(),
    );
}

/** Why a record's local change did not sync: the outbox entry's error, by record id. */
export function observeSyncErrors(database: Database): Observable<ReadonlyMap<string, string>> {
  return database
    .get<SyncQueueItem>('sync_queue')
    .query(Q.where('error', Q.notEq(null)))
    .observeWithColumns(['error', 'status'])
    .pipe(map((items) => new Map(items.filter((item) => item.error).map((item) => [item.recordId, item.error ?? '']))));
}

export interface OutboxDeletion {
  recordId: string;
  failed: boolean;
  error: string | null;
}

/**
 * Deletions of references that have not reached the server yet. A deleted
 * record is gone from every query, so its outbox entry is all that is left
 * to show: the pending ones as a count, the failed ones as items with Discard.
 */
export function observeOutboxDeletions(database: Database): Observable<OutboxDeletion[]> {
  return database
    .get<SyncQueueItem>('sync_queue')
    .query(Q.where('operation', 'delete'), Q.where('table_name', 'references'))
    .observeWithColumns(['status', 'error'])
    .pipe(map((items) => items.map((item) => ({ recordId: item.recordId, failed: item.status === 'failed', error: item.error ?? null }))));
}
