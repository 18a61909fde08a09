import { describe, expect, it } from 'vitest';
import { META_CONFLICT_LOG } from './local-store';
import {
  appendToConflictLog,
  CONFLICT_LOG_LIMIT,
  lossByDeletion,
  lossByPulledDeletion,
  lossesAfterPush,
  markRestored,
  parseLog,
  pushedColumns,
  readConflictLog,
  requestToRestore,
  winningWriter,
  type ConflictEntry,
} from './conflict-log';

const ref = { id: 'r1', user_id: 'cand', referee_name: 'Ada', referee_email: 'ada@example.com', message: 'Hi', status: 'pending', response: null };

describe('winningWriter', () => {
  const cases: [string, string | null, string, ConflictEntry['by']][] = [
    // [table, column, self, expected]
    ['references', 'message', 'cand', 'own-device'], // the candidate's column, we are the candidate
    ['references', 'status', 'cand', 'other-user'], // the referee answered
    ['references', 'response', 'referee', 'own-device'], // we are the referee: our other device answered
    ['references', null, 'referee', 'other-user'], // the candidate deleted it
    ['references', null, 'cand', 'own-device'],
  ];
  for (const [table, column, self, expected] of cases) {
    it(`${table}.${column ?? '(deletion)'} seen by ${self}: ${expected}`, () => {
      expect(winningWriter(table, column, ref, self)).toBe(expected);
    });
  }
  it('users: only the owner writes the row', () => {
    expect(winningWriter('users', 'name', { id: 'me' }, 'me')).toBe('own-device');
    expect(winningWriter('users', 'name', { id: 'me' }, null)).toBe('unknown');
  });
});

describe('losses', () => {
  const ctx = { at: 5, self: 'cand' };
  it('after a push: the columns whose value is now the server’s; a column we changed again meanwhile did not lose', () => {
    const pushed = pushedColumns('references', { ...ref, message: 'Mine', referee_name: 'Mine too', _status: 'updated', _changed: 'message,referee_name,updated_at' })!;
    expect(pushed).toEqual({ message: 'Mine', referee_name: 'Mine too' });
    const now = { ...ref, message: 'Theirs', referee_name: 'Newer of mine', _status: 'updated', _changed: 'referee_name' };
    expect(lossesAfterPush('references', 'r1', pushed, now, ctx)).toEqual([
      { key: '5:references:r1:message', table: 'references', id: 'r1', column: 'message', mine: 'Mine', winner: 'Theirs', at: 5, source: 'push', by: 'own-device', label: 'Newer of mine <ada@example.com>' },
    ]);
    expect(lossesAfterPush('references', 'r1', pushed, { ...ref, ...pushed, _status: 'synced' }, ctx)).toEqual([]);
  });
  it('a new record pushes every data column; equal values after the pull are no loss', () => {
    const pushed = pushedColumns('references', { ...ref, _status: 'created', _changed: '' })!;
    expect(Object.keys(pushed).sort()).toEqual(['message', 'referee_email', 'referee_name', 'response', 'status', 'user_id']);
    expect(lossesAfterPush('references', 'r1', pushed, { ...ref, created_at: 99, _status: 'synced' }, ctx)).toEqual([]);
  });
  it('a pulled deletion of a record with local changes loses them all; a synced record loses nothing', () => {
    const entry = lossByPulledDeletion('references', { ...ref, message: 'Unsent', _status: 'updated', _changed: 'message' }, { at: 7, self: 'cand' });
    expect(entry).toMatchObject({ column: null, mine: { message: 'Unsent' }, winner: null, source: 'pull', by: 'own-device', label: 'Ada <ada@example.com>' });
    expect(lossByPulledDeletion('references', { ...ref, _status: 'synced', _changed: '' }, ctx)).toBeNull();
  });
  it('a request to this user is named by the candidate who asked, not by this user\'s own name as its referee', () => {
    const answer = { ...ref, status: 'completed', response: 'Unsent answer', _status: 'updated', _changed: 'status,response' };
    const people = new Map([['cand', { id: 'cand', name: 'Cora', email: 'cora@example.com' }]]);
    expect(lossByPulledDeletion('references', answer, { at: 7, self: 'referee', people })).toMatchObject({ by: 'other-user', label: 'Request from Cora <cora@example.com>' });
    // The candidate's row unknown here: still not the referee's own name.
    expect(lossByPulledDeletion('references', answer, { at: 7, self: 'referee' })?.label).toBe('A request to you');
  });
  it('a deletion keeps the rest of the record as this device held it, without repeating what was lost', () => {
    const entry = lossByDeletion('references', { ...ref, message: 'Unsent', _status: 'synced', _changed: '' }, { message: 'Unsent' }, 'push', ctx);
    expect(entry).toMatchObject({ column: null, mine: { message: 'Unsent' }, source: 'push', by: 'own-device' });
    expect(entry!.record).toEqual({ user_id: 'cand', referee_name: 'Ada', referee_email: 'ada@example.com', status: 'pending', response: null });
  });
});

