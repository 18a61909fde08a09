/**
 * WatermelonDB schema (CONTRACT §2; version in src/shared/schema.ts). Synced tables are built from
 * src/shared/schema.ts so a column cannot exist on one side only; the two
 * local-only tables keep the seed's columns.
 */
import { appSchema, tableSchema } from '@nozbe/watermelondb';
import type { ColumnSchema } from '@nozbe/watermelondb/Schema';
import { addColumns, schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { DATA_COLUMNS, SCHEMA_VERSION, SYNC_METADATA_COLUMNS, type SyncedTable } from '../shared/schema';

type ColumnSpec = Omit<ColumnSchema, 'name'>;

/** Types of every data column; `satisfies` makes a column added in src/shared fail to compile here. */
const DATA_COLUMN_TYPES: { [T in SyncedTable]: Record<(typeof DATA_COLUMNS)[T][number], ColumnSpec> } = {
  users: {
    email: { type: 'string', isIndexed: true },
    name: { type: 'string' },
  },
  references: {
    user_id: { type: 'string', isIndexed: true },
    referee_name: { type: 'string' },
    referee_email: { type: 'string', isIndexed: true },
    message: { type: 'string' },
    status: { type: 'string' },
    response: { type: 'string', isOptional: true },
    responded_at: { type: 'number', isOptional: true },
    reminded_at: { type: 'number', isOptional: true },
  },
};

const SYNC_METADATA_TYPES: Record<(typeof SYNC_METADATA_COLUMNS)[number], ColumnSpec> = {
  server_id: { type: 'string', isOptional: true },
  // Not indexed: nothing queries it, and LokiJS rebuilds every index after each large write.
  sync_status: { type: 'string' },
  last_synced_at: { type: 'number', isOptional: true },
  created_at: { type: 'number' },
  updated_at: { type: 'number' },
  is_deleted: { type: 'boolean' },
};

function syncedTable(name: SyncedTable) {
  const data = DATA_COLUMN_TYPES[name] as Record<string, ColumnSpec>;
  const columns = [
    ...DATA_COLUMNS[name].map((column) => ({ name: column, ...data[column] }) as ColumnSchema),
    ...SYNC_METADATA_COLUMNS.map((column) => ({ name: column, ...SYNC_METADATA_TYPES[column] }) as ColumnSchema),
  ];
  return tableSchema({ name, columns });
}

export const schema = appSchema({
  version: SCHEMA_VERSION,
  tables: [
    syncedTable('users'),
    syncedTable('references'),
    tableSchema({
      name: 'sync_queue',
      columns: [
        { name: 'table_name', type: 'string' },
        { name: 'record_id', type: 'string', isIndexed: true },
        { name: 'operation', type: 'string' }, // 'create' | 'update' | 'delete'
        { name: 'payload', type: 'string' }, // JSON of the columns this write set
        { name: 'retry_count', type: 'number' },
        { name: 'status', type: 'string', isIndexed: true }, // 'pending' | 'processing' | 'failed'
        { name: 'error', type: 'string', isOptional: true },
        { name: 'created_at', type: 'number' },
        { name: 'updated_at', type: 'number' },
      ],
    }),
    tableSchema({
      name: 'sync_metadata',
      columns: [
        { name: 'key', type: 'string', isIndexed: true },
        { name: 'value', type: 'string' },
        { name: 'updated_at', type: 'number' },
      ],
    }),
  ],
});

/**
 * Every step from version 1 on (`migrationsEnabledAtVersion: 1` in sync relies
 * on them): a device that upgrades keeps its records and its unsynced writes.
 */
export const migrations = schemaMigrations({
  migrations: [
    {
      toVersion: 2,
      steps: [addColumns({ table: 'references', columns: [{ name: 'reminded_at', type: 'number', isOptional: true }] })],
    },
  ],
});
