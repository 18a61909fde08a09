import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient, idsOf, newReference } from './test-support/client';
import { spawnServer, type ServerProcess } from './test-support/process';

/** A committed push survives kill -9 on PGlite, and tokens stay valid (the secret lives in DATA_DIR). */
describe('kill -9 and restart on PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aideepref-data-'));
  let proc: ServerProcess | undefined;
  afterAll(async () => {
    await proc?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps an acknowledged push and accepts the old token', async () => {
    const env = { DATA_DIR: dataDir, JWT_SECRET: '', DATABASE_URL: '', REDIS_URL: '' };
    proc = await spawnServer(env);
    const api = new TestClient(proc.url);
    const cand = await api.signup('Durable');
    const rec = newReference(cand, 'referee@example.com');
    const push = await api.push(cand, { references: { created: [rec] } });
    expect(push.status).toBe(200);
    expect(push.body).toEqual({ conflicts: [], rejected: {} });

    await proc.stop('SIGKILL');
    proc = await spawnServer(env);
    const after = new TestClient(proc.url);
    const pull = await after.pull(cand);
    expect(pull.status).toBe(200);
    expect(idsOf(pull.body, 'references').rows.map((r) => r.id)).toEqual([rec.id]);
    await proc.stop('SIGTERM');
  }, 300_000);
});
