/**
 * The WatermelonDB queries the screens observe, and the plain views they
 * render. Columns are read by their CONTRACT §2 names, the one naming both
 * the server and every client agree on.
 */
import { Q } from '@nozbe/watermelondb';
import type { Database, Model } from '@nozbe/watermelondb';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
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
  /** Why the server refused this record's last change, when syncStatus is 'error'. */
  syncError: string | null;
  createdAt: number;
}

/** Re-render when any of these change, not only when the list's membership does. */
const REFERENCE_COLUMNS = [...DATA_COLUMNS.references, 'sync_status', 'updated_at'];

function rawOf(record: Model): Record<string, unknown> {
  return record._raw as unknown as Record<string, unknown>;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

export function toReferenceView(record: Model): ReferenceView {
  const raw = rawOf(record);
  const status = raw.status === 'completed' || raw.status === 'declined' ? raw.status : 'pending';
  const syncStatus = raw.sync_status === 'synced' || raw.sync_status === 'error' ? raw.sync_status : 'pending';
  const syncError = typeof raw.sync_error === 'string' && raw.sync_error ? raw.sync_error : null;
  return {
    id: record.id,
    userId: text(raw.user_id),
    refereeName: text(raw.referee_name),
    refereeEmail: text(raw.referee_email),
    message: text(raw.message),
    status,
    response: typeof raw.response === 'string' ? raw.response : null,
    respondedAt: numberOrNull(raw.responded_at),
    syncStatus,
    syncError,
    createdAt: numberOrNull(raw.created_at) ?? 0,
  };
}

const notDeleted = Q.where('is_deleted', Q.notEq(true));
const newestFirst = Q.sortBy('created_at', Q.desc);

/** The references this user asked for. */
export function observeMyReferences(database: Database, userId: string): Observable<ReferenceView[]> {
  return database
    .get('references')
    .query(Q.where('user_id', userId), notDeleted, newestFirst)
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView)));
}

/** The references addressed to this user's email (compared case-insensitively, CONTRACT §3). */
export function observeRequestsForMe(database: Database, email: string): Observable<ReferenceView[]> {
  const mine = normalizeEmail(email);
  return database
    .get('references')
    .query(Q.where('referee_email', Q.like(Q.sanitizeLikeString(mine))), notDeleted, newestFirst)
    .observeWithColumns(REFERENCE_COLUMNS)
    .pipe(map((records) => records.map(toReferenceView).filter((ref) => normalizeEmail(ref.refereeEmail) === mine)));
}

/** Names of the users this device knows (the user and the candidates who asked them), by id. */
export function observeUserNames(database: Database): Observable<ReadonlyMap<string, string>> {
  return database
    .get('users')
    .query()
    .observeWithColumns(['name', 'email'])
    .pipe(map((records) => new Map(records.map((record) => [record.id, text(rawOf(record).name) || text(rawOf(record).email)]))));
}
