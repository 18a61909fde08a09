/**
 * Decorated fields must really reach storage: write through the Model
 * properties, save to (fake) IndexedDB, then read the raw rows back from a
 * NEW database instance. With `useDefineForClassFields: true` the class
 * fields would shadow the decorators' accessors and these reads would be empty.
 */
import 'fake-indexeddb/auto';
import { Database } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { logger } from '@nozbe/watermelondb/utils/common';
import { describe, expect, it } from 'vitest';
import { closeLoki, createLokiPersistence } from '../sync/watermelon/loki-persistence';
import type { Reference, SyncMetadata, SyncQueueItem, User } from './index';
import { migrations, modelClasses, schema } from './index';

logger.silence();
let counter = 0;
function open(dbName: string): Database {
  const adapter = new LokiJSAdapter({
    schema,
    migrations,
    useWebWorker: false,
    useIncrementalIndexedDB: true,
    dbName,
    onSetUpError: (error) => {
      throw error;
    },
  });
  return new Database({ adapter, modelClasses });
}

async function rawRows(db: Database, table: string): Promise<Record<string, unknown>[]> {
  const records = await db.get(table).query().fetch();
  return records.map((r) => ({ ...(r._raw as unknown as Record<string, unknown>) }));
}

describe('schema', () => {
  it('is version 2 with the contract tables and sync metadata columns', () => {
    expect(schema.version).toBe(2);
    expect(Object.keys(schema.tables).sort()).toEqual(['references', 'sync_metadata', 'sync_queue', 'users']);
    for (const table of ['users', 'references'] as const) {
      const columns = Object.keys(schema.tables[table]!.columns);
      expect(columns).toEqual(
        expect.arrayContaining(['server_id', 'sync_status', 'last_synced_at', 'created_at', 'updated_at', 'is_deleted']),
      );
    }
    expect(Object.keys(schema.tables.references!.columns)).toEqual(
      expect.arrayContaining(['user_id', 'referee_name', 'referee_email', 'message', 'status', 'response', 'responded_at', 'reminded_at']),
    );
    expect(Object.keys(schema.tables.sync_queue!.columns).sort()).toEqual(
      ['created_at', 'error', 'operation', 'payload', 'record_id', 'retry_count', 'status', 'table_name', 'updated_at'].sort(),
    );
    expect(Object.keys(schema.tables.sync_metadata!.columns).sort()).toEqual(['key', 'updated_at', 'value']);
    expect(migrations.sortedMigrations.map((m) => m.toVersion)).toEqual([2]);
  });
});

describe('decorated models persist to IndexedDB', () => {
  it('reads back every field from a new database instance', async () => {
    const dbName = `models-test-${++counter}-${Date.now()}`;
    const first = open(dbName);
    await first.write(async () => {
      await first.get<User>('users').create((u) => {
        u._raw.id = 'user-1';
        u.email = 'ada@example.com';
        u.name = 'Ada';
        u.localSyncStatus = 'synced';
        u.isDeleted = false;
      });
      await first.get<Reference>('references').create((r) => {
        r._raw.id = 'ref-1';
        r.userId = 'user-1';
        r.refereeName = 'Grace';
        r.refereeEmail = 'grace@example.com';
        r.message = 'Please';
        r.status = 'completed';
        r.response = 'Excellent';
        r.respondedAt = 1234;
        r.serverId = 'ref-1';
        r.localSyncStatus = 'pending';
        r.lastSyncedAt = 99;
        r.isDeleted = false;
      });
      await first.get<SyncQueueItem>('sync_queue').create((q) => {
        q.tableName = 'references';
        q.recordId = 'ref-1';
        q.operation = 'create';
        q.payload = '{"a":1}';
        q.retryCount = 2;
        q.status = 'failed';
        q.error = 'boom';
      });
      await first.get<SyncMetadata>('sync_metadata').create((m) => {
        m.key = 'k';
        m.value = 'v';
      });
    });
    await createLokiPersistence(first).saveNow();
    await closeLoki(first);

    const second = open(dbName);
    const [user] = await rawRows(second, 'users');
    expect(user).toMatchObject({ id: 'user-1', email: 'ada@example.com', name: 'Ada', sync_status: 'synced', is_deleted: false });
    const [reference] = await rawRows(second, 'references');
    expect(reference).toMatchObject({
      id: 'ref-1',
      user_id: 'user-1',
      referee_name: 'Grace',
      referee_email: 'grace@example.com',
      message: 'Please',
      status: 'completed',
      response: 'Excellent',
      responded_at: 1234,
      server_id: 'ref-1',
      sync_status: 'pending',
      last_synced_at: 99,
      is_deleted: false,
    });
    expect(typeof reference!.created_at).toBe('number');
    expect(reference!.created_at).toBeGreaterThan(0);
    const [entry] = await rawRows(second, 'sync_queue');
    expect(entry).toMatchObject({
      table_name: 'references',
      record_id: 'ref-1',
      operation: 'create',
      payload: '{"a":1}',
      retry_count: 2,
      status: 'failed',
      error: 'boom',
    });
    const [meta] = await rawRows(second, 'sync_metadata');
    expect(meta).toMatchObject({ key: 'k', value: 'v' });

    // And the decorators read them back as properties.
    const ref = await second.get<Reference>('references').find('ref-1');
    expect([ref.refereeName, ref.refereeEmail, ref.status, ref.response, ref.respondedAt]).toEqual([
      'Grace',
      'grace@example.com',
      'completed',
      'Excellent',
      1234,
    ]);
    expect(ref.updatedAt).toBeInstanceOf(Date);
    // The canary for useDefineForClassFields: declared fields must not become own
    // properties of the instance (they would shadow the decorators' accessors).
    for (const property of ['refereeName', 'refereeEmail', 'status', 'userId', 'localSyncStatus']) {
      expect(Object.prototype.hasOwnProperty.call(ref, property)).toBe(false);
    }
    await closeLoki(second);
  });
});
