import { describe, expect, it } from 'vitest';
import { resolvePulled, type Raw } from './resolve-pulled';

/** WatermelonDB's own rule (sync/impl/helpers.js resolveConflict), which runs before ours. */
function watermelonResolve(local: Raw, remote: Raw): Raw {
  const resolved: Raw = { ...local, ...remote, id: local.id, _status: local._status, _changed: local._changed };
  for (const column of String(local._changed).split(',').filter(Boolean)) resolved[column] = local[column];
  return resolved;
}

const base = {
  id: 'r1',
  user_id: 'u1',
  referee_name: 'Ada Typo',
  referee_email: 'ada@example.com',
  message: 'Please',
  status: 'pending',
  response: null,
  responded_at: null,
  reminded_at: null,
  created_at: 1_000,
  updated_at: 1_000,
  sync_status: 'synced',
};

function resolve(local: Raw, remote: Raw): Raw {
  return resolvePulled('references', local, remote, watermelonResolve(local, remote));
}

describe('resolvePulled', () => {
  const cases: { name: string; local: Raw; remote: Raw; expected: Raw }[] = [
    {
      name: 'created, edited, _changed empty, ours newer than the server row: every data column is ours',
      local: { ...base, referee_name: 'Ada Lovelace', updated_at: 2_000, sync_status: 'pending', _status: 'created', _changed: '' },
      remote: { ...base, created_at: 1_005, updated_at: 1_000 },
      expected: { referee_name: 'Ada Lovelace', updated_at: 2_000, created_at: 1_005, sync_status: 'pending', _status: 'created' },
    },
    {
      name: 'created, the server row newer (the referee answered): theirs except what _changed names',
      local: { ...base, message: 'Please!', updated_at: 2_000, sync_status: 'pending', _status: 'created', _changed: 'message,updated_at' },
      remote: { ...base, status: 'completed', response: 'Great', responded_at: 3_000, updated_at: 3_000 },
      expected: { message: 'Please!', status: 'completed', response: 'Great', updated_at: 2_000, sync_status: 'pending' },
    },
    {
      name: 'created, not edited, server newer: the server values (created_at at receipt)',
      local: { ...base, sync_status: 'pending', _status: 'created', _changed: '' },
      remote: { ...base, created_at: 1_010, updated_at: 1_010 },
      expected: { referee_name: 'Ada Typo', created_at: 1_010, updated_at: 1_010, sync_status: 'pending' },
    },
    {
      name: 'updated: WatermelonDB’s per-column rule stands, only sync_status is ours',
      local: { ...base, referee_name: 'Mine', updated_at: 5_000, sync_status: 'pending', _status: 'updated', _changed: 'referee_name' },
      remote: { ...base, message: 'Theirs', updated_at: 1_000 },
      expected: { referee_name: 'Mine', message: 'Theirs', updated_at: 1_000, sync_status: 'pending' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(resolve(c.local, c.remote)).toMatchObject(c.expected);
    });
  }
});
