/**
 * Every change of this device the server has not acknowledged, as a plain
 * JSON document the user can keep (`Export unsynced work`): before signing
 * out with unsynced work, or at any time from the health view.
 *
 * Read from the outbox (`sync_queue`: one entry per record, with when its
 * first and last unacknowledged writes were made) and the records as they
 * are now, so it works in any tab: a follower's copy holds both tables too.
 * A deleted record is gone from the record tables; its entry still says
 * which one it was.
 */
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import { DATA_COLUMNS, isSyncedTable } from '../../shared/schema';

export const EXPORT_FORMAT = 'aideepref-unsynced-work';
export const EXPORT_VERSION = 1;

export interface UnsyncedChange {
  table: string;
  id: string;
  operation: 'create' | 'update' | 'delete';
  /** The columns this device changed and their values now (every data column of a new record). */
  columns: Record<string, unknown>;
  /** When the first of these unacknowledged writes was made (ms since the epoch, and ISO). */
  firstMadeAt: number;
  firstMadeAtIso: string;
  /** When the last one was made. */
  lastMadeAt: number;
  lastMadeAtIso: string;
  /** 'failed' when the server refused it or the retries ran out (then `error` says why). */
  status: string;
  error: string | null;
}

export interface UnsyncedExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  user: { id: string; email: string };
  changes: UnsyncedChange[];
}

type Raw = Record<string, unknown>;

const raw = (model: Model) => model._raw as unknown as Raw;
const iso = (ms: number) => new Date(ms).toISOString();

function changedColumns(record: Raw, operation: string, table: string): Record<string, unknown> {
  if (!isSyncedTable(table)) return {};
  const data: readonly string[] = DATA_COLUMNS[table];
  const named = String(record._changed ?? '')
    .split(',')
    .filter((c) => data.includes(c));
  const columns = operation === 'create' || record._status === 'created' || named.length === 0 ? data : named;
  return Object.fromEntries(columns.filter((c) => c in record).map((c) => [c, record[c]]));
}

export async function collectUnsynced(database: Database, user: { id: string; email: string }, now: number): Promise<UnsyncedExport> {
  const entries = await database.get<Model>('sync_queue').query(Q.sortBy('created_at', Q.asc)).fetch();
  const byTable = new Map<string, Map<string, Raw>>();
  for (const table of new Set(entries.map((e) => String(raw(e).table_name)))) {
    if (!isSyncedTable(table)) continue;
    const ids = entries.filter((e) => raw(e).table_name === table).map((e) => String(raw(e).record_id));
    const records = await database.get<Model>(table).query(Q.where('id', Q.oneOf(ids))).fetch();
    byTable.set(table, new Map(records.map((r) => [r.id, raw(r)])));
  }
  const changes = entries.map((entry): UnsyncedChange => {
    const e = raw(entry);
    const table = String(e.table_name);
    const id = String(e.record_id);
    const operation = e.operation as UnsyncedChange['operation'];
    const record = byTable.get(table)?.get(id);
    const firstMadeAt = Number(e.created_at);
    const lastMadeAt = Number(e.updated_at);
    return {
      table,
      id,
      operation,
      columns: record && operation !== 'delete' ? changedColumns(record, operation, table) : {},
      firstMadeAt,
      firstMadeAtIso: iso(firstMadeAt),
      lastMadeAt,
      lastMadeAtIso: iso(lastMadeAt),
      status: String(e.status),
      error: (e.error as string | null) ?? null,
    };
  });
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: iso(now), user, changes };
}

/** A file name that sorts by time and says whose it is. */
export function exportFileName(now: number): string {
  return `aideepref-unsynced-${iso(now).replace(/[:.]/g, '-')}.json`;
}
