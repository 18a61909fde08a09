/** The conflict log (src/sync/conflict-log.ts) as the conflicts view reads it: newest first, updated as it changes. */
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import { map, type Observable } from 'rxjs';
import { parseLog, type ConflictEntry } from '../sync/conflict-log';
import { META_CONFLICT_LOG } from '../sync/local-store';

export function observeConflicts(database: Database): Observable<ConflictEntry[]> {
  return database
    .get<Model>('sync_metadata')
    .query(Q.where('key', META_CONFLICT_LOG))
    .observeWithColumns(['value'])
    .pipe(map((rows) => parseLog((rows[0]?._raw as unknown as { value?: string } | undefined)?.value ?? null).reverse()));
}

const COLUMN_NAMES: Record<string, string> = {
  referee_name: 'Referee name',
  referee_email: 'Referee email',
  message: 'Message',
  status: 'Status',
  response: 'Reference',
  responded_at: 'Answered',
  reminded_at: 'Reminder asked',
  name: 'Name',
  email: 'Email',
};

export function columnName(column: string): string {
  return COLUMN_NAMES[column] ?? column;
}

/** A value as the user reads it: times as dates, empty as "(empty)". */
export function valueText(column: string, value: unknown, formatTime: (ms: number) => string): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (column.endsWith('_at') && typeof value === 'number') return formatTime(value);
  return String(value);
}
