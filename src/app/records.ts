/**
 * The WatermelonDB queries the screens observe, and the plain views they
 * render. Observation only: the screens re-render when the database changes,
 * they never poll.
 */
import { Q } from '@nozbe/watermelondb';
import type { Database } from '@nozbe/watermelondb';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
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
  syncStatus: SyncStatus;
}

/** Re-render when any of these change, not only when the list's membership does. */
const REFERENCE_COLUMNS = [...DATA_COLUMNS.references, 'sync_status', 'updated_at'];

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
    syncStatus: record.localSyncStatus,
  };
}

const notDeleted = Q.where('is_deleted', Q.notEq(true));
const newestFirst = Q.sortBy('created_at', Q.desc);

/** The references this user asked for. */
export function observeMyReferences(database: Database, userId: string): Observable<ReferenceView[]> {
  return database
    .get<Reference>('references')
    .query(Q.where('user_id', userId), notDeleted, newestFirst)
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView)));
}

/** The references addressed to this user's email (compared case-insensitively, CONTRACT §3). */
export function observeRequestsForMe(database: Database, email: string): Observable<ReferenceView[]> {
  const mine = normalizeEmail(email);
  return database
    .get<Reference>('references')
    .query(Q.where('referee_email', Q.like(Q.sanitizeLikeString(mine))), notDeleted, newestFirst)
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView).filter((ref) => normalizeEmail(ref.refereeEmail) === mine)));
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
