/**
 * The writing transaction over Drizzle. See pull.ts for why locking the
 * counter first makes the cursor follow commit order.
 */
import { eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { referenceDepartures, references, syncCounter, userGrants, users } from './tables';
import type { Departure, Grant, StoredReference, StoredUser, WriteTx } from './types';

export type Db = PgDatabase<PgQueryResultHKT>;

/** Rows per multi-row statement: 15 columns x 1,000 stays well under PostgreSQL's 65,535 parameters. */
const BATCH = 1_000;

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `SET col = excluded.col` for every column but the key. */
function excludedColumns(table: typeof references): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (column.name !== 'id') set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

export function lowerEmailEquals(email: string): SQL {
  return sql`lower(${users.email}) = ${email.toLowerCase()}`;
}

export function createWriteTx(tx: Db): WriteTx {
  return {
    async lockCounter() {
      const rows = await tx.select({ seq: syncCounter.seq }).from(syncCounter).where(eq(syncCounter.id, 1)).for('update');
      const row = rows[0];
      if (!row) throw new Error('sync_counter is not seeded: migrations did not run');
      return Number(row.seq);
    },
    async setCounter(seq) {
      await tx.update(syncCounter).set({ seq }).where(eq(syncCounter.id, 1));
    },
    async findUserByEmail(email) {
      const rows = await tx.select().from(users).where(lowerEmailEquals(email)).limit(1);
      return rows[0] ?? null;
    },
    async insertUser(user) {
      await tx.insert(users).values(user);
    },
    async loadUsers(ids) {
      const map = new Map<string, StoredUser>();
      for (const part of chunks(ids)) {
        for (const row of await tx.select().from(users).where(inArray(users.id, part))) map.set(row.id, row);
      }
      return map;
    },
    async loadReferences(ids) {
      const map = new Map<string, StoredReference>();
      for (const part of chunks(ids)) {
        for (const row of await tx.select().from(references).where(inArray(references.id, part))) map.set(row.id, row);
      }
      return map;
    },
    async saveUsers(rows) {
      for (const row of rows) {
        await tx
          .update(users)
          .set({
            name: row.name,
            updatedAt: row.updatedAt,
            colTimes: row.colTimes,
            colSeqs: row.colSeqs,
            clampedStamps: row.clampedStamps,
            seq: row.seq,
          })
          .where(eq(users.id, row.id));
      }
    },
    async saveReferences(rows) {
      const set = excludedColumns(references);
      for (const part of chunks(rows)) {
        await tx.insert(references).values(part).onConflictDoUpdate({ target: references.id, set });
      }
    },
    async addGrants(grants: readonly Grant[]) {
      for (const part of chunks(grants)) {
        await tx.insert(userGrants).values(part).onConflictDoNothing();
      }
    },
    async addDepartures(departures: readonly Departure[]) {
      for (const part of chunks(departures)) {
        await tx
          .insert(referenceDepartures)
          .values(part)
          .onConflictDoUpdate({
            target: [referenceDepartures.referenceId, referenceDepartures.refereeEmail],
            set: { seq: sql`excluded.seq` },
          });
      }
    },
  };
}
