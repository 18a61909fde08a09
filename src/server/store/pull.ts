/**
 * The pull snapshot, and why the cursor never misses a commit although
 * writers commit in parallel.
 *
 * Positions. Every writing transaction T first asks for its transaction id
 * x(T) (`pg_current_xact_id()`, write-tx.ts `begin`) and gives each row,
 * grant, departure and reveal it writes the position
 * p = (x(T) + offset) * 2^14 + i, i = 1, 2, … its place in T
 * (positions.ts). Positions are unique per entry, and every position of T
 * lies between (x(T) + offset) * 2^14 and the largest position of x(T),
 * P(x(T) + 1) where P(y) = (y + offset) * 2^14 - 1. Writers take no shared
 * lock: T locks only the rows it loads, its user's row and (shared) the buckets
 * of the emails it addresses.
 *
 * The watermark. A pull page is ONE statement, so it reads one MVCC snapshot
 * S, and in the same statement `xmin(S)` = pg_snapshot_xmin(pg_current_snapshot()):
 * every transaction with an id below xmin(S) had ended (committed or rolled
 * back) when S was taken; every transaction not visible to S (still running,
 * or begun later) has an id >= xmin(S), because ids are handed out in order
 * and S is taken after every id below xmin(S) was handed out. So with
 * W = P(xmin(S)):
 *  (a) every committed entry at a position <= W is visible to S;
 *  (b) every entry not visible to S lies at a position > W.
 * A pull returns the entries after `since` visible to S (in position order)
 * and the cursor max(since, W). By induction every entry at or below a cursor
 * was delivered: those below `since` earlier, those in (since, W] now by (a).
 * An entry committed later lies above W by (b), so the next pull from the
 * cursor brings it: no commit is missed. S shows a transaction wholly or not
 * at all, so no page holds half of one. Entries above W that S already
 * shows (committed while an older transaction was still running) are
 * returned now and again by the next pull: a row is re-sent only while writes
 * were in flight (CONTRACT §3).
 *
 * Pages. A page holds at most `limit` entries; when more remain, its cursor is
 * the position of its last entry L if L <= W: every entry at or below L is
 * then in this page or earlier by (a). A page that would run past W ends at
 * W (with `more`), so a page never skips an entry above W that S did not show.
 * When even the first entry after `since` is above W, the page returns what
 * it has with cursor W and without `more`: the rest comes with the next pull.
 *
 * The bound. One long-running transaction, ours or any other on the cluster,
 * would pin xmin(S) and make every pull re-send everything written since it
 * began. So W also moves past ids older than the write bound B (30 s): a
 * writer rolls back rather than commit once B/2 has passed since it started
 * (store/open-store.ts), and this process remembers, for moments t, the next
 * id xmax seen at t (positions.ts XidMarks): every id below it was handed out
 * before t. A statement sent at s >= t + B sees every writer with such an id
 * ended, as (a) and (b) need; W = P(max(xmin(S), xmax at t)). What a
 * long-running transaction costs is thus a re-send of at most B of a user's
 * own changes per pull. The bound assumes a COMMIT completes within B/2 of
 * being sent (no synchronous standby that can stall commits for that long).
 *
 * Cursors from elsewhere. A cursor above P(xmax(S)) was never issued by this
 * database (it was restored from a backup, or replaced): the pull starts
 * over from 0 rather than miss data, and says so (PullSnapshot.restarted):
 * a page from 0 carries no deletions, so the client pulls from 0 as a whole
 * and compares. Positions start above every value of the commit counter
 * used before (migration 0004 sets `offset`), so a cursor kept from before
 * the upgrade still means "everything after it". Wall-clock time never
 * enters; the bound uses only this process's monotonic clock.
 */
import { sql, type SQL } from 'drizzle-orm';
import { positionBelow, type XidMarks } from './positions';
import type { Db } from './write-tx';
import type { PullEntry, PullSession, PullSnapshot, PullViewer } from './types';

interface EntryRow {
  kind: string;
  tbl: string;
  id: string;
  seq: string | number | bigint;
  created: boolean;
  doc: string | null;
}

/**
 * One row of a page. `kind` 'xmin', 'xmax' and 'total' rows carry the
 * snapshot's bounds and the count in `seq`; every other row is an entry, with
 * its record as clients receive it in `doc` (null for a deletion).
 */
interface PageRow {
  kind: string;
  tbl: string | null;
  id: string | null;
  seq: string | number | bigint;
  created: boolean | null;
  doc: string | null;
}

/**
 * Who pulls, as the page statement uses them. Either given (a viewer looked
 * up already: the store's `pull`), or read in the statement itself from a
 * session that must live (`pullAs`): then the page costs no statement of its
 * own for the session, and the viewer's email and verification come from the
 * same snapshot as the page.
 */
interface ViewerTerms {
  id: string;
  email: SQL;
  verifiedSeq: SQL;
  /** A fixed answer, or the SQL that gives it. */
  verified: boolean | SQL;
  /** Goes before the statement (the session's CTE). */
  prefix: SQL;
  /** A 'live' row: how many live sessions matched (0 or 1). */
  live: SQL;
  /** Added to the viewer's own branches: nothing of an ended session. */
  guard: SQL;
}

