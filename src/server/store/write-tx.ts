/**
 * The writing transaction over Drizzle. Writers run in parallel (see pull.ts
 * for why the cursor still never misses a commit); they lock only what they
 * change: the rows they load, the pushing user's row, and (shared) the buckets
 * of the emails they address, which a verification of one of those emails
 * takes alone.
 */
import { and, eq, getTableColumns, ne, notExists, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { positionBase } from './positions';
import { emailCodes, invitations, mailOutbox, referenceDepartures, references, reveals, sessions, userGrants, users } from './tables';
import type { BeginOptions, Departure, Grant, Invitation, NewMail, StoredReference, StoredUser, WriteTx } from './types';

export type Db = PgDatabase<PgQueryResultHKT>;

/** A table's columns: property, SQL name and type, in table order. */
function columnsOf<T>(table: Parameters<typeof getTableColumns>[0]) {
  return Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key: key as keyof T & string,
    name: column.name,
    type: column.getSQLType(),
  }));
}

type Column<T> = ReturnType<typeof columnsOf<T>>[number];

const REFERENCE_COLUMNS = columnsOf<StoredReference>(references);
const USER_SYNCED_COLUMNS = columnsOf<StoredUser>(users).filter((c) =>
  ['id', 'name', 'updatedAt', 'colTimes', 'colSeqs', 'clampedStamps', 'seq'].includes(c.key),
);
const GRANT_COLUMNS = columnsOf<Grant>(userGrants);
const DEPARTURE_COLUMNS = columnsOf<Departure>(referenceDepartures);
const INVITATION_COLUMNS = columnsOf<Invitation>(invitations);
type Reminded = Pick<Invitation, 'referenceId' | 'email' | 'remindedAt'>;
const REMINDED_COLUMNS = columnsOf<Reminded>(invitations).filter((c) => ['referenceId', 'email', 'remindedAt'].includes(c.key));
type Renewed = Pick<Invitation, 'referenceId' | 'email' | 'invitedAt'>;
const RENEWED_COLUMNS = columnsOf<Renewed>(invitations).filter((c) => ['referenceId', 'email', 'invitedAt'].includes(c.key));
/** A queued message: due at once, never tried (the other columns keep their defaults). */
type QueuedMail = NewMail & { nextAttemptAt: number; attempts: number };
const MAIL_COLUMNS = columnsOf<QueuedMail>(mailOutbox).filter((c) =>
  ['id', 'kind', 'toAddress', 'subject', 'textBody', 'createdAt', 'nextAttemptAt', 'attempts'].includes(c.key),
);

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const names = <T>(columns: Column<T>[], prefix = '') => sql.raw(columns.map((c) => `${prefix}"${c.name}"`).join(', '));

/**
 * `rows` as a relation `alias(columns…)`: ONE array parameter per column
 * (`unnest`), not one parameter per value, values sent as text and cast back
 * to each column's type. Building Drizzle's VALUES list for a push of 100
 * references cost about 10 ms of CPU, all of it while the counter lock is held.
 */
function rowsOf<T>(rows: readonly T[], columns: Column<T>[], alias: string): SQL {
  const arrays = columns.map((c) => sql`${sql.param(rows.map((row) => asText(row[c.key])))}::text[]`);
  return sql`(SELECT ${sql.raw(columns.map((c) => `u."${c.name}"::${c.type} AS "${c.name}"`).join(', '))} FROM unnest(${sql.join(arrays, sql.raw(', '))}) AS u(${names(columns)})) AS ${sql.raw(alias)}`;
}

/** `col = alias.col` for every column but the id. */
const setFrom = <T>(columns: Column<T>[], alias: string) =>
  sql.raw(
    columns
      .filter((c) => c.name !== 'id')
      .map((c) => `"${c.name}" = ${alias}."${c.name}"`)
      .join(', '),
  );

export function lowerEmailEquals(email: string): SQL {
  return sql`lower(${users.email}) = ${email.toLowerCase()}`;
}

/** `column` is one of `ids`, sent as ONE array parameter: any number of ids, and one text for all (prepared once). */
export const idIn = (column: typeof users.id | typeof references.id | typeof invitations.referenceId | typeof sessions.id, ids: readonly string[]) => sql`${column} = ANY(${sql.param([...ids])}::text[])`;

