/**
 * Server figures: push throughput and full pull (PGlite and PostgreSQL), each
 * against raw SQL on the same engine at the same concurrency; push throughput
 * at 50 clients and its growth from 1 client against the floor's; fan-out of
 * one change to 1,000 sockets against a bare io.emit; the server's memory
 * after a burst of large pushes against its memory before.
 *
 * BENCH_SERVER=pglite,pg,pg50,fanout,memory runs only those parts (all by default).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { errorNote, failRemaining, failed, log, median, newReference, percentile, PG_URL, postgresAvailable, pullAll, push, result, ROOT, signup, startServer, tempDir, uid, type Result, type User } from './lib/common';

const PUSH_RECORDS = 10_000;
const PUSH_BATCH = 100;
const PUSH_CLIENTS = 10;
const REPEATS = 3;
/** A whole pull takes 0.1 to 0.4 s here: more turns cost little. */
const PULL_REPEATS = 7;

const COLUMNS = ['id', 'user_id', 'referee_name', 'referee_email', 'message', 'status', 'response', 'responded_at', 'created_at', 'updated_at', 'is_deleted', 'col_times', 'col_seqs', 'seq', 'created_seq'];

export function batchesFor(user: User, count: number): Record<string, unknown>[][] {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < count; i += PUSH_BATCH) {
    batches.push(Array.from({ length: PUSH_BATCH }, (_, k) => newReference(user, `referee.${(i + k) % 89}@example.org`, i + k)));
  }
  return batches;
}

/** Clients of the wide figure, on each side. */
const WIDE_CLIENTS = 50;
/** Connections of each side at 50 clients: PostgreSQL here allows 100 in all, shared with other runs. */
const WIDE_CONNECTIONS = 30;

/** Runs `batches` through `send` from `clients` concurrent workers; records per second. */
async function concurrently<T>(batches: T[], clients: number, send: (batch: T, worker: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      while (next < batches.length) await send(batches[next++]!, w);
    }),
  );
  return (batches.length * PUSH_BATCH) / ((performance.now() - started) / 1000);
}

export interface RawDb {
  query(sql: string, params: unknown[], worker: number): Promise<unknown>;
  close(): Promise<void>;
}