function givenViewer(viewer: PullViewer): ViewerTerms {
  return {
    id: viewer.id,
    email: sql`${viewer.email}`,
    verifiedSeq: sql`${viewer.verifiedSeq ?? 0}::bigint`,
    verified: viewer.verified,
    prefix: sql``,
    live: sql``,
    guard: sql``,
  };
}

function sessionViewer(session: PullSession): ViewerTerms {
  return {
    id: session.userId,
    email: sql`(SELECT email FROM me)`,
    verifiedSeq: sql`(SELECT verified_seq FROM me)`,
    verified: sql`(SELECT verified FROM me)`,
    prefix: sql`WITH me AS (SELECT u.email, u.email_verified AS verified, COALESCE(u.verified_seq, 0)::bigint AS verified_seq
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = ${session.sessionId} AND s.user_id = ${session.userId} AND s.ended_at IS NULL AND s.expires_at > ${session.now}) `,
    live: sql`UNION ALL SELECT 'live', NULL, NULL, count(*), NULL, NULL FROM me`,
    guard: sql` AND EXISTS (SELECT 1 FROM me)`,
  };
}

/**
 * A record as JSON text, in the shape of replication/wire-rows.ts (a test
 * holds the two equal), made by the database after ORDER BY and LIMIT, so
 * only the rows of the page are serialized, and in C: the server then only
 * writes the text out. A users row has its name and email in `referee_name`
 * and `referee_email`; the viewer's own row carries its sync metadata, a
 * candidate's row (a referee's view) id, name and email only (CONTRACT §3).
 */
function docOf(viewer: ViewerTerms) {
  const json = (columns: string) => sql.raw(`(SELECT row_to_json(d)::text FROM (SELECT ${columns}) d)`);
  return sql`CASE WHEN p.kind = 'deleted' THEN NULL
    WHEN p.tbl = 'users' AND p.id = ${viewer.id} THEN ${json(
      "p.id, p.referee_email AS email, p.referee_name AS name, p.id AS server_id, 'synced' AS sync_status, NULL AS last_synced_at, p.created_at, p.updated_at, false AS is_deleted",
    )}
    WHEN p.tbl = 'users' THEN ${json(
      'p.id, p.referee_email AS email, p.referee_name AS name, NULL AS server_id, NULL AS sync_status, NULL AS last_synced_at, 0 AS created_at, 0 AS updated_at, false AS is_deleted',
    )}
    ELSE ${json(
      "p.id, p.user_id, p.referee_name, p.referee_email, p.message, p.status, p.response, p.responded_at, p.reminded_at, p.id AS server_id, 'synced' AS sync_status, NULL AS last_synced_at, p.created_at, p.updated_at, false AS is_deleted",
    )} END`;
}

/**
 * The page as ONE statement: the snapshot's bounds, on a pull from 0 the count, and the
 * entries in cursor order, each row carrying its record as text. The
 * rows are read in the same pass as the entries (not by id afterwards) and
 * without the merge bookkeeping (jsonb) that clients never see.
 */
