/**
 * The synced data model of CONTRACT §2, as plain data both sides read:
 * WatermelonDB's schema (src/db) and the server's tables are built from it,
 * so a column cannot exist on one side only.
 */

export const SYNC_STATUSES = ['synced', 'pending', 'error'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const REFERENCE_STATUSES = ['pending', 'completed', 'declined'] as const;
export type ReferenceStatus = (typeof REFERENCE_STATUSES)[number];

/** Columns every synced table carries (the seed's sync metadata). */
export const SYNC_METADATA_COLUMNS = [
  'server_id',
  'sync_status',
  'last_synced_at',
  'created_at',
  'updated_at',
  'is_deleted',
] as const;

/**
 * Columns whose values are data, per table: the ones the merge rule orders
 * per column. `created_at` is set once by the creator and merged like data.
 */
export const DATA_COLUMNS = {
  users: ['email', 'name'],
  references: ['user_id', 'referee_name', 'referee_email', 'message', 'status', 'response', 'responded_at', 'reminded_at'],
} as const;

export const SYNCED_TABLES = ['users', 'references'] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export function isSyncedTable(name: string): name is SyncedTable {
  return (SYNCED_TABLES as readonly string[]).includes(name);
}

/** 2 added `references.reminded_at` (src/db/schema.ts has the migration from 1). */
export const SCHEMA_VERSION = 2;

/** Field limits (characters) enforced on both sides. */
export const LIMITS = {
  name: 200,
  email: 320,
  message: 2_000,
  response: 20_000,
  passwordMin: 8,
  passwordMax: 1_024,
} as const;

/** How far ahead of the server's clock an `updated_at` may be before it counts as the time of receipt. */
export const MAX_CLOCK_SKEW_MS = 60_000;

export interface UserRow {
  id: string;
  email: string;
  name: string;
  server_id: string | null;
  sync_status: SyncStatus;
  last_synced_at: number | null;
  created_at: number;
  updated_at: number;
  is_deleted: boolean;
}

export interface ReferenceRow {
  id: string;
  user_id: string;
  referee_name: string;
  referee_email: string;
  message: string;
  status: ReferenceStatus;
  response: string | null;
  responded_at: number | null;
  /** Set by the candidate to ask for a reminder (CONTRACT §2, schema version 2). */
  reminded_at: number | null;
  server_id: string | null;
  sync_status: SyncStatus;
  last_synced_at: number | null;
  created_at: number;
  updated_at: number;
  is_deleted: boolean;
}

/**
 * Emails are trimmed, NFKC-normalized and compared case-insensitively
 * everywhere (CONTRACT §3): `ＡＬＩＣＥ@Example.com ` and `alice@example.com`
 * are one address.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase();
}
