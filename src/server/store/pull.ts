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
 * A pull page is ONE statement, so it reads from one snapshot: the counter
 * value C and the changes with `since < seq` (and, on a first page, their
 * count) come from the same snapshot, without a transaction around them. A writer that
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
import { sql } from 'drizzle-orm';
import type { Db } from './write-tx';
import type { PullEntry, PulledReference, PulledUser, PullSnapshot, PullViewer } from './types';

interface EntryRow {
  kind: string;
  tbl: string;
  id: string;
  seq: string | number | bigint;
  created: boolean;
}

/**
 * One row of a page. `kind` 'counter' and 'total' rows carry the counter and
 * the count in `seq`; every other row is an entry with its row's columns
 * (NULL where they do not apply; a users row has its name and email in
 * `referee_name` and `referee_email`).
 */
interface PageRow {
  kind: string;
  tbl: string | null;
  id: string | null;
  seq: string | number | bigint;
  created: boolean | null;
  user_id: string | null;
  referee_name: string | null;
  referee_email: string | null;
  message: string | null;
  status: string | null;
  response: string | null;
  responded_at: string | number | bigint | null;
  reminded_at: string | number | bigint | null;
  created_at: string | number | bigint | null;
  updated_at: string | number | bigint | null;
}

/**
 * The page as ONE statement: the counter, on a pull from 0 the count, and the
 * entries in cursor order, each row carrying the columns clients receive. The
 * rows are read in the same pass as the entries (not by id afterwards) and
 * without the merge bookkeeping (jsonb) that clients never see: decoding those
 * columns cost more than the rest of the page.
 */
function pageQuery(viewer: PullViewer, since: number, limit: number) {
  const total =
    since === 0 ? sql`UNION ALL SELECT 'total', NULL, NULL, count(*), NULL, ${NO_COLUMNS} FROM (${visibleEntries(viewer, since, false)}) n` : sql``;
  return sql`SELECT 'counter' AS kind, NULL::text AS tbl, NULL::text AS id, seq, NULL::boolean AS created, ${NO_COLUMNS} FROM sync_counter WHERE id = 1
    ${total}
    UNION ALL (SELECT * FROM (${visibleEntries(viewer, since, true)}) v ORDER BY seq LIMIT ${limit + 1})`;
}

const USER_COLUMNS = sql.raw(
  'NULL::text AS user_id, u.name AS referee_name, u.email AS referee_email, NULL::text AS message, ' +
    'NULL::text AS status, NULL::text AS response, NULL::bigint AS responded_at, NULL::bigint AS reminded_at, u.created_at, u.updated_at',
);
/** A candidate's row as a referee receives it: id, name and email, nothing else (CONTRACT §3). */
const GRANTED_USER_COLUMNS = sql.raw(
  'NULL::text AS user_id, u.name AS referee_name, u.email AS referee_email, NULL::text AS message, ' +
    'NULL::text AS status, NULL::text AS response, NULL::bigint AS responded_at, NULL::bigint AS reminded_at, 0::bigint AS created_at, 0::bigint AS updated_at',
);
const REFERENCE_COLUMNS = sql.raw(
  'r.user_id, r.referee_name, r.referee_email, r.message, r.status, r.response, r.responded_at, r.reminded_at, r.created_at, r.updated_at',
);
const NO_COLUMNS = sql.raw(
  'NULL::text AS user_id, NULL::text AS referee_name, NULL::text AS referee_email, NULL::text AS message, NULL::text AS status, ' +
    'NULL::text AS response, NULL::bigint AS responded_at, NULL::bigint AS reminded_at, NULL::bigint AS created_at, NULL::bigint AS updated_at',
);

/**
 * Everything a viewer may see that changed after `since`. What is addressed
 * to the viewer's email (references, their candidates' rows, departures)
 * exists for them only once they verified it; verifying gives each such
 * reference a `reveals` entry (and each grant a new value) with its own cursor
 * value, so an incremental pull brings what was there before.
 */
