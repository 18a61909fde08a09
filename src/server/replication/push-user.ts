/**
 * Decides one pushed `users` record: a user changes only their own row, and
 * only its name. Users rows are created by signing up, never by a push.
 */
import { mergeWrite, type ColumnValue, type MergeState } from '../../shared/merge';
import type { StoredUser } from '../store/types';
import { conflictOf, mustMove } from './conflict';
import { ID_TAKEN, reject, type Decision } from './decision';
import type { PushContext } from './push-reference';
import type { ParsedWrite, UserColumn } from './record-input';

function userState(row: StoredUser): MergeState<UserColumn> {
  return {
    values: { email: row.email, name: row.name },
    times: row.colTimes as Partial<Record<UserColumn, number>>,
    deleted: false,
    updatedAt: row.updatedAt,
    clamped: row.clampedStamps,
  };
}

export function decideUser(
  kind: 'created' | 'updated' | 'deleted',
  write: ParsedWrite<UserColumn> | { id: string },
  existing: StoredUser | undefined,
  ctx: PushContext,
): Decision<StoredUser> {
  if (write.id !== ctx.viewer.id) {
    return reject('forbidden', existing ? ID_TAKEN : 'users rows are created by signing up');
  }
  if (!existing) return reject('forbidden', 'users rows are created by signing up');
  if (kind === 'deleted') return reject('forbidden', 'a user cannot be deleted by sync');

  const parsed = write as ParsedWrite<UserColumn>;
  const changes: Partial<Record<UserColumn, ColumnValue>> = { ...parsed.changes };
  if (changes.email !== undefined) {
    if (changes.email !== existing.email.toLowerCase()) return reject('forbidden', 'email: cannot be changed');
    delete changes.email;
  }
  const merged = mergeWrite(userState(existing), { changes, updatedAt: parsed.updatedAt, deleted: false }, ctx.receivedAt);
  const conflict = conflictOf(merged, parsed.updatedAt, existing.colTimes, existing.colSeqs, ctx.lastPulledAt);
  if (!mustMove(merged, parsed.updatedAt, conflict)) return { type: 'noop' };
  const row: StoredUser = {
    ...existing,
    name: String(merged.state.values.name),
    updatedAt: merged.state.updatedAt,
    colTimes: merged.state.times as Record<string, number>,
    clampedStamps: merged.state.clamped,
  };
  const wonColumns = Object.entries(merged.columns)
    .filter(([, o]) => o === 'local' || o === 'same')
    .map(([c]) => c);
  return { type: 'write', row, wonColumns, dataChanged: merged.changed, conflict };
}
