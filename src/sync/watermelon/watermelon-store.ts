/**
 * The outbox and local writes over WatermelonDB (the LocalStore port).
 *
 * WatermelonDB's own `_status`/`_changed` is what synchronize() pushes; the
 * `sync_queue` table is the user-visible ledger beside it: one entry per
 * record with unacknowledged changes, written in the same db.write as the
 * record, removed only once the record is back to `_status` 'synced' (which
 * synchronize() only does when the record did not change during the push).
 */
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import { isSyncedTable, SYNCED_TABLES, type SyncedTable } from '../../shared/schema';
import type { WallClock, WireRow } from '../ports';
import {
  META_FULL_PULL_NEEDED,
  refusalHolds,
  type LocalOperation,
  type LocalStore,
  type LocalWrite,
  type OutboxCounts,
  type OutboxEntry,
  type RefusedVersion,
} from '../local-store';

type RawMap = Record<string, unknown>;

function rawOf(record: Model): RawMap {
  return record._raw as unknown as RawMap;
}

/**
 * An update that changes columns WITHOUT marking them as local changes
 * (sync bookkeeping such as sync_status must never cause a push). Restores
 * `_status`/`_changed`/`updated_at` that prepareUpdate itself may touch.
 */
export function prepareSilentUpdate(record: Model, patch: RawMap): Model {
  const before = { ...rawOf(record) };
  return record.prepareUpdate(() => {
    Object.assign(rawOf(record), before, patch);
  });
}

/**
 * Every column a write SETS is part of its intent, even when the value did not
 * change locally: `decline` sets response = null, and per-column last-write-wins
 * must order that null against a concurrent `respond` from another device.
 * WatermelonDB only records columns whose value changed, so add the rest.
 */
function markColumnsChanged(record: Model, columns: string[]): void {
  const raw = rawOf(record);
  if (raw._status === 'created') return; // pushed whole
  const changed = new Set(String(raw._changed ?? '').split(',').filter(Boolean));
  for (const column of columns) changed.add(column);
  raw._changed = [...changed].join(',');
  if (raw._status === 'synced') raw._status = 'updated';
}

function mergeOperation(previous: LocalOperation, next: LocalOperation): LocalOperation {
  if (next === 'delete') return 'delete';
  if (previous === 'create') return 'create';
  return next;
}

