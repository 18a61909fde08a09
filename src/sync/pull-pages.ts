/**
 * Pull every page after a cursor and fold them into ONE change set, so
 * synchronize() applies them in a single atomic write. A later page wins over
 * an earlier one for the same id (e.g. updated on page 1, deleted on page 2).
 */
import { SyncError, SyncErrorCode } from './errors';
import type { ChangeSet, PullResponse, TableChanges, Transport, WireRow } from './ports';

type Entry = { kind: 'created' | 'updated'; row: WireRow } | { kind: 'deleted' };

export interface PulledAll {
  changes: ChangeSet;
  timestamp: number;
  /** Entries received over all pages (created + updated + deleted). */
  received: number;
  /** `x-server-time` of the last page, if any. */
  serverTime?: number;
}

export function countChanges(changes: ChangeSet): number {
  let n = 0;
  for (const table of Object.values(changes)) {
    if (table) n += table.created.length + table.updated.length + table.deleted.length;
  }
  return n;
}

export async function pullAllPages(
  transport: Transport,
  since: number,
  onPage?: (page: PullResponse, receivedSoFar: number) => void,
): Promise<PulledAll> {
  const tables = new Map<string, Map<string, Entry>>();
  let cursor = since;
  let received = 0;
  let serverTime: number | undefined;
  for (;;) {
    const page = await transport.pull(cursor);
    received += countChanges(page.changes);
    if (page.serverTime !== undefined) serverTime = page.serverTime;
    for (const [table, set] of Object.entries(page.changes)) {
      if (!set) continue;
      let entries = tables.get(table);
      if (!entries) tables.set(table, (entries = new Map()));
      for (const row of set.created) entries.set(row.id, { kind: 'created', row });
      for (const row of set.updated) entries.set(row.id, { kind: 'updated', row });
      for (const id of set.deleted) entries.set(id, { kind: 'deleted' });
    }
    onPage?.(page, received);
    if (!page.more) {
      cursor = page.timestamp;
      break;
    }
    // A server that says "more" without moving its cursor would make us loop forever. Cursors
    // are opaque (CONTRACT §3 asks only that pulling from one continues): unequal is all we can check.
    if (page.timestamp === cursor) {
      throw new SyncError(SyncErrorCode.protocol, `pull cursor did not advance past ${cursor} although more was set`);
    }
    cursor = page.timestamp;
  }

  const changes: ChangeSet = {};
  for (const [table, entries] of tables) {
    const set: TableChanges = { created: [], updated: [], deleted: [] };
    for (const [id, entry] of entries) {
      if (entry.kind === 'deleted') set.deleted.push(id);
      else set[entry.kind].push(entry.row);
    }
    changes[table] = set;
  }
  return serverTime === undefined ? { changes, timestamp: cursor, received } : { changes, timestamp: cursor, received, serverTime };
}