/** Advisory lock space of the email buckets (any fixed number). */
const EMAIL_LOCK_SPACE = 727_002;
/**
 * Emails share 128 locks: a push addressing thousands of emails takes at most
 * 128 shared locks (the lock table is small), and a verification waits only
 * for pushes that may address its bucket.
 */
const emailBucket = (email: SQL) => sql`(hashtext(lower(${email})) & 127)`;

/** A references row as `row_to_json` writes it (SQL names, bigint as numbers) → the stored shape. */
function referenceFromJson(raw: Record<string, unknown>): StoredReference {
  const out: Record<string, unknown> = {};
  for (const c of REFERENCE_COLUMNS) out[c.key] = raw[c.name] ?? null;
  return out as unknown as StoredReference;
}

/** A push that believed a record new met a concurrent create of the same id: run it again. */
export class ConcurrentCreateError extends Error {
  constructor() {
    super('a record was created concurrently; the transaction is retried');
  }
}

/** Code-unit order: any one order will do, as long as every writer takes the same. */
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const grantKey = (g: Pick<Grant, 'refereeEmail' | 'candidateId'>) => `${g.refereeEmail}\u0000${g.candidateId}`;
const invitationKey = (i: Pick<Invitation, 'referenceId' | 'email'>) => `${i.referenceId}\u0000${i.email}`;

/**
 * `rows` sorted by `key`. Rows are inserted in the order sent, and an insert
 * that meets another writer's uncommitted row of the same key waits for it:
 * two pushes inserting the same new keys in different orders (a candidate's
 * requests to the same new referees, from two devices) would each hold a key
 * the other waits for, and PostgreSQL would abort one after a second.
 */
function inKeyOrder<T>(rows: Iterable<T>, key: (row: T) => string): T[] {
  return [...rows].map((row) => ({ row, k: key(row) })).sort((a, b) => byKey(a.k, b.k)).map((e) => e.row);
}

/**
 * The writes of a transaction wait here and go out as ONE statement (one
 * data-modifying CTE per table) when the transaction is about to commit, or
 * before anything reads: a push is begin, load, write, commit. The statements
 * write each row at most once (invitations get an INSERT of new rows and an
 * UPDATE of renewed or reminded ones: a push mails a reference one message, so
 * never the same row twice), so running them as one changes nothing they do.
 */
class PendingWrites {
  references = new Map<string, StoredReference>();
  users = new Map<string, StoredUser>();
  grants = new Map<string, Grant>();
  departures = new Map<string, Departure>();
  invitations = new Map<string, Invitation>();
  renewed = new Map<string, Renewed>();
  reminded = new Map<string, Reminded>();
  mail: QueuedMail[] = [];
  emails = new Set<string>();

  get empty(): boolean {
    return (
      !this.references.size &&
      !this.users.size &&
      !this.grants.size &&
      !this.departures.size &&
      !this.invitations.size &&
      !this.renewed.size &&
      !this.reminded.size &&
      !this.mail.length &&
      !this.emails.size
    );
  }