function visibleEntries(viewer: PullViewer, since: number, withRows: boolean) {
  const s = sql`${since}::bigint`;
  // Tombstones and departures matter only to a client that has data already.
  const withDeletions = sql.raw(since > 0 ? 'true' : 'false');
  const userCols = withRows ? sql`, ${USER_COLUMNS}` : sql``;
  const grantedCols = withRows ? sql`, ${GRANTED_USER_COLUMNS}` : sql``;
  const refCols = withRows ? sql`, ${REFERENCE_COLUMNS}` : sql``;
  const noCols = withRows ? sql`, ${NO_COLUMNS}` : sql``;
  const own = sql`
      SELECT 'row' AS kind, 'users' AS tbl, u.id, u.seq, u.created_seq > ${s} AS created${userCols}
        FROM users u WHERE u.id = ${viewer.id} AND u.seq > ${s}
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, r.seq, r.created_seq > ${s}${refCols}
        FROM "references" r
        WHERE r.user_id = ${viewer.id} AND r.seq > ${s} AND (${withDeletions} OR NOT r.is_deleted)`;
  if (!viewer.verified) return own;
  const verifiedSeq = sql`${viewer.verifiedSeq ?? 0}::bigint`;
  return sql`${own}
      UNION ALL
      SELECT 'row', 'users', u.id, GREATEST(u.seq, g.seq), g.seq > ${s}${grantedCols}
        FROM user_grants g JOIN users u ON u.id = g.candidate_id
        WHERE g.referee_email = ${viewer.email} AND u.id <> ${viewer.id} AND GREATEST(u.seq, g.seq) > ${s}
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, GREATEST(r.seq, COALESCE(v.seq, 0)),
          GREATEST(r.created_seq, COALESCE(v.seq, 0)) > ${s}${refCols}
        FROM "references" r
        LEFT JOIN reveals v ON v.viewer_id = ${viewer.id} AND v.reference_id = r.id
        WHERE r.referee_email = ${viewer.email} AND r.user_id <> ${viewer.id} AND (r.seq > ${s} OR v.seq > ${s})
          AND (${withDeletions} OR NOT r.is_deleted)
      UNION ALL
      SELECT 'deleted', 'references', d.reference_id, d.seq, false${noCols}
        FROM reference_departures d JOIN "references" r ON r.id = d.reference_id
        WHERE ${withDeletions} AND d.referee_email = ${viewer.email} AND d.seq > ${s} AND d.seq > ${verifiedSeq}
          AND r.user_id <> ${viewer.id} AND r.referee_email <> ${viewer.email}`;
}

const numberOrNull = (v: string | number | bigint | null) => (v === null ? null : Number(v));

function pulledReference(r: PageRow & EntryRow): PulledReference {
  return {
    id: r.id,
    userId: r.user_id ?? '',
    refereeName: r.referee_name ?? '',
    refereeEmail: r.referee_email ?? '',
    message: r.message ?? '',
    status: r.status ?? '',
    response: r.response,
    respondedAt: numberOrNull(r.responded_at),
    remindedAt: numberOrNull(r.reminded_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function pulledUser(r: PageRow & EntryRow): PulledUser {
  return { id: r.id, email: r.referee_email ?? '', name: r.referee_name ?? '', createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function readPullSnapshot(db: Db, viewer: PullViewer, since: number, limit: number): Promise<PullSnapshot> {
  let rows = rowsOf<PageRow>(await db.execute(pageQuery(viewer, since, limit)));
  const metaOf = (kind: string) => Number(rows.find((r) => r.kind === kind)?.seq ?? 0);
  // A cursor this database never issued (it was reset or replaced): start over rather than miss data.
  if (since > metaOf('counter')) {
    since = 0;
    rows = rowsOf<PageRow>(await db.execute(pageQuery(viewer, 0, limit)));
  }
  const counter = metaOf('counter');
  const raw = rows.filter((r): r is PageRow & EntryRow => r.kind !== 'counter' && r.kind !== 'total');
  // UNION ALL keeps the entries' order; sorted again only if a plan ever did not.
  if (raw.some((r, i) => i > 0 && Number(r.seq) < Number(raw[i - 1]!.seq))) raw.sort((a, b) => Number(a.seq) - Number(b.seq));
  const more = raw.length > limit;
  // Counted once, on the first page of a long pull from 0: a first sync shows "received of total".
  const remaining = more && since === 0 ? metaOf('total') - limit : null;
  const page = raw.slice(0, limit);
  const entries: PullEntry[] = page.map((r) => ({
    kind: r.kind === 'deleted' ? 'deleted' : 'row',
    table: r.tbl === 'users' ? 'users' : 'references',
    id: r.id,
    seq: Number(r.seq),
    created: Boolean(r.created),
  }));
  const userMap = new Map<string, PulledUser>();
  const refMap = new Map<string, PulledReference>();
  for (const r of page) {
    if (r.kind === 'deleted') continue;
    if (r.tbl === 'users') userMap.set(r.id, pulledUser(r));
    else refMap.set(r.id, pulledReference(r));
  }
  return { counter, entries, more, remaining, users: userMap, references: refMap };
}
