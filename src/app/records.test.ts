import { describe, expect, it } from 'vitest';
import type { Reference } from '../db/models';
import { sameReferenceView, toReferenceView } from './records';

/** A record as WatermelonDB hands it over: the model's fields and its raw row. */
function record(raw: Record<string, unknown>): Reference {
  return {
    id: 'r1',
    userId: 'u1',
    refereeName: 'Grace',
    refereeEmail: 'grace@example.com',
    message: 'Hello',
    status: 'pending',
    response: null,
    respondedAt: null,
    localSyncStatus: 'synced',
    _raw: { id: 'r1', created_at: 1_000, updated_at: 2_000, ...raw },
  } as unknown as Reference;
}

describe('toReferenceView', () => {
  it('reads reminded_at when the schema has it (version 2), and shows none before', () => {
    expect(toReferenceView(record({})).remindedAt).toBeNull();
    expect(toReferenceView(record({ reminded_at: null })).remindedAt).toBeNull();
    expect(toReferenceView(record({ reminded_at: 0 })).remindedAt).toBeNull();
    expect(toReferenceView(record({ reminded_at: 5_000 })).remindedAt).toBe(5_000);
  });

  it('carries the dates the lists show', () => {
    expect(toReferenceView(record({}))).toMatchObject({ createdAt: 1_000, updatedAt: 2_000, respondedAt: null });
  });

  it('a changed reminder is a change worth rendering', () => {
    const before = toReferenceView(record({}));
    expect(sameReferenceView(before, toReferenceView(record({})))).toBe(true);
    expect(sameReferenceView(before, toReferenceView(record({ reminded_at: 5_000 })))).toBe(false);
  });
});