/** Every migration the server applies (drizzle/meta/_journal.json order), so the floor's tables are the server's. */
async function MIGRATION(): Promise<string[]> {
  const fs = await import('node:fs');
  const journal = JSON.parse(fs.readFileSync(join(ROOT, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.flatMap((e) => fs.readFileSync(join(ROOT, `drizzle/${e.tag}.sql`), 'utf8').split('--> statement-breakpoint'));
}

export async function rawPglite(): Promise<RawDb> {
  const dir = tempDir('pglite-floor');
  const db = new PGlite(dir);
  await db.waitReady;
  for (const statement of await MIGRATION()) if (statement.trim()) await db.exec(statement);
  return {
    query: (sql, params) => db.query(sql, params),
    async close() {
      await db.close();
      (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function rawPostgres(connections = PUSH_CLIENTS): Promise<RawDb> {
  const schema = `bench_floor_${uid()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  // Idle connections close at once: the server's pool needs them while the floor rests (max_connections is 100).
  const pool = new pg.Pool({ connectionString: PG_URL, max: connections, idleTimeoutMillis: 1, options: `-c search_path="${schema}"` });
  const c = await pool.connect();
  for (const statement of await MIGRATION()) if (statement.trim()) await c.query(statement);
  c.release();
  return {
    query: (sql, params) => pool.query(sql, params),
    async close() {
      await pool.end();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** The floor: raw multi-row INSERT … ON CONFLICT of the same rows, same batching and concurrency. */
export async function rawUpsert(db: RawDb, batches: Record<string, unknown>[][], clients = PUSH_CLIENTS): Promise<number> {
  let seq = 1;
  return concurrently(batches, clients, async (batch, worker) => {
    const params: unknown[] = [];
    const tuples = batch.map((r) => {
      const s = seq++;
      const times = JSON.stringify({ referee_name: r.updated_at, referee_email: r.updated_at, message: r.updated_at, status: r.updated_at, response: r.updated_at, responded_at: r.updated_at });
      const values = [r.id, r.user_id, r.referee_name, r.referee_email, r.message, r.status, r.response, r.responded_at, r.created_at, r.updated_at, false, times, times, s, s];
      const start = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${start + i + 1}`).join(',')})`;
    });
    const update = COLUMNS.filter((c) => c !== 'id').map((c) => `"${c}" = EXCLUDED."${c}"`).join(', ');
    await db.query(`INSERT INTO "references" (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ${tuples.join(',')} ON CONFLICT ("id") DO UPDATE SET ${update}`, params, worker);
  });
}

export async function rawSelect(db: RawDb, userId: string, repeats = REPEATS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const t = performance.now();
    await db.query(`SELECT * FROM "references" WHERE user_id = $1`, [userId], 0);
    times.push(performance.now() - t);
  }
  return median(times);
}

async function backendFigures(kind: 'pglite' | 'pg', staticDir: string): Promise<Result[]> {
  const pushName = `push_records_per_s_${kind}`;
  const pullName = `pull_10k_ms_${kind}`;
  if (kind === 'pg') {
    const why = await postgresAvailable();
    if (why) return [failed(pushName, 'records/s', 'ratio >= 0.8', why), failed(pullName, 'ms', 'ratio <= 1.2', why)];
  }
  log(`${kind}: raw floor`);
  const raw = kind === 'pglite' ? await rawPglite() : await rawPostgres();
  const server = await startServer({ staticDir, postgres: kind === 'pg' });
  try {
    const user = await signup(server.url, 'Pusher');
    // Warm-up (JIT, connection pools, plans) outside the timing, on both sides.
    const warm = batchesFor(user, 1_000);
    await rawUpsert(raw, warm);
    await concurrently(batchesFor(user, 1_000), PUSH_CLIENTS, (b) => push(server.url, user, b));

    const floorRates: number[] = [];
    const rates: number[] = [];
    for (let i = 0; i < REPEATS; i += 1) {
      floorRates.push(await rawUpsert(raw, batchesFor(user, PUSH_RECORDS)));
      const batches = batchesFor(user, PUSH_RECORDS);
      log(`${kind}: push ${PUSH_RECORDS} in batches of ${PUSH_BATCH} from ${PUSH_CLIENTS} clients (${i + 1}/${REPEATS})`);
      rates.push(await concurrently(batches, PUSH_CLIENTS, (b) => push(server.url, user, b)));
    }
    const pushRate = median(rates);
    const pushFloor = median(floorRates);

    // Pull: a user with exactly 10,000 references (pushed above by someone else is not visible to them).
    const reader = await signup(server.url, 'Reader');
    const readerBatches = batchesFor(reader, 10_000);
    await concurrently(readerBatches, PUSH_CLIENTS, (b) => push(server.url, reader, b));
    await rawUpsert(raw, readerBatches);
    await rawSelect(raw, reader.id, 1); // warm-up
    await pullAll(server.url, reader); // warm-up
    // In turns, one of each: a machine that slows down or speeds up during the run moves both alike.
    const floorPulls: number[] = [];
    const pulls: number[] = [];
    for (let i = 0; i < PULL_REPEATS; i += 1) {
      floorPulls.push(await rawSelect(raw, reader.id, 1));
      const t = performance.now();
      const n = await pullAll(server.url, reader);
      pulls.push(performance.now() - t);
      if (n < 10_000) throw new Error(`pull returned ${n} entries, expected 10,001`);
    }
    const floorPull = median(floorPulls);
    return [
      kind === 'pg'
        ? result(pushName, pushRate, 'records/s', pushFloor, 'ratio >= 0.8', (_v, r) => (r ?? 0) >= 0.8)
        : result(pushName, pushRate, 'records/s', pushFloor, '>= 10000 and ratio >= 0.4', (v, r) => v >= 10_000 && (r ?? 0) >= 0.4),
      result(pullName, median(pulls), 'ms', floorPull, 'ratio <= 1.2', (_v, r) => r !== null && r <= 1.2),
    ];
  } finally {
    await server.stop();
    await raw.close();
  }
}

function connectAll(url: string, count: number, token: string | null): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      new Promise<Socket>((res, rej) => {
        const s = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) });
        s.once('connect', () => res(s));
        s.once('connect_error', rej);
      }),
    ),
  );
}

/** Per socket: ms from `trigger()` to the event's arrival; `changes` rounds. */
async function deliveries(sockets: Socket[], event: string, changes: number, trigger: (i: number) => void): Promise<number[]> {
  const all: number[] = [];
  for (let i = 0; i < changes; i += 1) {
    const arrived: number[] = [];
    const done = new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`fan-out: only ${arrived.length} of ${sockets.length} sockets got ${event}`)), 30_000);
      for (const s of sockets) {
        s.once(event, () => {
          arrived.push(performance.now());
          if (arrived.length === sockets.length) {
            clearTimeout(timer);
            res();
          }
        });
      }
    });
    const t0 = performance.now();
    trigger(i);
    await done;
    all.push(...arrived.map((t) => t - t0));
    await new Promise((r) => setTimeout(r, 200));
  }
  return all;
}

export async function bareSocketServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['bench/lib/bare-socket-server.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.once('exit', (code) => rej(new Error(`bare socket server exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function fanoutFigure(staticDir: string): Promise<Result> {
  const SOCKETS = 1_000;
  const CHANGES = 5;
  // Floor: bare io.emit to the same number of sockets, from another process.
  const bare = await bareSocketServer();
  let floor: number;
  try {
    const sockets = await connectAll(bare.url, SOCKETS, null);
    const control = sockets[0]!;
    floor = percentile(await deliveries(sockets, 'x', CHANGES, (i) => control.emit('go', { i, record: { id: 'x', referee_name: 'Referee' } })), 99);
    for (const s of sockets) s.disconnect();
  } finally {
    bare.stop();
  }
  const server = await startServer({ staticDir });
  try {
    const user = await signup(server.url, 'Fanout');
    log(`fan-out: connecting ${SOCKETS} sockets`);
    const sockets = await connectAll(server.url, SOCKETS, user.token);
    await push(server.url, user, [newReference(user, 'warm@example.org', 0)]);
    await new Promise((r) => setTimeout(r, 500));
    const times = await deliveries(sockets, 'reference:created', CHANGES, (i) => void push(server.url, user, [newReference(user, 'fan@example.org', i)]));
    for (const s of sockets) s.disconnect();
    return result('fanout_1000_p99_ms', percentile(times, 99), 'ms', floor, '<= 150', (v) => v <= 150);
  } finally {
    await server.stop();
  }
}

/** The process that runs the server: the deepest descendant of the tsx launcher. */
function serverPid(pid: number): number {
  for (;;) {
    let children: string[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return pid;
    }
    if (!children.length) return pid;
    pid = Number(children[0]);
  }
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]) / 1024;
}

/** Connections named `appName` waiting on a lock, sampled every 20 ms while `work` runs. */
async function lockWaits(appName: string, work: Promise<number>): Promise<{ rate: number; max: number; mean: number; kinds: string }> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const samples: number[] = [];
  const kinds = new Map<string, number>();
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const r = await admin.query<{ e: string; n: string }>(
        "SELECT wait_event AS e, count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = $1 GROUP BY 1",
        [appName],
      );
      samples.push(r.rows.reduce((n, row) => n + Number(row.n), 0));
      for (const row of r.rows) kinds.set(row.e, (kinds.get(row.e) ?? 0) + Number(row.n));
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  try {
    const rate = await work;
    const kindsText = [...kinds].map(([e, n]) => `${e} ${n}`).join(', ') || 'none';
    return { rate, max: Math.max(0, ...samples), mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length), kinds: `${samples.length} samples; waits by kind: ${kindsText}` };
  } finally {
    done = true;
    await sampling;
    await admin.end();
  }
}

/**
 * Push throughput on PostgreSQL at 50 clients against the raw upsert at 50
 * connections, and how both grow from 1 client: the server's growth as a
 * ratio to the floor's. Lock waits of the server's connections are sampled.
 */
async function wideFigures(staticDir: string): Promise<Result[]> {
  const why = await postgresAvailable();
  if (why) return [failed('push_records_per_s_pg_50', 'records/s', 'ratio >= 0.8', why), failed('push_growth_1_to_50_pg', 'x', 'ratio >= 1', why)];
  const raw = await rawPostgres(WIDE_CONNECTIONS);
  const appName = `bench-wide-${uid()}`;
  const server = await startServer({ staticDir, postgres: true, poolSize: WIDE_CONNECTIONS, appName });
  try {
    const user = await signup(server.url, 'Wide');
    await rawUpsert(raw, batchesFor(user, 1_000), WIDE_CLIENTS);
    await concurrently(batchesFor(user, 2_000), WIDE_CLIENTS, (b) => push(server.url, user, b));
    const one = { ours: [] as number[], floor: [] as number[] };
    const wide = { ours: [] as number[], floor: [] as number[], waits: [] as number[], kinds: [] as string[] };
    for (let i = 0; i < REPEATS; i += 1) {
      log(`pg: push ${PUSH_RECORDS / 2} from 1 client and ${PUSH_RECORDS} from ${WIDE_CLIENTS} clients, each against the floor (${i + 1}/${REPEATS})`);
      one.floor.push(await rawUpsert(raw, batchesFor(user, PUSH_RECORDS / 2), 1));
      one.ours.push(await concurrently(batchesFor(user, PUSH_RECORDS / 2), 1, (b) => push(server.url, user, b)));
      wide.floor.push(await rawUpsert(raw, batchesFor(user, PUSH_RECORDS), WIDE_CLIENTS));
      const sampled = await lockWaits(appName, concurrently(batchesFor(user, PUSH_RECORDS), WIDE_CLIENTS, (b) => push(server.url, user, b)));
      wide.ours.push(sampled.rate);
      wide.waits.push(sampled.max);
      wide.kinds.push(sampled.kinds);
    }
    const ours = { one: median(one.ours), wide: median(wide.ours) };
    const floor = { one: median(one.floor), wide: median(wide.floor) };
    const note = `1 client: ours ${Math.round(ours.one)}, floor ${Math.round(floor.one)} records/s; ${WIDE_CLIENTS} clients: ours ${Math.round(ours.wide)}, floor ${Math.round(floor.wide)}; growth ours ${(ours.wide / ours.one).toFixed(2)}x, floor ${(floor.wide / floor.one).toFixed(2)}x; connections waiting on a lock at most ${Math.max(...wide.waits)} (per run ${wide.waits.join(', ')}; ${wide.kinds.join(' / ')})`;
    return [
      result('push_records_per_s_pg_50', ours.wide, 'records/s', floor.wide, 'ratio >= 0.8', (_v, r) => (r ?? 0) >= 0.8, note),
      result('push_growth_1_to_50_pg', ours.wide / ours.one, 'x', floor.wide / floor.one, 'ratio >= 1', (_v, r) => (r ?? 0) >= 1),
    ];
  } finally {
    await server.stop();
    await raw.close();
  }
}

/** 20 pushes of about 4.6 MB to a PGlite server (npm start's default), one after another: its RSS 5 s after, against before. */
async function memoryFigure(staticDir: string): Promise<Result> {
  const server = await startServer({ staticDir });
  try {
    const pid = serverPid(server.child.pid!);
    const user = await signup(server.url, 'Burst');
    await push(server.url, user, [newReference(user, 'warm@example.org', 0)]);
    await new Promise((r) => setTimeout(r, 2_000));
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
    for (let i = 0; i < 20; i += 1) {
      const rows = Array.from({ length: 2_020 }, (_, n) => ({ ...newReference(user, `burst.${n % 50}@example.org`, i * 10_000 + n), message: `${i}.${n} `.padEnd(1_900, 'x') }));
      await push(server.url, user, rows);
    }
    await new Promise((r) => setTimeout(r, 5_000));
    clearInterval(sampler);
    const after = rssMb(pid);
    return result('server_rss_after_burst_mb', after, 'MB', before, 'ratio <= 1.2', (_v, r) => r !== null && r <= 1.2, `20 pushes of 4.6 MB; at most ${Math.round(peak)} MB during the burst`);
  } finally {
    await server.stop();
  }
}

export async function serverFigures(staticDir: string): Promise<Result[]> {
  const parts = process.env.BENCH_SERVER?.split(',');
  const wanted = (part: string) => !parts || parts.includes(part);
  const out: Result[] = [];
  for (const kind of ['pglite', 'pg'] as const) {
    if (!wanted(kind)) continue;
    try {
      out.push(...(await backendFigures(kind, staticDir)));
    } catch (error) {
      failRemaining(out, error, [
        [`push_records_per_s_${kind}`, 'records/s', kind === 'pg' ? 'ratio >= 0.8' : '>= 10000 and ratio >= 0.4'],
        [`pull_10k_ms_${kind}`, 'ms', 'ratio <= 1.2'],
      ]);
    }
  }
  if (wanted('pg50')) {
    try {
      out.push(...(await wideFigures(staticDir)));
    } catch (error) {
      failRemaining(out, error, [
        ['push_records_per_s_pg_50', 'records/s', 'ratio >= 0.8'],
        ['push_growth_1_to_50_pg', 'x', 'ratio >= 1'],
      ]);
    }
  }
  if (wanted('fanout')) {
    try {
      out.push(await fanoutFigure(staticDir));
    } catch (error) {
      out.push(failed('fanout_1000_p99_ms', 'ms', '<= 150', errorNote(error)));
    }
  }
  if (wanted('memory')) {
    try {
      out.push(await memoryFigure(staticDir));
    } catch (error) {
      out.push(failed('server_rss_after_burst_mb', 'MB', 'ratio <= 1.2', errorNote(error)));
    }
  }
  return out;
}
