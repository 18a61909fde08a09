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
import { syncCounter, users } from './tables';
import type { Db } from './write-tx';
import type { PullEntry, PulledReference, PullSnapshot, StoredUser, Viewer } from './types';

interface EntryRow {
  kind: string;
  tbl: string;
  id: string;
  seq: string | number | bigint;
  created: boolean;
}

/** A page's entry with, for a `references` row, the columns clients receive (NULL otherwise). */
interface EntryWithRow extends EntryRow {
  user_id: string | null;
  referee_name: string | null;
  referee_email: string | null;
  message: string | null;
  status: string | null;
  response: string | null;
  responded_at: string | number | bigint | null;
  created_at: string | number | bigint | null;
  updated_at: string | number | bigint | null;
}

/**
 * The page: entries in cursor order, each `references` row carrying the
 * columns clients receive. Read in the same pass as the entries, not by id
 * afterwards, and without the merge bookkeeping (jsonb) that clients never
 * see: decoding those columns cost more than the rest of the page.
 */
function entriesQuery(viewer: Viewer, since: number, limit: number) {
  return sql`SELECT * FROM (${visibleEntries(viewer, since, true)}) e ORDER BY seq LIMIT ${limit + 1}`;
}

function countQuery(viewer: Viewer, since: number) {
  return sql`SELECT count(*) AS n FROM (${visibleEntries(viewer, since, false)}) e`;
}

const REFERENCE_COLUMNS = sql.raw('r.user_id, r.referee_name, r.referee_email, r.message, r.status, r.response, r.responded_at, r.created_at, r.updated_at');
const NO_REFERENCE_COLUMNS = sql.raw(
  'NULL::text AS user_id, NULL::text AS referee_name, NULL::text AS referee_email, NULL::text AS message, NULL::text AS status, ' +
    'NULL::text AS response, NULL::bigint AS responded_at, NULL::bigint AS created_at, NULL::bigint AS updated_at',
);

function visibleEntries(viewer: Viewer, since: number, withRows: boolean) {
  const s = sql`${since}::bigint`;
  // Tombstones and departures matter only to a client that has data already.
  const withDeletions = sql.raw(since > 0 ? "true" : "false");
  const refCols = withRows ? sql`, ${REFERENCE_COLUMNS}` : sql``;
  const noCols = withRows ? sql`, ${NO_REFERENCE_COLUMNS}` : sql``;
  return sql`
      SELECT 'row' AS kind, 'users' AS tbl, u.id, u.seq, u.created_seq > ${s} AS created${noCols}
        FROM users u WHERE u.id = ${viewer.id} AND u.seq > ${s}
      UNION ALL
      SELECT 'row', 'users', u.id, GREATEST(u.seq, g.seq), g.seq > ${s}${noCols}
        FROM user_grants g JOIN users u ON u.id = g.candidate_id
        WHERE g.referee_email = ${viewer.email} AND u.id <> ${viewer.id} AND GREATEST(u.seq, g.seq) > ${s}
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, r.seq, r.created_seq > ${s}${refCols}
        FROM "references" r
        WHERE r.user_id = ${viewer.id} AND r.seq > ${s} AND (${withDeletions} OR NOT r.is_deleted)
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, r.seq, r.created_seq > ${s}${refCols}
        FROM "references" r
        WHERE r.referee_email = ${viewer.email} AND r.user_id <> ${viewer.id} AND r.seq > ${s}
          AND (${withDeletions} OR NOT r.is_deleted)
      UNION ALL
      SELECT 'deleted', 'references', d.reference_id, d.seq, false${noCols}
        FROM reference_departures d JOIN "references" r ON r.id = d.reference_id
        WHERE ${withDeletions} AND d.referee_email = ${viewer.email} AND d.seq > ${s}
          AND r.user_id <> ${viewer.id} AND r.referee_email <> ${viewer.email}`;
}

const numberOrNull = (v: string | number | bigint | null) => (v === null ? null : Number(v));

function pulledReference(r: EntryWithRow): PulledReference {
  return {
    id: r.id,
    userId: r.user_id ?? '',
    refereeName: r.referee_name ?? '',
    refereeEmail: r.referee_email ?? '',
    message: r.message ?? '',
    status: r.status ?? '',
    response: r.response,
    respondedAt: numberOrNull(r.responded_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
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
      const raw = rowsOf<EntryWithRow>(await tx.execute(entriesQuery(viewer, since, limit)));
      const more = raw.length > limit;
      // Counted once, on the first page of a long pull from 0: a first sync shows "received of total" for one scan.
      const remaining = more && since === 0 ? Number(rowsOf<{ n: string | number }>(await tx.execute(countQuery(viewer, since)))[0]?.n ?? 0) - limit : null;
      const page = raw.slice(0, limit);
      const entries: PullEntry[] = page.map((r) => ({
        kind: r.kind === 'deleted' ? 'deleted' : 'row',
        table: r.tbl === 'users' ? 'users' : 'references',
        id: r.id,
        seq: Number(r.seq),
        created: Boolean(r.created),
      }));
      const userIds = entries.filter((e) => e.kind === 'row' && e.table === 'users').map((e) => e.id);
      const userMap = new Map<string, StoredUser>();
      const refMap = new Map<string, PulledReference>();
      for (let i = 0; i < userIds.length; i += 1_000) {
        const part = userIds.slice(i, i + 1_000);
        for (const row of await tx.select().from(users).where(inArray(users.id, part))) userMap.set(row.id, row);
      }
      for (const r of page) if (r.kind !== 'deleted' && r.tbl === 'references') refMap.set(r.id, pulledReference(r));
      return { counter, entries, more, remaining, users: userMap, references: refMap };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
