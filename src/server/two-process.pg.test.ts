import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TestClient, acceptedNew, newReference } from '../../tools/test-support/client';
import { uniqueSuffix, holdPostgresTestLock } from '../../tools/test-support/harness';
import { spawnServer, type ServerProcess } from '../../tools/test-support/process';
import { connectSocket, eventually, type RecordingSocket } from '../../tools/test-support/sockets';

const DB = process.env.TEST_DATABASE_URL;
const REDIS = process.env.REDIS_URL;

/** Two server processes on one PostgreSQL and one Redis: a push to one reaches a socket on the other. */
describe.skipIf(!DB || !REDIS)('two processes share data and real-time events', () => {
  const schema = `test_${uniqueSuffix()}`;
  const procs: ServerProcess[] = [];
  // Both processes send from one mail outbox: whichever sends writes here.
  const dataDir = mkdtempSync(join(tmpdir(), 'aideepref-two-'));
  let socket: RecordingSocket | undefined;
  // Its writes would hold back other files' PostgreSQL cursors (harness.ts): it takes its turn.
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = await holdPostgresTestLock();
  });
  afterAll(async () => {
    socket?.close();
    await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    rmSync(dataDir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: DB });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    await release?.();
  });

  it('delivers an event through the other process, and both see the data', async () => {
    const env = { DATABASE_URL: DB!, DATABASE_SCHEMA: schema, REDIS_URL: REDIS!, JWT_SECRET: `secret-for-${schema}-secret`, DATA_DIR: dataDir };
    procs.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
    const [a, b] = procs.map((p) => new TestClient({ url: p.url, mailDir: join(dataDir, 'mail') })) as [TestClient, TestClient];
    expect((await fetch(`${procs[0]!.url}/api/health`).then((r) => r.json())) as unknown).toEqual({ ok: true, db: 'postgres' });

    const cand = await a.signup('Cand');
    const ref = await b.signup('Ref');
    socket = await connectSocket(procs[1]!.url, ref.token);
    const rec = newReference(cand, ref.email);
    expect((await a.push(cand, { references: { created: [rec] } })).body).toEqual(acceptedNew(rec));

    await eventually(() => expect(socket!.received.map((e) => [e.event, e.payload.record.id])).toEqual([['reference:created', rec.id]]), 10_000);
    const pulled = await b.pull(ref);
    expect(pulled.body.changes.references.created.map((r) => r.id)).toEqual([rec.id]);
  }, 300_000);
});
