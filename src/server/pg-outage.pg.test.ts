import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tools/test-support/client';
import { holdPostgresTestLock, request, uniqueSuffix } from '../../tools/test-support/harness';
import { spawnServer, type ServerProcess } from '../../tools/test-support/process';
import { startTcpProxy, type TcpProxy } from '../../tools/test-support/tcp-proxy';
import { ledgerWriters, until } from '../../tools/test-support/workload';

const DB = process.env.TEST_DATABASE_URL;

/**
 * PostgreSQL goes away under load, twice: its backends are terminated
 * (pg_terminate_backend, as in a restart or failover), then the network to it
 * is cut for seconds (through a proxy this test controls; the machine's
 * PostgreSQL keeps running for everyone else). The server process never
 * restarts: it answers 503 meanwhile, health says not ok, it recovers by
 * itself, and no acknowledged write is lost.
 */
describe.skipIf(!DB)('PostgreSQL restarted under load', () => {
  const schema = `test_${uniqueSuffix()}`;
  const appName = `outage_${uniqueSuffix()}`;
  let proxy: TcpProxy | undefined;
  let proc: ServerProcess | undefined;
  const admin = new pg.Client({ connectionString: DB });
  // Its writes would hold back other files' PostgreSQL cursors (harness.ts): it takes its turn.
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = await holdPostgresTestLock();
  });
  afterAll(async () => {
    await proc?.stop('SIGKILL');
    await proxy?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await release?.();
  });

  it('answers 503 while it is gone, recovers without a restart and loses no acknowledged push', async () => {
    await admin.connect();
    const target = new URL(DB!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(DB!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('application_name', appName);
    proc = await spawnServer({ DATABASE_URL: viaProxy.toString(), DATABASE_SCHEMA: schema, JWT_SECRET: `secret-for-${schema}-secret`, REDIS_URL: '' });
    const url = proc.url;
    const api = new TestClient({ url, mailDir: join(proc.dataDir, 'mail') });
    const writers = await ledgerWriters(api, 6, 'Outage');

    // Load: writers push continuously; every writer also pulls in between.
    const statuses: Array<{ status: number | 'network'; body: unknown; phase: string }> = [];
    let phase = 'before';
    let stop = false;
    const pulling = writers.map(async (w) => {
      while (!stop) {
        const res = await api.pull(w.user).catch(() => null);
        statuses.push({ status: res?.status ?? 'network', body: res?.body, phase });
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const pushing = writers.map((w) => w.run(() => stop, 10));
    const server = proc;
    // Fails at once (with the server's output) if the process died, e.g. of an unhandled 'error' event.
    const acked = () => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        throw new Error(`the server process exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output().slice(-3_000)}`);
      }
      return writers.reduce((n, w) => n + w.acked, 0);
    };
    const health = async () => request(url, 'GET', '/api/health').catch(() => ({ status: 'network' as const, body: null }));

    await until(() => acked() >= 20, 60_000, 'pushes before the outage');

    // 1. Backends terminated, three times (in transactions, idle in the pool, anywhere).
    phase = 'terminate';
    let terminated = 0;
    for (let i = 0; i < 3; i += 1) {
      const res = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
      terminated += res.rowCount ?? 0;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(terminated).toBeGreaterThan(0);
    const afterTerminate = acked();
    await until(() => acked() >= afterTerminate + 10, 60_000, 'pushes after pg_terminate_backend');

    // 2. The database unreachable for seconds.
    phase = 'down';
    proxy.cut();
    const downHealth = [];
    const cutUntil = Date.now() + 4_000;
    while (Date.now() < cutUntil) {
      downHealth.push(await health());
      await new Promise((r) => setTimeout(r, 200));
    }
    const ackedWhileDown = acked();
    phase = 'back';
    proxy.restore();
    const backAt = Date.now();
    for (;;) {
      if ((await health()).status === 200) break;
      if (Date.now() - backAt > 30_000) throw new Error('health did not recover');
      await new Promise((r) => setTimeout(r, 100));
    }
    const recoveredMs = Date.now() - backAt;
    // Every writer is acknowledged again.
    const perWriter = writers.map((w) => w.acked);
    await until(() => acked() >= 0 && writers.every((w, i) => w.acked >= perWriter[i]! + 3), 60_000, 'every writer pushing again');
    stop = true;
    await Promise.all([...pushing, ...pulling]);

    // The same process throughout.
    expect(proc.child.exitCode).toBeNull();
    expect(proc.child.signalCode).toBeNull();

    // Health while down: 503 in the error shape with ok: false.
    expect(downHealth.length).toBeGreaterThan(5);
    for (const h of downHealth.slice(2)) {
      expect(h.status).toBe(503);
      expect(h.body).toEqual({ ok: false, db: 'postgres', error: { code: 'unavailable', message: expect.any(String) } });
    }

    // Every answer was a 200 or a 503 in the contract's error shape; never a 500 or a dropped connection.
    const pushes = writers.flatMap((w) => w.outcomes.map((o) => ({ status: o.status, body: o.body, phase: 'push' })));
    const all = [...statuses, ...pushes];
    const bad = all.filter((a) => a.status !== 200 && a.status !== 503);
    expect(bad).toEqual([]);
    const unavailable = all.filter((a) => a.status === 503);
    for (const a of unavailable) expect(a.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(unavailable.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s.phase === 'down' && s.status === 503).length).toBeGreaterThan(0);

    // No acknowledged push is lost.
    for (const w of writers) {
      const { pages } = await api.pullAll(w.user);
      expect(w.verify(pages), w.user.name).toEqual([]);
    }
    console.info(
      `[pg outage] ${terminated} backends terminated; ${acked()} pushes acknowledged (${ackedWhileDown - afterTerminate} between terminate and cut); ` +
        `${unavailable.length} answers 503, 0 other errors; health ok again ${recoveredMs} ms after the database came back`,
    );
  }, 300_000);
});
