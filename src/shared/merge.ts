/**
 * Last-write-wins per column (CONTRACT §3 "Merge rule"), as a pure function
 * shared by server and client.
 *
 * - Each column remembers the `updated_at` of the write that last set it.
 *   An incoming column wins iff its time is strictly later; a tie keeps the
 *   stored value (so re-applying a write is a no-op).
 * - A winning column advances its time even when the value is unchanged:
 *   otherwise the outcome would depend on arrival order (A:v1@1, B:v1@3,
 *   C:v2@2 must end as v1 whichever order they come in).
 * - Deletion wins over everything and is permanent, so it commutes with any
 *   update.
 * - A time more than `maxSkewMs` ahead of the receiver's clock is replaced by
 *   the time of receipt: a fast client clock cannot win forever.
 */
import { MAX_CLOCK_SKEW_MS } from './schema';

export type ColumnValue = string | number | boolean | null;

export interface MergeState<C extends string> {
  values: Record<C, ColumnValue>;
  /** Time that last set each column; a missing entry is older than any write. */
  times: Partial<Record<C, number>>;
  deleted: boolean;
  /** The latest time of any write that won, i.e. the row's `updated_at`. */
  updatedAt: number;
}

export interface IncomingWrite<C extends string> {
  /** Only the columns this write changes. */
  changes: Partial<Record<C, ColumnValue>>;
  updatedAt: number;
  deleted: boolean;
}

export type ColumnOutcome =
  /** Incoming won and the value changed. */
  | 'local'
  /** Incoming won with the value already stored (only the time advanced). */
  | 'same'
  /** Stored value kept; the incoming value was different. */
  | 'server'
  /** Stored value kept; the incoming value was the same anyway. */
  | 'kept';

export interface MergeResult<C extends string> {
  state: MergeState<C>;
  columns: Partial<Record<C, ColumnOutcome>>;
  /** Whether `state` differs from the stored state at all. */
  changed: boolean;
}

/** The `updated_at` the merge uses: clamped to the time of receipt when too far ahead. */
export function effectiveTime(updatedAt: number, receivedAt: number, maxSkewMs: number = MAX_CLOCK_SKEW_MS): number {
  return updatedAt > receivedAt + maxSkewMs ? receivedAt : updatedAt;
}

function sameValue(a: ColumnValue | undefined, b: ColumnValue | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

function keys<C extends string>(record: Partial<Record<C, unknown>>): C[] {
  return Object.keys(record) as C[];
}

/**
 * Creates the state of a record nobody stored yet. `defaults` fills columns
 * the write does not carry; they get no time, so any later write sets them.
 */
export function createState<C extends string>(
  defaults: Record<C, ColumnValue>,
  write: IncomingWrite<C>,
  receivedAt: number,
): MergeResult<C> {
  const t = effectiveTime(write.updatedAt, receivedAt);
  const values = { ...defaults };
  const times: Partial<Record<C, number>> = {};
  const columns: Partial<Record<C, ColumnOutcome>> = {};
  for (const column of keys(write.changes)) {
    const value = write.changes[column];
    if (value === undefined) continue;
    values[column] = value;
    times[column] = t;
    columns[column] = 'local';
  }
  return { state: { values, times, deleted: write.deleted, updatedAt: t }, columns, changed: true };
}

/** Merges one incoming write into a stored record. Never mutates its arguments. */
export function mergeWrite<C extends string>(
  stored: MergeState<C>,
  write: IncomingWrite<C>,
  receivedAt: number,
): MergeResult<C> {
  const t = effectiveTime(write.updatedAt, receivedAt);
  const columns: Partial<Record<C, ColumnOutcome>> = {};

  if (stored.deleted) {
    for (const column of keys(write.changes)) {
      columns[column] = sameValue(write.changes[column], stored.values[column]) ? 'kept' : 'server';
    }
    return { state: stored, columns, changed: false };
  }

  if (write.deleted) {
    // The values stay as they were: a tombstone only needs to say who could see it.
    return {
      state: { ...stored, deleted: true, updatedAt: Math.max(stored.updatedAt, t) },
      columns,
      changed: true,
    };
  }

  const values = { ...stored.values };
  const times = { ...stored.times };
  let updatedAt = stored.updatedAt;
  let changed = false;
  for (const column of keys(write.changes)) {
    const incoming = write.changes[column];
    if (incoming === undefined) continue;
    const same = sameValue(incoming, stored.values[column]);
    const storedTime = stored.times[column];
    if (storedTime === undefined || t > storedTime) {
      values[column] = incoming;
      times[column] = t;
      updatedAt = Math.max(updatedAt, t);
      columns[column] = same ? 'same' : 'local';
      changed = true;
    } else {
      columns[column] = same ? 'kept' : 'server';
    }
  }
  return { state: { values, times, deleted: false, updatedAt }, columns, changed };
}

/** Per record: "server" when a column it changes to a different value lost. */
export function lostAnyColumn(columns: Partial<Record<string, ColumnOutcome>>): boolean {
  return Object.values(columns).includes('server');
}
