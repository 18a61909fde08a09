import { describe, expect, it } from 'vitest';
import { META_CONFLICT_LOG } from './local-store';
import {
  appendToConflictLog,
  CONFLICT_LOG_LIMIT,
  lossByPulledDeletion,
  lossesAfterPush,
  markRestored,
  parseLog,
  pushedColumns,
  readConflictLog,
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
    const entry = lossByPulledDeletion('references', { ...ref, message: 'Unsent', _status: 'updated', _changed: 'message' }, { at: 7, self: 'referee' });
    expect(entry).toMatchObject({ column: null, mine: { message: 'Unsent' }, winner: null, source: 'pull', by: 'other-user', label: 'Ada <ada@example.com>' });
    expect(lossByPulledDeletion('references', { ...ref, _status: 'synced', _changed: '' }, ctx)).toBeNull();
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
  });
});
