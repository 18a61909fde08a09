/**
 * The server's database is restored from a backup: what was written after
 * the backup is gone from it, and the devices' cursors name positions it
 * never issued. The server starts such a pull over from 0 and says so
 * (RESTARTED_HEADER); a device then pulls from 0 as a whole, sends the
 * user's own requests the server lost again, and drops what others wrote
 * that the server no longer has. Real server (PGlite on disk, restored by
 * copying its directory back), real WatermelonDB engines.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '@nozbe/watermelondb';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient, idsOf, newReference, type TestUser } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { createHttpTransport } from '../sync/http-transport';
import type { Transport } from '../sync/ports';
import { memoryClient } from '../sync/watermelon/testing/memory-client';

describe('a server restored from a backup', () => {
  const root = mkdtempSync(join(tmpdir(), 'aideepref-restore-'));
  const dataDir = join(root, 'data');
  const backupDir = join(root, 'backup');
  let server: TestServer | null = null;
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<TestServer> {
    server = await startServer('pglite', {}, { dataDir });
    return server;
  }
  async function stop(): Promise<void> {
    await server?.close();
    server = null;
  }
  // The devices keep one address while the server behind it is stopped and started again.
  const device = (user: TestUser) => {
    const transport: Transport = {
      pull: (...args) => createHttpTransport({ baseUrl: server!.url, getToken: () => user.token }).pull(...args),
      push: (...args) => createHttpTransport({ baseUrl: server!.url, getToken: () => user.token }).push(...args),
    };
    return memoryClient(transport, { wall: () => Date.now(), userId: user.id });
  };
  const ids = async (d: Awaited<ReturnType<typeof device>>) => (await d.database.get<Model>('references').query().fetch()).map((r) => r.id).sort();

  it('gets back the requests its users wrote since, and its devices drop what nobody sends again', async () => {
    let api = new TestClient(await start());
    const candidate = await api.signup('Candidate');
    const other = await api.signup('Other');
    const referee = await api.signup('Referee');
    const phone = await device(candidate);
    const inbox = await device(referee);
    const before = await phone.actions.requestReference({ refereeName: 'Before', refereeEmail: referee.email, message: 'from before the backup' });
    await phone.service.run();
    await inbox.service.run();

    await stop();
    cpSync(dataDir, backupDir, { recursive: true });
    api = new TestClient(await start());

    // Written after the backup: a request from the phone, and one from another candidate that no device of theirs holds.
    const after = await phone.actions.requestReference({ refereeName: 'After', refereeEmail: referee.email, message: 'since the backup' });
    await phone.service.run();
    const lost = newReference(other, referee.email);
    expect((await api.push(other, { references: { created: [lost] } })).status).toBe(200);
    for (let i = 0; i < 5; i += 1) await api.push(other, { references: { created: [newReference(other, `someone-${i}@example.com`)] } });
    await inbox.service.run();
    expect(await ids(phone)).toEqual([before, after].sort());
    expect(await ids(inbox)).toEqual([before, after, lost.id].sort());

    await stop();
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(backupDir, dataDir, { recursive: true });
    api = new TestClient(await start());
    expect(idsOf((await api.pull(candidate)).body, 'references').rows.map((r) => r.id)).toEqual([before]);

    const run = await phone.service.run();
    expect(run.fullPull).toBe(true);
    // The server has the phone's request again, as a pending one, and the phone has nothing left to send.
    const rows = idsOf((await api.pull(candidate)).body, 'references').rows;
    expect(rows.map((r) => r.id).sort()).toEqual([before, after].sort());
    expect(rows.find((r) => r.id === after)).toMatchObject({ referee_name: 'After', message: 'since the backup', status: 'pending' });
    expect(await phone.store.outbox()).toEqual([]);
    expect(await ids(phone)).toEqual([before, after].sort());

    // The referee's device: the other candidate's request is gone for good; the phone's came back.
    expect((await inbox.service.run()).fullPull).toBe(true);
    expect(await ids(inbox)).toEqual([before, after].sort());
    expect(await inbox.store.outbox()).toEqual([]);
  }, 60_000);
});