describe('Restore mine for a deletion', () => {
  const deletedUnder = (local: Record<string, unknown>, self: string) =>
    lossByPulledDeletion('references', { ...ref, ...local, _status: 'updated', _changed: Object.keys(local).join(',') }, { at: 7, self })!;

  it('the candidate asks again: the same referee, with their message', () => {
    expect(requestToRestore(deletedUnder({ message: 'Edited offline' }, 'cand'), 'cand')).toEqual({ refereeName: 'Ada', refereeEmail: 'ada@example.com', message: 'Edited offline' });
    // Their edit of the name and email is what comes back.
    expect(requestToRestore(deletedUnder({ referee_email: 'ada@new.example.com', referee_name: 'Ada L' }, 'cand'), 'cand')).toEqual({ refereeName: 'Ada L', refereeEmail: 'ada@new.example.com', message: 'Hi' });
  });
  it('nothing to ask again: a referee’s answer, an entry restored already, an entry of the older format without the record', () => {
    expect(requestToRestore(deletedUnder({ response: 'Great', status: 'completed' }, 'referee'), 'referee')).toBeNull();
    expect(requestToRestore({ ...deletedUnder({ message: 'x' }, 'cand'), restoredAt: 9 }, 'cand')).toBeNull();
    const { record: _record, ...older } = deletedUnder({ message: 'x' }, 'cand');
    expect(requestToRestore(older, 'cand')).toBeNull();
    // A lost column edit is restored in place, not as a new request.
    expect(requestToRestore({ ...deletedUnder({ message: 'x' }, 'cand'), column: 'message' }, 'cand')).toBeNull();
  });
});

describe('the log', () => {
  function memoryMeta() {
    const meta = new Map<string, string>();
    return {
      meta,
      getMeta: async (k: string) => meta.get(k) ?? null,
      setMeta: async (k: string, v: string | null) => void (v === null ? meta.delete(k) : meta.set(k, v)),
    };
  }
  const entry = (n: number): ConflictEntry => ({ key: `k${n}`, table: 'references', id: `r${n}`, column: 'message', mine: 'a', winner: 'b', at: n, source: 'push', by: 'own-device', label: 'x' });

  it('keeps the newest CONFLICT_LOG_LIMIT entries, once each, and drops entries of the old format', async () => {
    const store = memoryMeta();
    store.meta.set(META_CONFLICT_LOG, JSON.stringify([{ table: 'references', id: 'old', winner: 'server', at: 1 }]));
    await appendToConflictLog(store, Array.from({ length: CONFLICT_LOG_LIMIT + 5 }, (_, i) => entry(i)));
    await appendToConflictLog(store, [entry(CONFLICT_LOG_LIMIT + 4)]);
    const log = await readConflictLog(store);
    expect(log).toHaveLength(CONFLICT_LOG_LIMIT);
    expect(log[0]!.key).toBe('k5');
    expect(log.at(-1)!.key).toBe(`k${CONFLICT_LOG_LIMIT + 4}`);
    expect(parseLog('not json')).toEqual([]);
  });

  it('marks an entry restored', async () => {
    const store = memoryMeta();
    await appendToConflictLog(store, [entry(1), entry(2)]);
    expect(await markRestored(store, 'k2', 99)).toMatchObject({ key: 'k2', restoredAt: 99 });
    expect((await readConflictLog(store)).map((e) => e.restoredAt)).toEqual([undefined, 99]);
    expect(await markRestored(store, 'nope', 1)).toBeNull();
    expect(await markRestored(store, 'k1', 100, { table: 'references', id: 'new' })).toMatchObject({ restoredAt: 100, restoredAs: { table: 'references', id: 'new' } });
  });
});
