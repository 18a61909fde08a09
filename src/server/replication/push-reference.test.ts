import { describe, expect, it } from 'vitest';
import type { StoredReference } from '../store/types';
import { decideReference, type PushContext } from './push-reference';
import { parseWrite } from './record-input';

const NOW = 1_000_000;
const cand = { id: 'cand', email: 'cand@example.com', verified: true };
const ref = { id: 'ref', email: 'ref@example.com', verified: true };
const other = { id: 'other', email: 'other@example.com', verified: true };
const ctx = (viewer: typeof cand, lastPulledAt: number | null = 10): PushContext => ({ viewer, receivedAt: NOW, lastPulledAt });

const stored: StoredReference = {
  id: 'r1',
  userId: 'cand',
  refereeName: 'Ref',
  refereeEmail: 'ref@example.com',
  message: 'hi',
  status: 'pending',
  response: null,
  respondedAt: null,
  remindedAt: null,
  createdAt: 100,
  updatedAt: 100,
  isDeleted: false,
  colTimes: { user_id: 100, referee_name: 100, referee_email: 100, message: 100, status: 100, response: 100, responded_at: 100 },
  colSeqs: { user_id: 5, referee_name: 5, referee_email: 5, message: 5, status: 5, response: 5, responded_at: 5 },
  clampedStamps: {},
  seq: 5,
  createdSeq: 5,
};

function write(raw: Record<string, unknown>) {
  const parsed = parseWrite('references', { id: 'r1', updated_at: 200, ...raw });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.write;
}

