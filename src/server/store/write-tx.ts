/**
 * The writing transaction over Drizzle. See pull.ts for why locking the
 * counter first makes the cursor follow commit order.
 */
import { and, eq, getTableColumns, inArray, ne, notExists, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { emailCodes, invitations, mailOutbox, referenceDepartures, references, reveals, sessions, syncCounter, userGrants, users } from './tables';
import type { Departure, Grant, StoredReference, StoredUser, WriteTx } from './types';

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

const setExcluded = <T>(columns: Column<T>[], key: string[]) =>
  sql.raw(
    columns
      .filter((c) => !key.includes(c.name))
      .map((c) => `"${c.name}" = excluded."${c.name}"`)
      .join(', '),
  );

export function lowerEmailEquals(email: string): SQL {
  return sql`lower(${users.email}) = ${email.toLowerCase()}`;
}

const idIn = (column: typeof users.id | typeof references.id, ids: readonly string[]) => sql`${column} = ANY(${sql.param([...ids])}::text[])`;

/**
 * The writes of a transaction wait here and go out as ONE statement (one
 * data-modifying CTE per table) when the transaction is about to commit, or
 * before anything reads. Writers hold the counter lock from their first
 * statement to their commit, so every statement a push sends is time no other
 * push can use: a push is lock, load, write, commit. The statements write to
 * different tables and each row at most once, so running them as one changes
 * nothing they do.
 */
class PendingWrites {
  references = new Map<string, StoredReference>();
  users = new Map<string, StoredUser>();
  grants = new Map<string, Grant>();
  departures = new Map<string, Departure>();
  counter: number | null = null;

  get empty(): boolean {
    return !this.references.size && !this.users.size && !this.grants.size && !this.departures.size && this.counter === null;
  }

  statement(): SQL {
    const parts: SQL[] = [];
    if (this.references.size) {
      parts.push(
        sql`INSERT INTO "references" (${names(REFERENCE_COLUMNS)}) SELECT * FROM ${rowsOf([...this.references.values()], REFERENCE_COLUMNS, 'r')} ON CONFLICT ("id") DO UPDATE SET ${setExcluded(REFERENCE_COLUMNS, ['id'])}`,
      );
    }
    if (this.users.size) {
      // Only the synced columns: never password material.
      parts.push(
        sql`UPDATE users SET ${sql.raw(USER_SYNCED_COLUMNS.filter((c) => c.name !== 'id').map((c) => `"${c.name}" = v."${c.name}"`).join(', '))} FROM ${rowsOf([...this.users.values()], USER_SYNCED_COLUMNS, 'v')} WHERE users.id = v.id`,
      );
    }
    if (this.grants.size) {
      parts.push(sql`INSERT INTO user_grants (${names(GRANT_COLUMNS)}) SELECT * FROM ${rowsOf([...this.grants.values()], GRANT_COLUMNS, 'g')} ON CONFLICT DO NOTHING`);
    }
    if (this.departures.size) {
      parts.push(
        sql`INSERT INTO reference_departures (${names(DEPARTURE_COLUMNS)}) SELECT * FROM ${rowsOf([...this.departures.values()], DEPARTURE_COLUMNS, 'd')} ON CONFLICT ("reference_id", "referee_email") DO UPDATE SET "seq" = excluded."seq"`,
      );
    }
    if (this.counter !== null) parts.push(sql`UPDATE sync_counter SET seq = ${this.counter} WHERE id = 1`);
    const last = parts.pop()!;
    if (!parts.length) return last;
    const ctes = parts.map((part, i) => sql`${sql.raw(`w${i}`)} AS (${part})`);
    return sql`WITH ${sql.join(ctes, sql.raw(', '))} ${last}`;
  }
}

export interface BufferedWriteTx extends WriteTx {
  /** Sends the writes still waiting; call before commit. */
  flush(): Promise<void>;
}

export function createWriteTx(tx: Db): BufferedWriteTx {
  let pending = new PendingWrites();
  async function flush(): Promise<void> {
    if (pending.empty) return;
    const statement = pending.statement();
    pending = new PendingWrites();
    await tx.execute(statement);
  }
  return {
    flush,
    async lockCounter() {
      await flush();
      const rows = await tx.select({ seq: syncCounter.seq }).from(syncCounter).where(eq(syncCounter.id, 1)).for('update');
      const row = rows[0];
      if (!row) throw new Error('sync_counter is not seeded: migrations did not run');
      return Number(row.seq);
    },
    async setCounter(seq) {
      pending.counter = seq;
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
    async loadReferences(ids) {
      const map = new Map<string, StoredReference>();
      if (!ids.length) return map;
      await flush();
      for (const row of await tx.select().from(references).where(idIn(references.id, ids))) map.set(row.id, row);
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
        const key = `${grant.refereeEmail}\u0000${grant.candidateId}`;
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
      if (!messages.length) return;
      await flush();
      await tx.insert(mailOutbox).values(messages.map((m) => ({ ...m, nextAttemptAt: m.createdAt, attempts: 0 })));
    },
    async loadInvitations(referenceIds) {
      if (!referenceIds.length) return [];
      await flush();
      return tx.select().from(invitations).where(inArray(invitations.referenceId, [...referenceIds]));
    },
    async addInvitations(rows) {
      if (!rows.length) return;
      await flush();
      await tx.insert(invitations).values([...rows]).onConflictDoNothing();
    },
    async setInvitationReminded(referenceId, email, at) {
      await flush();
      await tx
        .update(invitations)
        .set({ remindedAt: at })
        .where(and(eq(invitations.referenceId, referenceId), eq(invitations.email, email)));
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
        .values([...rows])
        .onConflictDoUpdate({ target: [reveals.viewerId, reveals.referenceId], set: { seq: sql`excluded.seq` } });
    },
    async regrant(grants) {
      if (!grants.length) return;
      await flush();
      await tx
        .insert(userGrants)
        .values([...grants])
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
