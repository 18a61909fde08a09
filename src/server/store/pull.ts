/**
 * The pull snapshot, and why the cursor never misses a commit.
 *
 * The cursor is a counter, not a clock. Every writing transaction first locks
 * the single `sync_counter` row (`SELECT ... FOR UPDATE`), hands out
 * counter+1, counter+2, ... to each row, grant and departure it writes, stores
 * the last value and commits, releasing the lock. So writers run one after
 * another: all values of a transaction are larger than those of every
 * transaction committed before it, and smaller than those of every later one.
 *
 * A pull runs in ONE REPEATABLE READ snapshot: it reads the counter value C
 * and the changes with `since < seq` from that same snapshot. A writer that
 * committed before the snapshot has all its changes visible, all <= C. A
 * writer not yet committed when the snapshot was taken starts from a counter
 * >= C (it read the counter after the previous holder committed), so it
 * only ever commits values > C, which the next pull from C will see. Thus
 * returning C neither skips an in-flight commit nor returns half of one, and
 * wall-clock time never enters.
 *
 * Values are unique per entry, so a page ends exactly after one entry: with
 * more to come, the cursor is the last returned entry's value (not C).
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { references, syncCounter, users } from './tables';
import type { Db } from './write-tx';
import type { PullEntry, PullSnapshot, StoredReference, StoredUser, Viewer } from './types';

interface EntryRow {
  kind: string;
  tbl: string;
  id: string;
  seq: string | number | bigint;
  created: boolean;
}

function entriesQuery(viewer: Viewer, since: number, limit: number) {
  return sql`SELECT kind, tbl, id, seq, created FROM (${visibleEntries(viewer, since)}) e ORDER BY seq LIMIT ${limit + 1}`;
}

function countQuery(viewer: Viewer, since: number) {
  return sql`SELECT count(*) AS n FROM (${visibleEntries(viewer, since)}) e`;
}

function visibleEntries(viewer: Viewer, since: number) {
  const s = sql`${since}::bigint`;
  // Tombstones and departures matter only to a client that has data already.
  const withDeletions = sql.raw(since > 0 ? "true" : "false");
  return sql`
      SELECT 'row' AS kind, 'users' AS tbl, u.id, u.seq, u.created_seq > ${s} AS created
        FROM users u WHERE u.id = ${viewer.id} AND u.seq > ${s}
      UNION ALL
      SELECT 'row', 'users', u.id, GREATEST(u.seq, g.seq), g.seq > ${s}
        FROM user_grants g JOIN users u ON u.id = g.candidate_id
        WHERE g.referee_email = ${viewer.email} AND u.id <> ${viewer.id} AND GREATEST(u.seq, g.seq) > ${s}
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, r.seq, r.created_seq > ${s}
        FROM "references" r
        WHERE r.user_id = ${viewer.id} AND r.seq > ${s} AND (${withDeletions} OR NOT r.is_deleted)
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, r.seq, r.created_seq > ${s}
        FROM "references" r
        WHERE r.referee_email = ${viewer.email} AND r.user_id <> ${viewer.id} AND r.seq > ${s}
          AND (${withDeletions} OR NOT r.is_deleted)
      UNION ALL
      SELECT 'deleted', 'references', d.reference_id, d.seq, false
        FROM reference_departures d JOIN "references" r ON r.id = d.reference_id
        WHERE ${withDeletions} AND d.referee_email = ${viewer.email} AND d.seq > ${s}
          AND r.user_id <> ${viewer.id} AND r.referee_email <> ${viewer.email}`;
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function readPullSnapshot(db: Db, viewer: Viewer, since: number, limit: number): Promise<PullSnapshot> {
  return db.transaction(
    async (tx) => {
      const counterRows = await tx.select({ seq: syncCounter.seq }).from(syncCounter).where(eq(syncCounter.id, 1));
      const counter = Number(counterRows[0]?.seq ?? 0);
      // A cursor this database never issued (it was reset or replaced): start over rather than miss data.
      if (since > counter) since = 0;
      const raw = rowsOf<EntryRow>(await tx.execute(entriesQuery(viewer, since, limit)));
      const more = raw.length > limit;
      // Counted once, on the first page of a long pull from 0: a first sync shows "received of total" for one scan.
      const remaining = more && since === 0 ? Number(rowsOf<{ n: string | number }>(await tx.execute(countQuery(viewer, since)))[0]?.n ?? 0) - limit : null;
      const entries: PullEntry[] = raw.slice(0, limit).map((r) => ({
        kind: r.kind === 'deleted' ? 'deleted' : 'row',
        table: r.tbl === 'users' ? 'users' : 'references',
        id: r.id,
        seq: Number(r.seq),
        created: Boolean(r.created),
      }));
      const userIds = entries.filter((e) => e.kind === 'row' && e.table === 'users').map((e) => e.id);
      const refIds = entries.filter((e) => e.kind === 'row' && e.table === 'references').map((e) => e.id);
      const userMap = new Map<string, StoredUser>();
      const refMap = new Map<string, StoredReference>();
      for (let i = 0; i < userIds.length; i += 1_000) {
        const part = userIds.slice(i, i + 1_000);
        for (const row of await tx.select().from(users).where(inArray(users.id, part))) userMap.set(row.id, row);
      }
      for (let i = 0; i < refIds.length; i += 1_000) {
        const part = refIds.slice(i, i + 1_000);
        for (const row of await tx.select().from(references).where(inArray(references.id, part))) refMap.set(row.id, row);
      }
      return { counter, entries, more, remaining, users: userMap, references: refMap };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
