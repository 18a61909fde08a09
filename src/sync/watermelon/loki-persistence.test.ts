import 'fake-indexeddb/auto';
import type { Database, Model } from '@nozbe/watermelondb';
import { logger } from '@nozbe/watermelondb/utils/common';
import { describe, expect, it } from 'vitest';
import { createDatabase } from './loki-adapter';
import { closeLoki, createLokiPersistence, lokiOf } from './loki-persistence';

logger.silence();

async function createRef(db: Database, id: string) {
  await db.write(async () => {
    await db.get<Model>('references').create((r) => {
      (r._raw as unknown as { id: string }).id = id;
      r._setRaw('referee_name', 'Grace');
    });
  });
}

async function idsIn(dbName: string): Promise<string[]> {
  const db = createDatabase(dbName);
  const ids = (await db.get('references').query().fetch()).map((r) => r.id);
  await closeLoki(db);
  return ids;
}

describe('loki persistence', () => {
  it('saveNow() puts a write on IndexedDB at once (the autosave timer would take 500 ms)', async () => {
    const name = `persist-${Date.now()}`;
    // The probe instance below sets the database up first: this one then overwrites it (expected here).
    const db = createDatabase(name, { onDidOverwrite: () => {} });
    await createRef(db, 'before-save');
    // The hazard this module exists for: not yet on disk right after the write.
    expect(await idsIn(name)).toEqual([]);
    await createLokiPersistence(db).saveNow();
    expect(await idsIn(name)).toEqual(['before-save']);
    await closeLoki(db);
  });

  it('fails loudly when the internal path to LokiJS is missing', async () => {
    const fake = { adapter: { underlyingAdapter: {} } } as unknown as Database;
    expect(() => lokiOf(fake)).toThrow(expect.objectContaining({ name: 'PersistenceError', code: 'loki_path_missing' }));
    await expect(createLokiPersistence(fake).saveNow()).rejects.toMatchObject({ name: 'PersistenceError' });
  });
});
