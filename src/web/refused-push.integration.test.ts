/**
 * A record the real server refuses is not sent by the next syncs (they would
 * only be refused again) until the user retries or edits it; the other
 * records keep syncing. What was sent is read from the push requests' bodies
 * as they leave the transport.
 */
import type { Model } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { createHttpTransport } from '../sync/http-transport';
import type { ChangeSet } from '../sync/ports';
import { memoryClient } from '../sync/watermelon/testing/memory-client';

describe('a record the real server refused', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(() => server.close());

  it('is not in the next pushes until Retry or an edit, while other records still sync', async () => {
    const api = new TestClient(server);
    const candidate = await api.signup('Candidate');
    // Every push request's ids, from the body the transport sent.
    const pushes: string[][] = [];
    const transport = createHttpTransport({
      baseUrl: server.url,
      getToken: () => candidate.token,
      fetch: (input, init) => {
        if (String(input).includes('/api/sync/push') && typeof init?.body === 'string') {
          const { changes } = JSON.parse(init.body) as { changes: ChangeSet };
          pushes.push(
            Object.values(changes)
              .flatMap((set) => (set ? [...set.created, ...set.updated].map((r) => r.id).concat(set.deleted) : []))
              .sort(),
          );
        }
        return fetch(input, init);
      },
    });
    const device = await memoryClient(transport, { wall: () => Date.now(), userId: candidate.id });
    await device.service.run();
    const syncStatus = async (id: string) =>
      ((await device.database.get<Model>('references').find(id))._raw as unknown as Record<string, unknown>).sync_status;

    // The contract forbids a request addressed to the candidate's own email.
    const self = await device.actions.requestReference({ refereeName: 'Me', refereeEmail: candidate.email, message: '' });
    const ada = await device.actions.requestReference({ refereeName: 'Ada', refereeEmail: 'ada@example.com', message: '' });
    const first = await device.service.run();
    // The server sets a new request's created_at, so this run pulls and pushes again
    // after its first push: even that second push used to carry the refused record.
    expect(first.rejected).toBe(1);
    expect(pushes).toEqual([[ada, self].sort()]);
    const [failed] = await device.store.outbox();
    expect(failed).toMatchObject({ recordId: self, status: 'failed' });
    expect(failed?.error).toMatch(/^(forbidden|invalid): ./);

    const bea = await device.actions.requestReference({ refereeName: 'Bea', refereeEmail: 'bea@example.com', message: '' });
    const second = await device.service.run();
    expect(pushes.slice(1)).toEqual([[bea]]);
    expect(second).toMatchObject({ pushed: 1, rejected: 0 });
    expect(await syncStatus(bea)).toBe('synced');
    expect(await syncStatus(self)).toBe('error');
    expect(await device.store.outbox()).toEqual([failed]);

    // Nothing new: no push request at all.
    await device.service.run();
    expect(pushes).toHaveLength(2);

    // Retry sends it again (the server refuses it again).
    await device.engine.retryFailed();
    expect(pushes.slice(2)).toEqual([[self]]);
    expect(await device.store.outbox()).toEqual([failed]);

    // So does an edit, which here makes it acceptable.
    await device.actions.editRequest(self, { refereeName: 'Cy', refereeEmail: 'cy@example.com', message: '' });
    await device.service.run();
    expect(pushes.slice(3)).toEqual([[self]]);
    expect(await device.store.outbox()).toEqual([]);
    expect(await syncStatus(self)).toBe('synced');
    const onServer = (await api.pullAll(candidate)).pages.flatMap((p) => [...p.changes.references.created, ...p.changes.references.updated]);
    expect(onServer.map((r) => [r.id, r.referee_email]).sort()).toEqual(
      [
        [ada, 'ada@example.com'],
        [bea, 'bea@example.com'],
        [self, 'cy@example.com'],
      ].sort(),
    );
  }, 60_000);
});
