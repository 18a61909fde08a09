/**
 * The entries of a push, each checked on its own: a malformed record is
 * rejected alone and never stops the others (CONTRACT §3). The count is
 * taken before any schema runs, so a body of a million junk items gets its
 * 413 at once instead of a validator working through (and overflowing on) it.
 */
import { isSyncedTable, type SyncedTable } from '../../shared/schema';
import { PUSH_ENTRIES_MAX, RecordIdSchema, type PushRequest, type Rejection } from '../../shared/protocol';
import type { ParsedWrite } from './record-input';
import { parseWrite } from './record-input';

type EntryKind = 'created' | 'updated' | 'deleted';

interface ParsedEntry {
  table: SyncedTable;
  kind: EntryKind;
  write: ParsedWrite<string> | { id: string };
}

interface EntryRejection extends Rejection {
  table: string;
}

/** Tables a push may name at all; more is not a push of this app. */
const PUSH_TABLES_MAX = 64;

/**
 * Entries in a parsed JSON body (created, updated and deleted of all
 * tables), or null when the body is not shaped like a push at all (the
 * schema will say what is wrong). Stops counting past the limit.
 */
export function countPushEntries(body: unknown): number | null {
  if (typeof body !== 'object' || body === null) return null;
  const changes = (body as { changes?: unknown }).changes;
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) return null;
  let count = 0;
  let tables = 0;
  for (const set of Object.values(changes)) {
    tables += 1;
    if (tables > PUSH_TABLES_MAX) return Infinity;
    if (typeof set !== 'object' || set === null) continue;
    for (const kind of ['created', 'updated', 'deleted'] as const) {
      const list = (set as Record<string, unknown>)[kind];
      if (Array.isArray(list)) count += list.length;
    }
    if (count > PUSH_ENTRIES_MAX) return count;
  }
  return count;
}

const BAD_ID = 'id: must be a printable string of 1 to 64 characters';

/** What to call an entry in its rejection: its id if it has a printable one. */
function idOf(raw: unknown): string {
  const id = typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

export function parsePushEntries(body: PushRequest): { entries: ParsedEntry[]; rejections: EntryRejection[] } {
  const entries: ParsedEntry[] = [];
  const rejections: EntryRejection[] = [];
  const refuse = (table: string, raw: unknown, message: string) => rejections.push({ table, id: idOf(raw), code: 'invalid', message });
  for (const [table, set] of Object.entries(body.changes)) {
    const all: [EntryKind, unknown][] = [
      ...set.created.map((raw): [EntryKind, unknown] => ['created', raw]),
      ...set.updated.map((raw): [EntryKind, unknown] => ['updated', raw]),
      ...set.deleted.map((raw): [EntryKind, unknown] => ['deleted', raw]),
    ];
    for (const [kind, raw] of all) {
      if (!isSyncedTable(table)) {
        refuse(table, raw, `unknown table ${table}`);
        continue;
      }
      if (kind === 'deleted') {
        const id = RecordIdSchema.safeParse(raw);
        if (id.success) entries.push({ table, kind, write: { id: id.data } });
        else refuse(table, raw, BAD_ID);
        continue;
      }
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        refuse(table, raw, 'a record must be an object');
        continue;
      }
      const result = parseWrite(table, raw as Record<string, unknown>);
      if (result.ok) entries.push({ table, kind, write: result.write });
      else refuse(table, raw, result.message);
    }
  }
  return { entries, rejections };
}
