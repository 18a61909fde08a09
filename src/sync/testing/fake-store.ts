/**
 * The LocalStore port in memory. Records carry a `_status` like
 * WatermelonDB's ('created' | 'updated' | 'deleted' | 'synced');
 * `acknowledge()` plays the part of synchronize() marking pushed records
 * synced. The contract suite keeps it honest against the real store.
 */
import type { SyncedTable } from '../../shared/schema';
import type {
  LocalOperation,
  LocalStore,
  LocalWrite,
  OutboxCounts,
  OutboxEntry,
  RefusedVersion,
} from '../local-store';
import { META_FULL_PULL_NEEDED, refusalHolds } from '../local-store';
import type { WireRow } from '../ports';

type Status = 'created' | 'updated' | 'deleted' | 'synced';
interface FakeRecord {
  row: WireRow;
  status: Status;
}

let idCounter = 0;

export class FakeStore implements LocalStore {
  records = new Map<string, FakeRecord>();
  entries: OutboxEntry[] = [];
  meta = new Map<string, string>();
  private listeners = new Set<(counts: OutboxCounts) => void>();
  constructor(private wall: () => number = () => 0) {}

  private k(table: string, id: string) {
    return `${table}/${id}`;
  }

  private emit() {
    const counts = this.counts();
    for (const listener of this.listeners) listener(counts);
  }

  counts(): OutboxCounts {
    return { pending: this.entries.length, failed: this.entries.filter((e) => e.status === 'failed').length };
  }

  /** What synchronize() does after a successful push: every changed record becomes synced, deleted ones vanish. */
  acknowledge(except: Set<string> = new Set()) {
    for (const [key, record] of this.records) {
      if (except.has(record.row.id)) continue;
      if (record.status === 'deleted') this.records.delete(key);
      else record.status = 'synced';
    }
  }

  async apply(write: LocalWrite): Promise<string> {
    const id = write.id ?? `fake-${++idCounter}`;
    const key = this.k(write.table, id);
    const existing = this.records.get(key);
    if (write.operation === 'create') {
      this.records.set(key, {
        row: { id, ...write.values, created_at: write.at, updated_at: write.at, sync_status: 'pending', is_deleted: false },
        status: 'created',
      });
    } else {
      if (!existing || existing.status === 'deleted') throw new Error(`${write.table}#${id} not found`);
      if (write.operation === 'delete') existing.status = 'deleted';
      else {
        Object.assign(existing.row, write.values, { updated_at: write.at, sync_status: 'pending' });
        if (existing.status === 'synced') existing.status = 'updated';
      }
    }
    const entry = this.entries.find((e) => e.table === write.table && e.recordId === id);
    if (entry) {
      entry.operation = write.operation === 'delete' ? 'delete' : entry.operation === 'create' ? 'create' : write.operation;
      entry.status = 'pending';
      entry.retryCount = 0;
      entry.error = null;
    } else {
      this.entries.push({ table: write.table, recordId: id, operation: write.operation as LocalOperation, status: 'pending', retryCount: 0, error: null });
    }
    this.emit();
    return id;
  }

  async read(table: SyncedTable, id: string) {
    const record = this.records.get(this.k(table, id));
    return record && record.status !== 'deleted' ? { ...record.row } : null;
  }

  async newestUpdatedAt() {
    let newest = 0;
    for (const r of this.records.values()) newest = Math.max(newest, Number(r.row.updated_at ?? 0));
    return newest;
  }

  async getMeta(key: string) {
    return this.meta.get(key) ?? null;
  }

  async setMeta(key: string, value: string | null) {
    if (value === null) this.meta.delete(key);
    else this.meta.set(key, value);
  }

  async clearMetaIf(key: string, value: string) {
    if (this.meta.get(key) !== value) return false;
    this.meta.delete(key);
    return true;
  }

  async outbox() {
    return this.entries.map((e) => ({ ...e }));
  }

  async settle(rejected: Record<string, RefusedVersion[]>) {
    const now = this.wall();
    this.entries = this.entries.filter((entry) => {
      const record = this.records.get(this.k(entry.table, entry.recordId));
      const rejection = rejected[entry.table]?.find((r) => r.id === entry.recordId);
      if (!record) return false;
      if (record.status === 'synced') {
        Object.assign(record.row, { sync_status: 'synced', last_synced_at: now, server_id: record.row.id });
        return false;
      }
      if (rejection && refusalHolds(rejection, record.row.updated_at)) {
        record.row.sync_status = 'error';
        entry.status = 'failed';
        entry.error = `${rejection.code}: ${rejection.message}`;
      }
      return true;
    });
    this.emit();
  }

  async recordFailure(error: string, exhausted: boolean) {
    for (const entry of this.entries) {
      if (entry.status === 'failed') continue;
      entry.retryCount += 1;
      entry.status = exhausted ? 'failed' : 'pending';
      entry.error = error;
    }
    this.emit();
  }

  async resetFailed() {
    for (const entry of this.entries) {
      if (entry.status !== 'failed') continue;
      entry.status = 'pending';
      entry.retryCount = 0;
    }
    this.emit();
  }

  async refusedUnchanged() {
    const refused: Record<string, string[]> = {};
    for (const entry of this.entries) {
      if (entry.status !== 'failed') continue;
      const record = this.records.get(this.k(entry.table, entry.recordId));
      if (!record || record.status === 'deleted' || record.row.sync_status !== 'error') continue;
      (refused[entry.table] ??= []).push(entry.recordId);
    }
    return refused;
  }

  async discard(table: SyncedTable, id: string) {
    this.records.delete(this.k(table, id));
    this.entries = this.entries.filter((e) => !(e.table === table && e.recordId === id));
    this.meta.set(META_FULL_PULL_NEEDED, '1');
    this.emit();
  }

  observeCounts(listener: (counts: OutboxCounts) => void) {
    this.listeners.add(listener);
    listener(this.counts());
    return () => {
      this.listeners.delete(listener);
    };
  }
}