  /**
   * `loaded`: ids this transaction loaded (and locked). Any other reference is
   * inserted only if still absent; the statement answers how many references
   * it wrote, so a concurrent create of the same id is noticed.
   */
  statement(loaded: ReadonlySet<string>): SQL {
    const parts: SQL[] = [];
    const selects: SQL[] = [];
    if (this.references.size) {
      const rows = inKeyOrder(this.references.values(), (r) => r.id);
      const counted: string[] = [];
      // Rows this transaction locked are updated in place. Any other is inserted only if still
      // absent, and one that is not is left alone (DO NOTHING locks nothing, so no wait for a
      // writer that holds it): the count below tells, and the push runs again with it loaded.
      const fresh = rows.filter((r) => !loaded.has(r.id));
      const known = rows.filter((r) => loaded.has(r.id));
      if (fresh.length) {
        counted.push(`w${parts.length}`);
        parts.push(sql`INSERT INTO "references" (${names(REFERENCE_COLUMNS)}) SELECT * FROM ${rowsOf(fresh, REFERENCE_COLUMNS, 'r')} ON CONFLICT ("id") DO NOTHING RETURNING 1`);
      }
      if (known.length) {
        counted.push(`w${parts.length}`);
        parts.push(sql`UPDATE "references" SET ${setFrom(REFERENCE_COLUMNS, 'v')} FROM ${rowsOf(known, REFERENCE_COLUMNS, 'v')} WHERE "references"."id" = v."id" RETURNING 1`);
      }
      selects.push(sql.raw(`(${counted.map((w) => `(SELECT count(*) FROM ${w})`).join(' + ')}) AS refs_written`));
    }
    if (this.users.size) {
      // Only the synced columns: never password material.
      parts.push(
        sql`UPDATE users SET ${setFrom(USER_SYNCED_COLUMNS, 'v')} FROM ${rowsOf([...this.users.values()], USER_SYNCED_COLUMNS, 'v')} WHERE users.id = v.id`,
      );
    }
    if (this.grants.size) {
      parts.push(sql`INSERT INTO user_grants (${names(GRANT_COLUMNS)}) SELECT * FROM ${rowsOf(inKeyOrder(this.grants.values(), grantKey), GRANT_COLUMNS, 'g')} ON CONFLICT DO NOTHING`);
    }
    if (this.departures.size) {
      parts.push(
        sql`INSERT INTO reference_departures (${names(DEPARTURE_COLUMNS)}) SELECT * FROM ${rowsOf(inKeyOrder(this.departures.values(), (d) => `${d.referenceId}\u0000${d.refereeEmail}`), DEPARTURE_COLUMNS, 'd')} ON CONFLICT ("reference_id", "referee_email") DO UPDATE SET "seq" = excluded."seq"`,
      );
    }
    if (this.invitations.size) {
      // ON CONFLICT DO NOTHING: an address already invited keeps its first invitation (and link).
      parts.push(
        sql`INSERT INTO invitations (${names(INVITATION_COLUMNS)}) SELECT * FROM ${rowsOf(inKeyOrder(this.invitations.values(), invitationKey), INVITATION_COLUMNS, 'i')} ON CONFLICT DO NOTHING`,
      );
    }
    if (this.renewed.size) {
      // An invitation sent again (its reference came back to the address): an existing row, so never
      // one inserted above. In key order like the rest, though no other writer can hold the row: its
      // reference is locked by this push, as by any push that writes it.
      const rows = inKeyOrder(this.renewed.values(), invitationKey);
      parts.push(
        sql`UPDATE invitations SET "invited_at" = v."invited_at", "reminded_at" = NULL FROM ${rowsOf(rows, RENEWED_COLUMNS, 'v')} WHERE invitations."reference_id" = v."reference_id" AND invitations."email" = v."email"`,
      );
    }
    if (this.reminded.size) {
      // An invitation reminded now: an existing row (a reminder needs one 24 hours old), so never one inserted above.
      const rows = inKeyOrder(this.reminded.values(), invitationKey);
      parts.push(
        sql`UPDATE invitations SET "reminded_at" = v."reminded_at" FROM ${rowsOf(rows, REMINDED_COLUMNS, 'v')} WHERE invitations."reference_id" = v."reference_id" AND invitations."email" = v."email"`,
      );
    }
    if (this.mail.length) {
      parts.push(sql`INSERT INTO mail_outbox (${names(MAIL_COLUMNS)}) SELECT * FROM ${rowsOf(this.mail, MAIL_COLUMNS, 'm')}`);
    }
    if (this.emails.size) {
      // Held until commit: a verification of one of these emails waits for this
      // push, or this push for it (reveal.ts), so neither misses the other.
      selects.push(
        sql`(SELECT count(pg_advisory_xact_lock_shared(${EMAIL_LOCK_SPACE}, b)) FROM (SELECT DISTINCT ${emailBucket(sql.raw('e'))} AS b FROM unnest(${sql.param([...this.emails])}::text[]) e ORDER BY 1) s) AS locked`,
      );
    }
    const select = sql`SELECT ${selects.length ? sql.join(selects, sql.raw(', ')) : sql.raw('1')}`;
    if (!parts.length) return select;
    const ctes = parts.map((part, i) => sql`${sql.raw(`w${i}`)} AS (${part})`);
    return sql`WITH ${sql.join(ctes, sql.raw(', '))} ${select}`;
  }
}

interface BufferedWriteTx extends WriteTx {
  /** Sends the writes still waiting; call before commit. */
  flush(): Promise<void>;
}