describe('decideReference', () => {
  const cases: Array<[string, typeof cand, 'created' | 'updated' | 'deleted', Record<string, unknown>, StoredReference | undefined, string]> = [
    ['candidate edits message', cand, 'updated', { message: 'x' }, stored, 'write'],
    ['candidate edits status', cand, 'updated', { status: 'completed' }, stored, 'rejected:forbidden'],
    ['candidate replays status unchanged', cand, 'updated', { status: 'pending', updated_at: 100 }, stored, 'noop'],
    // Accepted, and moved to a new cursor position: the row's updated_at (100) is not the pusher's.
    ['candidate sends status unchanged, stamped later', cand, 'updated', { status: 'pending' }, stored, 'write'],
    // Not rejected (it loses anyway), but the pusher's copy says "completed": told, it pulls the server's.
    ['candidate sends an older status (loses anyway)', cand, 'updated', { status: 'completed', updated_at: 50 }, stored, 'write:server'],
    ['candidate re-creates with a stale status', cand, 'created', { status: 'pending', message: 'x' }, { ...stored, status: 'completed', colTimes: { ...stored.colTimes, status: 150 } }, 'write:server'],
    ['referee completes', ref, 'updated', { status: 'completed', response: 'ok' }, stored, 'write'],
    ['referee back to pending', ref, 'updated', { status: 'pending', response: 'x' }, { ...stored, status: 'declined' }, 'rejected:forbidden'],
    ['referee answers twice', ref, 'updated', { status: 'declined', response: null }, { ...stored, status: 'completed', response: 'ok' }, 'rejected:forbidden'],
    ['referee sets only a response', ref, 'updated', { response: 'ok' }, stored, 'rejected:invalid'],
    ['unverified owner of the address answers', { ...ref, verified: false }, 'updated', { status: 'completed', response: 'ok' }, stored, 'rejected:forbidden'],
    ['candidate retargets to themself', cand, 'updated', { referee_email: 'CAND@example.com' }, stored, 'rejected:invalid'],
    ['candidate renames the referee of an answered one', cand, 'updated', { referee_name: 'CEO' }, { ...stored, status: 'completed', response: 'ok' }, 'rejected:forbidden'],
    ['candidate edits the note of an answered one', cand, 'updated', { message: 'thanks' }, { ...stored, status: 'completed', response: 'ok' }, 'write'],
    ['candidate reminds before any invitation', cand, 'updated', { reminded_at: 150 }, stored, 'rejected:invalid'],
    ['referee edits message', ref, 'updated', { message: 'x' }, stored, 'rejected:forbidden'],
    ['referee deletes', ref, 'deleted', {}, stored, 'rejected:forbidden'],
    ['stranger updates', other, 'updated', { message: 'x' }, stored, 'rejected:forbidden'],
    ['candidate deletes', cand, 'deleted', {}, stored, 'write'],
    ['delete of a missing id', cand, 'deleted', {}, undefined, 'noop'],
    ['delete of a tombstone', cand, 'deleted', {}, { ...stored, isDeleted: true }, 'noop'],
    ['update of a tombstone', cand, 'updated', { message: 'x' }, { ...stored, isDeleted: true }, 'write:server'],
    ['update of a stranger tombstone', other, 'updated', { message: 'x' }, { ...stored, isDeleted: true }, 'rejected:forbidden'],
    // A new record is dated by the server (created_at): its creator is told to pull it.
    ['create for oneself', cand, 'created', { user_id: 'cand', referee_name: 'R', referee_email: 'R@X.io' }, undefined, 'write:server'],
    ['create addressed to oneself', cand, 'created', { user_id: 'cand', referee_name: 'R', referee_email: 'cand@example.com' }, undefined, 'rejected:invalid'],
    ['create for another', other, 'created', { user_id: 'cand', referee_name: 'R', referee_email: 'r@x.io' }, undefined, 'rejected:forbidden'],
    ['create already completed', cand, 'created', { user_id: 'cand', referee_name: 'R', referee_email: 'r@x.io', status: 'completed' }, undefined, 'rejected:invalid'],
    ['update of a missing id creates', cand, 'updated', { user_id: 'cand', referee_name: 'R', referee_email: 'r@x.io' }, undefined, 'write:server'],
  ];

  it.each(cases)('%s → %s', (_name, viewer, kind, raw, existing, expected) => {
    const decision = decideReference(kind, kind === 'deleted' ? { id: 'r1' } : write(raw), existing, ctx(viewer));
    const summary =
      decision.type === 'rejected'
        ? `rejected:${decision.code}`
        : decision.type === 'write' && decision.conflict
          ? `write:${decision.conflict}`
          : decision.type;
    expect(summary).toBe(expected);
  });

  it('stores the referee email lowercased and a create as pending with no response', () => {
    const d = decideReference('created', write({ user_id: 'cand', referee_name: 'R', referee_email: ' R@X.io ', response: '' }), undefined, ctx(cand));
    expect(d).toMatchObject({ type: 'write', row: { refereeEmail: 'r@x.io', status: 'pending', respondedAt: null, userId: 'cand', createdAt: NOW } });
  });

  it('a reminder needs an invitation at least 24 h old, and 24 h since the last reminder', () => {
    const invited = (invitedAt: number, remindedAt: number | null = null) => ({ referenceId: 'r1', email: 'ref@example.com', tokenHash: 'h', invitedAt, remindedAt });
    const day = 24 * 3_600_000;
    const at = (invitation: ReturnType<typeof invited>) => ({ ...ctx(cand), invitation: () => invitation });
    const remind = write({ reminded_at: 200 });
    expect(decideReference('updated', remind, stored, at(invited(NOW - day)))).toMatchObject({ type: 'write' });
    expect(decideReference('updated', remind, stored, at(invited(NOW - day + 1)))).toMatchObject({ type: 'rejected', code: 'invalid' });
    expect(decideReference('updated', remind, stored, at(invited(NOW - 3 * day, NOW - day + 1)))).toMatchObject({ type: 'rejected', code: 'invalid' });
    expect(decideReference('updated', remind, stored, at(invited(NOW - 3 * day, NOW - day)))).toMatchObject({ type: 'write' });
    expect(decideReference('updated', remind, { ...stored, status: 'declined' }, at(invited(NOW - 3 * day)))).toMatchObject({ type: 'rejected' });
  });

  it('a replayed create keeps the referee\'s answer and applies the candidate\'s edit', () => {
    const answered = { ...stored, status: 'completed', response: 'great', colTimes: { ...stored.colTimes, status: 150, response: 150 } };
    const d = decideReference('created', write({ status: 'pending', response: null, message: 'edited' }), answered, ctx(cand));
    expect(d).toMatchObject({ type: 'write', row: { status: 'completed', response: 'great', message: 'edited' } });
  });

  it('reports "local" only over a value written after the last pull', () => {
    const newer = { ...stored, colSeqs: { ...stored.colSeqs, message: 20 } };
    expect(decideReference('updated', write({ message: 'x' }), newer, ctx(cand, 10))).toMatchObject({ conflict: 'local' });
    expect(decideReference('updated', write({ message: 'x' }), newer, ctx(cand, 20))).toMatchObject({ conflict: null });
  });
});
