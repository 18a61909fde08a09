/**
 * An in-memory stand-in for the sync server, close enough to CONTRACT §3 for
 * engine tests: per-column last-write-wins by updated_at (tie: server keeps),
 * deletion wins, a change sequence as the pull cursor, paging with `more`,
 * conflicts and per-record rejections. Not a second implementation of the
 * server's merge: integration tests run the real one.
 */
import type { ChangeSet, PullResponse, PushConflict, PushRejection, PushResponse, Transport, WireRow } from '../ports';

interface StoredRow {
  row: WireRow;
  columnTimes: Record<string, number>;
  seq: number;
  deleted: boolean;
}

const META = new Set(['id', '_changed', '_status', 'sync_status', 'last_synced_at', 'server_id', 'updated_at', 'is_deleted']);

export interface FakeServerOptions {
  now?: () => number;
  pageLimit?: number;
  /** Return a rejection for a record to refuse it. */
  reject?: (table: string, row: WireRow) => Omit<PushRejection, 'id'> | null;
}

export class FakeServer {
  tables = new Map<string, Map<string, StoredRow>>();
  seq = 0;
  log: string[] = [];
  now: () => number;
  pageLimit: number;
  rejectRule: FakeServerOptions['reject'];
  /** Set to make the next calls fail. */
  failNext: ((kind: 'pull' | 'push') => Error | null) | null = null;
  /** Runs inside push before the response is returned (simulate concurrent writes). */
  duringPush: (() => Promise<void>) | null = null;

  constructor(options: FakeServerOptions = {}) {
    this.now = options.now ?? (() => 1_000_000);
    this.pageLimit = options.pageLimit ?? 1_000;
    this.rejectRule = options.reject;
  }

  private table(name: string) {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  /** Writes as another client would (full row, one updated_at for every column). */
  serverWrite(table: string, row: WireRow) {
    const stored = this.table(table).get(row.id);
    const at = Number(row.updated_at);
    const columnTimes: Record<string, number> = { ...(stored?.columnTimes ?? {}) };
    const merged: WireRow = { ...(stored?.row ?? {}), ...row };
    for (const column of Object.keys(row)) if (!META.has(column)) columnTimes[column] = at;
    this.table(table).set(row.id, { row: merged, columnTimes, seq: ++this.seq, deleted: false });
  }

  serverDelete(table: string, id: string) {
    const stored = this.table(table).get(id);
    if (stored) {
      stored.deleted = true;
      stored.seq = ++this.seq;
    }
  }

  get(table: string, id: string): WireRow | undefined {
    const stored = this.tables.get(table)?.get(id);
    return stored && !stored.deleted ? stored.row : undefined;
  }

  /** `pageLimit` is the server's maximum, as the real server clamps a larger `limit`. */
  pull(since: number, requested = this.pageLimit): PullResponse {
    const limit = Math.min(requested, this.pageLimit);
    const all: { table: string; stored: StoredRow }[] = [];
    for (const [table, rows] of this.tables) {
      for (const stored of rows.values()) if (stored.seq > since) all.push({ table, stored });
    }
    all.sort((a, b) => a.stored.seq - b.stored.seq);
    const page = all.slice(0, limit);
    const changes: ChangeSet = {};
    for (const { table, stored } of page) {
      const set = (changes[table] ??= { created: [], updated: [], deleted: [] });
      if (stored.deleted) {
        if (since > 0) set.deleted.push(stored.row.id);
      } else set.updated.push({ ...stored.row, is_deleted: false });
    }
    for (const t of ['users', 'references']) changes[t] ??= { created: [], updated: [], deleted: [] };
    const more = all.length > page.length;
    const last = page[page.length - 1];
    const timestamp = more && last ? last.stored.seq : this.seq;
    const result: PullResponse = { changes, timestamp: Math.max(timestamp, 1), serverTime: this.now() };
    if (more) result.more = true;
    return result;
  }

  push(changes: ChangeSet): PushResponse {
    const conflicts: PushConflict[] = [];
    const rejected: Record<string, PushRejection[]> = {};
    for (const [table, set] of Object.entries(changes)) {
      if (!set) continue;
      for (const row of [...set.created, ...set.updated]) {
        const rule = this.rejectRule?.(table, row);
        if (rule) {
          (rejected[table] ??= []).push({ id: row.id, ...rule });
          continue;
        }
        const stored = this.table(table).get(row.id);
        if (stored?.deleted) continue;
        const stamped = Number(row.updated_at);
        // CONTRACT §3: more than 60 s ahead of the server counts as the time of receipt.
        const at = stamped > this.now() + 60_000 ? this.now() : stamped;
        const changed =
          typeof row._changed === 'string' && row._changed
            ? row._changed.split(',').filter((c) => !META.has(c))
            : Object.keys(row).filter((c) => !META.has(c));
        const next: StoredRow = stored ?? { row: { id: row.id }, columnTimes: {}, seq: 0, deleted: false };
        let lost = false;
        let wonOver = false;
        let wrote = false;
        for (const column of changed) {
          const previous = next.columnTimes[column];
          if (previous === undefined || at > previous) {
            if (previous !== undefined && next.row[column] !== row[column]) wonOver = true;
            next.row[column] = row[column];
            next.columnTimes[column] = at;
            wrote = true;
          } else if (next.row[column] !== row[column]) lost = true;
        }
        if (!stored) {
          for (const [column, value] of Object.entries(row)) {
            if (!META.has(column) && !(column in next.row)) next.row[column] = value;
          }
          next.row.created_at = row.created_at;
        }
        if (wrote) {
          next.row.updated_at = Math.max(Number(next.row.updated_at ?? 0), at);
          next.seq = ++this.seq;
          this.table(table).set(row.id, next);
        }
        if (lost) conflicts.push({ table, id: row.id, winner: 'server' });
        else if (wonOver && stored) conflicts.push({ table, id: row.id, winner: 'local' });
      }
      for (const id of set.deleted) {
        const stored = this.table(table).get(id);
        if (stored && !stored.deleted) {
          stored.deleted = true;
          stored.seq = ++this.seq;
        } else if (!stored) {
          this.table(table).set(id, { row: { id }, columnTimes: {}, seq: ++this.seq, deleted: true });
        }
      }
    }
    return { conflicts, rejected, serverTime: this.now() };
  }

  /** A Transport backed by this server, logging `pull:<since>` / `push:<n>`. */
  transport(): Transport {
    return {
      pull: async (since, limit) => {
        this.log.push(`pull:${since}`);
        const error = this.failNext?.('pull');
        if (error) throw error;
        return structuredCloneSafe(this.pull(since, limit));
      },
      push: async (changes) => {
        let n = 0;
        for (const set of Object.values(changes)) if (set) n += set.created.length + set.updated.length + set.deleted.length;
        this.log.push(`push:${n}`);
        const error = this.failNext?.('push');
        if (error) throw error;
        const response = this.push(structuredCloneSafe(changes));
        if (this.duringPush) await this.duringPush();
        return response;
      },
    };
  }
}

function structuredCloneSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
