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
 *   the time of receipt: a fast client clock cannot win forever. The record
 *   remembers which time each such stamp was taken as, and a write arriving
 *   again with the same stamp (a push re-sent after its answer was lost) gets
 *   that same time, not its own time of receipt: pushing the same changes
 *   twice has the effect of once (CONTRACT §3), even after writes committed
 *   in between and even once the server clock has caught up with the stamp.
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
  /**
   * Stamps that arrived too far ahead, each with the time it was taken as
   * (keys are the stamps in decimal). Bookkeeping for replays: at most
   * `MAX_REMEMBERED_CLAMPS`, the most recent ones.
   */
  clamped: Record<string, number>;
}

/**
 * Clamped stamps remembered per record. A device sends one record's writes in
 * stamp order and a replay re-sends a recent one, so the newest few suffice;
 * the bound keeps a device whose clock always runs ahead from growing a row.
 */
export const MAX_REMEMBERED_CLAMPS = 32;

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
  /** Whether the values, times, deletion or `updatedAt` changed (`clamped` aside: see `clampRemembered`). */
  changed: boolean;
  /** The time the write counted as: its stamp, or the time that stamp was clamped to. */
  time: number;
  /** Whether `state.clamped` gained this write's stamp (the record must be stored even if nothing else changed). */
  clampRemembered: boolean;
}

/** The `updated_at` the merge uses: clamped to the time of receipt when too far ahead. */
export function effectiveTime(updatedAt: number, receivedAt: number, maxSkewMs: number = MAX_CLOCK_SKEW_MS): number {
  return updatedAt > receivedAt + maxSkewMs ? receivedAt : updatedAt;
}

/**
 * The time a write counts as on a record: the time its stamp was clamped to
 * when the record has seen that stamp clamped before (a replay), else
 * `effectiveTime`. A stamp that was NOT clamped the first time keeps counting
 * as itself (a later receipt on a slower server clock could only clamp it to
 * an earlier time, which loses wherever the first receipt won).
 */
export function timeOnRecord(clamped: Readonly<Record<string, number>>, updatedAt: number, receivedAt: number): number {
  const key = String(updatedAt);
  return Object.hasOwn(clamped, key) ? clamped[key]! : effectiveTime(updatedAt, receivedAt);
}

/** `clamped` plus `stamp → time` when the stamp was clamped and is new (the same object otherwise). */
function remember(clamped: Record<string, number>, stamp: number, time: number): Record<string, number> {
  const key = String(stamp);
  if (time === stamp || Object.hasOwn(clamped, key)) return clamped;
  const entries = Object.entries({ ...clamped, [key]: time });
  if (entries.length > MAX_REMEMBERED_CLAMPS) {
    entries.sort(([ka, a], [kb, b]) => b - a || Number(kb) - Number(ka));
    entries.length = MAX_REMEMBERED_CLAMPS;
  }
  return Object.fromEntries(entries);
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
  const clamped = remember({}, write.updatedAt, t);
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
  return {
    state: { values, times, deleted: write.deleted, updatedAt: t, clamped },
    columns,
    changed: true,
    time: t,
    clampRemembered: t !== write.updatedAt,
  };
}

/** Merges one incoming write into a stored record. Never mutates its arguments. */
export function mergeWrite<C extends string>(
  stored: MergeState<C>,
  write: IncomingWrite<C>,
  receivedAt: number,
): MergeResult<C> {
  const t = timeOnRecord(stored.clamped, write.updatedAt, receivedAt);
  const columns: Partial<Record<C, ColumnOutcome>> = {};

  if (stored.deleted) {
    for (const column of keys(write.changes)) {
      columns[column] = sameValue(write.changes[column], stored.values[column]) ? 'kept' : 'server';
    }
    return { state: stored, columns, changed: false, time: t, clampRemembered: false };
  }

  const clamped = remember(stored.clamped, write.updatedAt, t);
  const clampRemembered = clamped !== stored.clamped;
  if (write.deleted) {
    // The values stay as they were: a tombstone only needs to say who could see it.
    return {
      state: { ...stored, deleted: true, updatedAt: Math.max(stored.updatedAt, t), clamped },
      columns,
      changed: true,
      time: t,
      clampRemembered,
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
  return { state: { values, times, deleted: false, updatedAt, clamped }, columns, changed, time: t, clampRemembered };
}

/** Per record: "server" when a column it changes to a different value lost. */
export function lostAnyColumn(columns: Partial<Record<string, ColumnOutcome>>): boolean {
  return Object.values(columns).includes('server');
}
