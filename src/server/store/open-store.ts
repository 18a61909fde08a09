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
import { and, eq, sql } from 'drizzle-orm';
import { mailOutboxOver } from './mail-outbox';
import { foldingBegin, forgetNotedBegin } from './folded-begin';
import { namingStatements, StatementNames } from './named-statements';
import { DEFAULT_WRITE_BOUND_MS, XidMarks } from './positions';
import { readPullSnapshot, readSessionPull, type PullClock } from './pull';
import { sessionStoreOver } from './sessions';
import { emailCodes, invitations, syncCounter, users } from './tables';
import { ConcurrentCreateError, createWriteTx, lowerEmailEquals, type Db } from './write-tx';
import { ContendedWriteError, causesOf } from './unavailable';
import type { DbKind, Store, WriteTx } from './types';

/** How long a writing transaction may stay open (store/positions.ts); tests shorten it. */
interface BoundOption {
  writeBoundMs?: number;
  /** Told of each writing transaction run again (a deadlock, a concurrent create) before it runs. */
  onRetry?: (error: unknown, attempt: number) => void;
}

type StoreOptions =
  | ({ kind: 'pglite'; /** Omit for an in-memory database (tests). */ dataDir?: string } & BoundOption)
  | ({
      kind: 'postgres';
      url: string;
      /** Use (and create) this schema instead of the connection's default: isolates test runs. */
      schema?: string;
      poolSize?: number;
      /** How long opening a connection may take before it fails (and its request is answered 503). */
      connectTimeoutMs?: number;
      /** How long a request may wait for a connection of the pool (busy under load) before it fails (503). */
      acquireTimeoutMs?: number;
      /**
       * Told about connections that broke outside a query (PostgreSQL
       * restarted, network cut). They are dropped from the pool; the next
       * query opens a new one.
       */
      onConnectionError?: (error: Error) => void;
    } & BoundOption);

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Any fixed number: serializes migrations of processes starting together on one database. */
const MIGRATION_LOCK_KEY = 727_001;

/** One naming per process: a statement has the same name on every connection (named-statements.ts). */
const STATEMENT_NAMES = new StatementNames();

/** A health check must answer even when the database does not. */
const PING_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A writer that ran out of time: rolled back, and answered 503 so the client sends it again. */
class WriteTimeoutError extends Error {
  readonly code = '57014';
  constructor(ms: number) {
    super(`a writing transaction took ${Math.round(ms)} ms, over half the write bound: rolled back`);
  }
}

/** Deadlocks, serialization failures and concurrent creates: the transaction is run again. */
function isRetryable(error: unknown): boolean {
  for (const e of causesOf(error)) {
    if (e instanceof ConcurrentCreateError) return true;
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}

const WRITE_ATTEMPTS = 5;

async function readOffset(db: Db): Promise<number> {
  const rows = await db.select({ offset: syncCounter.xidOffset }).from(syncCounter).where(eq(syncCounter.id, 1));
  if (!rows[0]) throw new Error('sync_counter is not seeded: migrations did not run');
  return Number(rows[0].offset);
}

function storeOver(
  kind: DbKind,
  db: Db,
  clock: PullClock,
  options: BoundOption,
  close: () => Promise<void>,
  ping: () => Promise<unknown>,
): Store {
  const boundMs = options.writeBoundMs ?? DEFAULT_WRITE_BOUND_MS;
  const writeOnce = <T>(fn: (tx: WriteTx) => Promise<T>) => {
    const started = clock.marks.time();
    return db.transaction(async (tx) => {
      const writes = createWriteTx(tx, clock.offset);
      const result = await fn(writes);
      await writes.flush();
      // Past half the bound, pulls may soon move past this transaction's id: it must not commit (pull.ts).
      const took = clock.marks.time() - started;
      if (took > boundMs / 2) throw new WriteTimeoutError(took);
      return result;
    });
  };
  return {
    kind,
    async ping() {
      await withTimeout(ping(), PING_TIMEOUT_MS);
    },
    async findUserByEmail(email) {
      const rows = await db.select().from(users).where(lowerEmailEquals(email)).limit(1);
      return rows[0] ?? null;
    },
    async findUserById(id) {
      const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return rows[0] ?? null;
    },
    pull: (viewer, since, limit) => readPullSnapshot(db, clock, viewer, since, limit),
    pullAs: (session, since, limit) => readSessionPull(db, clock, session, since, limit),
    sessions: sessionStoreOver(db),
    mail: mailOutboxOver(db, kind),
    async recordWrongCode(userId) {
      const rows = await db
        .update(emailCodes)
        .set({ attempts: sql`${emailCodes.attempts} + 1` })
        .where(and(eq(emailCodes.userId, userId)))
        .returning({ attempts: emailCodes.attempts });
      return rows[0]?.attempts ?? 0;
    },
    async findInvitationByToken(tokenHash) {
      const rows = await db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).limit(1);
      return rows[0] ?? null;
    },
    // PostgreSQL's default READ COMMITTED, on purpose: a locking read returns
    // the row as last committed, after waiting for its writer.
    async write(fn) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await writeOnce(fn);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          if (attempt >= WRITE_ATTEMPTS) throw new ContendedWriteError(attempt, error);
          options.onRetry?.(error, attempt);
        }
      }
    },
    close,
  };
}

