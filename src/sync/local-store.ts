/**
 * The local store port: the engine's view of the device database. The
 * WatermelonDB implementation is outbox.ts; tests use fake-store.ts; one
 * contract suite (local-store.contract.ts) runs against both.
 */
import type { SyncedTable } from '../shared/schema';
import type { PushRejection, WireRow } from './ports';

export type LocalOperation = 'create' | 'update' | 'delete';

export interface LocalWrite {
  table: SyncedTable;
  /** Required for update/delete; for create, absent means "generate one". */
  id?: string;
  operation: LocalOperation;
  /** Data columns this write sets (not used by delete). */
  values: Record<string, string | number | boolean | null>;
  /** The hybrid clock's stamp for this write: becomes `updated_at` (and `created_at` on create). */
  at: number;
}

/**
 * The server's refusal of one pushed record, with the `updated_at` of the
 * version it refused when the caller knows it.
 */
export interface RefusedVersion extends PushRejection {
  updatedAt?: number;
}

/** Whether a refusal holds for the record as it is now (`updated_at`): not if it was written again since the version refused. */
export function refusalHolds(rejection: RefusedVersion, updatedAt: unknown): boolean {
  return rejection.updatedAt === undefined || !(Number(updatedAt) > rejection.updatedAt);
}

export interface OutboxEntry {
  table: string;
  recordId: string;
  operation: LocalOperation;
  status: 'pending' | 'processing' | 'failed';
  retryCount: number;
  error: string | null;
}

export interface OutboxCounts {
  /** Outbox entries = records with local changes the server has not acknowledged (failed ones included). */
  pending: number;
  /** Entries that used up their retries or that the server rejected. */
  failed: number;
}

export interface LocalStore {
  /**
   * Applies the record change AND adds (or refreshes) its outbox entry in ONE
   * atomic write: either both are committed or neither. Sets `sync_status`
   * 'pending' and `updated_at` = `at`. Resolves with the record id. Works the
   * same online and offline. Rejects if an update/delete target is missing.
   */
  apply(write: LocalWrite): Promise<string>;
  /** A record's columns, or null if it does not exist or is deleted locally. */
  read(table: SyncedTable, id: string): Promise<WireRow | null>;
  /** The newest `updated_at` of all local records (0 when empty): seeds the hybrid clock. */
  newestUpdatedAt(): Promise<number>;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string | null): Promise<void>;
  /** Removes `key` only while it still holds `value`, in one write: a value set meanwhile (a discard's) stays. Resolves whether it removed it. */
  clearMetaIf(key: string, value: string): Promise<boolean>;
  /** All outbox entries, oldest first. */
  outbox(): Promise<OutboxEntry[]>;
  /**
   * After a sync ran: removes the entry of every record whose changes the
   * server acknowledged (and that did not change meanwhile) and marks those
   * records `sync_status` 'synced'. Records in `rejected` get `sync_status`
   * 'error' and their entry becomes 'failed' with the server's message; no
   * other entry is affected by them. A record written again after the
   * refused version (its `updated_at` is newer than the rejection's
   * `updatedAt`) is left pending: the server judged a version the device no
   * longer holds, and the newer one goes out with the next push.
   */
  settle(rejected: Record<string, RefusedVersion[]>): Promise<void>;
  /**
   * A sync attempt failed for a reason not tied to one record: pending
   * entries count one more retry; with `exhausted` they become 'failed' with
   * `error` as their text.
   */
  recordFailure(error: string, exhausted: boolean): Promise<void>;
  /** 'failed' entries become 'pending' with a fresh retry count. */
  resetFailed(): Promise<void>;
  /**
   * Records the server refused that nothing has touched since, by table:
   * `sync_status` still 'error' AND their entry still 'failed'. A new local
   * write (`apply` sets 'pending') or `resetFailed` takes a record off the
   * list. Entries failed by `recordFailure` are not refusals and are never
   * listed; nor are locally deleted records (a deletion keeps no
   * `sync_status` to mark).
   */
  refusedUnchanged(): Promise<Record<string, string[]>>;
  /**
   * Drops a record's local change and its entry; the record is removed
   * locally until the server's version is pulled again (`full_pull_needed`
   * metadata is set so the next sync re-reads everything).
   */
  discard(table: SyncedTable, id: string): Promise<void>;
  /**
   * Calls `listener` with the current counts at once and after every change,
   * each change reported (no throttling), never by polling.
   */
  observeCounts(listener: (counts: OutboxCounts) => void): () => void;
}

export const META_FULL_PULL_NEEDED = 'full_pull_needed';
/**
 * Set with META_FULL_PULL_NEEDED when the server did not know this device's
 * cursor (its database was restored from a backup): the pull from 0 then
 * sends the user's own records it did not bring again, instead of dropping them.
 */
export const META_SERVER_RESTORED = 'server_restored';
export const META_CONFLICT_LOG = 'conflict_log';
/** Server clock minus device clock, so a restart while offline still stamps in server time. */
export const META_CLOCK_OFFSET = 'clock_offset';
