import { describe, expect, it } from 'vitest';
import { conflictsSeen, forgetConflictsSeen } from './conflicts-seen';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k), data };
}

describe('how far a user has looked at the conflict log', () => {
  it('only moves forward, tells its listeners, and is kept for the next page of the same user only', () => {
    const storage = memoryStorage();
    const seen = conflictsSeen('u1', storage);
    expect(seen.getSnapshot()).toBe(0);
    let told = 0;
    const stop = seen.subscribe(() => (told += 1));
    seen.markSeen(50);
    seen.markSeen(20);
    expect(seen.getSnapshot()).toBe(50);
    expect(told).toBe(1);
    stop();
    expect(conflictsSeen('u1', storage).getSnapshot()).toBe(50);
    expect(conflictsSeen('u2', storage).getSnapshot()).toBe(0);
    forgetConflictsSeen('u1', storage);
    expect(conflictsSeen('u1', storage).getSnapshot()).toBe(0);
  });

  it('without storage, or with a value that is not a time, starts at nothing seen', () => {
    expect(conflictsSeen('u1', null).getSnapshot()).toBe(0);
    const storage = memoryStorage();
    storage.setItem('aideepref.conflicts-seen.u1', 'garbage');
    expect(conflictsSeen('u1', storage).getSnapshot()).toBe(0);
  });
});
