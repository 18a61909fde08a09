/**
 * Schema version 2 added `references.reminded_at`. A device that last ran
 * version 1 opens its IndexedDB database with the new app: every record and
 * every unsynced write must still be there, still unsynced, and pushed as
 * before (CONTRACT §2: "with a migration from version 1").
 */
import 'fake-indexeddb/auto';
import { appSchema, Database, tableSchema } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { hasUnsyncedChanges } from '@nozbe/watermelondb/sync';
import type { TableSchema } from '@nozbe/watermelondb/Schema';
import { logger } from '@nozbe/watermelondb/utils/common';
import { describe, expect, it } from 'vitest';
import { closeLoki, createLokiPersistence } from '../sync/watermelon/loki-persistence';
import type { Reference } from './index';
import { migrations, modelClasses, schema } from './index';

logger.silence();

/** Version 1 as it shipped: today's tables without the columns version 2 added. */
function schemaV1() {
  const without = (table: TableSchema, names: string[]) =>
    tableSchema({ name: table.name, columns: table.columnArray.filter((c) => !names.includes(c.name)) });
  return appSchema({
    version: 1,
    tables: Object.values(schema.tables).map((table) => (table.name === 'references' ? without(table, ['reminded_at']) : without(table, []))),
  });
}

function open(dbName: string, version: 1 | 2): Database {
  const adapter = new LokiJSAdapter({
    schema: version === 1 ? schemaV1() : schema,
    ...(version === 2 ? { migrations } : {}),
    useWebWorker: false,
    useIncrementalIndexedDB: true,
    dbName,
    onSetUpError: (error) => {
      throw error;
    },
  });
  return new Database({ adapter, modelClasses });
}

const raw = (record: { _raw: unknown }) => record._raw as Record<string, unknown>;

describe('migrating a device database from version 1 to 2', () => {
  it('keeps the records and their unsynced writes, and the new column works', async () => {
    const dbName = `migration-test-${Date.now()}`;
    const v1 = open(dbName, 1);
    expect(Object.keys(v1.schema.tables.references!.columns)).not.toContain('reminded_at');
    await v1.write(async () => {
      const refs = v1.get<Reference>('references');
      // Two the server has (pulled: synced), one created offline and never pushed.
      const row = (id: string, status: 'synced' | 'created') => ({
        id,
        user_id: 'u1',
        referee_name: `Referee ${id}`,
        referee_email: `${id}@example.com`,
        message: 'Please',
        status: 'pending',
        sync_status: status === 'synced' ? 'synced' : 'pending',
        created_at: 1,
        updated_at: 1,
        is_deleted: false,
        _status: status,
        _changed: '',
      });
      await v1.batch(refs.prepareCreateFromDirtyRaw(row('synced-1', 'synced')), refs.prepareCreateFromDirtyRaw(row('edited-1', 'synced')), refs.prepareCreateFromDirtyRaw(row('created-1', 'created')));
    });
    await v1.write(async () => {
      const r = await v1.get<Reference>('references').find('edited-1');
      await r.update((x) => void (x.message = 'Edited on the train'));
    });
    await createLokiPersistence(v1).saveNow();
    await closeLoki(v1);

    const v2 = open(dbName, 2);
    const rows = await v2.get<Reference>('references').query().fetch();
    const byId = new Map(rows.map((r) => [r.id, raw(r)]));
    expect([...byId.keys()].sort()).toEqual(['created-1', 'edited-1', 'synced-1']);
    expect(byId.get('synced-1')).toMatchObject({ _status: 'synced', reminded_at: null });
    expect(byId.get('edited-1')).toMatchObject({ _status: 'updated', message: 'Edited on the train', reminded_at: null });
    expect(String(byId.get('edited-1')!._changed)).toContain('message');
    expect(byId.get('created-1')).toMatchObject({ _status: 'created', referee_name: 'Referee created-1' });
    expect(await hasUnsyncedChanges({ database: v2 })).toBe(true);

    // The new column is written and read like any other, and survives a reopen.
    await v2.write(async () => {
      const r = await v2.get<Reference>('references').find('synced-1');
      await r.update((x) => void (x.remindedAt = 4242));
    });
    await createLokiPersistence(v2).saveNow();
    await closeLoki(v2);
    const again = open(dbName, 2);
    const reminded = await again.get<Reference>('references').find('synced-1');
    expect(reminded.remindedAt).toBe(4242);
    expect(raw(reminded)).toMatchObject({ _status: 'updated', _changed: expect.stringContaining('reminded_at') });
    await closeLoki(again);
  });
});
