/**
 * Decides one pushed `references` record: permissions per record and per
 * column (CONTRACT "Who may see and change what"), then the merge.
 *
 * A column only needs permission when it would really change: same value, or
 * a value that loses the merge anyway, changes nothing. This is what makes a
 * replayed create (which carries status "pending" and every other column)
 * acceptable to the candidate again, and a replayed answer acceptable to the
 * referee although answers are final.
 *
 * Trust rules (a reference is only worth something if it comes from the
 * referee): no request to one's own email; only the VERIFIED owner of
 * `referee_email` answers; an answer is final and freezes who it is from
 * (`referee_name`, `referee_email`); `created_at` is the server's time of
 * receipt; a reminder needs an invitation at least 24 h old.
 */
import { createState, mergeWrite, timeOnRecord, type ColumnValue, type MergeState } from '../../shared/merge';
import type { Invitation, StoredReference, Viewer } from '../store/types';
import { ID_TAKEN, reject, type Decision } from './decision';
import { conflictOf, mustMove } from './conflict';
import type { ParsedWrite, ReferenceColumn } from './record-input';

/** CONTRACT §3: a reminder at least 24 hours after the invitation or the last reminder. */
export const REMINDER_INTERVAL_MS = 24 * 3_600_000;

export interface PushContext {
  viewer: Pick<Viewer, 'id' | 'email' | 'verified'>;
  receivedAt: number;
  lastPulledAt: number | null;
  /** The invitation of a reference to an address, if one went out. */
  invitation?: (referenceId: string, email: string) => Invitation | undefined;
}

const CANDIDATE_COLUMNS: ReadonlySet<ReferenceColumn> = new Set(['referee_name', 'referee_email', 'message', 'reminded_at']);
const REFEREE_COLUMNS: ReadonlySet<ReferenceColumn> = new Set(['status', 'response', 'responded_at']);
/** Who the answer is from: frozen once there is one. */
const FROZEN_WHEN_ANSWERED: ReadonlySet<ReferenceColumn> = new Set(['referee_name', 'referee_email']);

function referenceState(row: StoredReference): MergeState<ReferenceColumn> {
  return {
    values: {
      user_id: row.userId,
      referee_name: row.refereeName,
      referee_email: row.refereeEmail,
      message: row.message,
      status: row.status,
      response: row.response,
      responded_at: row.respondedAt,
      reminded_at: row.remindedAt,
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
    remindedAt: typeof v.reminded_at === 'number' ? v.reminded_at : null,
    isDeleted: state.deleted,
    updatedAt: state.updatedAt,
    colTimes: state.times as Record<string, number>,
    clampedStamps: state.clamped,
  };
}

const isEmpty = (v: ColumnValue | undefined) => v === undefined || v === null || v === '' || v === 0;
const selfRequest = () => reject('invalid', 'referee_email: you cannot ask yourself for a reference');

function decideCreate(write: ParsedWrite<ReferenceColumn>, ctx: PushContext): Decision<StoredReference> {
  const v = write.all;
  if (v.user_id !== ctx.viewer.id) return reject('forbidden', 'user_id: a reference can only be created for yourself');
  if (v.referee_name === undefined) return reject('invalid', 'referee_name: required');
  if (v.referee_email === undefined) return reject('invalid', 'referee_email: required');
  if (v.referee_email === ctx.viewer.email) return selfRequest();
  if ((v.status ?? 'pending') !== 'pending') return reject('invalid', 'status: a new reference is pending');
  if (!isEmpty(v.response)) return reject('invalid', 'response: a new reference has no response');
  if (!isEmpty(v.responded_at)) return reject('invalid', 'responded_at: a new reference has no response');
  if (!isEmpty(v.reminded_at)) return reject('invalid', 'reminded_at: a reminder follows the invitation, 24 hours after it at the earliest');
  const defaults: Record<ReferenceColumn, ColumnValue> = {
    user_id: ctx.viewer.id,
    referee_name: '',
    referee_email: '',
    message: '',
    status: 'pending',
    response: null,
    responded_at: null,
    reminded_at: null,
  };
  const changes = { ...v, response: null, responded_at: null, reminded_at: null };
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
    remindedAt: null,
    // The server's time of receipt, whatever the device says (CONTRACT §3).
    createdAt: ctx.receivedAt,
    updatedAt: t,
    isDeleted: false,
    colTimes: {},
    colSeqs: {},
    clampedStamps: {},
    seq: 0,
    createdSeq: 0,
  };
  // The creator's copy says another created_at (or, clamped, another updated_at): its pull at once brings the server's.
  const conflict = t === write.updatedAt && write.createdAt === ctx.receivedAt ? null : 'server';
  return { type: 'write', row: rowFrom(blank, state), wonColumns: Object.keys(changes), dataChanged: true, conflict };
}