async function openPglite(options: Extract<StoreOptions, { kind: 'pglite' }>): Promise<Store> {
  const { dataDir } = options;
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  const bound = options.writeBoundMs ?? DEFAULT_WRITE_BOUND_MS;
  const clock = { offset: await readOffset(db as unknown as Db), marks: new XidMarks(bound) };
  return storeOver('pglite', db as unknown as Db, clock, options, () => client.close(), () => client.query('select 1'));
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function openPostgres(options: Extract<StoreOptions, { kind: 'postgres' }>): Promise<Store> {
  const { url, schema } = options;
  const onError = options.onConnectionError ?? (() => undefined);
  const connectTimeout = options.connectTimeoutMs ?? 5_000;
  // Without limits a request waits forever for a database that does not answer.
  // pg-pool's connectionTimeoutMillis bounds both the wait for a free connection
  // and the opening of a new one; the second is bounded tighter per client.
  class TimedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeout });
    }
  }
  // Named outside, folding inside: a folded statement goes out under its name.
  const Client = namingStatements(foldingBegin(TimedClient), STATEMENT_NAMES);
  const poolOf = (max: number, acquireTimeout: number) => {
    const created = new pg.Pool({
      Client,
      connectionString: url,
      max,
      connectionTimeoutMillis: acquireTimeout,
      // Notices a peer that vanished without closing the connection.
      keepAlive: true,
      ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
    });
    // An 'error' event without a listener kills the process. The pool listens on
    // idle connections only: a connection checked out (between two statements of
    // a transaction) that breaks emits 'error' on the client, so listen there too.
    // The query in progress fails by itself and its request is answered 503.
    created.on('error', onError);
    created.on('connect', (client) => client.on('error', onError));
    created.on('release', (_error, client) => forgetNotedBegin(client));
    return created;
  };
  // Under load a request may queue for a while (clients give up after 30 s).
  const pool = poolOf(options.poolSize ?? 10, options.acquireTimeoutMs ?? 20_000);
  // Health asks on its own connection: it reports whether the database answers, not whether the pool is busy.
  const healthPool = poolOf(1, connectTimeout);
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
  const bound = options.writeBoundMs ?? DEFAULT_WRITE_BOUND_MS;
  const clock = { offset: await readOffset(db as unknown as Db), marks: new XidMarks(bound) };
  return storeOver(
    'postgres',
    db as unknown as Db,
    clock,
    options,
    async () => {
      await Promise.all([pool.end(), healthPool.end()]);
    },
    () => healthPool.query('select 1'),
  );
}

export function openStore(options: StoreOptions): Promise<Store> {
  return options.kind === 'pglite' ? openPglite(options) : openPostgres(options);
}
