/**
 * Turns one pushed raw record into the columns it changes. Sync metadata
 * (`_status`, `_changed`, `sync_status`, `server_id`, `updated_at`, ...) is
 * never data: `updated_at` only orders the write.
 */
import type { z } from 'zod';
import { DATA_COLUMNS, type SyncedTable } from '../../shared/schema';
import {
  EmailSchema,
  MessageSchema,
  NameSchema,
  RecordIdSchema,
  ReferenceStatusSchema,
  ResponseSchema,
  TimeSchema,
} from '../../shared/protocol';
import type { ColumnValue } from '../../shared/merge';

export type ReferenceColumn = (typeof DATA_COLUMNS.references)[number];
export type UserColumn = (typeof DATA_COLUMNS.users)[number];
type ColumnOf<T extends SyncedTable> = (typeof DATA_COLUMNS)[T][number];

const columnSchemas: { [T in SyncedTable]: Record<ColumnOf<T>, z.ZodType<ColumnValue>> } = {
  users: { email: EmailSchema, name: NameSchema },
  references: {
    user_id: RecordIdSchema,
    referee_name: NameSchema,
    referee_email: EmailSchema,
    // WatermelonDB gives an unset string column as null or ''.
    message: MessageSchema.nullable().transform((v) => v ?? ''),
    status: ReferenceStatusSchema,
    response: ResponseSchema,
    responded_at: TimeSchema.nullable(),
    reminded_at: TimeSchema.nullable(),
  },
};

export interface ParsedWrite<C extends string> {
  id: string;
  /** The columns this write changes (per `_changed` when given). */
  changes: Partial<Record<C, ColumnValue>>;
  /** Every data column present: what a create of a missing record uses. */
  all: Partial<Record<C, ColumnValue>>;
  updatedAt: number;
  createdAt: number | null;
}

type ParseResult<C extends string> = { ok: true; write: ParsedWrite<C> } | { ok: false; message: string };

function changedColumns(raw: Record<string, unknown>): Set<string> | null {
  const changed = raw._changed;
  if (typeof changed !== 'string' || changed.trim() === '') return null;
  return new Set(changed.split(',').map((c) => c.trim()));
}

export function parseWrite<T extends SyncedTable>(table: T, raw: Record<string, unknown>): ParseResult<ColumnOf<T>> {
  const id = RecordIdSchema.safeParse(raw.id);
  if (!id.success) return { ok: false, message: 'id: must be a printable string of 1 to 64 characters' };
  const updatedAt = TimeSchema.safeParse(raw.updated_at);
  if (!updatedAt.success) return { ok: false, message: 'updated_at: must be a time in milliseconds' };
  const createdAt = TimeSchema.safeParse(raw.created_at);

  const schemas = columnSchemas[table] as Record<ColumnOf<T>, z.ZodType<ColumnValue>>;
  const only = changedColumns(raw);
  const all: Partial<Record<ColumnOf<T>, ColumnValue>> = {};
  const changes: Partial<Record<ColumnOf<T>, ColumnValue>> = {};
  for (const column of DATA_COLUMNS[table] as readonly ColumnOf<T>[]) {
    if (!(column in raw)) continue;
    const parsed = schemas[column].safeParse(raw[column]);
    if (!parsed.success) return { ok: false, message: `${column}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    all[column] = parsed.data;
    if (!only || only.has(column)) changes[column] = parsed.data;
  }
  return {
    ok: true,
    write: { id: id.data, changes, all, updatedAt: updatedAt.data, createdAt: createdAt.success ? createdAt.data : null },
  };
}