function pageQuery(viewer: ViewerTerms, since: number, limit: number) {
  const total = since === 0 ? sql`UNION ALL SELECT 'total', NULL, NULL, count(*), NULL, NULL FROM (${visibleEntries(viewer, since, false)}) n` : sql``;
  return sql`${viewer.prefix}SELECT 'xmin' AS kind, NULL::text AS tbl, NULL::text AS id, pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS seq, NULL::boolean AS created, NULL::text AS doc
    UNION ALL SELECT 'xmax', NULL, NULL, pg_snapshot_xmax(pg_current_snapshot())::text::bigint, NULL, NULL
    ${viewer.live}
    ${total}
    UNION ALL (SELECT p.kind, p.tbl, p.id, p.seq, p.created, ${docOf(viewer)} FROM (SELECT * FROM (${visibleEntries(viewer, since, true)}) v ORDER BY seq LIMIT ${limit + 1}) p)`;
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
function visibleEntries(viewer: ViewerTerms, since: number, withRows: boolean) {
  const s = sql`${since}::bigint`;
  // Tombstones and departures matter only to a client that has data already.
  const withDeletions = sql.raw(since > 0 ? 'true' : 'false');
  const userCols = withRows ? sql`, ${USER_COLUMNS}` : sql``;
  const grantedCols = withRows ? sql`, ${GRANTED_USER_COLUMNS}` : sql``;
  const refCols = withRows ? sql`, ${REFERENCE_COLUMNS}` : sql``;
  const noCols = withRows ? sql`, ${NO_COLUMNS}` : sql``;
  const own = sql`
      SELECT 'row' AS kind, 'users' AS tbl, u.id, u.seq, u.created_seq > ${s} AS created${userCols}
        FROM users u WHERE u.id = ${viewer.id} AND u.seq > ${s}${viewer.guard}
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, r.seq, r.created_seq > ${s}${refCols}
        FROM "references" r
        WHERE r.user_id = ${viewer.id} AND r.seq > ${s} AND (${withDeletions} OR NOT r.is_deleted)${viewer.guard}`;
  if (viewer.verified === false) return own;
  const { email, verifiedSeq } = viewer;
  // Read with the session: the branches stand, and each holds only for a verified viewer.
  const ifVerified = viewer.verified === true ? sql`` : sql` AND ${viewer.verified}`;
  return sql`${own}
      UNION ALL
      SELECT 'row', 'users', u.id, GREATEST(u.seq, g.seq), g.seq > ${s}${grantedCols}
        FROM user_grants g JOIN users u ON u.id = g.candidate_id
        WHERE g.referee_email = ${email} AND u.id <> ${viewer.id} AND GREATEST(u.seq, g.seq) > ${s}${ifVerified}
      UNION ALL
      SELECT CASE WHEN r.is_deleted THEN 'deleted' ELSE 'row' END, 'references', r.id, GREATEST(r.seq, COALESCE(v.seq, 0)),
          GREATEST(r.created_seq, COALESCE(v.seq, 0)) > ${s}${refCols}
        FROM "references" r
        LEFT JOIN reveals v ON v.viewer_id = ${viewer.id} AND v.reference_id = r.id
        WHERE r.referee_email = ${email} AND r.user_id <> ${viewer.id} AND (r.seq > ${s} OR v.seq > ${s})
          AND (${withDeletions} OR NOT r.is_deleted)${ifVerified}
      UNION ALL
      SELECT 'deleted', 'references', d.reference_id, d.seq, false${noCols}
        FROM reference_departures d JOIN "references" r ON r.id = d.reference_id
        WHERE ${withDeletions} AND d.referee_email = ${email} AND d.seq > ${s} AND d.seq > ${verifiedSeq}
          AND r.user_id <> ${viewer.id} AND r.referee_email <> ${email}${ifVerified}`;
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** What a pull needs of the store beyond the database. */
export interface PullClock {
  /** Added to transaction ids in positions (sync_counter.xid_offset). */
  offset: number;
  marks: XidMarks;
}

export async function readPullSnapshot(db: Db, clock: PullClock, viewer: PullViewer, since: number, limit: number): Promise<PullSnapshot> {
  return (await readPage(db, clock, givenViewer(viewer), since, limit)).snapshot;
}

/** The page as `session`'s user sees it, or null when the session does not live (ended, expired, unknown). */
export async function readSessionPull(db: Db, clock: PullClock, session: PullSession, since: number, limit: number): Promise<PullSnapshot | null> {
  const { snapshot, live } = await readPage(db, clock, sessionViewer(session), since, limit);
  return live ? snapshot : null;
}

async function readPage(db: Db, clock: PullClock, viewer: ViewerTerms, since: number, limit: number): Promise<{ snapshot: PullSnapshot; live: boolean }> {
  const { offset, marks } = clock;
  const sentAt = marks.time();
  let rows = rowsOf<PageRow>(await db.execute(pageQuery(viewer, since, limit)));
  const metaOf = (kind: string) => Number(rows.find((r) => r.kind === kind)?.seq ?? 0);
  const xmin = metaOf('xmin');
  const xmax = metaOf('xmax');
  marks.observe(marks.time(), xmax);
  // A cursor this database never issued (it was reset or replaced): start over rather than miss data.
  const restarted = since > positionBelow(xmax, offset);
  if (restarted) {
    since = 0;
    rows = rowsOf<PageRow>(await db.execute(pageQuery(viewer, 0, limit)));
  }
  const watermark = positionBelow(Math.max(xmin, marks.horizon(sentAt)), offset);
  const live = metaOf('live') > 0;
  const raw = rows.filter((r): r is PageRow & EntryRow => r.kind !== 'xmin' && r.kind !== 'xmax' && r.kind !== 'total' && r.kind !== 'live');
  // UNION ALL keeps the entries' order; sorted again only if a plan ever did not.
  if (raw.some((r, i) => i > 0 && Number(r.seq) < Number(raw[i - 1]!.seq))) raw.sort((a, b) => Number(a.seq) - Number(b.seq));
  let page = raw.slice(0, limit);
  let more = raw.length > limit;
  let cursor = Math.max(since, watermark);
  if (more) {
    const last = Number(page[page.length - 1]!.seq);
    if (last <= watermark) cursor = last;
    else {
      const below = page.filter((r) => Number(r.seq) <= watermark);
      if (below.length) page = below;
      else more = false;
    }
  }
  // Nothing visible to this viewer changed: the cursor stays, so it tells nothing of others' writes.
  if (!page.length && since > 0) cursor = since;
  // Counted once, on the first page of a long pull from 0: a first sync shows "received of total".
  const remaining = more && since === 0 ? metaOf('total') - page.length : null;
  const entries: PullEntry[] = page.map((r) => ({
    kind: r.kind === 'deleted' ? 'deleted' : 'row',
    table: r.tbl === 'users' ? 'users' : 'references',
    id: r.id,
    seq: Number(r.seq),
    created: Boolean(r.created),
    doc: r.doc,
  }));
  return { snapshot: { cursor, entries, more, remaining, restarted }, live };
}
