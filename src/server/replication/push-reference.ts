/**
 * Decides one pushed `references` record: permissions per record and per
 * column (CONTRACT "Who may see and change what"), then the merge.
 *
 * A column only needs permission when it would really change: same value, or
 * a value that loses the merge anyway, changes nothing. This is what makes a
 * replayed create (which carries status "pending" and every other column)
 * acceptable to the candidate again.
 */
import { createState, mergeWrite, timeOnRecord, type ColumnValue, type MergeState } from '../../shared/merge';
import type { StoredReference, Viewer } from '../store/types';
import { ID_TAKEN, reject, type Decision } from './decision';
import { conflictOf, mustMove } from './conflict';
import type { ParsedWrite, ReferenceColumn } from './record-input';

export interface PushContext {
  viewer: Viewer;
  receivedAt: number;
  lastPulledAt: number | null;
}

const CANDIDATE_COLUMNS: ReadonlySet<ReferenceColumn> = new Set(['referee_name', 'referee_email', 'message']);
const REFEREE_COLUMNS: ReadonlySet<ReferenceColumn> = new Set(['status', 'response', 'responded_at']);

export function referenceState(row: StoredReference): MergeState<ReferenceColumn> {
  return {
    values: {
      user_id: row.userId,
      referee_name: row.refereeName,
      referee_email: row.refereeEmail,
      message: row.message,
      status: row.status,
      response: row.response,
      responded_at: row.respondedAt,
    },
    times: row.colTimes as Partial<Record<ReferenceColumn, number>>,
    deleted: row.isDeleted,
    updatedAt: row.updatedAt,
    clamped: row.clampedStamps,
  };
}

function rowFrom(base: StoredReference, state: MergeState<ReferenceColumn>): StoredReference {
  const v = state.values;
  return {
    ...base,
    userId: String(v.user_id),
    refereeName: String(v.referee_name),
    refereeEmail: String(v.referee_email),
    message: String(v.message ?? ''),
    status: String(v.status),
    response: v.response === null ? null : String(v.response),
    respondedAt: typeof v.responded_at === 'number' ? v.responded_at : null,
    isDeleted: state.deleted,
    updatedAt: state.updatedAt,
    colTimes: state.times as Record<string, number>,
    clampedStamps: state.clamped,
  };
}

function decideCreate(write: ParsedWrite<ReferenceColumn>, ctx: PushContext): Decision<StoredReference> {
  const v = write.all;
  if (v.user_id !== ctx.viewer.id) return reject('forbidden', 'user_id: a reference can only be created for yourself');
  if (v.referee_name === undefined) return reject('invalid', 'referee_name: required');
  if (v.referee_email === undefined) return reject('invalid', 'referee_email: required');
  if ((v.status ?? 'pending') !== 'pending') return reject('invalid', 'status: a new reference is pending');
  if (v.response !== undefined && v.response !== null && v.response !== '') {
    return reject('invalid', 'response: a new reference has no response');
  }
  if (v.responded_at !== undefined && v.responded_at !== null && v.responded_at !== 0) {
    return reject('invalid', 'responded_at: a new reference has no response');
  }
  const defaults: Record<ReferenceColumn, ColumnValue> = {
    user_id: ctx.viewer.id,
    referee_name: '',
    referee_email: '',
    message: '',
    status: 'pending',
    response: null,
    responded_at: null,
  };
  const changes = { ...v, responded_at: null };
  const { state, time: t } = createState(defaults, { changes, updatedAt: write.updatedAt, deleted: false }, ctx.receivedAt);
  const blank: StoredReference = {
    id: write.id,
    userId: ctx.viewer.id,
    refereeName: '',
    refereeEmail: '',
    message: '',
    status: 'pending',
    response: null,
    respondedAt: null,
    createdAt: Math.min(write.createdAt ?? t, t),
    updatedAt: t,
    isDeleted: false,
    colTimes: {},
    colSeqs: {},
    clampedStamps: {},
    seq: 0,
    createdSeq: 0,
  };
  // A clamped stamp: the creator's copy says another updated_at; its pull at once brings the server's.
  const conflict = t === write.updatedAt ? null : 'server';
  return { type: 'write', row: rowFrom(blank, state), wonColumns: Object.keys(changes), dataChanged: true, conflict };
}

