/**
 * How a pulled row lands on a record that still has local changes
 * (WatermelonDB's `conflictResolver`, after its own per-column "local changes
 * win" rule), and which of this device's writes the pull shows to have lost.
 *
 * A record the device created and the server never acknowledged
 * (`_status: 'created'`, a create whose response was lost) is the hazard:
 * WatermelonDB keeps only the columns named in `_changed`, and nothing
 * guarantees that a created record names its edits there (0.28 does record
 * them; a raw written by another path or version may not). Taking the
 * server's values would silently undo an edit, and the push after the pull
 * would then send the server's old values as ours. So for such a record:
 * when our row is newer than the server's whole row, every data column is
 * ours (per-column last-write-wins can only choose ours); otherwise the
 * columns `_changed` names are ours and the rest are the server's (answers,
 * created_at at receipt).
 */
import { DATA_COLUMNS, isSyncedTable } from '../shared/schema';

export type Raw = Record<string, unknown>;

export function changedColumns(raw: Raw): string[] {
  return String(raw._changed ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
}

export function resolvePulled(table: string, local: Raw, remote: Raw, resolved: Raw): Raw {
  // Our own bookkeeping stays while a record still has local changes: the pulled row says 'synced'.
  resolved.sync_status = local.sync_status;
  if (local._status !== 'created' || !isSyncedTable(table)) return resolved;
  const localAt = Number(local.updated_at);
  const remoteAt = Number(remote.updated_at);
  const mine = new Set(changedColumns(local));
  if (Number.isFinite(localAt) && Number.isFinite(remoteAt) && localAt > remoteAt) {
    for (const column of DATA_COLUMNS[table]) mine.add(column);
    mine.add('updated_at');
  }
  for (const column of mine) {
    if (column in local) resolved[column] = local[column];
  }
  return resolved;
}
