import { describe, expect, it } from 'vitest';
import { clearDrafts, createDrafts } from './drafts';
import type { DraftStorage } from './drafts';

function memoryStorage(): DraftStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
    get length() {
      return map.size;
    },
    key: (index) => [...map.keys()][index] ?? null,
  };
}

describe('drafts', () => {
  it('keeps a draft per user and name, and forgets an empty one', () => {
    const storage = memoryStorage();
    const ana = createDrafts(storage, 'ana');
    const bob = createDrafts(storage, 'bob');
    ana.save('request', { refereeName: 'Grace', message: '' });
    expect(ana.read('request')).toEqual({ refereeName: 'Grace', message: '' });
    expect(bob.read('request')).toBeNull();
    ana.save('request', { refereeName: '', message: '' });
    expect(ana.read('request')).toBeNull();
    expect(storage.map.size).toBe(0);
  });

  it('ignores damaged entries', () => {
    const storage = memoryStorage();
    storage.setItem('aideepref.draft.ana.request', '{not json');
    storage.setItem('aideepref.draft.ana.respond.r1', JSON.stringify({ text: 5, other: 'kept' }));
    const drafts = createDrafts(storage, 'ana');
    expect(drafts.read('request')).toBeNull();
    expect(drafts.read('respond.r1')).toEqual({ other: 'kept' });
  });

  it('signing out clears that user only', () => {
    const storage = memoryStorage();
    createDrafts(storage, 'ana').save('request', { refereeName: 'Grace' });
    createDrafts(storage, 'ana').save('respond.r1', { text: 'Half a reference' });
    createDrafts(storage, 'bob').save('request', { refereeName: 'Alan' });
    storage.setItem('aideepref.session', '{}');
    clearDrafts(storage, 'ana');
    expect([...storage.map.keys()].sort()).toEqual(['aideepref.draft.bob.request', 'aideepref.session']);
  });

  it('survives a storage that refuses writes', () => {
    const storage = { ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError'); } };
    const drafts = createDrafts(storage, 'ana');
    expect(() => drafts.save('request', { refereeName: 'Grace' })).not.toThrow();
    expect(drafts.read('request')).toBeNull();
  });
});
