/** Shared bench helpers: results, statistics, the real server process, seeding over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { NEXT_PAGE_AFTER_MS } from '../../src/sync/http-transport';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Result {
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
  met: boolean;
  note?: string;
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A figure with its floor; `ratio` = value / baseline. */
export function result(
  name: string,
  value: number | null,
  unit: string,
  baseline: number | null,
  target: string,
  met: (value: number, ratio: number | null) => boolean,
  note?: string,
): Result {
  const ratio = value !== null && baseline ? round(value / baseline, 2) : null;
  const ok = value !== null && Number.isFinite(value) && met(value, ratio);
  return { name, value: value === null ? null : round(value), unit, baseline: baseline === null ? null : round(baseline), ratio, target, met: ok, ...(note ? { note } : {}) };
}

export function failed(name: string, unit: string, target: string, reason: string): Result {
  return { name, value: null, unit, baseline: null, ratio: null, target, met: false, note: reason };
}

/** The note of a failed figure: the error, short enough for the table. */
export function errorNote(error: unknown): string {
  return `error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
}

/** A part of the bench failed: each of its figures not measured yet is reported missed, with the error. */
export function failRemaining(results: Result[], error: unknown, figures: readonly (readonly [name: string, unit: string, target: string])[]): void {
  const why = errorNote(error);
  log(why);
  for (const [name, unit, target] of figures) {
    if (!results.some((r) => r.name === name)) results.push(failed(name, unit, target, why));
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

const tempDirs: string[] = [];

/** A new directory under the system temp dir; removeTempDirs() deletes every one made. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `aideepref-bench-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function uid(): string {
  return randomBytes(6).toString('hex');
}

export interface BenchServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `tsx src/server/main.ts` on a temp DATA_DIR (PGlite) or a fresh PostgreSQL schema, on a free port. */
export async function startServer(opts: { staticDir: string; postgres?: boolean; poolSize?: number; appName?: string }): Promise<BenchServer> {
  const port = await freePort();
  const dataDir = tempDir('data');
  const schema = opts.postgres ? `bench_${uid()}` : '';
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STATIC_DIR: opts.staticDir,
      DATABASE_URL: opts.postgres ? PG_URL : '',
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: String(opts.poolSize ?? 10),
      // node-postgres names its connections so (pg_stat_activity.application_name).
      PGAPPNAME: opts.appName ?? '',
      REDIS_URL: '',
      AUTH_RATE_LIMIT: '100000',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    },
  };
}

