/**
 * Test harness: a real server on port 0 over a fresh store (PGlite in
 * memory, or a fresh PostgreSQL schema when TEST_DATABASE_URL is set), and a
 * small HTTP client. Boot one per test file (beforeAll): PGlite takes seconds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppDeps } from '../../src/server/app';
import { createFileTransport } from '../../src/server/mail/transports';
import { openStore } from '../../src/server/store/open-store';
import type { Store } from '../../src/server/store/types';
import type { ChangeEvent } from '../../src/server/replication/events';

export type Backend = 'pglite' | 'postgres';

/** PostgreSQL runs too when TEST_DATABASE_URL is set; PGlite always. */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestServer {
  url: string;
  /** Where this server writes its mail (`.eml` files: test-support/mailbox.ts reads them). */
  mailDir: string;
  app: FastifyInstance;
  store: Store;
  published: ChangeEvent[];
  close(): Promise<void>;
}

export function uniqueSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Store settings a test may change. */
export interface TestStoreOptions {
  writeBoundMs?: number;
  /** PostgreSQL connections (default 10). */
  poolSize?: number;
  /** Told of each writing transaction run again (a deadlock, a concurrent create). */
  onRetry?: (error: unknown) => void;
  /** PGlite only: keep the database in this directory (default: in memory). */
  dataDir?: string;
}

/**
 * The pull cursor's watermark is the oldest transaction running anywhere in
 * the PostgreSQL cluster (transaction ids are cluster-wide), so a test file
 * writing in its own schema still holds back another file's cursor, and a
 * test asserting "nothing is re-sent once no write is in flight" would see
 * the other file's writes in flight. Test files on PostgreSQL therefore take
 * turns: one advisory lock, held by this process from its first PostgreSQL
 * store until its last is dropped (PGlite tests run alongside).
 */
const PG_TEST_LOCK = 7_112_026;
let lockHolder: { client: pg.Client; users: number } | null = null;
let lockTaking: Promise<void> | null = null;

export async function holdPostgresTestLock(): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  if (!lockHolder) {
    lockTaking ??= (async () => {
      const client = new pg.Client({ connectionString: url, application_name: 'aideepref-test-lock' });
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1)', [PG_TEST_LOCK]);
      lockHolder = { client, users: 0 };
    })().finally(() => {
      lockTaking = null;
    });
    await lockTaking;
  }
  const holder = lockHolder!;
  holder.users += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    holder.users -= 1;
    if (holder.users > 0 || lockHolder !== holder) return;
    lockHolder = null;
    await holder.client.query('SELECT pg_advisory_unlock($1)', [PG_TEST_LOCK]).catch(() => undefined);
    await holder.client.end().catch(() => undefined);
  };
}

export async function openTestStore(backend: Backend, options: TestStoreOptions = {}): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const store = await openStore({
      kind: 'pglite',
      ...(options.writeBoundMs ? { writeBoundMs: options.writeBoundMs } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    return { store, drop: async () => undefined };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const release = await holdPostgresTestLock();
  const schema = `test_${uniqueSuffix()}`;
  const store = await openStore({ kind: 'postgres', url, schema, ...options });
  return {
    store,
    drop: async () => {
      try {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      } finally {
        await release();
      }
    },
  };
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret';

export async function startServer(
  backend: Backend,
  overrides: Partial<Omit<AppDeps, 'db'>> = {},
  storeOptions: TestStoreOptions = {},
): Promise<TestServer> {
  const { store, drop } = await openTestStore(backend, storeOptions);
  const published: ChangeEvent[] = [];
  const mailDir = mkdtempSync(join(tmpdir(), 'aideepref-mail-'));
  const clock = overrides.clock ?? (() => Date.now());
  const app = await buildApp({
    db: store,
    clock,
    jwtSecret: TEST_JWT_SECRET,
    authRateLimit: 10_000,
    syncRateLimit: 100_000,
    onPublish: (events) => published.push(...events),
    mail: { transport: createFileTransport(mailDir, clock), publicUrl: 'http://app.test' },
    ...overrides,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mailDir,
    app,
    store,
    published,
    async close() {
      await app.close();
      await store.close();
      await drop();
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
}

export interface Response<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Response<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}