export function createWatermelonStore(database: Database, wall: WallClock): LocalStore {
  const queue = () => database.get<Model>('sync_queue');
  const meta = () => database.get<Model>('sync_metadata');

  async function entriesFor(table: string, recordId: string): Promise<Model[]> {
    return queue().query(Q.where('record_id', recordId), Q.where('table_name', table)).fetch();
  }

  async function findLive(table: string, id: string): Promise<Model | null> {
    const found = await database.get<Model>(table).query(Q.where('id', id)).fetch();
    return found[0] ?? null;
  }

  async function setMetaInWriter(key: string, value: string | null): Promise<void> {
    const existing = await meta().query(Q.where('key', key)).fetch();
    const now = wall();
    const ops: Model[] = [];
    if (value === null) {
      for (const row of existing) ops.push(row.prepareDestroyPermanently());
    } else if (existing[0]) {
      ops.push(
        existing[0].prepareUpdate((row) => {
          row._setRaw('value', value);
          row._setRaw('updated_at', now);
        }),
      );
      for (const extra of existing.slice(1)) ops.push(extra.prepareDestroyPermanently());
    } else {
      ops.push(
        meta().prepareCreate((row) => {
          row._setRaw('key', key);
          row._setRaw('value', value);
          row._setRaw('updated_at', now);
        }),
      );
    }
    await database.batch(...ops);
  }

  return {
    async apply(write: LocalWrite): Promise<string> {
      return database.write(async () => {
        const collection = database.get<Model>(write.table);
        const ops: Model[] = [];
        let id: string;
        if (write.operation === 'create') {
          const record = collection.prepareCreate((r) => {
            if (write.id) rawOf(r).id = write.id;
            for (const [column, value] of Object.entries(write.values)) r._setRaw(column, value);
            // WatermelonDB stamped created_at/updated_at with Date.now() before this builder ran
            // (Model._prepareCreate): the hybrid clock's value must be the one that stays.
            r._setRaw('created_at', write.at);
            r._setRaw('updated_at', write.at);
            r._setRaw('sync_status', 'pending');
            r._setRaw('is_deleted', false);
          });
          ops.push(record);
          id = record.id;
        } else {
          if (!write.id) throw new Error(`${write.operation} needs an id`);
          id = write.id;
          const record = await collection.find(id);
          if (write.operation === 'delete') {
            // Deletion travels as an id only; the stamp still orders it in the outbox.
            ops.push(record.prepareMarkAsDeleted());
          } else {
            ops.push(
              record.prepareUpdate((r) => {
                for (const [column, value] of Object.entries(write.values)) r._setRaw(column, value);
                // prepareUpdate touched updated_at with Date.now() before calling us: overwrite it.
                r._setRaw('updated_at', write.at);
                r._setRaw('sync_status', 'pending');
                markColumnsChanged(r, Object.keys(write.values));
              }),
            );
          }
        }

        const existing = await entriesFor(write.table, id);
        const payload = JSON.stringify(write.values);
        const first = existing[0];
        if (first) {
          const previous = rawOf(first).operation as LocalOperation;
          ops.push(
            first.prepareUpdate((e) => {
              e._setRaw('operation', mergeOperation(previous, write.operation));
              e._setRaw('payload', payload);
              e._setRaw('status', 'pending');
              e._setRaw('retry_count', 0);
              e._setRaw('error', null);
              e._setRaw('updated_at', write.at);
            }),
          );
          for (const extra of existing.slice(1)) ops.push(extra.prepareDestroyPermanently());
        } else {
          ops.push(
            queue().prepareCreate((e) => {
              e._setRaw('table_name', write.table);
              e._setRaw('record_id', id);
              e._setRaw('operation', write.operation);
              e._setRaw('payload', payload);
              e._setRaw('retry_count', 0);
              e._setRaw('status', 'pending');
              e._setRaw('error', null);
              e._setRaw('created_at', write.at);
              e._setRaw('updated_at', write.at);
            }),
          );
        }
        await database.batch(...ops);
        return id;
      }, `local-${write.operation}-${write.table}`);
    },

    async read(table, id) {
      const record = await findLive(table, id);
      if (!record) return null;
      const { _status: _s, _changed: _c, ...columns } = rawOf(record);
      return columns as WireRow;
    },

    async newestUpdatedAt() {
      let newest = 0;
      for (const table of SYNCED_TABLES) {
        const rows = await database
          .get<Model>(table)
          .query(Q.sortBy('updated_at', Q.desc), Q.take(1))
          .fetch();
        const at = rows[0] ? Number(rawOf(rows[0]).updated_at) : 0;
        if (at > newest) newest = at;
      }
      return newest;
    },

    async getMeta(key) {
      const rows = await meta().query(Q.where('key', key)).fetch();
      const value = rows[0] ? rawOf(rows[0]).value : null;
      return typeof value === 'string' ? value : null;
    },

    async setMeta(key, value) {
      await database.write(() => setMetaInWriter(key, value), 'sync-meta');
    },

    async clearMetaIf(key: string, value: string) {
      return database.write(async () => {
        const rows = await meta().query(Q.where('key', key)).fetch();
        if (!rows.length || rows.some((row) => rawOf(row).value !== value)) return false;
        await setMetaInWriter(key, null);
        return true;
      }, 'sync-meta');
    },

    async outbox(): Promise<OutboxEntry[]> {
      const rows = await queue().query(Q.sortBy('created_at', Q.asc)).fetch();
      return rows.map((row) => {
        const raw = rawOf(row);
        return {
          table: String(raw.table_name),
          recordId: String(raw.record_id),
          operation: raw.operation as LocalOperation,
          status: raw.status as OutboxEntry['status'],
          retryCount: Number(raw.retry_count),
          error: (raw.error as string | null) ?? null,
        };
      });
    },

    async settle(rejected: Record<string, RefusedVersion[]>) {
      await database.write(async () => {
        const entries = await queue().query().fetch();
        const now = wall();
        const ops: Model[] = [];
        const deletedByTable = new Map<string, Set<string>>();
        // One query per table, not one per entry: a long offline backlog is thousands of entries.
        const live = new Map<string, Model>();
        const idsByTable = new Map<string, string[]>();
        for (const entry of entries) {
          const raw = rawOf(entry);
          const table = String(raw.table_name);
          let ids = idsByTable.get(table);
          if (!ids) idsByTable.set(table, (ids = []));
          ids.push(String(raw.record_id));
        }
        for (const [table, ids] of idsByTable) {
          for (const record of await database.get<Model>(table).query(Q.where('id', Q.oneOf(ids))).fetch()) {
            live.set(`${table}/${record.id}`, record);
          }
        }
        const rejections = new Map<string, RefusedVersion>();
        for (const [table, list] of Object.entries(rejected)) {
          for (const rejection of list) rejections.set(`${table}/${rejection.id}`, rejection);
        }
        for (const entry of entries) {
          const raw = rawOf(entry);
          const table = String(raw.table_name);
          const recordId = String(raw.record_id);
          const record = live.get(`${table}/${recordId}`) ?? null;
          let rejection = rejections.get(`${table}/${recordId}`);
          // Written again while the refused version was on its way: the newer one has not been judged.
          if (rejection && record && !refusalHolds(rejection, rawOf(record).updated_at)) rejection = undefined;
          if (record) {
            const status = rawOf(record)._status;
            if (status === 'synced') {
              ops.push(entry.prepareDestroyPermanently());
              ops.push(
                prepareSilentUpdate(record, { sync_status: 'synced', last_synced_at: now, server_id: recordId }),
              );
              continue;
            }
            if (rejection) {
              ops.push(prepareSilentUpdate(record, { sync_status: 'error' }));
            }
          } else {
            let deleted = deletedByTable.get(table);
            if (!deleted) {
              deleted = new Set(await database.adapter.getDeletedRecords(table));
              deletedByTable.set(table, deleted);
            }
            if (!deleted.has(recordId)) {
              // Deleted and purged after the server acknowledged it (or removed by a pull).
              ops.push(entry.prepareDestroyPermanently());
              continue;
            }
          }
          if (rejection) {
            ops.push(
              entry.prepareUpdate((e) => {
                e._setRaw('status', 'failed');
                e._setRaw('error', `${rejection.code}: ${rejection.message}`);
                e._setRaw('updated_at', now);
              }),
            );
          }
        }
        await database.batch(...ops);
      }, 'sync-settle-outbox');
    },

    async recordFailure(error, exhausted) {
      await database.write(async () => {
        const pending = await queue().query(Q.where('status', Q.notEq('failed'))).fetch();
        const now = wall();
        await database.batch(
          ...pending.map((entry) =>
            entry.prepareUpdate((e) => {
              e._setRaw('retry_count', Number(rawOf(e).retry_count) + 1);
              e._setRaw('status', exhausted ? 'failed' : 'pending');
              e._setRaw('error', error);
              e._setRaw('updated_at', now);
            }),
          ),
        );
      }, 'sync-outbox-failure');
    },

    async resetFailed() {
      await database.write(async () => {
        const failed = await queue().query(Q.where('status', 'failed')).fetch();
        const now = wall();
        await database.batch(
          ...failed.map((entry) =>
            entry.prepareUpdate((e) => {
              e._setRaw('status', 'pending');
              e._setRaw('retry_count', 0);
              e._setRaw('updated_at', now);
            }),
          ),
        );
      }, 'sync-outbox-reset');
    },

    async refusedUnchanged() {
      const failed = await queue().query(Q.where('status', 'failed')).fetch();
      const idsByTable = new Map<SyncedTable, string[]>();
      for (const entry of failed) {
        const raw = rawOf(entry);
        const table = String(raw.table_name);
        if (!isSyncedTable(table)) continue;
        let ids = idsByTable.get(table);
        if (!ids) idsByTable.set(table, (ids = []));
        ids.push(String(raw.record_id));
      }
      const refused: Record<string, string[]> = {};
      for (const [table, ids] of idsByTable) {
        // A query leaves out records marked deleted: a deletion carries no sync_status of its own.
        const records = await database
          .get<Model>(table)
          .query(Q.where('id', Q.oneOf(ids)), Q.where('sync_status', 'error'))
          .fetch();
        if (records.length) refused[table] = records.map((record) => record.id);
      }
      return refused;
    },

    async discard(table: SyncedTable, id: string) {
      await database.write(async () => {
        const ops: Model[] = [];
        const record = await findLive(table, id);
        if (record) ops.push(record.prepareDestroyPermanently());
        for (const entry of await entriesFor(table, id)) ops.push(entry.prepareDestroyPermanently());
        await database.batch(...ops);
        const deleted = await database.adapter.getDeletedRecords(table);
        if (deleted.includes(id)) await database.adapter.destroyDeletedRecords(table, [id]);
        await setMetaInWriter(META_FULL_PULL_NEEDED, '1');
      }, 'sync-discard');
    },

    observeCounts(listener: (counts: OutboxCounts) => void) {
      // observeCount(false): the throttled default can keep showing a stale count after a burst.
      let pending: number | null = null;
      let failed: number | null = null;
      const emit = () => {
        if (pending !== null && failed !== null) listener({ pending, failed });
      };
      const a = queue()
        .query()
        .observeCount(false)
        .subscribe((n) => {
          pending = n;
          emit();
        });
      const b = queue()
        .query(Q.where('status', 'failed'))
        .observeCount(false)
        .subscribe((n) => {
          failed = n;
          emit();
        });
      return () => {
        a.unsubscribe();
        b.unsubscribe();
      };
    },
  };
}
