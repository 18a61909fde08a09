/**
 * Rows out of the writer's database and into a follower's copy.
 *
 * Writer side: `watchRows` reports every committed change as raw rows, in
 * commit order and synchronously with the commit (WatermelonDB emits a
 * collection's `changes` inside batch()), so a message posted from the
 * listener can never overtake a later change. `snapshotRows` reads every row
 * inside `database.read`, where no write can interleave, and hands them over
 * before the read ends.
 *
 * Follower side: `applyRows`/`applySnapshot` write those raws as they are
 * (`_status`/`_changed` included) into the follower's in-memory database, in
 * one db.write each, so its screens update through ordinary observation.
 * Records marked deleted are removed: nothing on a follower syncs them.
 */
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import { prepareSilentUpdate } from './watermelon-store';

/** A record's raw row as WatermelonDB holds it (`_status`/`_changed` included). */
export type RawRow = { id: string } & Record<string, unknown>;

/** Every table of the schema; the follower's copy holds all of them. */
const MIRRORED_TABLES = ['users', 'references', 'sync_queue', 'sync_metadata'] as const;

export interface RowChanges {
  table: string;
  upserts: RawRow[];
  removes: string[];
}

function rawCopy(record: Model): RawRow {
  return { ...(record._raw as unknown as RawRow) };
}

export function watchRows(database: Database, listener: (changes: RowChanges) => void): () => void {
  const subscriptions = MIRRORED_TABLES.map((table) =>
    database.get<Model>(table).changes.subscribe((changeSet) => {
      const upserts: RawRow[] = [];
      const removes: string[] = [];
      for (const { record, type } of changeSet) {
        const raw = rawCopy(record);
        if (type === 'destroyed' || raw._status === 'deleted') removes.push(record.id);
        else upserts.push(raw);
      }
      if (upserts.length || removes.length) listener({ table, upserts, removes });
    }),
  );
  return () => subscriptions.forEach((s) => s.unsubscribe());
}

/** Calls `handOver` with every live row, synchronously inside a read: no write lands between. */
export async function snapshotRows(database: Database, handOver: (rows: Record<string, RawRow[]>) => void): Promise<void> {
  await database.read(async () => {
    const rows: Record<string, RawRow[]> = {};
    for (const table of MIRRORED_TABLES) {
      rows[table] = (await database.get<Model>(table).query().fetch()).map(rawCopy);
    }
    handOver(rows);
  }, 'tab-snapshot');
}

function sameRaw(a: Record<string, unknown>, b: RawRow): boolean {
  const keys = Object.keys(b);
  if (keys.length !== Object.keys(a).length) return false;
  return keys.every((k) => a[k] === b[k]);
}

async function prepareTable(database: Database, table: string, upserts: RawRow[], removes: Set<string>): Promise<Model[]> {
  const collection = database.get<Model>(table);
  const ids = [...upserts.map((r) => r.id), ...removes];
  if (!ids.length) return [];
  const existing = new Map((await collection.query(Q.where('id', Q.oneOf(ids))).fetch()).map((r) => [r.id, r]));
  const ops: Model[] = [];
  for (const raw of upserts) {
    if (removes.has(raw.id)) continue;
    const record = existing.get(raw.id);
    if (!record) ops.push(collection.prepareCreateFromDirtyRaw(raw));
    else if (!sameRaw(record._raw as unknown as Record<string, unknown>, raw)) ops.push(prepareSilentUpdate(record, raw));
  }
  for (const id of removes) {
    const record = existing.get(id);
    if (record) ops.push(record.prepareDestroyPermanently());
  }
  return ops;
}

/** Applies changes in the order given (a later change of the same row wins). */
export async function applyRows(database: Database, changes: RowChanges[]): Promise<void> {
  // Fold to the last word per row first: one batch may not touch a record twice.
  const byTable = new Map<string, Map<string, RawRow | null>>();
  for (const change of changes) {
    let rows = byTable.get(change.table);
    if (!rows) byTable.set(change.table, (rows = new Map()));
    for (const raw of change.upserts) rows.set(raw.id, raw);
    for (const id of change.removes) rows.set(id, null);
  }
  await database.write(async () => {
    const ops: Model[] = [];
    for (const [table, rows] of byTable) {
      const upserts = [...rows.values()].filter((r): r is RawRow => r !== null);
      const removes = new Set([...rows].filter(([, r]) => r === null).map(([id]) => id));
      ops.push(...(await prepareTable(database, table, upserts, removes)));
    }
    if (ops.length) await database.batch(...ops);
  }, 'tab-apply-rows');
}

/** Makes the database hold exactly `rows` (rows it has that are not there are removed). */
export async function applySnapshot(database: Database, rows: Record<string, RawRow[]>): Promise<void> {
  await database.write(async () => {
    const ops: Model[] = [];
    for (const table of MIRRORED_TABLES) {
      const wanted = rows[table] ?? [];
      const keep = new Set(wanted.map((r) => r.id));
      const present = await database.get<Model>(table).query().fetch();
      const removes = new Set(present.filter((r) => !keep.has(r.id)).map((r) => r.id));
      ops.push(...(await prepareTable(database, table, wanted, removes)));
    }
    if (ops.length) await database.batch(...ops);
  }, 'tab-apply-snapshot');
}
