/**
 * Browser floors, served from their own origin: WatermelonDB + LokiJS
 * (incremental IndexedDB) with the app's own schema and adapter settings,
 * without the app around it.
 */
import { Q } from '@nozbe/watermelondb';
import type { Database } from '@nozbe/watermelondb';
import { synchronize } from '@nozbe/watermelondb/sync';
import type { SyncDatabaseChangeSet } from '@nozbe/watermelondb/sync';
import { createDatabase } from '../../src/sync/watermelon/loki-adapter';
import { saveLoki, lokiOf } from '../../src/sync/watermelon/loki-persistence';

let database: Database | null = null;
const open = () => (database ??= createDatabase('bench-floor'));

const api = {
  /**
   * synchronize() of the pulled records from memory, then the LokiJS save: ms;
   * and, apart, the fetch of the same bytes over loopback with their parse (`fetchMs`).
   */
  async sync(dataUrl: string): Promise<{ ms: number; fetchMs: number }> {
    const f0 = performance.now();
    const body = (await (await fetch(dataUrl, { cache: 'no-store' })).json()) as { changes: SyncDatabaseChangeSet };
    const fetchMs = performance.now() - f0;
    const db = open();
    await db.get('references').query().fetchCount(); // the adapter is set up before the clock starts
    const t0 = performance.now();
    await synchronize({
      database: db,
      pullChanges: async () => ({ changes: body.changes, timestamp: 1 }),
      pushChanges: async () => {},
    });
    await saveLoki(lokiOf(db));
    const ms = performance.now() - t0;
    const expected = (body.changes as Record<string, { created: unknown[] } | undefined>)['references']?.created.length ?? 0;
    const rows = await db.get('references').query().fetchCount();
    if (rows < expected) throw new Error(`floor sync stored ${rows} of ${expected} rows`);
    return { ms, fetchMs };
  },
  /** Cold start: open the database and fetch every row; ms since navigation start. */
  async openAll(): Promise<{ ms: number; rows: number }> {
    const rows = await open().get('references').query().fetch();
    return { ms: performance.now(), rows: rows.length };
  },
  /** query.observe() notification after a create, `n` times: ms each. */
  async observe(userId: string, n: number): Promise<number[]> {
    const db = open();
    const query = db.get('references').query(Q.where('user_id', userId), Q.where('is_deleted', Q.notEq(true)), Q.sortBy('created_at', Q.desc));
    let notify: (() => void) | null = null;
    let first = true;
    const sub = query.observe().subscribe(() => {
      if (first) first = false;
      notify?.();
    });
    await new Promise((r) => setTimeout(r, 100));
    const times: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const seen = new Promise<void>((r) => (notify = r));
      const t0 = performance.now();
      void db.write(() =>
        db.get('references').create((rec) => {
          const raw = rec._raw as unknown as Record<string, unknown>;
          Object.assign(raw, { user_id: userId, referee_name: `Floor ${i}`, referee_email: 'floor@example.org', message: '', status: 'pending', created_at: Date.now(), updated_at: Date.now(), is_deleted: false, sync_status: 'pending' });
        }),
      );
      await seen;
      times.push(performance.now() - t0);
      notify = null;
      await new Promise((r) => setTimeout(r, 5));
    }
    sub.unsubscribe();
    await saveLoki(lokiOf(db));
    return times;
  },
};

(window as unknown as { __floor: typeof api }).__floor = api;
document.title = 'floor ready';