export async function postgresAvailable(): Promise<string | null> {
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
    return null;
  } catch (error) {
    return `PostgreSQL not reachable at ${PG_URL}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export interface User {
  id: string;
  email: string;
  name: string;
  token: string;
  password: string;
}

export const PASSWORD = 'bench-password-123';

export async function signup(url: string, name: string): Promise<User> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${uid()}@example.com`;
  const res = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`signup ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { token: string; user: { id: string; email: string; name: string } };
  return { ...body.user, token: body.token, password: PASSWORD };
}

let idCounter = 0;
/** A reference as WatermelonDB pushes a newly created one. */
export function newReference(candidate: User, refereeEmail: string, n: number): Record<string, unknown> {
  const now = Date.now();
  idCounter += 1;
  return {
    id: `b${uid()}${idCounter.toString(36)}`,
    user_id: candidate.id,
    referee_name: `Referee ${n}`,
    referee_email: refereeEmail,
    message: `Could you write me a reference for my time on project ${n}? Thank you very much.`,
    status: 'pending',
    response: null,
    responded_at: null,
    server_id: null,
    sync_status: 'pending',
    last_synced_at: null,
    created_at: now - 1_000_000 + n,
    updated_at: now,
    is_deleted: false,
    _status: 'created',
    _changed: '',
  };
}

/**
 * Pushes and pulls go over node:http with kept-alive connections, not fetch:
 * the bench's client shares the two cores with the server and PostgreSQL, and
 * fetch spent about twice the CPU per push of 100 records (1.8-1.9 against
 * 0.9 ms), which at 10 clients took 15-20% off the throughput measured; a
 * pull of 10,000 took about 12% longer (medians of five: 128 against 114 ms). The floors' client (node-postgres) is as
 * lean, and the app's is the browser's own fetch.
 */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function postJson(url: string, token: string, payload: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A GET whose headers arrive before its body, as fetch's do; the body decompressed as a browser does. */
function getText(url: string, token: string): Promise<{ status: number; header(name: string): string | null; text: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      const encoding = res.headers['content-encoding'];
      const decoded =
        encoding === 'br' ? res.pipe(createBrotliDecompress()) : encoding === 'gzip' ? res.pipe(createGunzip()) : encoding === 'deflate' ? res.pipe(createInflate()) : res;
      const text = new Promise<string>((ok, fail) => {
        const chunks: Buffer[] = [];
        decoded.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        decoded.on('error', fail);
        decoded.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
      });
      text.catch(() => undefined);
      const header = (name: string) => {
        const value = res.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      };
      resolve({ status: res.statusCode ?? 0, header, text });
    });
    req.on('error', reject);
    req.end();
  });
}

export async function push(url: string, user: User, rows: Record<string, unknown>[]): Promise<void> {
  const payload = JSON.stringify({ changes: { references: { created: rows, updated: [], deleted: [] } }, lastPulledAt: null });
  const { status, text } = await postJson(`${url}/api/sync/push`, user.token, payload);
  if (status !== 200) throw new Error(`push ${status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { rejected: Record<string, unknown[]> };
  const rejected = Object.values(body.rejected ?? {}).reduce((n, l) => n + l.length, 0);
  if (rejected) throw new Error(`push rejected ${rejected} records: ${text.slice(0, 300)}`);
}

/** Gives `user` `count` references on the server, in batches of 1,000, 2 requests at a time. */
export async function seedReferences(url: string, user: User, count: number): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < count; i += 1_000) {
    batches.push(Array.from({ length: Math.min(1_000, count - i) }, (_, k) => newReference(user, `referee.${(i + k) % 97}@example.org`, i + k)));
  }
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < batches.length) await push(url, user, batches[next++]!);
    }),
  );
}

/**
 * A whole pull from 0, as the app's client reads it (http-transport.ts,
 * pages-ahead.ts): each next page is asked for once this one has arrived,
 * before it is parsed, or NEXT_PAGE_AFTER_MS after its headers if it is
 * still arriving then (its cursor is in the headers).
 */
export async function pullAll(url: string, user: User): Promise<number> {
  const page = (since: number | string) => getText(`${url}/api/sync/pull?since=${since}`, user.token);
  let count = 0;
  let next = page(0);
  for (;;) {
    const res = await next;
    if (res.status !== 200) throw new Error(`pull ${res.status}`);
    const ahead = res.header('x-sync-next');
    let asked = false;
    const askAhead = () => {
      if (ahead === null || asked) return;
      asked = true;
      next = page(ahead);
    };
    // As the app's transport: at once when the server reads elsewhere (x-sync-next-now), else once the page arrived.
    if (res.header('x-sync-next-now') === '1') askAhead();
    const timer = setTimeout(askAhead, NEXT_PAGE_AFTER_MS);
    const text = await res.text;
    clearTimeout(timer);
    askAhead();
    const body = JSON.parse(text) as { changes: Record<string, { created: unknown[]; updated: unknown[]; deleted: unknown[] }>; timestamp: number; more?: boolean };
    for (const t of Object.values(body.changes)) count += t.created.length + t.updated.length + t.deleted.length;
    if (!body.more) return count;
    if (ahead === null) next = page(body.timestamp);
    else if (String(body.timestamp) !== ahead) throw new Error(`pull: header cursor ${ahead} is not the body's ${body.timestamp}`);
  }
}