export function createWriteTx(tx: Db, xidOffset: number): BufferedWriteTx {
  let pending = new PendingWrites();
  const loaded = new Set<string>();
  async function flush(): Promise<void> {
    if (pending.empty) return;
    const expected = pending.references.size;
    const statement = pending.statement(loaded);
    pending = new PendingWrites();
    const result = (await tx.execute(statement)) as unknown as { rows: { refs_written?: string | number }[] };
    if (expected && Number(result.rows[0]?.refs_written) !== expected) throw new ConcurrentCreateError();
  }
  return {
    flush,
    async begin(options: BeginOptions = {}) {
      await flush();
      const user = options.user;
      const lock = sql.raw(user?.lock === 'update' ? 'FOR UPDATE' : 'FOR KEY SHARE');
      // A locking read returns the row as last committed, even after waiting for it.
      const userJoin = user
        ? sql` LEFT JOIN LATERAL (SELECT email_verified AS verified, verified_seq, email, name FROM users WHERE id = ${user.id} ${lock}) u ON true`
        : sql``;
      const userCols = user ? sql`, u.verified, u.verified_seq, u.email, u.name` : sql``;
      // The session's check rides along: a push costs no statement of its own for it.
      const session = user && options.session;
      const sessionCol = session
        ? sql`, EXISTS (SELECT 1 FROM sessions s WHERE s.id = ${session.id} AND s.user_id = ${user.id} AND s.ended_at IS NULL AND s.expires_at > ${session.now}) AS session_live`
        : sql``;
      // After the user's row (the select list runs once the join has locked it): a push holds
      // its user's row before the email buckets too, so the two cannot wait for each other.
      const emailLock = options.exclusiveEmail
        ? sql`, pg_advisory_xact_lock(${EMAIL_LOCK_SPACE}, ${emailBucket(sql`${options.exclusiveEmail}::text`)}) IS NULL AS email_locked`
        : sql``;
      // The references a push names, locked in id order in the same statement: one round trip less.
      const refIds = options.references ?? [];
      const refsCol = refIds.length
        ? sql`, (SELECT json_agg(r)::text FROM (SELECT * FROM "references" WHERE ${idIn(references.id, refIds)} ORDER BY id FOR UPDATE) r) AS refs`
        : sql``;
      const result = (await tx.execute(
        sql`SELECT x.xid${userCols}${sessionCol}${emailLock}${refsCol} FROM (SELECT pg_current_xact_id()::text AS xid) x${userJoin}`,
      )) as unknown as {
        rows: {
          xid: string;
          verified?: boolean | null;
          verified_seq?: string | number | null;
          email?: string | null;
          name?: string | null;
          session_live?: boolean | null;
          refs?: string | null;
        }[];
      };
      const row = result.rows[0]!;
      const refs = new Map<string, StoredReference>();
      for (const raw of row.refs ? (JSON.parse(row.refs) as Record<string, unknown>[]) : []) {
        const stored = referenceFromJson(raw);
        refs.set(stored.id, stored);
        loaded.add(stored.id);
      }
      return {
        base: positionBase(Number(row.xid), xidOffset),
        verified: row.verified ?? null,
        verifiedSeq: row.verified_seq === null || row.verified_seq === undefined ? null : Number(row.verified_seq),
        email: row.email ?? null,
        name: row.name ?? null,
        sessionLive: row.session_live ?? null,
        references: refs,
      };
    },
    async lockEmails(emails) {
      for (const email of emails) pending.emails.add(email);
    },
    async findUserByEmail(email) {
      await flush();
      const rows = await tx.select().from(users).where(lowerEmailEquals(email)).limit(1);
      return rows[0] ?? null;
    },
    async insertUser(user) {
      await flush();
      await tx.insert(users).values(user);
    },
    async loadUsers(ids) {
      const map = new Map<string, StoredUser>();
      if (!ids.length) return map;
      await flush();
      for (const row of await tx.select().from(users).where(idIn(users.id, ids))) map.set(row.id, row);
      return map;
    },
    async loadReferences(ids, options = { lock: true }) {
      const map = new Map<string, StoredReference>();
      if (!ids.length) return map;
      await flush();
      // Locked in id order (two pushes of the same records cannot deadlock), and as last committed.
      const query = tx.select().from(references).where(idIn(references.id, ids)).orderBy(references.id);
      for (const row of await (options.lock ? query.for('update') : query)) {
        map.set(row.id, row);
        if (options.lock) loaded.add(row.id);
      }
      return map;
    },
    async saveUsers(rows) {
      for (const row of rows) pending.users.set(row.id, row);
    },
    async saveReferences(rows) {
      for (const row of rows) pending.references.set(row.id, row);
    },
    async addGrants(grants: readonly Grant[]) {
      // ON CONFLICT DO NOTHING: the first of two equal grants is the one kept.
      for (const grant of grants) {
        const key = grantKey(grant);
        if (!pending.grants.has(key)) pending.grants.set(key, grant);
      }
    },
    async addDepartures(departures: readonly Departure[]) {
      for (const departure of departures) pending.departures.set(`${departure.referenceId}\u0000${departure.refereeEmail}`, departure);
    },
    async insertSession(session) {
      await flush();
      await tx.insert(sessions).values(session);
    },
    async putEmailCode(code) {
      await flush();
      const { userId: _userId, ...rest } = code;
      await tx.insert(emailCodes).values(code).onConflictDoUpdate({ target: emailCodes.userId, set: rest });
    },
    async findEmailCode(userId) {
      await flush();
      const rows = await tx.select().from(emailCodes).where(eq(emailCodes.userId, userId)).limit(1);
      return rows[0] ?? null;
    },
    async deleteEmailCode(userId) {
      await flush();
      await tx.delete(emailCodes).where(eq(emailCodes.userId, userId));
    },
    async enqueueMail(messages) {
      for (const m of messages) pending.mail.push({ ...m, nextAttemptAt: m.createdAt, attempts: 0 });
    },
    async loadInvitations(referenceIds) {
      if (!referenceIds.length) return [];
      await flush();
      return tx.select().from(invitations).where(idIn(invitations.referenceId, referenceIds));
    },
    async addInvitations(rows) {
      // The first of two equal invitations is the one kept, as ON CONFLICT DO NOTHING keeps the stored one.
      for (const row of rows) {
        const key = invitationKey(row);
        if (!pending.invitations.has(key)) pending.invitations.set(key, row);
      }
    },
    async renewInvitations(rows) {
      for (const row of rows) pending.renewed.set(invitationKey(row), { referenceId: row.referenceId, email: row.email, invitedAt: row.invitedAt });
    },
    async setInvitationReminded(referenceId, email, at) {
      pending.reminded.set(invitationKey({ referenceId, email }), { referenceId, email, remindedAt: at });
    },
    async referencesAddressedTo(email, userId) {
      await flush();
      const rows = await tx
        .select({ id: references.id })
        .from(references)
        .where(and(eq(references.refereeEmail, email), ne(references.userId, userId), eq(references.isDeleted, false)))
        .orderBy(references.seq);
      return rows.map((r) => r.id);
    },
    async grantedCandidates(email) {
      await flush();
      const rows = await tx.select({ id: userGrants.candidateId }).from(userGrants).where(eq(userGrants.refereeEmail, email));
      return rows.map((r) => r.id);
    },
    async addReveals(rows) {
      if (!rows.length) return;
      await flush();
      await tx
        .insert(reveals)
        .values(inKeyOrder(rows, (r) => `${r.viewerId}\u0000${r.referenceId}`))
        .onConflictDoUpdate({ target: [reveals.viewerId, reveals.referenceId], set: { seq: sql`excluded.seq` } });
    },
    async regrant(grants) {
      if (!grants.length) return;
      await flush();
      await tx
        .insert(userGrants)
        .values(inKeyOrder(grants, grantKey))
        .onConflictDoUpdate({ target: [userGrants.refereeEmail, userGrants.candidateId], set: { seq: sql`excluded.seq` } });
    },
    async markVerified(userId, seq) {
      await flush();
      await tx.update(users).set({ emailVerified: true, verifiedSeq: seq }).where(eq(users.id, userId));
    },
    async uninvitedReferencesOf(userId) {
      await flush();
      return tx
        .select({ id: references.id, refereeEmail: references.refereeEmail, refereeName: references.refereeName, message: references.message })
        .from(references)
        .where(
          and(
            eq(references.userId, userId),
            eq(references.isDeleted, false),
            eq(references.status, 'pending'),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(invitations)
                .where(and(eq(invitations.referenceId, references.id), eq(invitations.email, references.refereeEmail))),
            ),
          ),
        )
        .orderBy(references.seq);
    },
  };
}
