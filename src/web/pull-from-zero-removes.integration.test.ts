/**
 * A pull from 0 brings what the user may see now, and no deletions (CONTRACT
 * §3). A device that already holds data and pulls from 0 again (after the
 * person discarded a refused change, or when the winner of a conflict is
 * older than its cursor) must therefore drop the synced records that pull
 * did not bring: they were deleted, or addressed away, while it was not
 * pulling. Records with local changes stay, and the rest of the data too.
 * Real server (PGlite), real WatermelonDB engines.
 */
import type { Model } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, type TestUser } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { createHttpTransport } from '../sync/http-transport';
import { memoryClient } from '../sync/watermelon/testing/memory-client';

describe('a pull from 0 on a device that holds data', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(() => server.close());

  const device = (user: TestUser) =>
    memoryClient(createHttpTransport({ baseUrl: server.url, getToken: () => user.token }), { wall: () => Date.now(), userId: user.id });
  const ids = async (d: Awaited<ReturnType<typeof device>>) => (await d.database.get<Model>('references').query().fetch()).map((r) => r.id).sort();

  it('drops the records deleted or addressed away meanwhile, and keeps the others and its own unsent ones', async () => {
    const api = new TestClient(server);
    const candidate = await api.signup('Candidate');
    const referee = await api.signup('Referee');
    const phone = await device(candidate);
    const laptop = await device(candidate);
    const inbox = await device(referee);

    const kept = await phone.actions.requestReference({ refereeName: 'Kept', refereeEmail: referee.email, message: '' });
    const deleted = await phone.actions.requestReference({ refereeName: 'Deleted', refereeEmail: referee.email, message: '' });
    const moved = await phone.actions.requestReference({ refereeName: 'Moved', refereeEmail: referee.email, message: '' });
    await phone.service.run();
    await laptop.service.run();
    await inbox.service.run();
    expect(await ids(laptop)).toEqual([deleted, kept, moved].sort());
    expect(await ids(inbox)).toEqual([deleted, kept, moved].sort());

    // While the laptop and the referee's device do not pull: one deleted, one addressed to someone else.
    await phone.actions.deleteReference(deleted);
    await phone.actions.editRequest(moved, { refereeName: 'Moved', refereeEmail: 'someone.else@example.com', message: '' });
    await phone.service.run();

    // The laptop sends a request the server refuses (addressed to the candidate), which the person
    // discards: that asks for a pull from 0. It also holds a new request it has not sent yet.
    const self = await laptop.actions.requestReference({ refereeName: 'Me', refereeEmail: candidate.email, message: '' });
    await laptop.service.run({ pull: false });
    expect(await laptop.store.outbox()).toEqual([expect.objectContaining({ recordId: self, status: 'failed' })]);
    await laptop.store.discard('references', self);
    const unsent = await laptop.actions.requestReference({ refereeName: 'Unsent', refereeEmail: 'new@example.com', message: '' });
    const full = await laptop.service.run();
    expect(full.fullPull).toBe(true);
    // The candidate still sees the re-addressed one; the deleted one is gone; the new one was kept (and sent).
    expect(await ids(laptop)).toEqual([kept, moved, unsent].sort());

    // The referee's device pulls from 0 too (its cursor was lost): the two it may no longer see go.
    await inbox.store.setMeta('full_pull_needed', '1');
    expect((await inbox.service.run()).fullPull).toBe(true);
    expect(await ids(inbox)).toEqual([kept]);
  });
});
