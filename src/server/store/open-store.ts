/**
 * Opens the store on PGlite (embedded, `dataDir` or in memory) or PostgreSQL,
 * and applies the one migration set (drizzle/) to either at startup.
 */
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { readPullSnapshot } from './pull';
import { users } from './tables';
import { createWriteTx, lowerEmailEquals, type Db } from './write-tx';
import type { DbKind, Store } from './types';

export type StoreOptions =
  | { kind: 'pglite'; /** Omit for an in-memory database (tests). */ dataDir?: string }
  | {
      kind: 'postgres';
      url: string;
      /** Use (and create) this schema instead of the connection's default: isolates test runs. */
      schema?: string;
      poolSize?: number;
    };

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Any fixed number: serializes migrations of processes starting together on one database. */
const MIGRATION_LOCK_KEY = 727_001;

function storeOver(kind: DbKind, db: Db, close: () => Promise<void>): Store {
  return {
    kind,
    async findUserByEmail(email) {
      const rows = await db.select().from(users).where(lowerEmailEquals(email)).limit(1);
      return rows[0] ?? null;
    },
    async findUserById(id) {
      const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return rows[0] ?? null;
    },
    pull: (viewer, since, limit) => readPullSnapshot(db, viewer, since, limit),
    // PostgreSQL's default READ COMMITTED, on purpose: after taking the counter
    // lock, each statement must see what the previous lock holder committed.
    // (Not spelled out: on PGlite that would cost an extra statement per write.)
    write: (fn) => db.transaction((tx) => fn(createWriteTx(tx))),
    close,
  };
}

async function openPglite(dataDir: string | undefined): Promise<Store> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return storeOver('pglite', db as unknown as Db, () => client.close());
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function openPostgres(url: string, schema: string | undefined, poolSize: number): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  // A broken idle connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await migratePg(drizzlePg({ client }), {
      migrationsFolder: MIGRATIONS_FOLDER,
      ...(schema ? { migrationsSchema: schema } : {}),
    });
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } finally {
    client.release();
  }
  const db = drizzlePg({ client: pool });
  return storeOver('postgres', db as unknown as Db, () => pool.end());
}

export function openStore(options: StoreOptions): Promise<Store> {
  return options.kind === 'pglite'
    ? openPglite(options.dataDir)
    : openPostgres(options.url, options.schema, options.poolSize ?? 10);
}