/** Whether a reminder may go out now (CONTRACT §3); a message saying why not otherwise. */
function reminderRefusal(existing: StoredReference, email: string, ctx: PushContext): string | null {
  if (existing.status !== 'pending') return 'reminded_at: the referee has answered already';
  const invitation = ctx.invitation?.(existing.id, email);
  if (!invitation) return 'reminded_at: no invitation has gone out yet; a reminder can follow 24 hours after it';
  const last = Math.max(invitation.invitedAt, invitation.remindedAt ?? -Infinity);
  if (ctx.receivedAt - last < REMINDER_INTERVAL_MS) {
    return `reminded_at: a reminder can be sent 24 hours after the invitation or the last reminder, from ${new Date(last + REMINDER_INTERVAL_MS).toISOString()}`;
  }
  return null;
}

export function decideReference(
  kind: 'created' | 'updated' | 'deleted',
  write: ParsedWrite<ReferenceColumn> | { id: string },
  existing: StoredReference | undefined,
  ctx: PushContext,
): Decision<StoredReference> {
  const isOwner = existing?.userId === ctx.viewer.id;
  // Until they prove they own the address, nothing addressed to it is theirs (CONTRACT §3).
  const isReferee = ctx.viewer.verified && existing?.refereeEmail === ctx.viewer.email && !isOwner;

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
  const answered = existing.status !== 'pending';
  // The time this write counts as: a replayed stamp that was clamped keeps its first time.
  const t = timeOnRecord(stored.clamped, parsed.updatedAt, ctx.receivedAt);
  const changes: Partial<Record<ReferenceColumn, ColumnValue>> = {};
  /** A dropped column whose value differs from the server's: the pusher's copy is not the server's. */
  let droppedDiffers = false;
  const changing = new Set<ReferenceColumn>();
  for (const [column, value] of Object.entries(parsed.changes) as [ReferenceColumn, ColumnValue][]) {
    const allowed = (isOwner && CANDIDATE_COLUMNS.has(column)) || (isReferee && REFEREE_COLUMNS.has(column));
    const differs = (stored.values[column] ?? null) !== (value ?? null);
    const wouldChange = differs && t > (stored.times[column] ?? -1);
    if (!allowed) {
      // Dropped, not merged: even an unchanged value would advance the column's
      // time and make the rightful writer's older-but-real change lose.
      // A "created" record that already exists is a replay (its first push's
      // answer was lost): it carries every column, so stale values of columns
      // this user never set are not an attempt to change them. Only its
      // creator can be replaying a create: from the referee it is an edit.
      if (!wouldChange || (kind === 'created' && isOwner)) {
        droppedDiffers ||= differs;
        continue;
      }
      const who = REFEREE_COLUMNS.has(column) ? 'only the referee' : column === 'user_id' ? 'nobody' : 'only the candidate';
      return reject('forbidden', `${column}: ${who} may change it`);
    }
    if (wouldChange) {
      if (answered && FROZEN_WHEN_ANSWERED.has(column)) return reject('forbidden', `${column}: cannot change once the referee has answered`);
      if (answered && REFEREE_COLUMNS.has(column)) return reject('forbidden', `${column}: the answer is final`);
      if (column === 'referee_email' && value === ctx.viewer.email) return selfRequest();
      changing.add(column);
    }
    changes[column] = value;
  }

  if ([...REFEREE_COLUMNS].some((c) => changing.has(c))) {
    // The answer, whole: a status that ends the request, with the text that goes with it.
    const status = changing.has('status') ? changes.status : undefined;
    if (status !== 'completed' && status !== 'declined') return reject('invalid', 'status: a referee sets completed or declined');
    const response = changes.response === undefined ? stored.values.response : changes.response;
    if (status === 'completed' && (typeof response !== 'string' || response.trim() === '')) {
      return reject('invalid', 'response: a completed reference needs its text');
    }
    if (status === 'declined' && !isEmpty(response)) return reject('invalid', 'response: a declined reference has no text');
    if (isEmpty(changes.responded_at)) changes.responded_at = t;
  }
  if (changing.has('reminded_at')) {
    const email = typeof changes.referee_email === 'string' && changing.has('referee_email') ? changes.referee_email : existing.refereeEmail;
    const refusal = reminderRefusal(existing, email, ctx);
    if (refusal) return reject('invalid', refusal);
  }

  // A create sent again (its answer was lost) carries the device's created_at, not the server's.
  droppedDiffers ||= isOwner && kind === 'created' && parsed.createdAt !== null && parsed.createdAt !== existing.createdAt;
  const merged = mergeWrite(stored, { changes, updatedAt: parsed.updatedAt, deleted: false }, ctx.receivedAt);
  const conflict = droppedDiffers ? 'server' : conflictOf(merged, parsed.updatedAt, existing.colTimes, existing.colSeqs, ctx.lastPulledAt);
  if (!mustMove(merged, parsed.updatedAt, conflict)) return { type: 'noop' };
  const wonColumns = Object.entries(merged.columns)
    .filter(([, o]) => o === 'local' || o === 'same')
    .map(([c]) => c);
  const dataChanged = merged.changed;
  return { type: 'write', row: rowFrom(existing, merged.state), wonColumns, dataChanged, conflict };
}