export function decideReference(
  kind: 'created' | 'updated' | 'deleted',
  write: ParsedWrite<ReferenceColumn> | { id: string },
  existing: StoredReference | undefined,
  ctx: PushContext,
): Decision<StoredReference> {
  const isOwner = existing?.userId === ctx.viewer.id;
  const isReferee = existing?.refereeEmail === ctx.viewer.email;

  if (kind === 'deleted') {
    if (!existing || existing.isDeleted) return { type: 'noop' };
    if (!isOwner) return reject('forbidden', isReferee ? 'only the candidate deletes a reference' : ID_TAKEN);
    const { state } = mergeWrite(referenceState(existing), { changes: {}, updatedAt: ctx.receivedAt, deleted: true }, ctx.receivedAt);
    return { type: 'write', row: rowFrom(existing, state), wonColumns: [], dataChanged: true, conflict: null };
  }

  const parsed = write as ParsedWrite<ReferenceColumn>;
  if (!existing) return decideCreate(parsed, ctx);
  if (!isOwner && !isReferee) return reject('forbidden', ID_TAKEN);
  if (existing.isDeleted) {
    // Deletion wins: a new cursor value makes the pusher's next pull bring the deletion back.
    return { type: 'write', row: existing, wonColumns: [], dataChanged: false, conflict: 'server' };
  }

  const stored = referenceState(existing);
  // The time this write counts as: a replayed stamp that was clamped keeps its first time.
  const t = timeOnRecord(stored.clamped, parsed.updatedAt, ctx.receivedAt);
  const changes: Partial<Record<ReferenceColumn, ColumnValue>> = {};
  /** A dropped column whose value differs from the server's: the pusher's copy is not the server's. */
  let droppedDiffers = false;
  for (const [column, value] of Object.entries(parsed.changes) as [ReferenceColumn, ColumnValue][]) {
    const allowed = (isOwner && CANDIDATE_COLUMNS.has(column)) || (isReferee && REFEREE_COLUMNS.has(column));
    const differs = (stored.values[column] ?? null) !== (value ?? null);
    const wouldChange = differs && t > (stored.times[column] ?? -1);
    if (!allowed) {
      // Dropped, not merged: even an unchanged value would advance the column's
      // time and make the rightful writer's older-but-real change lose.
      // A "created" record that already exists is a replay (its first push's
      // answer was lost): it carries every column, so stale values of columns
      // this user never set are not an attempt to change them.
      if (!wouldChange || kind === 'created') {
        droppedDiffers ||= differs;
        continue;
      }
      const who = REFEREE_COLUMNS.has(column) ? 'only the referee' : column === 'user_id' ? 'nobody' : 'only the candidate';
      return reject('forbidden', `${column}: ${who} may change it`);
    }
    if (wouldChange && column === 'status' && value === 'pending') {
      return reject('invalid', 'status: a referee sets completed or declined');
    }
    changes[column] = value;
  }

  const merged = mergeWrite(stored, { changes, updatedAt: parsed.updatedAt, deleted: false }, ctx.receivedAt);
  const conflict = droppedDiffers ? 'server' : conflictOf(merged, parsed.updatedAt, existing.colTimes, existing.colSeqs, ctx.lastPulledAt);
  if (!mustMove(merged, parsed.updatedAt, conflict)) return { type: 'noop' };
  const wonColumns = Object.entries(merged.columns)
    .filter(([, o]) => o === 'local' || o === 'same')
    .map(([c]) => c);
  const dataChanged = merged.changed;
  return { type: 'write', row: rowFrom(existing, merged.state), wonColumns, dataChanged, conflict };
}
