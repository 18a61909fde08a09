/**
 * The conflict log against the real server when one sync run pushes more than
 * once: a loss reported by any push of the run is logged, and the device ends
 * with the value that won, not only for the run's first push.
 */
import type { Model } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReference, TestClient, updateOf, type RawRecord, type TestUser } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { readConflictLog } from '../sync/conflict-log';
import { createHttpTransport } from '../sync/http-transport';
import { silentLogger, type Transport } from '../sync/ports';
import type { SyncClient } from '../sync/create-sync-client';
import { createSyncService } from '../sync/watermelon/sync-service';
import { memoryClient } from '../sync/watermelon/testing/memory-client';
import { noPersistence } from '../sync/watermelon/testing/memory-database';

describe('losses from every push of a run, against the real server', () => {
  let server: TestServer;
  let api: TestClient;
  beforeAll(async () => {
    server = await startServer('pglite');
    api = new TestClient(server);
  });
  afterAll(() => server.close());

  /** Two requests of a new candidate, on the server and on a device that has pulled them. */
  async function twoRequests(wrap: (base: Transport, device: () => SyncClient) => Transport = (base) => base) {
    const candidate = await api.signup('Candidate');
    const a = newReference(candidate, 'ada@example.com', { referee_name: 'Ada', message: 'A, first words' });
    const b = newReference(candidate, 'bea@example.com', { referee_name: 'Bea', message: 'B, first words' });
    expect((await api.push(candidate, { references: { created: [a, b] } })).status).toBe(200);
    const base = createHttpTransport({ baseUrl: server.url, getToken: () => candidate.token });
    let device: SyncClient | null = null;
    device = await memoryClient(
      wrap(base, () => device!),
      { wall: () => Date.now(), userId: candidate.id },
    );
    await device.service.run();
    return { candidate, a, b, device };
  }

  /** Another device of the candidate changes the message, stamped `ahead` ms from now (the server keeps stamps up to 60 s ahead). */
  async function phoneEdits(candidate: TestUser, row: RawRecord, message: string, ahead: number) {
    expect((await api.push(candidate, { references: { updated: [updateOf(row, { message }, Date.now() + ahead)] } })).status).toBe(200);
  }

  async function messageOf(device: SyncClient, id: string) {
    const record = await device.database.get<Model>('references').find(id);
    return (record._raw as unknown as Record<string, unknown>).message;
  }

  const edit = (device: SyncClient, row: RawRecord, message: string) =>
    device.actions.editRequest(row.id, { refereeName: String(row.referee_name), refereeEmail: String(row.referee_email), message });

  it('push, pull, push again: a loss the second push reports is logged, and the device ends with the winning value', async () => {
    let pushes = 0;
    let during: (() => Promise<void>) | null = null;
    const t = await twoRequests((base) => ({
      pull: (since, limit) => base.pull(since, limit),
      push: async (changes, lastPulledAt) => {
        const response = await base.push(changes, lastPulledAt);
        pushes += 1;
        // While the run's first push is answered, the user edits B here, and the phone edits it later still.
        if (pushes === 1 && during) await during();
        return response;
      },
    }));
    await edit(t.device, t.a, 'A, edited on this device');
    await phoneEdits(t.candidate, t.a, 'A, from the phone', 20_000);
    during = async () => {
      during = null;
      await edit(t.device, t.b, 'B, edited on this device');
      await phoneEdits(t.candidate, t.b, 'B, from the phone', 40_000);
    };
    pushes = 0;

    const result = await t.device.service.run();

    // The first push sent A and lost; the follow-up pull brought the phone's A and B; its push sent our B and lost.
    expect(pushes).toBeGreaterThanOrEqual(2);
    expect(result.conflicts).toEqual(expect.arrayContaining([{ table: 'references', id: t.b.id, winner: 'server' }]));
    const log = await readConflictLog(t.device.store);
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: t.a.id, column: 'message', mine: 'A, edited on this device', winner: 'A, from the phone', source: 'push' }),
        expect.objectContaining({ id: t.b.id, column: 'message', mine: 'B, edited on this device', winner: 'B, from the phone', source: 'push' }),
      ]),
    );
    expect(log).toHaveLength(2);
    // Not our losing B, which the server never kept.
    expect(await messageOf(t.device, t.a.id)).toBe('A, from the phone');
    expect(await messageOf(t.device, t.b.id)).toBe('B, from the phone');
    expect(await t.device.store.outbox()).toEqual([]);
  });

  it('an edit that loses to a deletion made between the pull and the push is logged, with what Restore mine needs', async () => {
    let before: (() => Promise<void>) | null = null;
    const t = await twoRequests((base) => ({
      pull: (since, limit) => base.pull(since, limit),
      push: async (changes, lastPulledAt) => {
        const run = before;
        before = null;
        if (run) await run();
        return base.push(changes, lastPulledAt);
      },
    }));
    await edit(t.device, t.a, 'A, edited on this device');
    // The phone deletes A after this run's pull and before its push reaches the server.
    before = async () => {
      expect((await api.push(t.candidate, { references: { deleted: [t.a.id] } })).status).toBe(200);
    };

    await t.device.service.run();

    expect(await t.device.database.get<Model>('references').query().fetch()).toHaveLength(1);
    const log = await readConflictLog(t.device.store);
    expect(log).toEqual([
      expect.objectContaining({
        id: t.a.id,
        column: null,
        mine: { message: 'A, edited on this device' },
        winner: null,
        source: 'push',
        by: 'own-device',
        label: 'Ada <ada@example.com>',
        record: expect.objectContaining({ user_id: t.candidate.id, referee_name: 'Ada', referee_email: 'ada@example.com' }) as unknown,
      }),
    ]);
  });

  it('a push split into parts: the losses of every part are logged', async () => {
    const t = await twoRequests();
    const parts: number[] = [];
    const base = createHttpTransport({ baseUrl: server.url, getToken: () => t.candidate.token });
    const service = createSyncService({
      database: t.device.database,
      transport: {
        pull: (since, limit) => base.pull(since, limit),
        push: (changes, lastPulledAt) => {
          parts.push(Object.values(changes).reduce((n, set) => n + (set ? set.created.length + set.updated.length + set.deleted.length : 0), 0));
          return base.push(changes, lastPulledAt);
        },
      },
      store: t.device.store,
      clock: t.device.clock,
      wall: () => Date.now(),
      persistence: noPersistence,
      logger: silentLogger,
      pushChunkSize: 1,
      userId: () => t.candidate.id,
    });
    await edit(t.device, t.a, 'A, edited on this device');
    await edit(t.device, t.b, 'B, edited on this device');
    await phoneEdits(t.candidate, t.a, 'A, from the phone', 20_000);
    await phoneEdits(t.candidate, t.b, 'B, from the phone', 20_000);

    await service.run();

    expect(parts).toEqual([1, 1]);
    const log = await readConflictLog(t.device.store);
    expect(log.map((e) => [e.id, e.mine, e.winner])).toEqual(
      expect.arrayContaining([
        [t.a.id, 'A, edited on this device', 'A, from the phone'],
        [t.b.id, 'B, edited on this device', 'B, from the phone'],
      ]),
    );
    expect(log).toHaveLength(2);
    expect(await messageOf(t.device, t.a.id)).toBe('A, from the phone');
    expect(await messageOf(t.device, t.b.id)).toBe('B, from the phone');
  });
});
