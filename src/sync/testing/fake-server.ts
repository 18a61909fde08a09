/**
 * An in-memory stand-in for the sync server, close enough to CONTRACT §3 for
 * engine tests: the REAL merge rule (src/shared/merge.ts: per-column
 * last-write-wins, deletion wins, stamps too far ahead clamped), a change
 * sequence as the pull cursor, paging with `more`, conflicts and per-record
 * rejections, in the protocol's wire types. Permissions, visibility and
 * storage are the real server's, which the integration tests run.
 */
import { createState, lostAnyColumn, mergeWrite, type ColumnValue, type MergeState } from '../../shared/merge';
import type { ChangeSet, PullResponse, PushConflict, PushRejection, PushResponse, Transport, WireRow } from '../ports';

interface StoredRow {
  id: string;
  state: MergeState<string>;
  /** Columns a write carried that are not data (created_at): kept as sent, never merged. */
  extra: Record<string, unknown>;
  seq: number;
}

const META = new Set(['id', '_changed', '_status', 'sync_status', 'last_synced_at', 'server_id', 'updated_at', 'is_deleted', 'created_at']);

export interface FakeServerOptions {
  now?: () => number;
  pageLimit?: number;
  /** Return a rejection for a record to refuse it. */
  reject?: (table: string, row: WireRow) => Omit<PushRejection, 'id'> | null;
}

function columnValue(value: unknown): ColumnValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}

/** The columns a pushed row changes: `_changed` when it says, else every data column present. */
function changesOf(row: WireRow, columns?: string[]): Record<string, ColumnValue> {
  const names =
    columns ??
    (typeof row._changed === 'string' && row._changed ? row._changed.split(',') : Object.keys(row)).filter((c) => !META.has(c));
  const changes: Record<string, ColumnValue> = {};
  for (const column of names) if (column in row) changes[column] = columnValue(row[column]);
  return changes;
}

function rowOf(stored: StoredRow): WireRow {
  return { ...stored.extra, ...stored.state.values, id: stored.id, updated_at: stored.state.updatedAt };
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

  /** Merges one write into the stored record; returns the per-column outcome, or null when nothing was stored. */
  private write(table: string, row: WireRow, changes: Record<string, ColumnValue>, deleted: boolean, receivedAt = this.now()) {
    const stored = this.table(table).get(row.id);
    const write = { changes, updatedAt: Number(row.updated_at ?? 0), deleted };
    const result = stored ? mergeWrite(stored.state, write, receivedAt) : createState<string>({}, write, receivedAt);
    const extra = stored?.extra ?? { created_at: row.created_at };
    if (result.changed || result.clampRemembered || !stored) {
      this.table(table).set(row.id, { id: row.id, state: result.state, extra, seq: ++this.seq });
    }
    return { result, stored };
  }

  /** Writes as another client did (full row, one updated_at for every column), received when it was stamped. */
  serverWrite(table: string, row: WireRow) {
    const at = Number(row.updated_at ?? 0);
    this.write(table, row, changesOf(row, Object.keys(row).filter((c) => !META.has(c))), false, Math.max(this.now(), at));
  }

  serverDelete(table: string, id: string) {
    const stored = this.table(table).get(id);
    if (stored) this.write(table, { id, updated_at: stored.state.updatedAt }, {}, true);
  }

  get(table: string, id: string): WireRow | undefined {
    const stored = this.tables.get(table)?.get(id);
    return stored && !stored.state.deleted ? rowOf(stored) : undefined;
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
      if (stored.state.deleted) {
        if (since > 0) set.deleted.push(stored.id);
      } else set.updated.push({ ...rowOf(stored), is_deleted: false });
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
        const { result, stored } = this.write(table, row, changesOf(row), false);
        if (!stored || stored.state.deleted) continue;
        if (lostAnyColumn(result.columns)) conflicts.push({ table, id: row.id, winner: 'server' });
        else if (Object.entries(result.columns).some(([column, outcome]) => outcome === 'local' && stored.state.times[column] !== undefined)) {
          conflicts.push({ table, id: row.id, winner: 'local' });
        }
      }
      for (const id of set.deleted) {
        const stored = this.table(table).get(id);
        this.write(table, { id, updated_at: stored?.state.updatedAt ?? this.now() }, {}, true);
      }
    }
    return { conflicts, rejected, serverTime: this.now() };
  }

  /** A Transport backed by this server, logging `pull:<since>` / `push:<n>`. */
  transport(): Transport {
    return {
      pull: async (since, limit, onNext) => {
        this.log.push(`pull:${since}`);
        const error = this.failNext?.('pull');
        if (error) throw error;
        const page = structuredCloneSafe(this.pull(since, limit));
        // As the HTTP transport does with NEXT_CURSOR_HEADER: the next cursor before the page is returned.
        if (page.more) onNext?.(page.timestamp);
        return page;
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
